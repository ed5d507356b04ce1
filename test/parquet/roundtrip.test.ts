// DBN (real CME files) and synthetic batches -> parquet in Databento's layout (float and fixed
// prices, zstd and snappy) -> read back: identical columns, exact prices.
import { rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import type { ColumnBatch, SchemaName } from '../../src/data/batch.js';
import { UNDEF_PRICE } from '../../src/data/batch.js';
import { concatBatches as concatDbn } from '../../src/data/dbn/concat.js';
import { readDbnAll } from '../../src/data/dbn/index.js';
import { layoutFor } from '../../src/data/parquet/layouts.js';
import { openParquet, readParquetFile } from '../../src/data/parquet/reader.js';
import { symbolResolver } from '../../src/data/parquet/symbol-map.js';
import { syntheticMbo } from '../../src/data/parquet/synthetic.js';
import { writeParquetFile } from '../../src/data/parquet/writer.js';
import { DATA_DIR, diffBatches, tmpDir } from './helpers.js';

const dir = tmpDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const REAL: [string, SchemaName, string][] = [
  ['esh4-glbx-mdp3-20231225.mbo.dbn.zst', 'mbo', 'ESH4'],
  ['glbx-mbo-2024-05-08T00-00-00_00-00-02.dbn.zst', 'mbo', ''],
  ['glbx-mbp-1-2024-07-01T23-58_2024-07-02T00-02.dbn.zst', 'mbp-1', ''],
  ['glbx-trades-2024-07-01T23-58_2024-07-02T00-02.dbn.zst', 'trades', ''],
  ['glbx-ohlcv-1m-2024-07-01T23-40_2024-07-02T00-10.dbn.zst', 'ohlcv-1m', ''],
];

describe.each(REAL)('real DBN %s', (name, schema, symbol) => {
  test.each(['float', 'fixed'] as const)('-> parquet (%s prices) -> identical columns', async (priceType) => {
    const dbn = await readDbnAll(path.join(DATA_DIR, name));
    expect(dbn.metadata.schema).toBe(schema);
    const want = concatDbn(dbn.batches);
    const out = path.join(dir, `${name}.${priceType}.parquet`);
    const resolve = symbolResolver(dbn.metadata.mappings);
    const w = await writeParquetFile(out, schema, dbn.batches, { priceType, symbols: resolve });
    expect(w.rows).toBe(want.length);
    const got = await readParquetFile(out);
    expect(got.source.schema).toBe(schema);
    expect(got.source.priceType).toBe(priceType);
    // Databento's column order, index last; Databento's types.
    const layout = layoutFor(schema);
    expect(Object.keys(got.source.fileColumns)).toEqual(layout.columns.map((c) => c.name));
    expect(got.source.fileColumns[layout.index]).toBe('Timestamp<NANOSECOND, UTC>');
    const px = layout.columns.find((c) => c.kind === 'price')!.name;
    expect(got.source.fileColumns[px]).toBe(priceType === 'float' ? 'Float64' : 'Int64');
    expect(got.source.numRowGroups).toBe(Math.max(1, Math.ceil(want.length / 65_536)));
    expect(diffBatches(want, got, layout.columns.filter((c) => c.kind !== 'symbol').map((c) => c.name))).toBeUndefined();
    // Symbols resolved from the DBN metadata's mappings, by the index timestamp's UTC date.
    const syms = got.strings!['symbol']!;
    const ids = want.columns['instrument_id'] as Uint32Array;
    const ts = want.columns[layout.index] as BigUint64Array;
    for (let i = 0; i < got.length; i += 97) expect(syms[i]).toBe(resolve(ids[i]!, ts[i]!) ?? '');
    if (symbol) expect(syms[0]).toBe(symbol);
    expect(new Set(syms).has('')).toBe(false);
  });
});

describe('synthetic MBO with undefined prices', () => {
  const batch = syntheticMbo(150_000, 3);
  const instrument = batch.columns['instrument_id'] as Uint32Array;
  batch.strings = { symbol: Array.from(instrument, (id) => (id === 17077 ? 'ESH4' : 'ESM4')) };
  // An undefined timestamp (u64::MAX) is written as null (pandas NaT) and must come back as u64::MAX.
  (batch.columns['ts_event'] as BigUint64Array)[10] = 0xffff_ffff_ffff_ffffn;

  test.each([
    ['float', 'zstd'],
    ['fixed', 'snappy'],
  ] as const)('%s prices, %s: identical after the round trip, in 65,536-row groups', async (priceType, compression) => {
    const out = path.join(dir, `syn.${priceType}.${compression}.parquet`);
    await writeParquetFile(out, 'mbo', [batch], { priceType, compression });
    const src = await openParquet(out);
    expect(src.numRowGroups).toBe(3);
    expect(src.keyValueMetadata.get('pandas')).toContain('"index_columns":["ts_recv"]');
    src.close();
    const got = await readParquetFile(out, { checkSorted: true });
    expect(diffBatches(batch, got)).toBeUndefined();
    expect((got.columns['price'] as BigInt64Array)[0]).toBe(UNDEF_PRICE); // the R record
    expect(got.strings!['symbol']).toEqual(batch.strings!['symbol']);
    expect(statSync(out).size).toBeGreaterThan(0);
  });

  test('streams: batches of at most batchSize rows, in file order', async () => {
    const out = path.join(dir, 'syn.float.zstd.parquet');
    const src = await openParquet(out, { batchSize: 10_000 });
    const sizes: number[] = [];
    let firstSeq = -1;
    for await (const b of src.batches()) {
      sizes.push(b.length);
      if (firstSeq < 0) firstSeq = (b.columns['sequence'] as Uint32Array)[0]!;
    }
    src.close();
    expect(Math.max(...sizes)).toBeLessThanOrEqual(10_000);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(batch.length);
    expect(firstSeq).toBe((batch.columns['sequence'] as Uint32Array)[0]);
  });

  test('empty input still writes a readable file with the layout columns', async () => {
    const out = path.join(dir, 'empty.parquet');
    const empty: ColumnBatch[] = [];
    const w = await writeParquetFile(out, 'mbo', empty);
    expect(w.rows).toBe(0);
    const got = await readParquetFile(out, { schema: 'mbo' });
    expect(got.length).toBe(0);
  });
});
