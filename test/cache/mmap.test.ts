// Memory-mapped cache loads (src/data/cache/mmap.ts): the same columns as the read path, private
// copy-on-write pages (a write never reaches the cache), arrays that stay valid when the entry is
// rebuilt under them. The mmap module is a native dependency (src/data/cache/mmap.ts): when
// package.json lists one, it must load (a failed native build would otherwise fall back to the slow
// path unnoticed).
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { buildCache, loadCached, loadEntry, loadEntryAsync, MMAP_PACKAGES, mmapAvailable, mmapModuleName, mmapUnavailableReason } from '../../src/data/cache/index.js';
import { writeParquetFile } from '../../src/data/parquet/writer.js';
import { syntheticMbo } from '../../src/data/parquet/synthetic.js';
import { diffBatches, tmpDir } from '../parquet/helpers.js';

const work = tmpDir('contango-cache-mmap-');
afterAll(() => rmSync(work, { recursive: true, force: true }));
const cacheDir = path.join(work, 'cache');
const pkg = JSON.parse(readFileSync(path.join(import.meta.dirname, '../../package.json'), 'utf8')) as {
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
};
const declared = MMAP_PACKAGES.filter((name) => name in { ...pkg.dependencies, ...pkg.optionalDependencies });

async function entry(name: string, seed: number, n: number) {
  const batch = syntheticMbo(n, seed);
  const file = path.join(work, name);
  await writeParquetFile(file, 'mbo', [batch], { priceType: 'fixed' });
  return { file, batch };
}

describe('memory-mapped cache loads', () => {
  test('an mmap module loads when package.json declares one', () => {
    if (declared.length > 0) {
      expect(mmapUnavailableReason()).toBeUndefined();
      expect(declared).toContain(mmapModuleName());
    }
    expect(mmapAvailable()).toBe(mmapUnavailableReason() === undefined);
  });

  test('map, read and async loads give the same columns; map is the default', async () => {
    const { file, batch } = await entry('a.parquet', 21, 150_000);
    const built = await loadCached(file, { cacheDir });
    const { dir, manifest } = built.cache;
    const mapped = loadEntry(dir, manifest);
    const read = loadEntry(dir, manifest, { map: false });
    const viaAsync = await loadEntryAsync(dir, manifest);
    expect(read.loadedBy).toBe('read');
    expect(mapped.loadedBy).toBe(mmapAvailable() ? 'map' : 'read');
    expect(built.loadedBy).toBe(mapped.loadedBy);
    expect(viaAsync.loadedBy).toBe(mapped.loadedBy);
    for (const b of [mapped, read, viaAsync]) expect(diffBatches(batch, b)).toBeUndefined();
    for (const c of Object.values(mapped.columns)) expect([c.byteOffset, c.byteLength]).toEqual([0, c.buffer.byteLength]);
    // `into` always reads into the caller's buffer.
    expect(loadEntry(dir, manifest, { into: new ArrayBuffer(64 << 20) }).loadedBy).toBe('read');
  });

  test.runIf(mmapAvailable())('writes into a mapped column stay private to the arrays', async () => {
    const { file, batch } = await entry('b.parquet', 22, 20_000);
    const a = await loadCached(file, { cacheDir, columns: ['price', 'size'] });
    expect(a.loadedBy).toBe('map');
    const price = a.columns['price'] as BigInt64Array;
    const size = a.columns['size'] as Uint32Array;
    price.fill(-1n);
    size[0] = 0xdead;
    const b = await loadCached(file, { cacheDir, columns: ['price', 'size'] });
    expect(diffBatches({ ...batch, columns: { price: batch.columns['price']!, size: batch.columns['size']! } }, b)).toBeUndefined();
    expect(readFileSync(path.join(a.cache.dir, 'price.bin')).equals(Buffer.from((batch.columns['price'] as BigInt64Array).buffer))).toBe(true);
  });

  test.runIf(mmapAvailable())('mapped arrays stay valid when the entry is rebuilt or removed', async () => {
    const { file, batch } = await entry('c.parquet', 23, 20_000);
    const a = await loadCached(file, { cacheDir });
    expect(a.loadedBy).toBe('map');
    await buildCache(file, { cacheDir }); // replaces the directory (rm, then rename of a new one)
    rmSync(a.cache.dir, { recursive: true, force: true });
    expect(diffBatches(batch, a)).toBeUndefined();
  });

  test('an empty entry loads (nothing to map)', async () => {
    const { file } = await entry('d.parquet', 24, 0);
    const a = await loadCached(file, { cacheDir });
    expect(a.length).toBe(0);
    expect(a.loadedBy).toBe('read');
  });
});
