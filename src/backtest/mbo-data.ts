// MBO records for L3 backtests, held in memory (the replay steps through them event by event and the walk-forward
// worker replays the same records for every task): DBN (v1–v3, plain or zstd) read whole, Databento parquet,
// or the columnar cache of either.
// The readers are imported on first use: the engine module (and every pool worker that imports it) must not pull
// in the parquet, arrow and DBN modules for bar studies.
import { UNDEF_PRICE, type ColumnBatch } from '../data/batch.js';
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

/**
 * The trade prints of one instrument (the L3 settlement price is their VWAP in the settlement window), sorted by
 * ts_event (stable: file order within one timestamp).
 *
 * Which records: Databento MBO has two trade actions, T ("an aggressing order traded") and F ("a resting order was
 * filled"); neither changes the book. T is the trade itself, once, with the aggressor's side (N when there is none);
 * F is one record per resting order filled, so a trade whose both sides were resting (the opening uncross, some
 * implied trades) gives F records on both sides. On the real ESH4 session (../shared/data/databento, 2023-12-25)
 * T sums to 9,892 lots and F to 10,201: of 2,883 (time, price) groups, 2,775 have F = T, 107 have F = 2 × T (the
 * 23:00:00 open among them) and one has 4 against 3. So the prints are the T records, and the F records only for
 * data that holds no T record for the instrument at all (a source that publishes fills only; its uncrosses are then
 * counted twice). Records with an undefined price or size 0 are skipped.
 */
export interface TradePrints {
  /** ts_event, ns */
  ts: BigUint64Array;
  /** 1e-9 price units */
  price: BigInt64Array;
  size: Uint32Array;
  /** the action the prints came from; null: the data holds no trade of the instrument */
  source: 'T' | 'F' | null;
}

const A_TRADE = 84; // 'T'
const A_FILL = 70; // 'F'
const printsCache = new WeakMap<ColumnBatch, Map<number, { batches: number; prints: TradePrints }>>();

/** Trade prints of `instrumentId`, cached per data set (keyed by its first batch: a walk-forward replays it per task). */
export function tradePrints(batches: readonly ColumnBatch[], instrumentId: number): TradePrints {
  const first = batches[0];
  if (first === undefined) return { ts: new BigUint64Array(0), price: new BigInt64Array(0), size: new Uint32Array(0), source: null };
  let m = printsCache.get(first);
  if (!m) printsCache.set(first, (m = new Map()));
  const hit = m.get(instrumentId);
  if (hit !== undefined && hit.batches === batches.length) return hit.prints;
  const prints = collectPrints(batches, instrumentId);
  m.set(instrumentId, { batches: batches.length, prints });
  return prints;
}

function collectPrints(batches: readonly ColumnBatch[], ins: number): TradePrints {
  let nT = 0,
    nF = 0;
  const usable = (c: ColumnBatch['columns'], i: number) =>
    (c.instrument_id as Uint32Array)[i] === ins && (c.size as Uint32Array)[i]! > 0 && (c.price as BigInt64Array)[i] !== UNDEF_PRICE;
  for (const b of batches) {
    const a = b.columns.action as Uint8Array;
    for (let i = 0; i < b.length; i++) {
      if (a[i] === A_TRADE) {
        if (usable(b.columns, i)) nT++;
      } else if (a[i] === A_FILL && usable(b.columns, i)) nF++;
    }
  }
  const action = nT > 0 ? A_TRADE : A_FILL;
  const n = nT > 0 ? nT : nF;
  const ts = new BigUint64Array(n);
  const price = new BigInt64Array(n);
  const size = new Uint32Array(n);
  let k = 0;
  let sorted = true;
  for (const b of batches) {
    const c = b.columns;
    const a = c.action as Uint8Array;
    for (let i = 0; i < b.length; i++) {
      if (a[i] !== action || !usable(c, i)) continue;
      ts[k] = (c.ts_event as BigUint64Array)[i]!;
      price[k] = (c.price as BigInt64Array)[i]!;
      size[k] = (c.size as Uint32Array)[i]!;
      if (k > 0 && ts[k]! < ts[k - 1]!) sorted = false;
      k++;
    }
  }
  const source = n === 0 ? null : nT > 0 ? 'T' : 'F';
  if (sorted) return { ts, price, size, source };
  // ts_event can step back slightly where records are in ts_recv order: sort (stable) so windows are ranges
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => (ts[x]! < ts[y]! ? -1 : ts[x]! > ts[y]! ? 1 : x - y));
  return { ts: BigUint64Array.from(order, (i) => ts[i]!), price: BigInt64Array.from(order, (i) => price[i]!), size: Uint32Array.from(order, (i) => size[i]!), source };
}
