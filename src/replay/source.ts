// Where replayed MBO records come from: a DBN file (plain or zstd, streamed batch by batch), a Databento
// parquet file, or the columnar cache of either (src/data/cache: one read per column, the fast path for
// repeated runs).
import { openDbn } from '../data/dbn/index.js';
import { openParquet } from '../data/parquet/index.js';
import { loadCached } from '../data/cache/index.js';
import type { ColumnBatch } from '../data/batch.js';

export interface MboSourceOptions {
  /** Go through the columnar cache (built on first use). */
  cache?: boolean;
  cacheDir?: string;
}

function isParquet(file: string): boolean {
  return file.toLowerCase().endsWith('.parquet');
}

/** The MBO batches of one file, in file order. */
export async function* mboBatches(file: string, opts: MboSourceOptions = {}): AsyncGenerator<ColumnBatch> {
  if (opts.cache) {
    const b = await loadCached(file, { schema: 'mbo', cacheDir: opts.cacheDir });
    if (b.schema !== 'mbo') throw new Error(`${file}: replay needs MBO records, the file holds ${b.schema}`);
    yield b;
    return;
  }
  if (isParquet(file)) {
    const src = await openParquet(file, { schema: 'mbo', checkSorted: true });
    try {
      for await (const b of src.batches()) yield b;
    } finally {
      src.close();
    }
    return;
  }
  const r = await openDbn(file, { expectSchema: 'mbo', monotonic: true, reuseBatches: true });
  for await (const b of r.batches()) yield b;
}
