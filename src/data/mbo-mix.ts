// What an MBO stream is made of: the action mix and the few book statistics that tell a real CME
// day from a synthetic one (docs/data-formats.md compares the real ES files with the generator).
// Works on any reader's ColumnBatches (DBN, parquet, cache); keeps a light book per order id.
//
// Counted on live records only: the start-of-session snapshot (records flagged SNAPSHOT) is the
// book as it stood, not activity. Databento's CME MBO sends a trade as one T record (the
// aggressor), one F per resting order filled, and then the book change of each filled order as a
// C (filled in full) or M (partly filled, new size) record: those C/M records are counted apart
// ("fill-driven") so cancel and modify shares mean what the participants did.
import type { ColumnBatch } from './batch.js';
import { UNDEF_PRICE } from './batch.js';

const A = 65, C = 67, M = 77, R = 82, T = 84, F = 70, BID = 66;
const F_LAST = 0x80, F_SNAPSHOT = 0x20;

export interface MboMix {
  /** Live records of the instrument (snapshot excluded) in the window. */
  records: number;
  snapshotRecords: number;
  /** Live record counts and shares of the live records, by action letter. */
  counts: Record<string, number>;
  shares: Record<string, number>;
  /** Records per event (live records / records carrying LAST). */
  recordsPerEvent: number;
  /** C records that are participants' cancels (not the book change that follows a fill), per add. */
  cancelToAdd: number;
  /** Of those cancels, the share that leave part of the order resting. */
  partialCancelShare: number;
  /** C and M records that follow fills, per F record (1.0 when every fill is followed by one). */
  fillBookChangesPerFill: number;
  /** Participants' modifies: shares that change the price, raise the size, lower the size (same price). */
  modify: { priceChange: number; sizeUp: number; sizeDown: number; samePriceAndSize: number };
  /** T records: size distribution, and F records per T. */
  trades: { count: number; meanSize: number; medianSize: number; p90Size: number; maxSize: number; sizeOneShare: number; fillsPerTrade: number };
  /** Adds by distance from the same side's best before the add, in ticks: improving the best, at it, 1-4 behind, 5+ behind. */
  addDistance: { improving: number; atBest: number; near: number; far: number };
  /** Sampled book shape (every `sampleEvery` live records): orders at the best level, orders per level over the best 5, levels per side. */
  book: { ordersAtBest: number; ordersPerLevelTop5: number; levelsPerSide: number; restingOrders: number };
  /** Order sizes of live adds: mean and share of size 1. */
  addSize: { mean: number; sizeOneShare: number };
  /**
   * The mid price (best bid + best ask) / 2 after each event, in ticks: changes per 1,000 live
   * records, the range over the window, and the standard deviation of its one-minute changes.
   */
  mid: { changesPer1000: number; rangeTicks: number; minuteStdTicks: number };
}

export interface MboMixOptions {
  /** Instrument to measure (default: the most frequent one in the first batch). */
  instrumentId?: number;
  /** Price increment in 1e-9 units (default 250,000,000: ES's 0.25). */
  tick?: bigint;
  /** Book sample period in live records. */
  sampleEvery?: number;
  /**
   * Count only live records with ts_event in [from, to) (ns); the book is still kept from the
   * first record, so a window after the open starts from the right book.
   */
  from?: bigint;
  to?: bigint;
}

interface Resting {
  side: number;
  price: bigint;
  size: number;
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/** Measure the mix of one instrument's MBO records. */
export function mboMix(batches: Iterable<ColumnBatch>, opts: MboMixOptions = {}): MboMix {
  const tick = opts.tick ?? 250_000_000n;
  const sampleEvery = opts.sampleEvery ?? 100;
  let instrument = opts.instrumentId;
  const orders = new Map<bigint, Resting>();
  const levels: [Map<bigint, number>, Map<bigint, number>] = [new Map(), new Map()]; // side 0 bid, 1 ask: price -> orders
  const counts: Record<string, number> = { A: 0, C: 0, M: 0, T: 0, F: 0, R: 0, N: 0 };
  let records = 0, snapshot = 0, lasts = 0;
  let cancels = 0, partialCancels = 0, fillChanges = 0;
  let modPrice = 0, modUp = 0, modDown = 0, modSame = 0;
  const tradeSizes: number[] = [];
  let addImproving = 0, addAt = 0, addNear = 0, addFar = 0, addSizeSum = 0, addSizeOne = 0, adds = 0;
  let samples = 0, sampleCalls = 0, sumAtBest = 0, sumTop5 = 0, sumLevels = 0, sumResting = 0;
  const filledThisEvent = new Set<bigint>();
  let lastMid: bigint | undefined, midChanges = 0, midLo: bigint | undefined, midHi: bigint | undefined;
  let minute: bigint | undefined, minuteMid: bigint | undefined;
  const minuteMoves: number[] = [];
  /** After an event: track the mid (as bid + ask, in price units; halved when reported). */
  const onEvent = (ts: bigint) => {
    const bb = best(0), ba = best(1);
    if (bb === undefined || ba === undefined) return;
    const m2 = bb + ba;
    if (lastMid !== undefined && m2 !== lastMid) midChanges++;
    lastMid = m2;
    if (midLo === undefined || m2 < midLo) midLo = m2;
    if (midHi === undefined || m2 > midHi) midHi = m2;
    const min = ts / 60_000_000_000n;
    if (minute === undefined) (minute = min), (minuteMid = m2);
    else if (min !== minute) {
      minuteMoves.push(Number(m2 - minuteMid!) / 2 / Number(tick));
      minute = min;
      minuteMid = m2;
    }
  };

  const level = (side: number, price: bigint, d: number) => {
    const lv = levels[side]!;
    const n = (lv.get(price) ?? 0) + d;
    if (n <= 0) lv.delete(price);
    else lv.set(price, n);
  };
  const best = (side: number): bigint | undefined => {
    let b: bigint | undefined;
    for (const p of levels[side]!.keys()) if (b === undefined || (side === 0 ? p > b : p < b)) b = p;
    return b;
  };
  const sample = () => {
    for (const side of [0, 1]) {
      const ps = [...levels[side]!.keys()].sort((x, y) => (side === 0 ? (y > x ? 1 : y < x ? -1 : 0) : x > y ? 1 : x < y ? -1 : 0));
      if (ps.length === 0) continue;
      sumAtBest += levels[side]!.get(ps[0]!)!;
      let top = 0;
      const k = Math.min(5, ps.length);
      for (let i = 0; i < k; i++) top += levels[side]!.get(ps[i]!)!;
      sumTop5 += top / k;
      sumLevels += ps.length;
      samples++;
    }
    sumResting += orders.size;
    sampleCalls++;
  };

  for (const b of batches) {
    const c = b.columns;
    const act = c['action'] as Uint8Array, sd = c['side'] as Uint8Array, fl = c['flags'] as Uint8Array;
    const ids = c['order_id'] as BigUint64Array, px = c['price'] as BigInt64Array, sz = c['size'] as Uint32Array;
    const ins = c['instrument_id'] as Uint32Array;
    const tsEvent = c['ts_event'] as BigUint64Array;
    const from = opts.from, to = opts.to;
    if (instrument === undefined) {
      const freq = new Map<number, number>();
      for (let i = 0; i < b.length; i++) freq.set(ins[i]!, (freq.get(ins[i]!) ?? 0) + 1);
      instrument = [...freq.entries()].sort((x, y) => y[1] - x[1])[0]?.[0];
    }
    for (let i = 0; i < b.length; i++) {
      if (ins[i] !== instrument) continue;
      const a = act[i]!, id = ids[i]!, price = px[i]!, size = sz[i]!, flags = fl[i]!;
      const side = sd[i] === BID ? 0 : 1;
      // outside the window: kept in the book like snapshot records, not counted
      const isSnap = (flags & F_SNAPSHOT) !== 0 || (from !== undefined && tsEvent[i]! < from) || (to !== undefined && tsEvent[i]! >= to);
      if (flags & F_SNAPSHOT) snapshot++;
      if (!isSnap) {
        records++;
        counts[String.fromCharCode(a)] = (counts[String.fromCharCode(a)] ?? 0) + 1;
        if (flags & F_LAST) lasts++;
      }
      const o = orders.get(id);
      if (a === A) {
        if (!isSnap && price !== UNDEF_PRICE) {
          const bb = best(side);
          if (bb === undefined) addAt++;
          else {
            const behind = Number((side === 0 ? bb - price : price - bb) / tick);
            if (behind < 0) addImproving++;
            else if (behind === 0) addAt++;
            else if (behind <= 4) addNear++;
            else addFar++;
          }
          adds++;
          addSizeSum += size;
          if (size === 1) addSizeOne++;
        }
        orders.set(id, { side, price, size });
        level(side, price, 1);
      } else if (a === C) {
        if (filledThisEvent.has(id)) fillChanges++;
        else if (!isSnap) {
          cancels++;
          if (o && size < o.size) partialCancels++;
        }
        if (o) {
          if (size < o.size) o.size -= size;
          else {
            orders.delete(id);
            level(o.side, o.price, -1);
          }
        }
      } else if (a === M) {
        const fillDriven = filledThisEvent.has(id);
        if (fillDriven) fillChanges++;
        if (o) {
          if (!fillDriven && !isSnap) {
            if (price !== o.price) modPrice++;
            else if (size > o.size) modUp++;
            else if (size < o.size) modDown++;
            else modSame++;
          }
          if (price !== o.price) {
            level(o.side, o.price, -1);
            level(side, price, 1);
          }
          o.price = price;
          o.size = size;
          o.side = side;
        } else {
          orders.set(id, { side, price, size });
          level(side, price, 1);
        }
      } else if (a === T) {
        if (!isSnap) tradeSizes.push(size);
      } else if (a === F) {
        filledThisEvent.add(id);
      } else if (a === R) {
        orders.clear();
        levels[0].clear();
        levels[1].clear();
      }
      if (flags & F_LAST) {
        filledThisEvent.clear();
        if (!isSnap) onEvent(tsEvent[i]!);
      }
      if (!isSnap && records % sampleEvery === 0) sample();
    }
  }
  const shares: Record<string, number> = {};
  for (const [k, v] of Object.entries(counts)) shares[k] = records ? v / records : 0;
  const mods = modPrice + modUp + modDown + modSame;
  tradeSizes.sort((x, y) => x - y);
  const trades = tradeSizes.length;
  return {
    records,
    snapshotRecords: snapshot,
    counts,
    shares,
    recordsPerEvent: lasts ? records / lasts : 0,
    cancelToAdd: counts['A'] ? cancels / counts['A'] : 0,
    partialCancelShare: cancels ? partialCancels / cancels : 0,
    fillBookChangesPerFill: counts['F'] ? fillChanges / counts['F'] : 0,
    modify: {
      priceChange: mods ? modPrice / mods : 0,
      sizeUp: mods ? modUp / mods : 0,
      sizeDown: mods ? modDown / mods : 0,
      samePriceAndSize: mods ? modSame / mods : 0,
    },
    trades: {
      count: trades,
      meanSize: trades ? tradeSizes.reduce((s, x) => s + x, 0) / trades : 0,
      medianSize: quantile(tradeSizes, 0.5),
      p90Size: quantile(tradeSizes, 0.9),
      maxSize: tradeSizes[trades - 1] ?? 0,
      sizeOneShare: trades ? tradeSizes.filter((x) => x === 1).length / trades : 0,
      fillsPerTrade: trades ? (counts['F'] ?? 0) / trades : 0,
    },
    addDistance: {
      improving: adds ? addImproving / adds : 0,
      atBest: adds ? addAt / adds : 0,
      near: adds ? addNear / adds : 0,
      far: adds ? addFar / adds : 0,
    },
    book: {
      ordersAtBest: samples ? sumAtBest / samples : 0,
      ordersPerLevelTop5: samples ? sumTop5 / samples : 0,
      levelsPerSide: samples ? sumLevels / samples : 0,
      restingOrders: sampleCalls ? sumResting / sampleCalls : 0,
    },
    addSize: { mean: adds ? addSizeSum / adds : 0, sizeOneShare: adds ? addSizeOne / adds : 0 },
    mid: {
      changesPer1000: records ? (midChanges * 1000) / records : 0,
      rangeTicks: midLo === undefined ? 0 : Number(midHi! - midLo) / 2 / Number(tick),
      minuteStdTicks: Math.sqrt(minuteMoves.reduce((s, x) => s + x * x, 0) / Math.max(1, minuteMoves.length)),
    },
  };
}
