// Funding-rate carry for perpetuals (SPEC §5, §7): hold the side that RECEIVES funding when the average
// funding rate over a window is large enough: short when it is above +entry (longs pay shorts), long when
// below -entry; flat once |average| falls below exit. Rates in parts per 1e8 (1 bp = 10,000).
import type { Series, StrategyContext, StrategyModule } from '../backtest/strategy.js';
import { EXIT_PARAMS, ExitManager, goDirection } from './exits.js';

export const fundingCarry: StrategyModule = {
  name: 'funding-carry',
  description: 'perpetual funding-rate carry: sit on the side that receives funding',
  params: [
    { name: 'window', default: 1440, min: 1, max: 1_000_000, integer: true, description: 'bars averaged (1440 one-minute bars = 1 day)' },
    { name: 'entry', default: 20_000, min: 0, max: 10_000_000, description: 'enter when |average rate| exceeds this, parts per 1e8 (20,000 = 0.02 %)' },
    { name: 'exit', default: 5_000, min: 0, max: 10_000_000, description: 'exit when |average rate| falls below this (must be < entry)' },
    { name: 'qty', default: 1, min: 1, max: 1_000_000, integer: true, description: 'lots per entry' },
    ...EXIT_PARAMS.map((s) => (s.name === 'exits' ? { ...s, default: 0 } : s)),
  ],
  // state while flat: none beyond its average (ctx.ind) and the exit manager, which resets when flat
  warmupBars: () => 1,
  create(p) {
    if (p.exit! >= p.entry! && p.entry! > 0) throw new Error(`strategy funding-carry: exit (${p.exit}) must be < entry (${p.entry})`);
    let avg: Series;
    const exits = new ExitManager(p);
    return {
      init(ctx: StrategyContext) {
        if (!ctx.fundingRate) throw new Error('strategy funding-carry: the bar series has no fundingRate column (perpetual data needed)');
        avg = ctx.ind.sma(ctx.fundingRate, p.window!);
      },
      onBar(ctx: StrategyContext) {
        if (exits.onBar(ctx)) return;
        const a = avg.at(0);
        if (Number.isNaN(a)) return;
        const pos = Math.sign(ctx.position);
        let dir = pos;
        if (a > p.entry!) dir = -1;
        else if (a < -p.entry!) dir = 1;
        else if (Math.abs(a) < p.exit!) dir = 0;
        goDirection(ctx, dir, p.qty!);
      },
    };
  },
};
