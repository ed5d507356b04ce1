// Slippage model for aggressive fills at L2: half the spread plus square-root market impact
// (Almgren–Chriss style): impact = eta · sigma · sqrt(qty / ADV), with sigma the daily volatility in
// ticks and ADV the average daily volume in lots. Parameters differ for the regular and overnight
// session (configs/products/*.yaml). The cost is returned in ticks per lot (fractional); the engine
// turns it into money once per fill, so prices in the books stay whole ticks.
import type { ImpactConfig } from '../config/product.js';

export interface SlippageModel {
  /** adverse price move per lot, in ticks, for an aggressive fill of `qty` lots */
  costTicks(qty: number, regular: boolean, sigmaTicks: number, advLots: number): number;
}

export class SqrtImpactSlippage implements SlippageModel {
  constructor(readonly cfg: ImpactConfig) {}
  costTicks(qty: number, regular: boolean, sigmaTicks: number, advLots: number): number {
    const p = regular ? this.cfg.regular : this.cfg.overnight;
    const impact = advLots > 0 && sigmaTicks > 0 ? p.eta * sigmaTicks * Math.sqrt(qty / advLots) : 0;
    return p.halfSpreadTicks + impact;
  }
}

export class NoSlippage implements SlippageModel {
  costTicks(): number {
    return 0;
  }
}

/**
 * Daily sigma (ticks) and ADV (lots) from the `lookback` closed bars before bar `i` (never bar i itself):
 * sigma = std of close-to-close changes × sqrt(barsPerDay); ADV = mean bar volume × barsPerDay.
 * O(lookback) per fill, nothing per bar.
 */
export function estimateSigmaAdv(
  close: Float64Array,
  volume: Float64Array,
  i: number,
  lookback: number,
  barsPerDay: number,
  out: Float64Array,
): void {
  const from = Math.max(1, i - lookback);
  let n = 0,
    s = 0,
    s2 = 0,
    v = 0;
  for (let j = from; j < i; j++) {
    const d = close[j]! - close[j - 1]!;
    s += d;
    s2 += d * d;
    v += volume[j]!;
    n++;
  }
  if (n < 2) {
    out[0] = 0;
    out[1] = 0;
    return;
  }
  const mean = s / n;
  const variance = Math.max(0, (s2 - n * mean * mean) / (n - 1));
  out[0] = Math.sqrt(variance * barsPerDay);
  out[1] = (v / n) * barsPerDay;
}

export interface SigmaAdv {
  /** daily sigma in ticks from the closed bars before index i (length n + 1: i = n is "after the last bar") */
  sigma: Float64Array;
  adv: Float64Array;
}

const rollingCache = new WeakMap<object, Map<string, SigmaAdv>>();

/** rollingSigmaAdv's result computed by another thread for this series (shared memory): returned from now on. */
export function adoptSigmaAdv(series: object, lookback: number, barsPerDay: number, sa: SigmaAdv): void {
  let m = rollingCache.get(series);
  if (!m) rollingCache.set(series, (m = new Map()));
  m.set(`${lookback}/${barsPerDay}`, sa);
}

/**
 * The same estimate as estimateSigmaAdv for every index at once, with running sums (exact for integer ticks
 * and lots), cached per series: O(1) per fill instead of O(lookback).
 */
export function rollingSigmaAdv(
  series: object,
  close: Float64Array,
  volume: Float64Array,
  lookback: number,
  barsPerDay: number,
): SigmaAdv {
  const key = `${lookback}/${barsPerDay}`;
  let m = rollingCache.get(series);
  if (!m) rollingCache.set(series, (m = new Map()));
  const hit = m.get(key);
  if (hit) return hit;
  const n = close.length;
  const sigma = new Float64Array(n + 1);
  const adv = new Float64Array(n + 1);
  let s = 0,
    s2 = 0,
    v = 0;
  // window for index i: j in [max(1, i - lookback), i - 1]
  for (let i = 0; i <= n; i++) {
    if (i >= 2) {
      const j = i - 1; // enters
      const d = close[j]! - close[j - 1]!;
      s += d;
      s2 += d * d;
      v += volume[j]!;
    }
    const from = Math.max(1, i - lookback);
    if (from > 1) {
      const j = from - 1; // left the window
      const d = close[j]! - close[j - 1]!;
      s -= d;
      s2 -= d * d;
      v -= volume[j]!;
    }
    const cnt = i - from;
    if (cnt < 2) continue;
    const mean = s / cnt;
    const variance = Math.max(0, (s2 - cnt * mean * mean) / (cnt - 1));
    sigma[i] = Math.sqrt(variance * barsPerDay);
    adv[i] = (v / cnt) * barsPerDay;
  }
  const out = { sigma, adv };
  m.set(key, out);
  return out;
}
