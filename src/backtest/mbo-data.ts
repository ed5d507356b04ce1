// MBO records for L3 backtests, held in memory (the replay steps through them event by event and the walk-forward
// worker replays the same records for every task): DBN (v1–v3, plain or zstd) read whole, Databento parquet,
// or the columnar cache of either.
// The readers are imported on first use: the engine module (and every pool worker that imports it) must not pull
// in the parquet, arrow and DBN modules for bar studies.
import type { ColumnBatch } from '../data/batch.js';
import type { MboData } from './api.js';

export async function loadMbo(file: string, opts: { cache?: boolean; cacheDir?: string } = {}): Promise<MboData> {
  let batches: ColumnBatch[];
  if (opts.cache) {
    const { loadCached } = await import('../data/cache/index.js');
    const b = await loadCached(file, { schema: 'mbo', cacheDir: opts.cacheDir });
    batches = [b];
  } else if (file.toLowerCase().endsWith('.parquet')) {
    const { openParquet } = await import('../data/parquet/index.js');
    const src = await openParquet(file, { schema: 'mbo', checkSorted: true });
    batches = [];
    try {
      for await (const b of src.batches()) batches.push(b);
    } finally {
      src.close();
    }
  } else {
    const { readDbnAll } = await import('../data/dbn/index.js');
    batches = (await readDbnAll(file, { expectSchema: 'mbo', monotonic: true })).batches;
  }
  for (const b of batches) if (b.schema !== 'mbo') throw new Error(`${file}: an L3 backtest needs MBO records, the file holds ${b.schema}`);
  if (!batches.some((b) => b.length > 0)) throw new Error(`${file}: no MBO records`);
  return { file, batches };
}

/** Exchange-time range of the records: [first ts_event, last ts_event + 1). */
export function mboRange(d: MboData): { start: bigint; end: bigint } {
  const bs = d.batches.filter((b) => b.length > 0);
  const first = bs[0]!;
  const last = bs[bs.length - 1]!;
  return {
    start: (first.columns.ts_event as BigUint64Array)[0]!,
    end: (last.columns.ts_event as BigUint64Array)[last.length - 1]! + 1n,
  };
}
