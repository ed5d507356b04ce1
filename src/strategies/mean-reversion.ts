// Mean reversion (SPEC §7): z-score of the close against its rolling mean and deviation (equivalently
// Bollinger %B = 0.5 + z / (2k)). Long below -entryZ, short above +entryZ, exit when the z-score comes
// back inside ±exitZ. A zero deviation gives z = 0 (no signal), never a division by zero.
import type { Series, StrategyContext, StrategyModule } from '../backtest/strategy.js';
import { EXIT_PARAMS, ExitManager, goDirection } from './exits.js';

export const meanReversion: StrategyModule = {
  name: 'mean-reversion',
  description: 'Bollinger / z-score mean reversion',
  params: [
    { name: 'window', default: 60, min: 2, max: 100_000, integer: true, description: 'rolling window for mean and deviation, bars' },
    { name: 'entryZ', default: 2, min: 0.1, max: 10, description: 'enter when |z| exceeds this' },
    { name: 'exitZ', default: 0.5, min: 0, max: 10, description: 'exit when |z| falls below this (must be < entryZ)' },
    { name: 'qty', default: 1, min: 1, max: 1_000_000, integer: true, description: 'lots per entry' },
    { name: 'allowShort', default: 1, min: 0, max: 1, integer: true, description: '1: trade both sides; 0: long only' },
    ...EXIT_PARAMS,
  ],
  // state while flat: none beyond its z-score (ctx.ind) and the exit manager, which resets when flat
  warmupBars: () => 1,
  create(p) {
    if (p.exitZ! >= p.entryZ!) throw new Error(`strategy mean-reversion: exitZ (${p.exitZ}) must be < entryZ (${p.entryZ})`);
    let z: Series;
    const exits = new ExitManager(p);
    return {
      init(ctx: StrategyContext) {
        z = ctx.ind.zscore(ctx.close, p.window!);
      },
      onBar(ctx: StrategyContext) {
        if (exits.onBar(ctx)) return;
        const v = z.at(0);
        if (Number.isNaN(v)) return;
        const pos = Math.sign(ctx.position);
        let dir = pos;
        if (v < -p.entryZ!) dir = 1;
        else if (v > p.entryZ! && p.allowShort === 1) dir = -1;
        else if ((pos > 0 && v > -p.exitZ!) || (pos < 0 && v < p.exitZ!)) dir = 0;
        goDirection(ctx, dir, p.qty!);
      },
    };
  },
};
