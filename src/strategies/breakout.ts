// Breakout (SPEC §7): Donchian channels of the PREVIOUS `entryBars` bars (shifted one bar, so a bar never
// breaks out of a channel that includes itself). Long when the close exceeds the prior high, short when it
// falls below the prior low; exit a long below the prior `exitBars` low (shorts mirror).
import type { Series, StrategyContext, StrategyModule } from '../backtest/strategy.js';
import { EXIT_PARAMS, ExitManager, goDirection } from './exits.js';

export const breakout: StrategyModule = {
  name: 'breakout',
  description: 'Donchian channel breakout with a shorter exit channel',
  params: [
    { name: 'entryBars', default: 120, min: 2, max: 100_000, integer: true, description: 'entry channel length, bars' },
    { name: 'exitBars', default: 60, min: 2, max: 100_000, integer: true, description: 'exit channel length, bars' },
    { name: 'qty', default: 1, min: 1, max: 1_000_000, integer: true, description: 'lots per entry' },
    { name: 'allowShort', default: 1, min: 0, max: 1, integer: true, description: '1: trade both sides; 0: long only' },
    ...EXIT_PARAMS,
  ],
  // state while flat: none beyond its channels (ctx.ind) and the exit manager, which resets when flat
  warmupBars: () => 1,
  create(p) {
    let upper: Series, lower: Series, exitLow: Series, exitHigh: Series;
    const exits = new ExitManager(p);
    return {
      init(ctx: StrategyContext) {
        const ind = ctx.ind;
        upper = ind.shift(ind.highest(ctx.high, p.entryBars!), 1);
        lower = ind.shift(ind.lowest(ctx.low, p.entryBars!), 1);
        exitLow = ind.shift(ind.lowest(ctx.low, p.exitBars!), 1);
        exitHigh = ind.shift(ind.highest(ctx.high, p.exitBars!), 1);
      },
      onBar(ctx: StrategyContext) {
        if (exits.onBar(ctx)) return;
        const c = ctx.close.at(0);
        const u = upper.at(0),
          l = lower.at(0);
        if (Number.isNaN(u) || Number.isNaN(l)) return;
        const pos = Math.sign(ctx.position);
        let dir = pos;
        if (c > u) dir = 1;
        else if (c < l && p.allowShort === 1) dir = -1;
        else if ((pos > 0 && c < exitLow.at(0)) || (pos < 0 && c > exitHigh.at(0))) dir = 0;
        goDirection(ctx, dir, p.qty!);
      },
    };
  },
};
