// The same columns as written by other tools (pyarrow without pandas, DuckDB, polars): timestamps
// without the UTC flag and in us/ms units, raw integer nanoseconds (pretty_ts=False), dictionary-
// encoded strings, integers of other widths, nulls. Built here with arrow JS + parquet-wasm.
import { rmSync } from 'node:fs';
import path from 'node:path';
import * as arrow from 'apache-arrow';
import { afterAll, describe, expect, test } from 'vitest';
import { UNDEF_PRICE } from '../../src/data/batch.js';
import { readParquetFile } from '../../src/data/parquet/reader.js';
import { tmpDir, writeArrowParquet } from './helpers.js';

const dir = tmpDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const N = 1000;
const T0 = 1_703_462_400_123_456_000n; // a whole microsecond, so us and ms variants are exact at the unit

function tsNs(i: number) {
  return T0 + BigInt(i) * 1_000_000n; // 1 ms apart
}

/** MBO columns with the given overrides. */
function mboColumns(over: Record<string, arrow.Vector | arrow.Data> = {}) {
  const ts = BigInt64Array.from({ length: N }, (_, i) => tsNs(i));
  const cols: Record<string, arrow.Vector | arrow.Data> = {
    ts_event: arrow.makeData({ type: new arrow.TimestampNanosecond('UTC'), length: N, data: ts }),
    rtype: arrow.makeVector(new Uint8Array(N).fill(0xa0)),
    publisher_id: arrow.makeVector(new Uint16Array(N).fill(1)),
    instrument_id: arrow.makeVector(new Uint32Array(N).fill(17077)),
    action: arrow.vectorFromArray(Array.from({ length: N }, (_, i) => 'ACMTF'[i % 5]!), new arrow.Utf8()),
    side: arrow.vectorFromArray(Array.from({ length: N }, (_, i) => 'AB'[i % 2]!), new arrow.Utf8()),
    price: arrow.makeVector(Float64Array.from({ length: N }, (_, i) => 4800 + (i % 8) * 0.25)),
    size: arrow.makeVector(Uint32Array.from({ length: N }, (_, i) => 1 + (i % 7))),
    channel_id: arrow.makeVector(new Uint8Array(N).fill(13)),
    order_id: arrow.makeVector(BigUint64Array.from({ length: N }, (_, i) => 1000n + BigInt(i))),
    flags: arrow.makeVector(new Uint8Array(N).fill(0x80)),
    ts_in_delta: arrow.makeVector(new Int32Array(N).fill(15000)),
    sequence: arrow.makeVector(Uint32Array.from({ length: N }, (_, i) => i)),
    symbol: arrow.vectorFromArray(Array.from({ length: N }, () => 'ESH4'), new arrow.Utf8()),
    ts_recv: arrow.makeData({ type: new arrow.TimestampNanosecond('UTC'), length: N, data: ts }),
    ...over,
  };
  return cols;
}

function expectCanonical(got: Awaited<ReturnType<typeof readParquetFile>>) {
  expect(got.length).toBe(N);
  expect(got.columns['ts_recv']).toBeInstanceOf(BigUint64Array);
  for (const i of [0, 1, 499, 999]) {
    expect((got.columns['ts_recv'] as BigUint64Array)[i]).toBe(tsNs(i));
    expect((got.columns['price'] as BigInt64Array)[i]).toBe(4_800_000_000_000n + BigInt(i % 8) * 250_000_000n);
    expect(String.fromCharCode((got.columns['action'] as Uint8Array)[i]!)).toBe('ACMTF'[i % 5]);
    expect((got.columns['size'] as Uint32Array)[i]).toBe(1 + (i % 7));
  }
  expect(got.columns['size']).toBeInstanceOf(Uint32Array);
  expect(got.columns['publisher_id']).toBeInstanceOf(Uint16Array);
  expect(got.columns['order_id']).toBeInstanceOf(BigUint64Array);
}

describe('columns as other tools write them', () => {
  test('Databento layout as built here (baseline)', async () => {
    expectCanonical(await readParquetFile(writeArrowParquet(path.join(dir, 'base.parquet'), mboColumns())));
  });

  test.each([
    ['ns, no time zone', (d: BigInt64Array) => arrow.makeData({ type: new arrow.TimestampNanosecond(), length: N, data: d }), 1n],
    ['us, UTC', (d: BigInt64Array) => arrow.makeData({ type: new arrow.TimestampMicrosecond('UTC'), length: N, data: d }), 1000n],
    ['us, no time zone', (d: BigInt64Array) => arrow.makeData({ type: new arrow.TimestampMicrosecond(), length: N, data: d }), 1000n],
    ['ms, America/Chicago', (d: BigInt64Array) => arrow.makeData({ type: new arrow.TimestampMillisecond('America/Chicago'), length: N, data: d }), 1_000_000n],
    ['raw int64 ns (pretty_ts=False)', (d: BigInt64Array) => arrow.makeVector(d), 1n],
    ['raw uint64 ns', (d: BigInt64Array) => arrow.makeVector(new BigUint64Array(d.buffer)), 1n],
  ] as const)('timestamps: %s', async (label, make, div) => {
    // ms variant: keep values whole milliseconds so the unit loses nothing.
    const vals = BigInt64Array.from({ length: N }, (_, i) => tsNs(i) / div);
    const file = path.join(dir, `ts-${label.replace(/\W+/g, '_')}.parquet`);
    const got = await readParquetFile(writeArrowParquet(file, mboColumns({ ts_recv: make(vals), ts_event: make(vals) })));
    const ts = got.columns['ts_recv'] as BigUint64Array;
    for (const i of [0, 7, 999]) expect(ts[i]).toBe((tsNs(i) / div) * div);
    expect(got.columns['ts_event']).toEqual(got.columns['ts_recv']);
  });

  test('dictionary-encoded strings (action, side, symbol)', async () => {
    const dictOf = (vals: string[]) => arrow.vectorFromArray(vals, new arrow.Dictionary(new arrow.Utf8(), new arrow.Int32()));
    const file = writeArrowParquet(path.join(dir, 'dict.parquet'), mboColumns({
      action: dictOf(Array.from({ length: N }, (_, i) => 'ACMTF'[i % 5]!)),
      side: dictOf(Array.from({ length: N }, (_, i) => 'AB'[i % 2]!)),
      symbol: dictOf(Array.from({ length: N }, (_, i) => (i < 500 ? 'ESH4' : 'ESM4'))),
    }));
    const got = await readParquetFile(file);
    expectCanonical(got);
    expect(got.strings!['symbol']![0]).toBe('ESH4');
    expect(got.strings!['symbol']![999]).toBe('ESM4');
  });

  test('large_utf8 strings and integer ASCII codes', async () => {
    const file = writeArrowParquet(path.join(dir, 'large.parquet'), mboColumns({
      action: arrow.vectorFromArray(Array.from({ length: N }, (_, i) => 'ACMTF'[i % 5]!), new arrow.LargeUtf8()),
      side: arrow.makeVector(Int8Array.from({ length: N }, (_, i) => 'AB'.charCodeAt(i % 2))),
    }));
    const got = await readParquetFile(file);
    expectCanonical(got);
    expect((got.columns['side'] as Uint8Array)[1]).toBe(66);
  });

  test('integers of other widths (DuckDB BIGINT/INTEGER, polars i64) and integral floats', async () => {
    const file = writeArrowParquet(path.join(dir, 'widths.parquet'), mboColumns({
      rtype: arrow.makeVector(new Int32Array(N).fill(0xa0)),
      publisher_id: arrow.makeVector(new BigInt64Array(N).fill(1n)),
      size: arrow.makeVector(BigInt64Array.from({ length: N }, (_, i) => BigInt(1 + (i % 7)))),
      flags: arrow.makeVector(new Int16Array(N).fill(0x80)),
      order_id: arrow.makeVector(BigInt64Array.from({ length: N }, (_, i) => 1000n + BigInt(i))),
      sequence: arrow.makeVector(Float64Array.from({ length: N }, (_, i) => i)),
    }));
    expectCanonical(await readParquetFile(file));
  });

  test('fixed int64 prices with nulls: null is the undefined price', async () => {
    const prices = arrow.vectorFromArray(
      Array.from({ length: N }, (_, i) => (i === 3 ? null : 4_800_000_000_000n + BigInt(i % 8) * 250_000_000n)),
      new arrow.Int64(),
    );
    const action = arrow.vectorFromArray(Array.from({ length: N }, (_, i) => (i === 3 ? 'R' : 'ACMTF'[i % 5]!)), new arrow.Utf8());
    const got = await readParquetFile(writeArrowParquet(path.join(dir, 'nullpx.parquet'), mboColumns({ price: prices, action })));
    expect((got.columns['price'] as BigInt64Array)[3]).toBe(UNDEF_PRICE);
    expect((got.columns['price'] as BigInt64Array)[4]).toBe(4_801_000_000_000n);
  });

  test('a file without the symbol column (map_symbols=False) reads, with no strings', async () => {
    const cols = mboColumns();
    delete cols['symbol'];
    const got = await readParquetFile(writeArrowParquet(path.join(dir, 'nosym.parquet'), cols));
    expectCanonical(got);
    expect(got.strings).toBeUndefined();
  });

  test('extra columns are ignored; selected columns only', async () => {
    const file = writeArrowParquet(path.join(dir, 'extra.parquet'), mboColumns({ note: arrow.vectorFromArray(Array.from({ length: N }, () => 'x')) }));
    const got = await readParquetFile(file, { columns: ['price', 'size'] });
    expect(Object.keys(got.columns).sort()).toEqual(['price', 'size', 'ts_recv']);
  });
});
