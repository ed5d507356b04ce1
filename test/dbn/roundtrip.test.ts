// Decode -> encode (DBN v3) -> decode gives the same columns; the fast decoder agrees with the
// reference decoder on every file; decoding is independent of how the bytes are chunked.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { decompress } from 'fzstd';
import { describe, expect, it } from 'vitest';
import type { ColumnBatch } from '../../src/data/batch.js';
import { DbnDecoder, concatBatches, encodeDbn, openDbn, readDbnAll, writeDbn } from '../../src/data/dbn/index.js';
import { decodeReference } from '../../src/data/dbn/reference.js';
import { syntheticMboBatches } from '../../src/data/dbn/synthetic.js';
import { DATA_DIR, FORMAT_DIR, sharedDataAvailable } from './paths.js';

const str = (c: ArrayLike<unknown>) => Array.from(c, String);

function expectSameColumns(a: ColumnBatch, b: ColumnBatch, what: string, map: (name: string, v: string[]) => string[] = (_, v) => v) {
  expect(b.length, what).toBe(a.length);
  for (const name of Object.keys(a.columns)) {
    if (!(name in b.columns)) continue;
    expect(str(b.columns[name]!), `${what} ${name}`).toEqual(map(name, str(a.columns[name]!)));
  }
  for (const name of Object.keys(a.strings ?? {})) {
    if (b.strings?.[name]) expect(b.strings[name], `${what} ${name}`).toEqual(a.strings![name]);
  }
}

describe.skipIf(!sharedDataAvailable)('round trip through the v3 writer', () => {
  it('real MBO day: decode v1, encode v3, decode again: identical columns and types', async () => {
    const first = await readDbnAll(DATA_DIR + 'esh4-glbx-mdp3-20231225.mbo.dbn.zst');
    const bytes = encodeDbn(first.metadata, first.batches);
    const second = await readDbnAll(bytes, { file: 'reencoded' });
    expect(second.metadata.version).toBe(3);
    expect(second.metadata.symbols).toEqual(first.metadata.symbols);
    expect(second.metadata.mappings).toEqual(first.metadata.mappings);
    expect(second.metadata.start).toBe(first.metadata.start);
    expect(second.metadata.end).toBe(first.metadata.end);
    expect(second.metadata.schema).toBe('mbo');
    const a = concatBatches(first.batches);
    const b = concatBatches(second.batches);
    expect(Object.keys(b.columns)).toEqual(Object.keys(a.columns));
    for (const name of Object.keys(a.columns)) {
      expect(b.columns[name]!.constructor, name).toBe(a.columns[name]!.constructor);
      expect(Buffer.from(b.columns[name]!.buffer, b.columns[name]!.byteOffset, b.columns[name]!.byteLength).equals(
        Buffer.from(a.columns[name]!.buffer, a.columns[name]!.byteOffset, a.columns[name]!.byteLength)), name).toBe(true);
    }
    // The MBO records themselves are byte-identical between v1 and v3.
    const raw = decompress(readFileSync(DATA_DIR + 'esh4-glbx-mdp3-20231225.mbo.dbn.zst'));
    const rawStart = 8 + new DataView(raw.buffer).getUint32(4, true);
    const newStart = 8 + new DataView(bytes.buffer).getUint32(4, true);
    expect(Buffer.from(bytes.subarray(newStart)).equals(Buffer.from(raw.subarray(rawStart)))).toBe(true);
  });

  it('every format/ file (all schemas, all versions) survives decode -> v3 -> decode', async () => {
    for (const f of readdirSync(FORMAT_DIR).filter((x) => x.includes('.dbn'))) {
      const first = await readDbnAll(FORMAT_DIR + f);
      if (first.rowCount === 0) continue;
      const second = await readDbnAll(encodeDbn(first.metadata, first.batches), { file: f });
      expect(second.metadata.version).toBe(3);
      // v1/v2 statistics: the i32 null quantity becomes the i64 null in v3
      expectSameColumns(concatBatches(first.batches), concatBatches(second.batches), f, (name, v) =>
        name === 'quantity' && first.metadata.version < 3 ? v.map((x) => (x === '2147483647' ? '9223372036854775807' : x)) : v,
      );
    }
  });

  it('writeDbn streams a synthetic day to a file that openDbn reads back in batches', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'dbn-'));
    try {
      const file = path.join(dir, 'synthetic.mbo.dbn');
      const res = await writeDbn(file, { dataset: 'GLBX.MDP3', schema: 'mbo', symbols: ['ESH4'], start: 1n, end: 2n }, syntheticMboBatches({ records: 20_000, batchSize: 3_000, seed: 3 }));
      expect(res.records).toBe(20_000);
      const r = await openDbn(file, { batchSize: 4_096, expectSchema: 'mbo', monotonic: true, readChunkSize: 100_003 });
      expect(r.metadata.end).toBe(2n);
      const got: ColumnBatch[] = [];
      for await (const b of r.batches()) got.push(b);
      expect(got.map((b) => b.length)).toEqual([...Array(4).fill(4_096), 20_000 - 4 * 4_096]);
      expectSameColumns(concatBatches([...syntheticMboBatches({ records: 20_000, batchSize: 3_000, seed: 3 })]), concatBatches(got), 'synthetic');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!sharedDataAvailable)('fast decoder vs reference decoder', () => {
  it('agree field by field on every file', async () => {
    const files = [
      ...readdirSync(FORMAT_DIR).filter((x) => x.includes('.dbn')).map((x) => FORMAT_DIR + x),
      ...readdirSync(DATA_DIR).filter((x) => x.endsWith('.dbn.zst')).filter((x) => !x.startsWith('esh4-glbx-mdp3-20231225')).map((x) => DATA_DIR + x),
    ];
    for (const file of files) {
      const raw = readFileSync(file);
      const bytes = file.endsWith('.zst') ? decompress(raw) : new Uint8Array(raw);
      const ref = decodeReference(bytes);
      const fast = await readDbnAll(bytes, { file });
      expect(fast.rowCount, file).toBe(ref.records.length);
      let i0 = 0;
      for (const b of fast.batches) {
        const recs = ref.records.slice(i0, i0 + b.length);
        expect(recs.every((rec) => rec.schema === b.schema), file).toBe(true);
        for (const name of Object.keys(recs[0]!.fields)) {
          if (name === 'length') continue;
          const col = b.columns[name] ?? b.strings?.[name];
          expect(col, `${file} ${name}`).toBeDefined();
          const want = recs.map((rec) => rec.fields[name]);
          const got = Array.from(col as ArrayLike<unknown>, (x, k) => (typeof want[k] === 'string' && typeof x === 'number' ? String.fromCharCode(x) : x));
          expect(got, `${file} ${name}`).toEqual(want);
        }
        i0 += b.length;
      }
    }
  });
});

describe('reuseBatches', () => {
  it('recycled batch memory still delivers every row correctly to a streaming consumer', async () => {
    const bytes = encodeDbn({ dataset: 'GLBX.MDP3', schema: 'mbo' }, syntheticMboBatches({ records: 20_000, seed: 9 }));
    const expected = concatBatches([...syntheticMboBatches({ records: 20_000, seed: 9 })]);
    const r = await openDbn(bytes, { batchSize: 1_000, reuseBatches: true, readChunkSize: 56 * 700 });
    let row = 0;
    let prev: ColumnBatch | undefined;
    let prevFirst = 0n;
    const buffers = new Set<ArrayBufferLike>();
    for await (const b of r.batches()) {
      // the previous batch is still intact while this one is processed
      if (prev) expect((prev.columns.order_id as BigUint64Array)[0]).toBe(prevFirst);
      expect(Array.from(b.columns.price as BigInt64Array)).toEqual(Array.from((expected.columns.price as BigInt64Array).subarray(row, row + b.length)));
      buffers.add(b.columns.price!.buffer);
      row += b.length;
      prev = b;
      prevFirst = (b.columns.order_id as BigUint64Array)[0]!;
    }
    expect(row).toBe(20_000);
    expect(buffers.size).toBeLessThan(8); // memory was recycled
  });
});

describe('chunking does not change the result', () => {
  it('random chunk sizes (1..2000 bytes, unaligned) decode like one buffer', () => {
    const bytes = encodeDbn({ dataset: 'GLBX.MDP3', schema: 'mbo' }, syntheticMboBatches({ records: 3_000, seed: 11 }));
    const whole = new DbnDecoder({ batchSize: 1_000 });
    const expected = concatBatches([...whole.push(bytes), ...whole.end()]);
    let seed = 12345;
    const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    for (let trial = 0; trial < 3; trial++) {
      const d = new DbnDecoder({ batchSize: 1_000 });
      const out: ColumnBatch[] = [];
      for (let i = 0; i < bytes.length; ) {
        const n = 1 + Math.floor(rand() * 2000);
        // copy into a buffer at an odd offset so the copy path is exercised
        const chunk = new Uint8Array(n + 1).subarray(1);
        chunk.set(bytes.subarray(i, i + n));
        out.push(...d.push(chunk.subarray(0, Math.min(n, bytes.length - i))));
        i += n;
      }
      out.push(...d.end());
      expect(out.every((b) => b.length <= 1_000)).toBe(true);
      expectSameColumns(expected, concatBatches(out), `trial ${trial}`);
    }
  });
});
