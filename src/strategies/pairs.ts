// Pairs (portfolio strategy, docs/backtest.md "Portfolio backtests"): mean reversion of the log-price spread
// between the first two instruments of the run, A and B: spread = ln(close A) − ln(close B), z = its z-score over
// the last `window` values (one value per step at which either leg has a new bar, once both have one). Short the
// spread (sell qtyA of A, buy qtyB of B) when z > entry, long it when z < −entry, close both legs when |z| < exit.
// Orders are market orders: each leg fills at its own next bar's open.
import type { PortfolioContext, PortfolioStrategyModule } from '../backtest/portfolio/api.js';

export const pairs: PortfolioStrategyModule = {
  name: 'pairs',
  description: 'log-price spread mean reversion between the first two instruments (z-score entry / exit)',
  params: [
    { name: 'window', default: 120, min: 2, max: 100_000, integer: true, description: 'spread values in the z-score, steps' },
    { name: 'entry', default: 2, min: 0, max: 100, description: 'enter when |z| exceeds this' },
    { name: 'exit', default: 0.5, min: 0, max: 100, description: 'close both legs when |z| falls below this (< entry)' },
    { name: 'qtyA', default: 1, min: 1, max: 1_000_000, integer: true, description: 'lots of the first instrument per entry' },
    { name: 'qtyB', default: 1, min: 1, max: 1_000_000, integer: true, description: 'lots of the second instrument per entry' },
  ],
  create(p) {
    const n = p.window!;
    const ring = new Float64Array(n);
    let count = 0;
    let head = 0;
    let state = 0; // +1 long the spread (long A, short B), -1 short it, 0 flat
    return {
      init(ctx: PortfolioContext) {
        if (ctx.instruments.length < 2) throw new Error(`strategy pairs: needs two instruments, got ${ctx.instruments.length}`);
        if (!(p.exit! < p.entry!)) throw new Error(`strategy pairs: exit (${p.exit}) must be below entry (${p.entry})`);
      },
      onBar(ctx: PortfolioContext) {
        const a = ctx.instruments[0]!,
          b = ctx.instruments[1]!;
        if (!a.updated && !b.updated) return;
        const ca = a.close.at(0),
          cb = b.close.at(0);
        if (!(ca > 0 && cb > 0)) return; // a leg without a bar yet
        ring[head] = Math.log(ca) - Math.log(cb);
        head = (head + 1) % n;
        if (count < n) count++;
        if (count < n) return;
        let sum = 0;
        for (let k = 0; k < n; k++) sum += ring[k]!;
        const mean = sum / n;
        let ss = 0;
        for (let k = 0; k < n; k++) ss += (ring[k]! - mean) ** 2;
        const sd = Math.sqrt(ss / n);
        if (!(sd > 0)) return;
        const z = (ring[(head + n - 1) % n]! - mean) / sd;
        let want = state;
        if (z > p.entry!) want = -1;
        else if (z < -p.entry!) want = 1;
        else if (Math.abs(z) < p.exit!) want = 0;
        if (want === state || (want !== 0 && ctx.halted)) return;
        state = want;
        goTo(a, want * p.qtyA!);
        goTo(b, -want * p.qtyB!);
      },
    };
  },
};

/** cancel the leg's orders and send a market order for the difference to `target` lots */
function goTo(leg: PortfolioContext['instruments'][number], target: number): void {
  leg.cancelAll();
  const d = target - leg.position;
  if (d > 0) leg.buy(d);
  else if (d < 0) leg.sell(-d);
}
