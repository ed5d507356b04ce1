// Columnar cache: build from parquet and DBN, load identical columns, hit on the second load,
// revalidate (no rebuild) after a touch, rebuild after a change, damaged entries detected.
import { appendFileSync, copyFileSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, test } from 'vitest';
import { buildCache, cacheInfo, cacheRoot, entryBytes, loadCached, loadEntry, loadEntryAsync, removeCached } from '../../src/data/cache/index.js';
import { concatBatches as concatDbn } from '../../src/data/dbn/concat.js';
import { readDbnAll } from '../../src/data/dbn/index.js';
import { readParquetFile } from '../../src/data/parquet/reader.js';
import { syntheticMbo } from '../../src/data/parquet/synthetic.js';
import { writeParquetFile } from '../../src/data/parquet/writer.js';
import { DATA_DIR, diffBatches, tmpDir } from '../parquet/helpers.js';

const work = tmpDir('contango-cache-');
afterAll(() => rmSync(work, { recursive: true, force: true }));
const cacheDir = path.join(work, 'cache');

async function syntheticParquet(name: string, seed: number, n = 70_000) {
  const b = syntheticMbo(n, seed);
  b.strings = { symbol: Array.from(b.columns['instrument_id'] as Uint32Array, (id) => (id === 17077 ? 'ESH4' : 'ESM4')) };
  const file = path.join(work, name);
  await writeParquetFile(file, 'mbo', [b], { priceType: 'float' });
  return { file, batch: b };
}

describe('columnar cache', () => {
  afterEach(() => {
    delete process.env['CONTANGO_CACHE_DIR'];
  });

  test('parquet source: build, identical load, then a hit', async () => {
    const { file, batch } = await syntheticParquet('a.parquet', 5);
    const first = await loadCached(file, { cacheDir });
    expect(first.cache.status).toBe('built');
    expect(first.cache.manifest.rows).toBe(batch.length);
    expect(first.cache.manifest.source.format).toBe('parquet');
    expect(diffBatches(batch, first)).toBeUndefined();
    expect(first.strings!['symbol']).toEqual(batch.strings!['symbol']);
    expect(first.dictionaries['symbol']!.values.sort()).toEqual(['ESH4', 'ESM4']);
    const again = await loadCached(file, { cacheDir });
    expect(again.cache.status).toBe('hit');
    expect(again.cache.dir).toBe(first.cache.dir);
    expect(diffBatches(batch, again)).toBeUndefined();
    // One file per column plus the codes of the string column and the manifest.
    expect(readdirSync(again.cache.dir).sort()).toEqual(
      [...Object.keys(batch.columns).map((c) => `${c}.bin`), 'manifest.json', 'symbol.codes.bin'].sort(),
    );
  });

  test('touch -> re-hashed and reused; content change -> rebuilt', async () => {
    const { file } = await syntheticParquet('b.parquet', 6, 20_000);
    expect((await loadCached(file, { cacheDir })).cache.status).toBe('built');
    const later = new Date(Date.now() + 5000);
    utimesSync(file, later, later);
    expect((await cacheInfo(file, { cacheDir })).fresh).toBe(true);
    const touched = await loadCached(file, { cacheDir });
    expect(touched.cache.status).toBe('revalidated');
    expect((await loadCached(file, { cacheDir })).cache.status).toBe('hit');
    // Rewrite with different data at the same path.
    const other = syntheticMbo(30_000, 99);
    await writeParquetFile(file, 'mbo', [other], { priceType: 'fixed' });
    const info = await cacheInfo(file, { cacheDir });
    expect(info.fresh).toBe(false);
    const rebuilt = await loadCached(file, { cacheDir });
    expect(rebuilt.cache.status).toBe('built');
    expect(rebuilt.length).toBe(30_000);
    expect(rebuilt.cache.dir).not.toBe(touched.cache.dir);
    expect(diffBatches(other, rebuilt)).toBeUndefined();
  });

  test('same content at two paths shares one entry', async () => {
    const { file } = await syntheticParquet('c.parquet', 7, 5_000);
    const copy = path.join(work, 'c-copy.parquet');
    copyFileSync(file, copy);
    const a = await loadCached(file, { cacheDir });
    const b = await loadCached(copy, { cacheDir });
    expect(b.cache.status).toBe('revalidated'); // hashed, found the entry by content
    expect(b.cache.dir).toBe(a.cache.dir);
  });

  test('DBN source (real ES MBO): cache equals the DBN reader', async () => {
    const src = path.join(DATA_DIR, 'esh4-glbx-mdp3-20231225.mbo.dbn.zst');
    const dbn = await readDbnAll(src);
    const want = concatDbn(dbn.batches);
    const got = await loadCached(src, { cacheDir });
    expect(got.cache.manifest.source.format).toBe('dbn.zst');
    expect(got.length).toBe(68_792);
    expect(diffBatches(want, got)).toBeUndefined();
    expect(JSON.stringify(got.cache.manifest.sourceMetadata)).toContain('ESH4');
    // Column subset: only what a replay needs.
    const sub = await loadCached(src, { cacheDir, columns: ['ts_recv', 'price', 'action'] });
    expect(sub.cache.status).toBe('hit');
    expect(Object.keys(sub.columns).sort()).toEqual(['action', 'price', 'ts_recv']);
  });

  test('parquet and DBN of the same data load identical columns', async () => {
    const src = path.join(DATA_DIR, 'glbx-mbp-1-2024-07-01T23-58_2024-07-02T00-02.dbn.zst');
    const dbn = await readDbnAll(src);
    const pq = path.join(work, 'mbp1.parquet');
    await writeParquetFile(pq, 'mbp-1', dbn.batches, { priceType: 'float' });
    const a = await loadCached(src, { cacheDir });
    const b = await loadCached(pq, { cacheDir });
    const direct = await readParquetFile(pq);
    expect(diffBatches(a, b)).toBeUndefined();
    expect(diffBatches(direct, b)).toBeUndefined();
  });

  test('CONTANGO_CACHE_DIR overrides the location; buildCache rebuilds', async () => {
    const envDir = path.join(work, 'env-cache');
    process.env['CONTANGO_CACHE_DIR'] = envDir;
    expect(cacheRoot()).toBe(envDir);
    const { file } = await syntheticParquet('d.parquet', 8, 3_000);
    const a = await loadCached(file);
    expect(a.cache.dir.startsWith(envDir)).toBe(true);
    const b = await buildCache(file);
    expect(b.status).toBe('built');
    expect(await removeCached(file)).toBe(true);
    expect((await cacheInfo(file)).fresh).toBe(false);
  });

  test('a damaged column file is detected, not loaded', async () => {
    const { file } = await syntheticParquet('e.parquet', 9, 2_000);
    const a = await loadCached(file, { cacheDir });
    appendFileSync(path.join(a.cache.dir, 'price.bin'), Buffer.alloc(3));
    await expect(loadCached(file, { cacheDir })).rejects.toThrow(/price\.bin: 16003 bytes, expected 16000 \(cache entry damaged\)/);
    // A rebuild repairs it.
    await buildCache(file, { cacheDir });
    expect((await loadCached(file, { cacheDir })).length).toBe(2_000);
  });

  test('sync, async (parallel reads) and into-buffer loads give the same columns', async () => {
    // Over 1 MiB per 8-byte column, so reads are split into pieces and run two at a time.
    const { file, batch } = await syntheticParquet('f.parquet', 10, 200_000);
    const { cache } = await loadCached(file, { cacheDir });
    const a = loadEntry(cache.dir, cache.manifest);
    const b = await loadEntryAsync(cache.dir, cache.manifest);
    expect(diffBatches(batch, a)).toBeUndefined();
    expect(diffBatches(batch, b)).toBeUndefined();
    // Fresh loads: each column owns its whole buffer (nothing else keeps it alive).
    for (const c of Object.values(a.columns)) expect([c.byteOffset, c.byteLength]).toEqual([0, c.buffer.byteLength]);
    // Into a caller's buffer: the arrays are 64-byte aligned views on it; too small a buffer is refused.
    const arena = new ArrayBuffer(entryBytes(cache.manifest));
    const c = await loadEntryAsync(cache.dir, cache.manifest, { into: arena });
    for (const col of [...Object.values(c.columns), c.dictionaries['symbol']!.codes]) {
      expect(col.buffer).toBe(arena);
      expect(col.byteOffset % 64).toBe(0);
    }
    expect(diffBatches(batch, c)).toBeUndefined();
    expect(c.strings!['symbol']).toEqual(batch.strings!['symbol']);
    const sub = loadEntry(cache.dir, cache.manifest, { columns: ['price', 'ts_recv'], into: arena });
    expect(Array.from(sub.columns['price'] as BigInt64Array)).toEqual(Array.from(batch.columns['price'] as BigInt64Array));
    expect(() => loadEntry(cache.dir, cache.manifest, { into: new ArrayBuffer(1024) })).toThrow(/'into' buffer has 1024 bytes, this load needs \d+/);
    // A short column file fails the size check before anything is read, in both loaders.
    writeFileSync(path.join(cache.dir, 'size.bin'), Buffer.alloc(8));
    expect(() => loadEntry(cache.dir, cache.manifest)).toThrow(/size\.bin: 8 bytes, expected 800000 \(cache entry damaged\)/);
    await expect(loadEntryAsync(cache.dir, cache.manifest)).rejects.toThrow(/size\.bin: 8 bytes/);
  });

  test('unsupported input is refused with the first bytes shown', async () => {
    const junk = path.join(work, 'junk.bin');
    writeFileSync(junk, 'hello world');
    await expect(loadCached(junk, { cacheDir })).rejects.toThrow(/junk\.bin: not a parquet file \(PAR1\), a DBN file \(DBN\) or zstd-compressed DBN; first bytes 68656c6c/);
  });
});
