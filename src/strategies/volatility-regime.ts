// Volatility regime (SPEC §7): realized volatility against its own recent history decides how to trade.
//   ratio = vol / baseline, vol = standard deviation of one-bar log returns over `volWindow` bars, baseline = the
//   mean of vol over `baseWindow` bars (so the ratio is scale-free: 1 = usual volatility for this market).
//   calm      ratio <  lowRatio           trend: enter in the direction of the `trendBars` rate of change when
//                                         it exceeds ±threshold (volatility compression tends to end in a move)
//   normal    lowRatio <= ratio < highRatio   no new entries; a trend position is held while the rate of change
//                                         agrees, a fade is held until |z| < exitZ
//   elevated  highRatio <= ratio < extremeRatio   mean reversion: fade |z| > entryZ (z of the close over
//                                         `volWindow`), exit inside ±exitZ; a trend position is closed
//   extreme   ratio >= extremeRatio       stand aside: flat
// Every series is built once in init; onBar reads closed bars through Series.at and allocates nothing.
import type { Series, StrategyContext, StrategyModule } from '../backtest/strategy.js';
import { EXIT_PARAMS, ExitManager, goDirection } from './exits.js';

/** regime of a volatility ratio: 0 calm, 1 normal, 2 elevated, 3 extreme; -1 while the estimates warm up */
export function regimeOf(ratio: number, low: number, high: number, extreme: number): number {
  if (ratio !== ratio) return -1;
  return ratio >= extreme ? 3 : ratio >= high ? 2 : ratio >= low ? 1 : 0;
}

const NONE = 0,
  TREND = 1,
  FADE = 2;

export const volatilityRegime: StrategyModule = {
  name: 'volatility-regime',
  description: 'trend-follow when volatility is calm against its history, fade extremes when it is elevated, stand aside when it explodes',
  params: [
    { name: 'volWindow', default: 60, min: 2, max: 100_000, integer: true, description: 'bars in the realized volatility (std of log returns) and the z-score' },
    { name: 'baseWindow', default: 1440, min: 2, max: 1_000_000, integer: true, description: 'bars averaged into the volatility baseline' },
    { name: 'lowRatio', default: 0.8, min: 0.01, max: 10, description: 'vol / baseline below this is calm (trend entries)' },
    { name: 'highRatio', default: 1.5, min: 0.01, max: 10, description: 'vol / baseline at or above this is elevated (mean reversion); must be > lowRatio' },
    { name: 'extremeRatio', default: 3, min: 0.01, max: 100, description: 'vol / baseline at or above this: flat; must be > highRatio' },
    { name: 'trendBars', default: 240, min: 2, max: 1_000_000, integer: true, description: 'rate-of-change lookback for the trend direction, bars' },
    { name: 'threshold', default: 10, min: 0, max: 10_000, description: 'minimum |rate of change| for a trend entry, basis points' },
    { name: 'entryZ', default: 2, min: 0.1, max: 10, description: 'elevated regime: fade when |z| exceeds this' },
    { name: 'exitZ', default: 0.5, min: 0, max: 10, description: 'a fade exits when |z| falls below this (must be < entryZ)' },
    { name: 'qty', default: 1, min: 1, max: 1_000_000, integer: true, description: 'lots per entry' },
    { name: 'allowShort', default: 1, min: 0, max: 1, integer: true, description: '1: trade both sides; 0: long only' },
    ...EXIT_PARAMS,
  ],
  // state while flat: `mode` resets on every flat bar with no orders (all of warm-up); the rest is ctx.ind
  warmupBars: () => 1,
  create(p) {
    const low = p.lowRatio!,
      high = p.highRatio!,
      extreme = p.extremeRatio!;
    if (!(low < high && high < extreme)) {
      throw new Error(`strategy volatility-regime: needs lowRatio < highRatio < extremeRatio (got ${low}, ${high}, ${extreme})`);
    }
    if (p.exitZ! >= p.entryZ!) throw new Error(`strategy volatility-regime: exitZ (${p.exitZ}) must be < entryZ (${p.entryZ})`);
    const th = p.threshold! / 1e4;
    const entryZ = p.entryZ!,
      exitZ = p.exitZ!,
      qty = p.qty!,
      shorts = p.allowShort === 1;
    const exits = new ExitManager(p);
    let vol: Series, base: Series, roc: Series, z: Series;
    let mode = NONE; // what opened the current position
    return {
      init(ctx: StrategyContext) {
        const i = ctx.ind;
        const logRet = i.map((c, prev) => (c! > 0 && prev! > 0 ? Math.log(c! / prev!) : NaN), ctx.close, i.shift(ctx.close, 1));
        vol = i.std(logRet, p.volWindow!);
        base = i.sma(vol, p.baseWindow!);
        roc = i.roc(ctx.close, p.trendBars!);
        z = i.zscore(ctx.close, p.volWindow!);
      },
      onBar(ctx: StrategyContext) {
        if (ctx.position === 0 && ctx.openOrders === 0) mode = NONE;
        if (exits.onBar(ctx)) return;
        const v = vol.at(0),
          b = base.at(0),
          r = roc.at(0),
          zz = z.at(0);
        // a zero baseline (no movement at all over the window) reads as usual volatility, not a division by zero
        const ratio = b > 0 ? v / b : b === 0 ? (v > 0 ? Infinity : 1) : NaN;
        const regime = regimeOf(ratio, low, high, extreme);
        if (regime < 0 || r !== r || zz !== zz) return;
        const pos = Math.sign(ctx.position);
        let dir = pos;
        let next = mode;
        if (regime === 3) {
          dir = 0;
        } else if (regime === 2) {
          if (zz < -entryZ) (dir = 1), (next = FADE);
          else if (zz > entryZ && shorts) (dir = -1), (next = FADE);
          else if (mode === TREND || (mode === FADE && Math.abs(zz) < exitZ)) dir = 0;
        } else {
          if (mode === FADE) {
            if (Math.abs(zz) < exitZ) dir = 0;
          } else if (regime === 0 && r > th) (dir = 1), (next = TREND);
          else if (regime === 0 && r < -th && shorts) (dir = -1), (next = TREND);
          else if ((pos > 0 && r < 0) || (pos < 0 && r > 0)) dir = 0;
        }
        mode = dir === 0 ? NONE : next;
        goDirection(ctx, dir, qty);
      },
    };
  },
};
