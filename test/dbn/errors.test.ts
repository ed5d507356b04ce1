// Bad input: each failure is a DbnError naming the file, byte offset, record index and what was
// expected; `tolerate` skips skippable records and reports them.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ColumnBatch } from '../../src/data/batch.js';
import { DbnError, concatBatches, encodeDbn, readDbnAll } from '../../src/data/dbn/index.js';
import { syntheticMboBatches } from '../../src/data/dbn/synthetic.js';
import { DATA_DIR, sharedDataAvailable } from './paths.js';

const N = 200;
function mboBytes(mutate?: (b: ColumnBatch) => void): Uint8Array {
  const batches = [...syntheticMboBatches({ records: N, seed: 5 })];
  if (mutate) mutate(batches[0]!);
  return encodeDbn({ dataset: 'GLBX.MDP3', schema: 'mbo' }, batches);
}
const recordsStart = (bytes: Uint8Array) => 8 + new DataView(bytes.buffer, bytes.byteOffset).getUint32(4, true);

async function failure(input: Uint8Array | string, opts: Parameters<typeof readDbnAll>[1] = {}): Promise<DbnError> {
  try {
    await readDbnAll(input, { file: 'bad.dbn', ...opts });
  } catch (e) {
    expect(e).toBeInstanceOf(DbnError);
    return e as DbnError;
  }
  throw new Error('expected a DbnError');
}

describe('DBN errors', () => {
  it('bad magic', async () => {
    const e = await failure(new TextEncoder().encode('PAR1 this is not dbn at all'));
    expect(e.code).toBe('bad-magic');
    expect(e.message).toMatch(/^bad\.dbn: byte 0: bad-magic: expected "DBN"/);
  });

  it('unknown version', async () => {
    const bytes = mboBytes();
    bytes[3] = 9;
    const e = await failure(bytes);
    expect(e.code).toBe('unknown-version');
    expect(e.byteOffset).toBe(3);
    expect(e.message).toContain('version 9');
  });

  it('truncated metadata', async () => {
    const e = await failure(mboBytes().subarray(0, 60));
    expect(e.code).toBe('truncated');
  });

  it('truncated record at the end: error, or skipped and reported under tolerate', async () => {
    const bytes = mboBytes();
    const cut = bytes.subarray(0, bytes.length - 10);
    const e = await failure(cut);
    expect(e.code).toBe('truncated');
    expect(e.recordIndex).toBe(N - 1);
    expect(e.byteOffset).toBe(recordsStart(bytes) + (N - 1) * 56);
    expect(e.message).toContain('bad.dbn');
    expect(e.message).toContain(`record ${N - 1}`);
    const r = await readDbnAll(cut, { tolerate: true });
    expect(r.rowCount).toBe(N - 1);
    expect(r.skipped).toBe(1);
    expect(r.issues).toEqual([{ code: 'truncated', recordIndex: N - 1, byteOffset: recordsStart(bytes) + (N - 1) * 56, reason: expect.stringContaining('46 bytes') }]);
  });

  it('unknown rtype', async () => {
    const bytes = mboBytes();
    const at = recordsStart(bytes) + 5 * 56;
    bytes[at + 1] = 0x99;
    const e = await failure(bytes);
    expect(e.code).toBe('unknown-rtype');
    expect([e.recordIndex, e.byteOffset]).toEqual([5, at]);
    expect(e.message).toContain('rtype 0x99');
    const r = await readDbnAll(bytes, { tolerate: true });
    expect(r.rowCount).toBe(N - 1);
    expect(r.issues.map((i) => [i.code, i.recordIndex, i.byteOffset])).toEqual([['unknown-rtype', 5, at]]);
    // the rows around the skipped one are intact
    const ids = concatBatches(r.batches).columns.sequence as Uint32Array;
    const all = concatBatches([...syntheticMboBatches({ records: N, seed: 5 })]).columns.sequence as Uint32Array;
    expect(Array.from(ids)).toEqual([...Array.from(all.subarray(0, 5)), ...Array.from(all.subarray(6))]);
  });

  it('record length mismatch (a 64-byte MBO record)', async () => {
    const bytes = mboBytes();
    const at = recordsStart(bytes) + 7 * 56;
    // Insert 8 bytes after record 7 and declare it 64 bytes long: the stream stays in sync.
    const grown = new Uint8Array(bytes.length + 8);
    grown.set(bytes.subarray(0, at + 56));
    grown.set(bytes.subarray(at + 56), at + 64);
    grown[at] = 16;
    const e = await failure(grown);
    expect(e.code).toBe('length-mismatch');
    expect([e.recordIndex, e.byteOffset]).toEqual([7, at]);
    expect(e.message).toContain('expected 56 bytes for MboMsg');
    const r = await readDbnAll(grown, { tolerate: true });
    expect([r.rowCount, r.skipped, r.issues[0]!.code]).toEqual([N - 1, 1, 'length-mismatch']);
  });

  it('a record length shorter than a header is fatal even under tolerate', async () => {
    const bytes = mboBytes();
    bytes[recordsStart(bytes) + 3 * 56] = 2;
    for (const tolerate of [false, true]) {
      const e = await failure(bytes, { tolerate });
      expect(e.code).toBe('bad-record-length');
      expect(e.recordIndex).toBe(3);
    }
  });

  it('wrong schema: metadata, and records of a mixed stream', async () => {
    const e = await failure(mboBytes(), { expectSchema: 'trades' });
    expect(e.code).toBe('wrong-schema');
    expect(e.message).toContain('expected schema trades, found metadata schema mbo');

    // A mixed file (schema null): MBO then trades.
    const mbo = [...syntheticMboBatches({ records: 10, seed: 1 })][0]!;
    const trades: ColumnBatch = {
      schema: 'trades',
      length: 2,
      columns: {
        publisher_id: new Uint16Array([1, 1]), instrument_id: new Uint32Array([7, 7]), ts_event: new BigUint64Array([5n, 6n]),
        price: new BigInt64Array([100n, 200n]), size: new Uint32Array([1, 2]), action: new Uint8Array([84, 84]), side: new Uint8Array([65, 66]),
        flags: new Uint8Array([0, 0]), depth: new Uint8Array([0, 0]), ts_recv: new BigUint64Array([9n, 10n]), ts_in_delta: new Int32Array([0, 0]), sequence: new Uint32Array([1, 2]),
      },
    };
    const mixed = encodeDbn({ dataset: 'GLBX.MDP3', schema: null }, [mbo, trades]);
    const all = await readDbnAll(mixed);
    expect(all.batches.map((b) => [b.schema, b.length])).toEqual([['mbo', 10], ['trades', 2]]);
    const e2 = await failure(mixed, { expectSchema: 'mbo' });
    expect(e2.code).toBe('wrong-schema');
    expect(e2.recordIndex).toBe(10);
    const r = await readDbnAll(mixed, { expectSchema: 'mbo', tolerate: true });
    expect([r.rowCount, r.skipped]).toEqual([10, 2]);
    expect(r.issues.map((i) => i.recordIndex)).toEqual([10, 11]);
  });

  it('timestamps out of order when monotonic is asked for', async () => {
    const bytes = mboBytes((b) => {
      const ts = b.columns.ts_recv as BigUint64Array;
      ts[100] = ts[99]! - 1n;
    });
    expect((await readDbnAll(bytes)).rowCount).toBe(N); // not checked unless asked
    const e = await failure(bytes, { monotonic: true });
    expect(e.code).toBe('out-of-order');
    expect([e.recordIndex, e.byteOffset]).toEqual([100, recordsStart(bytes) + 100 * 56]);
    expect(e.message).toContain('ts_recv');
    const r = await readDbnAll(bytes, { monotonic: true, tolerate: true });
    expect([r.rowCount, r.skipped, r.issues[0]!.recordIndex]).toEqual([N - 1, 1, 100]);
    const ts = concatBatches(r.batches).columns.ts_recv as BigUint64Array;
    for (let i = 1; i < ts.length; i++) expect(ts[i]! >= ts[i - 1]!).toBe(true);
  });

  it('gateway records among market data are reported as control messages', async () => {
    const bytes = mboBytes();
    const at = recordsStart(bytes) + 2 * 56;
    const sys = new Uint8Array(320);
    sys[0] = 80; // 320 / 4
    sys[1] = 0x17;
    sys.set(new TextEncoder().encode('Heartbeat'), 16);
    const withSys = new Uint8Array(bytes.length + 320);
    withSys.set(bytes.subarray(0, at));
    withSys.set(sys, at);
    withSys.set(bytes.subarray(at), at + 320);
    const seen: string[] = [];
    const r = await readDbnAll(withSys, { onControl: (m) => seen.push(String(m.fields.msg)) });
    expect(r.rowCount).toBe(N);
    expect(r.recordCount).toBe(N + 1);
    expect(seen).toEqual(['Heartbeat']);
    expect(r.control[0]).toMatchObject({ kind: 'system', recordIndex: 2, byteOffset: at });
  });

  it.skipIf(!sharedDataAvailable)('truncated zstd file', async () => {
    const z = readFileSync(DATA_DIR + 'esh4-glbx-mdp3-20231224.mbo.dbn.zst');
    const e = await failure(new Uint8Array(z.subarray(0, Math.floor(z.length / 2))));
    expect(['truncated', 'zstd']).toContain(e.code);
    expect(e.message).toContain('bad.dbn');
  });

  it('writer refuses batches that do not fit', () => {
    const b = [...syntheticMboBatches({ records: 3, seed: 1 })][0]!;
    delete b.columns.price;
    expect(() => encodeDbn({ dataset: 'X', schema: 'mbo' }, [b])).toThrow(/column 'price'/);
    const c = [...syntheticMboBatches({ records: 3, seed: 1 })][0]!;
    expect(() => encodeDbn({ dataset: 'X', schema: 'trades' }, [c])).toThrow(/batches of schema trades/);
  });
});
