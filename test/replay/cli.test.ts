// `contango replay` and `contango generate mbo-day` through the compiled CLI (bin/contango.js → dist/).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { readParquetFile } from '../../src/data/parquet/index.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = fileURLToPath(new URL('../../bin/contango.js', import.meta.url));
const built = existsSync(new URL('../../dist/src/cli/commands/replay.js', import.meta.url));
const ES = fileURLToPath(new URL('../../../shared/data/databento/esh4-glbx-mdp3-20231225.mbo.dbn.zst', import.meta.url));
const dir = mkdtempSync(path.join(os.tmpdir(), 'contango-replay-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function contango(args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe.runIf(built)('contango replay (CLI)', () => {
  it.runIf(existsSync(ES))('replays the ES day strictly, writes MBP-10 rows every 10 minutes and the summary', async () => {
    const book = path.join(dir, 'es.parquet');
    const sum = path.join(dir, 'es.json');
    const r = contango(['replay', ES, '--open', '23:00', '--strict', '--every', '10m', '--book-out', book, '--summary', sum]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/unknown ids 0 .* negative sizes 0/);
    expect(r.stdout).toMatch(/crossed at LAST: in pre-open 891, outside 0/);
    const j = JSON.parse(readFileSync(sum, 'utf8')) as { files: { summary: { totals: Record<string, number>; instruments: { restingOrders: number }[] } }[] };
    expect(j.files[0]!.summary.totals).toEqual({ unknownIds: 0, negativeSizes: 0, crossedOutsidePreopen: 0, crossedInPreopen: 891 });
    expect(j.files[0]!.summary.instruments[0]!.restingOrders).toBe(11_217);
    const b = await readParquetFile(book);
    expect(b.schema).toBe('mbp-10');
    expect(b.length).toBeGreaterThan(100);
  });

  it.runIf(existsSync(ES))('--strict fails when crossed books outside the pre-open are seen (no --open given)', () => {
    const r = contango(['replay', ES, '--strict', '--summary', path.join(dir, 'strict.json')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/crossed outside pre-open 891/);
  });

  it('generate mbo-day writes a file that replays clean', () => {
    const f = path.join(dir, 'day.dbn');
    const g = contango(['generate', 'mbo-day', '--out', f, '--records', '20000', '--seed', '9']);
    expect(g.code).toBe(0);
    const r = contango(['replay', f, '--open', '23:00', '--strict', '--summary', path.join(dir, 'day.json')]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('bad options are named', () => {
    const r = contango(['replay', 'x.dbn', '--levels', '5']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/--levels: found "5"; allowed: 1 or 10/);
  });
});
