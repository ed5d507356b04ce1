// NQ-like one-minute bars correlated with the ES sample (src/generate/es.ts): a synthetic front-month E-mini
// Nasdaq-100 (NQH4, tick 0.25) for portfolio backtests (docs/backtest.md "Portfolio backtests"). Each minute's log
// return is beta × the ES bar's log return plus NQ's own noise (correlation ~0.9 at one minute), so the two move
// together and their spread wanders and reverts — something a pairs strategy can trade. Same session calendar as ES,
// but a thin overnight minute sometimes has no NQ trade (no bar), so the two series have different gaps, as real
// data does. Deterministic for a seed and the ES bars.
import { Rng } from '../walkforward/random.js';
import type { GeneratedBars } from './es.js';

export interface NqOptions {
  seed: number;
  /** NQ points at the first bar (index points); NQ/ES was about 3.5 in Dec 2023 */
  startPrice?: number;
  /** NQ's sensitivity to ES log returns */
  beta?: number;
  /** NQ's own noise per minute, as a fraction of the ES minute move's typical size */
  idio?: number;
}

const TICK_UNITS = 250_000_000n; // 0.25 in 1e-9 units
const TICK = 0.25;

export function generateNq(es: GeneratedBars, opts: NqOptions): GeneratedBars {
  const rng = new Rng(opts.seed);
  const beta = opts.beta ?? 1.2;
  const idio = opts.idio ?? 0.45;
  const n = es.ts.length;
  const px = (v: bigint) => Number(v) / 1e9;
  const ts = new BigInt64Array(n);
  const o = new BigInt64Array(n), h = new BigInt64Array(n), l = new BigInt64Array(n), c = new BigInt64Array(n);
  const vol = new BigUint64Array(n);
  let mid = opts.startPrice ?? 16_800;
  let prevEs = px(es.open[0]!);
  let typical = 0.0002; // EW size of the ES minute log move, scales NQ's own noise
  let spreadDrift = 0; // slow OU wander of NQ against ES
  let m = 0;
  for (let i = 0; i < n; i++) {
    const eo = px(es.open[i]!), eh = px(es.high[i]!), el = px(es.low[i]!), ec = px(es.close[i]!);
    const gap = Math.log(eo / prevEs);
    const move = Math.log(ec / eo);
    typical = 0.99 * typical + 0.01 * Math.abs(move + gap);
    spreadDrift = 0.999 * spreadDrift + 0.02 * typical * rng.normal();
    const open = mid * Math.exp(beta * gap);
    const close = open * Math.exp(beta * move + idio * typical * rng.normal() + spreadDrift * 0.01);
    // the ES bar's wicks beyond its body, scaled to NQ
    const up = Math.log(eh / Math.max(eo, ec)) * beta;
    const down = Math.log(Math.min(eo, ec) / el) * beta;
    const oT = Math.round(open / TICK), cT = Math.round(close / TICK);
    const hT = Math.max(oT, cT, Math.round((Math.max(open, close) * Math.exp(up)) / TICK));
    const lT = Math.min(oT, cT, Math.round((Math.min(open, close) * Math.exp(-down)) / TICK));
    mid = close;
    prevEs = ec;
    const v = Math.round(Number(es.volume[i]!) * 0.45 * Math.exp(0.3 * rng.normal()));
    // a thin minute (ES volume under 60) sometimes has no NQ trade: no bar, as in Databento's OHLCV
    if (v === 0 || (Number(es.volume[i]!) < 60 && rng.next() < 0.2)) continue;
    ts[m] = es.ts[i]!;
    o[m] = BigInt(oT) * TICK_UNITS;
    h[m] = BigInt(hT) * TICK_UNITS;
    l[m] = BigInt(lT) * TICK_UNITS;
    c[m] = BigInt(cT) * TICK_UNITS;
    vol[m] = BigInt(v);
    m++;
  }
  return {
    symbol: 'NQH4',
    instrumentId: 17085,
    ts: ts.slice(0, m),
    open: o.slice(0, m),
    high: h.slice(0, m),
    low: l.slice(0, m),
    close: c.slice(0, m),
    volume: vol.slice(0, m),
  };
}
