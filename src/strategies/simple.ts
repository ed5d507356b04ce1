// Two small strategies for tests and benchmarks: one that never trades, and a moving-average crossover.
import type { Series, StrategyContext, StrategyModule } from '../backtest/strategy.js';
import { goDirection } from './exits.js';

export const noop: StrategyModule = {
  name: 'noop',
  description: 'never trades (engine overhead and benchmarks)',
  params: [],
  warmupBars: () => 1,
  create: () => ({ onBar() {} }),
};

export const maCross: StrategyModule = {
  name: 'ma-cross',
  description: 'long when the fast SMA is above the slow SMA, short below',
  params: [
    { name: 'fast', default: 10, min: 1, max: 100_000, integer: true, description: 'fast SMA, bars' },
    { name: 'slow', default: 30, min: 2, max: 100_000, integer: true, description: 'slow SMA, bars' },
    { name: 'qty', default: 1, min: 1, max: 1_000_000, integer: true, description: 'lots per entry' },
    { name: 'allowShort', default: 1, min: 0, max: 1, integer: true, description: '1: both sides; 0: long only' },
  ],
  // state while flat: none beyond its averages (ctx.ind)
  warmupBars: () => 1,
  create(p) {
    let f: Series, s: Series;
    return {
      init(ctx: StrategyContext) {
        f = ctx.ind.sma(ctx.close, p.fast!);
        s = ctx.ind.sma(ctx.close, p.slow!);
      },
      onBar(ctx: StrategyContext) {
        const a = f.at(0),
          b = s.at(0);
        if (Number.isNaN(b)) return;
        const dir = a > b ? 1 : a < b ? (p.allowShort === 1 ? -1 : 0) : Math.sign(ctx.position);
        goDirection(ctx, dir, p.qty!);
      },
    };
  },
};
