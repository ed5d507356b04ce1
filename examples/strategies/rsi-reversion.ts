// An example user strategy in TypeScript: RSI mean reversion. Run it with
//   contango backtest --config configs/es-study.yaml \
//     --set strategy.name=examples/strategies/rsi-reversion.ts --set 'strategy.params={qty: 1}'
// or from code: runBacktest({ ..., strategy: 'examples/strategies/rsi-reversion.ts', params: { period: 14 } }, bars).
// contango type-checks the file (and the helper it imports) against the strategy API, then transpiles it into a cache
// on first use; see docs/strategies.md "Your own strategy". Only types are imported from 'contango' (the name the
// type check gives the API's declarations): they vanish in the transpiled module.
//
// Rules (closed bars only; orders fill at the next bar's open): flat → buy when RSI crosses below `lower`, sell
// when it crosses above `upper`; a long exits when RSI is back at or above 50, a short at or below 50.
import type { Series, StrategyContext, StrategyModule } from 'contango';
import { crossedAbove, crossedBelow } from './lib/cross.js';

const rsiReversion: StrategyModule = {
  name: 'rsi-reversion',
  description: 'RSI mean reversion: fade oversold / overbought crossings, exit at the midline',
  params: [
    { name: 'period', default: 14, min: 2, max: 1_000, integer: true, description: 'RSI period, bars' },
    { name: 'lower', default: 30, min: 1, max: 49, description: 'go long when RSI crosses below this' },
    { name: 'upper', default: 70, min: 51, max: 99, description: 'go short when RSI crosses above this' },
    { name: 'qty', default: 1, min: 1, max: 1_000, integer: true, description: 'lots per entry' },
  ],
  create(p) {
    let rsi: Series; // built once in init: onBar allocates nothing
    const lower = p.lower!,
      upper = p.upper!,
      qty = p.qty!;
    return {
      init(ctx: StrategyContext) {
        rsi = ctx.ind.rsi(ctx.close, p.period!);
      },
      onBar(ctx: StrategyContext) {
        const now = rsi.at(0),
          prev = rsi.at(1);
        if (Number.isNaN(prev) || ctx.openOrders > 0) return;
        const pos = ctx.position;
        if (pos === 0) {
          if (crossedBelow(prev, now, lower)) ctx.buy(qty);
          else if (crossedAbove(prev, now, upper)) ctx.sell(qty);
        } else if ((pos > 0 && now >= 50) || (pos < 0 && now <= 50)) {
          ctx.flatten();
        }
      },
    };
  },
};

export default rsiReversion;
