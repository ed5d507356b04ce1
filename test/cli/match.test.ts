// `contango match`: the compiled CLI (bin/contango.js → dist/) on a small session file, on stdin, with
// both engines, and on bad input (error lines naming line and field; --strict stops with exit code 2).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = fileURLToPath(new URL('../../bin/contango.js', import.meta.url));
const fixture = fileURLToPath(new URL('./fixtures/session.jsonl', import.meta.url));
const built = existsSync(new URL('../../dist/src/cli/commands/match.js', import.meta.url));
const wasmBuilt = existsSync(new URL('../../build/contango.wasm', import.meta.url));

function contango(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, input, encoding: 'utf8', timeout: 60_000 });
  const lines = r.stdout.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>);
  return { code: r.status, lines, stderr: r.stderr };
}

describe('contango match', () => {
  it('is built (npm run build:ts)', () => {
    expect(built, 'dist/src/cli/commands/match.js is missing: run npm run build:ts first').toBe(true);
  });

  it.runIf(built)('runs a session file through the reference book', () => {
    const { code, lines, stderr } = contango(['match', '--engine', 'reference', fixture]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const brief = lines.map((l) => `${l.line} ${l.event} ${l.id ?? l.taker ?? l.bid ?? ''} ${l.reason ?? ''}`.trim());
    expect(brief).toEqual([
      '2 instrument_defined',
      '3 accepted 1',
      '4 accepted 2',
      '5 accepted 3',
      '6 state_changed',
      '6 fill 1', // uncross: 3 lots at 4800.50 (tie on volume and imbalance: closest to the reference 4800.00)
      '7 accepted 4',
      '8 accepted 5',
      '8 fill 5',
      '8 fill 5', // iceberg #4 refilled
      '8 triggered 3', // the trade at 4802.25 elected the buy stop at 4800.75
      '8 fill 3',
      '9 modified 1',
      '10 accepted 6',
      '11 accepted 7',
      '11 cancelled 7 SELF_MATCH',
      '12 rejected 8 PRICE_OUTSIDE_BAND', // band: last trade 4802.25 + 40 ticks = 4812.25
      '13 accepted 9',
      '14 expired 4 GTD',
      '15 cancelled 9 MASS_CANCEL',
      '16 expired 1 DAY',
      '16 expired 6 DAY',
    ]);
    // the uncross fill, field by field: bid/ask instead of taker/maker, no aggressor, decimal price
    expect(lines[5]).toEqual({
      event: 'fill', line: 6, seq: '6', ts: '1709303400000000000', instrument: 1, bid: '1', ask: '2', aggressor: 'none',
      price: '4800.5', qty: 3, bidLeaves: 2, askLeaves: 0,
    });
    expect(lines[3]).toMatchObject({ event: 'accepted', id: '3', type: 'stop', price: '4802.75', stopPrice: '4800.75', qty: 1 });
    expect(lines[7]).toMatchObject({ event: 'accepted', id: '5', type: 'market', price: '4804.25' });
    expect(lines[13]).toMatchObject({ event: 'accepted', id: '6', side: 'sell', price: '4802' }); // integer 1e-9 units in
    expect(lines[18]).toEqual({
      event: 'expired', line: 14, seq: '19', ts: '1709303460000000000', instrument: 1, id: '4', side: 'sell', type: 'limit',
      reason: 'GTD', price: '4802.25', qty: 6,
    });
  });

  it.runIf(built && wasmBuilt)('gives the same lines with the WebAssembly engine, also from stdin', async () => {
    const { readFileSync } = await import('node:fs');
    const viaReference = contango(['match', '--engine', 'reference', fixture]);
    const viaWasm = contango(['match'], readFileSync(fixture, 'utf8'));
    expect(viaWasm.code).toBe(0);
    expect(viaWasm.lines).toEqual(viaReference.lines);
  });

  const bad = [
    '{"cmd":"instrument","instrument":1,"tick":"0.25","maxQty":10}',
    '{"cmd":"order","id":"1","instrument":1,"side":"buy","price":"4800.123","qty":1}',
    '{"cmd":"order","id":"2","instrument":1,"side":"buy","price":"4800.0000000001","qty":1}',
    '{"cmd":"order", "id": ',
    '{"cmd":"order","id":"3","instrument":1,"side":"sideways","price":"4800","qty":1}',
    '{"cmd":"order","id":"4","instrument":1,"side":"buy","price":"4800","qty":-1}',
    '{"cmd":"order","id":"5","instrument":1,"side":"buy","price":"4800","qty":1,"prise":"1"}',
    '{"cmd":"teleport"}',
    '[1,2]',
    '{"cmd":"order","id":"6","instrument":1,"side":"buy","price":"4800","qty":0}',
    '{"cmd":"cancel","id":"18446744073709551616"}',
    '{"cmd":"order","id":"7","instrument":1,"side":"buy","tif":"gtd","price":"4800","qty":1}',
    '{"cmd":"modify","id":"1","qty":1}',
  ].join('\n');

  it.runIf(built)('reports bad lines with line and field, and goes on', () => {
    const { code, lines, stderr } = contango(['match', '--engine', 'reference'], bad);
    expect(code).toBe(0);
    const brief = lines.map((l) => (l.event === 'error' ? `${l.line} error ${l.field ?? '-'}` : `${l.line} ${l.event} ${l.reason ?? ''}`.trim()));
    expect(brief).toEqual([
      '1 instrument_defined',
      '2 rejected INVALID_PRICE_TICK', // exact decimal, just not on the 0.25 tick: the engine's call
      '3 error price', // more than 9 decimals cannot be represented
      '4 error -', // malformed JSON
      '5 error side',
      '6 error qty',
      '7 error prise',
      '8 error cmd',
      '9 error -',
      '10 rejected INVALID_QUANTITY',
      '11 error id',
      '12 error expireTs',
      '13 error price',
    ]);
    expect(lines[2]!.message).toMatch(/more than 9 decimals/);
    expect(stderr).toContain("contango match: line 5, field 'side': \"sideways\" is not one of buy, sell");
  });

  it.runIf(built)('--strict stops at the first bad line with exit code 2, after the events before it', () => {
    const { code, lines } = contango(['match', '--strict', '--engine', 'reference'], bad);
    expect(code).toBe(2);
    expect(lines.map((l) => l.event)).toEqual(['instrument_defined', 'rejected', 'error']);
  });

  it.runIf(built)('a missing file is a clear error, not a crash', () => {
    const r = contango(['match', '--engine', 'reference', 'no/such/file.jsonl']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/contango: .*no\/such\/file\.jsonl/);
  });

  it.runIf(built)('produces exactly the worked session of docs/jsonl.md', async () => {
    const { readFileSync } = await import('node:fs');
    const doc = readFileSync(new URL('../../docs/jsonl.md', import.meta.url), 'utf8');
    const section = (from: string, to: string) =>
      doc.slice(doc.indexOf(from), doc.indexOf(to, doc.indexOf(from))).split('\n').filter((l) => l.startsWith('{'));
    const input = section('## A worked session', '\nOutput:');
    const expected = section('\nOutput:', 'The opening uncross');
    expect(input.length).toBeGreaterThan(5);
    const r = contango(['match', '--engine', 'reference'], input.join('\n'));
    expect(r.lines).toEqual(expected.map((l) => JSON.parse(l)));
  });

  it.runIf(built)('explains itself', () => {
    const r = spawnSync(process.execPath, [bin, 'match', '--help'], { cwd: root, encoding: 'utf8' });
    expect(r.stdout).toContain('docs/jsonl.md');
    expect(r.stdout).toContain('--strict');
  });
});
