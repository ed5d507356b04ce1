// Multi-timeframe momentum (SPEC §7): rate of change over a fast, a medium and a slow lookback (in bars of
// the series' timeframe: 60/240/1440 one-minute bars = 1 h, 4 h, 1 day). Long when all three exceed
// +threshold, short when all three are below -threshold; a position is held while the fast momentum
// still agrees with it and closed when it turns.
import type { Series, StrategyContext, StrategyModule } from '../backtest/strategy.js';
import { EXIT_PARAMS, ExitManager, goDirection } from './exits.js';

export const momentum: StrategyModule = {
  name: 'momentum',
  description: 'multi-timeframe momentum: agreement of fast, medium and slow rate of change',
  params: [
    { name: 'fast', default: 60, min: 2, max: 100_000, integer: true, description: 'fast lookback, bars' },
    { name: 'mid', default: 240, min: 2, max: 100_000, integer: true, description: 'medium lookback, bars' },
    { name: 'slow', default: 1440, min: 2, max: 1_000_000, integer: true, description: 'slow lookback, bars' },
    { name: 'threshold', default: 5, min: 0, max: 10_000, description: 'minimum |rate of change| on every timeframe, basis points' },
    { name: 'qty', default: 1, min: 1, max: 1_000_000, integer: true, description: 'lots per entry' },
    { name: 'allowShort', default: 1, min: 0, max: 1, integer: true, description: '1: trade both sides; 0: long only' },
    ...EXIT_PARAMS,
  ],
  // state while flat: none beyond its rates of change (ctx.ind) and the exit manager, which resets when flat
  warmupBars: () => 1,
  create(p) {
    let fast: Series, mid: Series, slow: Series;
    const th = p.threshold! / 1e4;
    const exits = new ExitManager(p);
    return {
      init(ctx: StrategyContext) {
        fast = ctx.ind.roc(ctx.close, p.fast!);
        mid = ctx.ind.roc(ctx.close, p.mid!);
        slow = ctx.ind.roc(ctx.close, p.slow!);
      },
      onBar(ctx: StrategyContext) {
        if (exits.onBar(ctx)) return;
        const f = fast.at(0),
          m = mid.at(0),
          s = slow.at(0);
        if (Number.isNaN(s) || Number.isNaN(m) || Number.isNaN(f)) return;
        const pos = Math.sign(ctx.position);
        let dir = pos;
        if (f > th && m > th && s > th) dir = 1;
        else if (p.allowShort === 1 && f < -th && m < -th && s < -th) dir = -1;
        else if ((pos > 0 && f < 0) || (pos < 0 && f > 0)) dir = 0;
        goDirection(ctx, dir, p.qty!);
      },
    };
  },
};
