// ES-like one-minute bars: a synthetic front-month E-mini S&P 500 (ESH4 calendar, tick 0.25) on the real
// Globex session calendar (calendar.ts). The price is a latent continuous mid simulated in 12 sub-steps per
// minute and traded on the tick grid; volatility has the intraday U shape of the regular session, a quiet
// overnight, and GARCH(1,1) clustering; a slow Ornstein–Uhlenbeck drift gives trending and mean-reverting
// stretches so that strategies have something to find. Minutes without a trade (thin overnight) get no bar,
// as in Databento's OHLCV. Deterministic for a given seed.
import { Rng } from '../walkforward/random.js';
import { chicagoTime, esSessionOpen, isRth } from './calendar.js';

export interface GeneratedBars {
  symbol: string;
  instrumentId: number;
  /** ns since epoch, bar open time */
  ts: BigInt64Array;
  /** prices in 1e-9 units (Databento fixed point) */
  open: BigInt64Array;
  high: BigInt64Array;
  low: BigInt64Array;
  close: BigInt64Array;
  volume: BigUint64Array;
  /** perpetuals: mark price (1e-9 units) and funding rate (parts per 1e8) at each bar */
  mark?: BigInt64Array;
  fundingRate?: Int32Array;
}

export interface EsOptions {
  seed: number;
  /** first and last UTC day (inclusive start, exclusive end) */
  start: string;
  end: string;
  startPrice?: number; // index points
  annualVol?: number; // e.g. 0.14
}

const TICK_UNITS = 250_000_000n; // 0.25 in 1e-9 units
const TICK = 0.25;
const SUBSTEPS = 12;

/** Relative volatility of each local minute: U-shaped in the regular session, quiet overnight. */
function seasonalVol(minuteOfDay: number, rth: boolean): number {
  if (!rth) {
    // the European open (02:00 CT) and the 07:30 CT data releases lift the overnight session a little
    if (minuteOfDay >= 7 * 60 + 30 && minuteOfDay < 8 * 60 + 30) return 0.75;
    if (minuteOfDay >= 2 * 60 && minuteOfDay < 4 * 60) return 0.45;
    return 0.3;
  }
  const x = (minuteOfDay - (8 * 60 + 30)) / 390; // 0 at the open, 1 at the close
  return 0.75 + 1.6 * Math.exp(-x * 12) + 0.5 * Math.exp(-(1 - x) * 10);
}

export function generateEs(opts: EsOptions): GeneratedBars {
  const rng = new Rng(opts.seed);
  const startMs = Date.parse(opts.start + 'T00:00:00Z');
  const endMs = Date.parse(opts.end + 'T00:00:00Z');
  // ~1380 session minutes a day, RTH weighted: scale so the daily variance matches the annual volatility.
  const annualVol = opts.annualVol ?? 0.14;
  const perMinute = annualVol / Math.sqrt(252 * 1380 * 0.25); // 0.25: measured mean squared seasonal × GARCH factor
  let mid = opts.startPrice ?? 4790;
  let garchVar = 1; // GARCH(1,1) variance multiplier, mean 1
  let drift = 0; // per-minute log drift, OU
  let lastShock = 0;
  const cap = Math.ceil((endMs - startMs) / 60_000);
  const ts = new BigInt64Array(cap);
  const o = new BigInt64Array(cap), h = new BigInt64Array(cap), l = new BigInt64Array(cap), c = new BigInt64Array(cap);
  const vol = new BigUint64Array(cap);
  let n = 0;
  for (let ms = startMs; ms < endMs; ms += 60_000) {
    if (!esSessionOpen(ms)) continue;
    const t = chicagoTime(ms);
    const rth = isRth(t);
    garchVar = 0.02 + 0.08 * lastShock * lastShock + 0.9 * garchVar;
    drift = 0.9995 * drift + 0.00000004 * rng.normal(); // stationary sd ~1.3e-6 a minute
    const sigma = perMinute * seasonalVol(t.minuteOfDay, rth) * Math.sqrt(garchVar);
    // sub-minute path on the latent mid; trades print on the tick grid
    let hi = -Infinity, lo = Infinity, first = 0, last = 0;
    const start = mid;
    for (let s = 0; s < SUBSTEPS; s++) {
      mid *= Math.exp(drift / SUBSTEPS + (sigma / Math.sqrt(SUBSTEPS)) * rng.normal());
      const px = Math.round(mid / TICK);
      if (s === 0) first = px;
      last = px;
      if (px > hi) hi = px;
      if (px < lo) lo = px;
    }
    lastShock = Math.log(mid / start) / (perMinute * seasonalVol(t.minuteOfDay, rth));
    // volume: seasonal level × lognormal noise × more volume when the market moves
    const level = rth ? 2600 * (0.6 + seasonalVol(t.minuteOfDay, rth) / 2) : 160 * seasonalVol(t.minuteOfDay, rth) / 0.3;
    const v = Math.max(0, Math.round(level * Math.exp(0.5 * rng.normal()) * (1 + Math.abs(lastShock) * 0.3)));
    // a thin overnight minute may have no trade at all: no bar
    if (v === 0 || (!rth && rng.next() < 0.03)) continue;
    ts[n] = BigInt(ms) * 1_000_000n;
    o[n] = BigInt(first) * TICK_UNITS;
    h[n] = BigInt(hi) * TICK_UNITS;
    l[n] = BigInt(lo) * TICK_UNITS;
    c[n] = BigInt(last) * TICK_UNITS;
    vol[n] = BigInt(v);
    n++;
  }
  return {
    symbol: 'ESH4',
    instrumentId: 17077,
    ts: ts.slice(0, n),
    open: o.slice(0, n),
    high: h.slice(0, n),
    low: l.slice(0, n),
    close: c.slice(0, n),
    volume: vol.slice(0, n),
  };
}
