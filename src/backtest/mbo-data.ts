// MBO records for L3 backtests, held in memory (the replay steps through them event by event and the walk-forward
// worker replays the same records for every task): DBN (v1–v3, plain or zstd) read whole, Databento parquet,
// or the columnar cache of either.
import { readDbnAll } from '../data/dbn/index.js';
import { loadCached } from '../data/cache/index.js';
import { openParquet } from '../data/parquet/index.js';
import type { ColumnBatch } from '../data/batch.js';
import type { MboData } from './api.js';

export async function loadMbo(file: string, opts: { cache?: boolean; cacheDir?: string } = {}): Promise<MboData> {
  let batches: ColumnBatch[];
  if (opts.cache) {
    const b = await loadCached(file, { schema: 'mbo', cacheDir: opts.cacheDir });
    batches = [b];
  } else if (file.toLowerCase().endsWith('.parquet')) {
    const src = await openParquet(file, { schema: 'mbo', checkSorted: true });
    batches = [];
    try {
      for await (const b of src.batches()) batches.push(b);
    } finally {
      src.close();
    }
  } else {
    batches = (await readDbnAll(file, { expectSchema: 'mbo', monotonic: true })).batches;
  }
  for (const b of batches) if (b.schema !== 'mbo') throw new Error(`${file}: an L3 backtest needs MBO records, the file holds ${b.schema}`);
  if (!batches.some((b) => b.length > 0)) throw new Error(`${file}: no MBO records`);
  return { file, batches };
}
