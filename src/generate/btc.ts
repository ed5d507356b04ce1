// BTCUSDT-like perpetual: one-minute bars around the clock (tick 0.10, lots of 0.001 BTC), with the mark
// price and the funding rate at every bar. Mechanics follow SPEC §5: a premium index drifts (OU) around a
// small positive basis; the funding rate for the interval is the interval's average premium plus
// clamp(I − P, −0.05 %, +0.05 %) with I = 0.01 %, capped at ±0.75 %, in whole 1e-8 (parts per 1e8); it is
// published (estimated) at every bar; the bar at a funding time (00:00, 08:00, 16:00 UTC) carries the
// settled rate of the interval that just ended, which is the rate paid at that instant. The mark price is the index times (1 + smoothed premium), on the tick grid.
import { Rng } from '../walkforward/random.js';
import type { GeneratedBars } from './es.js';

export interface BtcOptions {
  seed: number;
  start: string; // UTC day, inclusive
  end: string; // UTC day, exclusive
  startPrice?: number;
  annualVol?: number;
}

const TICK = 0.1;
const TICK_UNITS = 100_000_000n; // 0.1 in 1e-9 units
const INTEREST = 0.0001; // I: 0.01 % per 8 h
const FUNDING_MS = 8 * 3_600_000;

/** F = P + clamp(I − P, −0.05 %, +0.05 %), capped at ±0.75 %, in parts per 1e8. */
function fundingRate(p: number): number {
  let f = p + Math.min(0.0005, Math.max(-0.0005, INTEREST - p));
  f = Math.min(0.0075, Math.max(-0.0075, f));
  return Math.round(f * 1e8);
}

export function generateBtc(opts: BtcOptions): GeneratedBars {
  const rng = new Rng(opts.seed);
  const startMs = Date.parse(opts.start + 'T00:00:00Z');
  const endMs = Date.parse(opts.end + 'T00:00:00Z');
  const n = Math.floor((endMs - startMs) / 60_000);
  const perMinute = (opts.annualVol ?? 0.55) / Math.sqrt(365 * 1440);
  let index = opts.startPrice ?? 42_500;
  let garchVar = 1, lastShock = 0, drift = 0;
  let premium = 0.0002, premiumSum = 0, premiumCount = 0, smoothedPremium = 0.0002;
  const ts = new BigInt64Array(n);
  const o = new BigInt64Array(n), h = new BigInt64Array(n), l = new BigInt64Array(n), c = new BigInt64Array(n);
  const mark = new BigInt64Array(n);
  const funding = new Int32Array(n);
  const vol = new BigUint64Array(n);
  for (let i = 0; i < n; i++) {
    const ms = startMs + i * 60_000;
    // at a funding time the bar carries the settled rate of the interval that just ended
    let settled: number | undefined;
    if (ms % FUNDING_MS === 0) {
      if (premiumCount > 0) settled = fundingRate(premiumSum / premiumCount);
      premiumSum = 0;
      premiumCount = 0;
    }
    const hourUtc = new Date(ms).getUTCHours();
    const season = 0.8 + 0.4 * Math.exp(-(((hourUtc - 14 + 24) % 24) ** 2) / 8); // US hours are busier
    garchVar = 0.03 + 0.1 * lastShock * lastShock + 0.87 * garchVar;
    drift = 0.9993 * drift + 0.0000001 * rng.normal(); // stationary sd ~2.7e-6 a minute
    const sigma = perMinute * season * Math.sqrt(garchVar);
    const start = index;
    let hi = -Infinity, lo = Infinity, first = 0, last = 0;
    premium = premium + 0.002 * (0.0003 - premium) + 0.00003 * rng.normal(); // sd ~0.05 %, half-life ~6 h
    for (let s = 0; s < 10; s++) {
      index *= Math.exp(drift / 10 + (sigma / Math.sqrt(10)) * rng.normal());
      const px = Math.round((index * (1 + premium)) / TICK);
      if (s === 0) first = px;
      last = px;
      if (px > hi) hi = px;
      if (px < lo) lo = px;
    }
    lastShock = Math.log(index / start) / (perMinute * season);
    premiumSum += premium;
    premiumCount++;
    smoothedPremium += (premium - smoothedPremium) / 30;
    funding[i] = settled ?? fundingRate(premiumSum / premiumCount);
    mark[i] = BigInt(Math.round((index * (1 + smoothedPremium)) / TICK)) * TICK_UNITS;
    ts[i] = BigInt(ms) * 1_000_000n;
    o[i] = BigInt(first) * TICK_UNITS;
    h[i] = BigInt(hi) * TICK_UNITS;
    l[i] = BigInt(lo) * TICK_UNITS;
    c[i] = BigInt(last) * TICK_UNITS;
    // lots of 0.001 BTC: ~60 BTC a minute on average
    vol[i] = BigInt(Math.max(1, Math.round(60_000 * season * Math.exp(0.6 * rng.normal()) * (1 + 0.3 * Math.abs(lastShock)))));
  }
  return { symbol: 'BTCUSDT', instrumentId: 1, ts, open: o, high: h, low: l, close: c, volume: vol, mark, fundingRate: funding };
}
