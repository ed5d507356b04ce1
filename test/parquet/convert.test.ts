// `contango convert` end to end on a real file: DBN -> parquet -> DBN -> parquet, every step exact,
// symbol mappings carried through the parquet symbol column.
import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, test, vi } from 'vitest';
import { runConvert, defaultOutput } from '../../src/cli/commands/convert.js';
import { concatBatches as concatDbn } from '../../src/data/dbn/concat.js';
import { readDbnAll } from '../../src/data/dbn/index.js';
import { readParquetFile } from '../../src/data/parquet/reader.js';
import { DATA_DIR, diffBatches, tmpDir } from './helpers.js';

const dir = tmpDir('contango-convert-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('contango convert', () => {
  test('default output names', () => {
    expect(defaultOutput('/x/esh4.mbo.dbn.zst', 'parquet')).toBe('/x/esh4.mbo.parquet');
    expect(defaultOutput('/x/esh4.mbo.parquet', 'dbn')).toBe('/x/esh4.mbo.dbn');
  });

  test('DBN -> parquet -> DBN -> parquet keeps every column and the symbols', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const src = path.join(DATA_DIR, 'glbx-mbo-2024-05-08T00-00-00_00-00-02.dbn.zst');
    const orig = await readDbnAll(src);
    const pq = path.join(dir, 'a.parquet');
    const r1 = await runConvert(src, { out: pq, priceType: 'float', compression: 'zstd', dataset: 'GLBX.MDP3', quiet: true });
    expect(r1.rows).toBe(13_796);
    expect(log.mock.calls[0]![0]).toMatch(/13,796 rows in [\d.]+ s, [\d,]+ rows\/s/);
    const dbn = path.join(dir, 'a.dbn');
    await runConvert(pq, { to: 'dbn', out: dbn, priceType: 'float', compression: 'zstd', dataset: 'GLBX.MDP3', quiet: true });
    const back = await readDbnAll(dbn);
    expect(diffBatches(concatDbn(orig.batches), concatDbn(back.batches))).toBeUndefined();
    expect(back.metadata.mappings.map((m) => m.raw_symbol)).toEqual(orig.metadata.mappings.map((m) => m.raw_symbol));
    const pq2 = path.join(dir, 'b.parquet');
    await runConvert(dbn, { to: 'parquet', out: pq2, priceType: 'fixed', compression: 'snappy', dataset: 'GLBX.MDP3', quiet: true });
    const a = await readParquetFile(pq);
    const b = await readParquetFile(pq2);
    expect(b.source.priceType).toBe('fixed');
    expect(diffBatches(a, b)).toBeUndefined();
    expect(b.strings!['symbol']).toEqual(a.strings!['symbol']);
    log.mockRestore();
  });

  test('refuses to convert parquet to parquet', async () => {
    const pq = path.join(dir, 'a.parquet');
    await expect(runConvert(pq, { to: 'parquet', priceType: 'float', compression: 'zstd', dataset: 'X', quiet: true })).rejects.toThrow(/already parquet/);
  });
});
