// Bad input: every error names the file, the row and the column, and says what was expected;
// `tolerate` skips bad rows and reports how many and which.
import { rmSync } from 'node:fs';
import path from 'node:path';
import * as arrow from 'apache-arrow';
import { afterAll, describe, expect, test } from 'vitest';
import { readParquetFile } from '../../src/data/parquet/reader.js';
import { syntheticMbo } from '../../src/data/parquet/synthetic.js';
import { writeParquetFile } from '../../src/data/parquet/writer.js';
import { tmpDir, writeArrowParquet } from './helpers.js';

const dir = tmpDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const N = 100_000; // two row groups: row numbers must count across them

async function mboFile(name: string, edit: (b: ReturnType<typeof syntheticMbo>) => void, priceType: 'float' | 'fixed' = 'fixed') {
  const b = syntheticMbo(N, 11);
  edit(b);
  const file = path.join(dir, name);
  await writeParquetFile(file, 'mbo', [b], { priceType });
  return file;
}

describe('errors name file, row, column and what was expected', () => {
  test('missing column', async () => {
    const b = syntheticMbo(10, 1);
    const vecs: Record<string, arrow.Vector> = {};
    for (const [k, v] of Object.entries(b.columns)) if (k !== 'order_id' && k !== 'ts_recv' && k !== 'ts_event') vecs[k] = arrow.makeVector(v as Uint8Array);
    vecs['ts_recv'] = arrow.makeVector(new BigInt64Array((b.columns['ts_recv'] as BigUint64Array).buffer));
    vecs['ts_event'] = arrow.makeVector(BigInt64Array.from(b.columns['ts_event'] as BigUint64Array, (v) => BigInt.asIntN(64, v)));
    const file = writeArrowParquet(path.join(dir, 'missing.parquet'), vecs);
    await expect(readParquetFile(file, { schema: 'mbo' })).rejects.toThrow(
      new RegExp(`${file.replace(/[.]/g, '\\.')}: column 'order_id': missing column 'order_id'; expected the mbo layout`),
    );
  });

  test('wrong type', async () => {
    const b = syntheticMbo(10, 1);
    const vecs: Record<string, arrow.Vector> = {};
    for (const [k, v] of Object.entries(b.columns)) vecs[k] = arrow.makeVector(v as Uint8Array);
    vecs['ts_recv'] = arrow.makeVector(new BigInt64Array((b.columns['ts_recv'] as BigUint64Array).buffer));
    vecs['ts_event'] = arrow.makeVector(BigInt64Array.from(b.columns['ts_event'] as BigUint64Array, (v) => BigInt.asIntN(64, v)));
    vecs['price'] = arrow.vectorFromArray(Array.from({ length: 10 }, () => '4800.25'), new arrow.Utf8());
    const file = writeArrowParquet(path.join(dir, 'wrongtype.parquet'), vecs);
    await expect(readParquetFile(file)).rejects.toThrow(/wrongtype\.parquet: column 'price': expected a price as float64.*found Utf8/);
  });

  test('undefined price on an add', async () => {
    const file = await mboFile('undef.parquet', (b) => {
      (b.columns['action'] as Uint8Array)[70_001] = 65; // 'A'
      (b.columns['price'] as BigInt64Array)[70_001] = 0x7fff_ffff_ffff_ffffn;
    }, 'float');
    await expect(readParquetFile(file)).rejects.toThrow(/undef\.parquet: row 70001, column 'price': undefined price on action 'A'; expected a price/);
  });

  test('float price that is not exact in 1e-9 units', async () => {
    const b = syntheticMbo(1000, 2);
    const vecs: Record<string, arrow.Vector> = {};
    for (const [k, v] of Object.entries(b.columns)) vecs[k] = arrow.makeVector(v as Uint8Array);
    vecs['ts_recv'] = arrow.makeVector(new BigInt64Array((b.columns['ts_recv'] as BigUint64Array).buffer));
    vecs['ts_event'] = arrow.makeVector(BigInt64Array.from(b.columns['ts_event'] as BigUint64Array, (v) => BigInt.asIntN(64, v)));
    const px = Float64Array.from(b.columns['price'] as BigInt64Array, (p) => (p === 0x7fff_ffff_ffff_ffffn ? NaN : Number(p) / 1e9));
    px[617] = 4800.2500000001;
    vecs['price'] = arrow.makeVector(px);
    vecs['action'] = arrow.vectorFromArray(Array.from(b.columns['action'] as Uint8Array, (c) => String.fromCharCode(c)), new arrow.Utf8());
    vecs['side'] = arrow.vectorFromArray(Array.from(b.columns['side'] as Uint8Array, (c) => String.fromCharCode(c)), new arrow.Utf8());
    const file = writeArrowParquet(path.join(dir, 'inexact.parquet'), vecs);
    await expect(readParquetFile(file)).rejects.toThrow(/inexact\.parquet: row 617, column 'price': float price 4800\.2500000001 is not an exact multiple of 1e-9/);
  });

  test('timestamps out of order, when asked', async () => {
    const file = await mboFile('order.parquet', (b) => {
      const ts = b.columns['ts_recv'] as BigUint64Array;
      ts[80_000] = ts[79_999]! - 1n;
    });
    await expect(readParquetFile(file)).resolves.toBeDefined(); // not checked unless asked
    await expect(readParquetFile(file, { checkSorted: true })).rejects.toThrow(
      /order\.parquet: row 80000, column 'ts_recv': timestamp \d+ is earlier than the previous row's \d+; expected non-decreasing ts_recv/,
    );
  });

  test('not a parquet file', async () => {
    const { writeFileSync } = await import('node:fs');
    const file = path.join(dir, 'junk.parquet');
    writeFileSync(file, 'this is not parquet');
    await expect(readParquetFile(file)).rejects.toThrow(/junk\.parquet: not a readable parquet file/);
  });

  test('tolerate: bad rows skipped, counted and listed', async () => {
    const file = await mboFile('tolerate.parquet', (b) => {
      // number the rows in `sequence` (the generator's is per event, shared by its rows) to see which are dropped
      const s = b.columns['sequence'] as Uint32Array;
      for (let i = 0; i < s.length; i++) s[i] = 1_000_000 + i;
      const ts = b.columns['ts_recv'] as BigUint64Array;
      ts[70_000] = ts[69_999]! - 1n;
      (b.columns['action'] as Uint8Array)[5] = 65;
      (b.columns['price'] as BigInt64Array)[5] = 0x7fff_ffff_ffff_ffffn;
    });
    const got = await readParquetFile(file, { tolerate: true, checkSorted: true });
    expect(got.length).toBe(N - 2);
    expect(got.source.skipped.count).toBe(2);
    expect(got.source.skipped.rows.map((r) => [r.row, r.column])).toEqual([[5, 'price'], [70_000, 'ts_recv']]);
    expect(got.source.skipped.summary(file)).toMatch(/skipped 2 bad row\(s\): row 5 \(price: undefined price/);
    const seq = got.columns['sequence'] as Uint32Array;
    expect(seq[4]).toBe(1_000_004);
    expect(seq[5]).toBe(1_000_006); // row 5 gone
  });
});
