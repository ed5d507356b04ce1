// Rotation (portfolio strategy, docs/backtest.md "Portfolio backtests"): cross-sectional momentum. Every
// `rebalance` steps, rank the instruments by their rate of change over their own last `lookback` bars; hold `qty`
// lots long in the strongest and, with allowShort, `qty` lots short in the weakest; every other instrument flat.
// Instruments with fewer than lookback + 1 bars are left out of the ranking (and flat). Market orders.
import type { InstrumentContext, PortfolioContext, PortfolioStrategyModule } from '../backtest/portfolio/api.js';

export const rotation: PortfolioStrategyModule = {
  name: 'rotation',
  description: 'cross-sectional momentum: long the strongest instrument, short the weakest, rebalanced every N steps',
  params: [
    { name: 'lookback', default: 240, min: 1, max: 100_000, integer: true, description: 'rate-of-change lookback, bars of each instrument' },
    { name: 'rebalance', default: 60, min: 1, max: 100_000, integer: true, description: 'steps between rebalances' },
    { name: 'qty', default: 1, min: 1, max: 1_000_000, integer: true, description: 'lots in each held instrument' },
    { name: 'allowShort', default: 1, min: 0, max: 1, integer: true, description: '1: also short the weakest; 0: long only' },
  ],
  create(p) {
    let seen = 0;
    return {
      onBar(ctx: PortfolioContext) {
        if (seen++ % p.rebalance! !== 0) return;
        let best: InstrumentContext | null = null,
          worst: InstrumentContext | null = null;
        let hi = -Infinity,
          lo = Infinity;
        for (const x of ctx.instruments) {
          const r = x.close.at(0) / x.close.at(p.lookback!) - 1;
          if (!Number.isFinite(r)) continue; // not enough bars yet
          if (r > hi) (hi = r), (best = x);
          if (r < lo) (lo = r), (worst = x);
        }
        if (best === null) return;
        for (const x of ctx.instruments) {
          const target = x === best ? p.qty! : x === worst && p.allowShort === 1 && worst !== best ? -p.qty! : 0;
          x.cancelAll();
          const d = target - x.position;
          if (d > 0) x.buy(d);
          else if (d < 0) x.sell(-d);
        }
      },
    };
  },
};
