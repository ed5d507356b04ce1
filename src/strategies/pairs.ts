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
    // mean and sum of squared deviations of the window, updated in O(1) per value (a sliding Welford update) and
    // recomputed from the ring once per `n` values, so rounding cannot build up (a two-pass sum per step was O(window)
    // per bar: most of a walk-forward task's time)
    let mean = 0;
    let m2 = 0;
    let sinceExact = 0;
    let state = 0; // +1 long the spread (long A, short B), -1 short it, 0 flat
    const exact = () => {
      let sum = 0;
      for (let k = 0; k < n; k++) sum += ring[k]!;
      mean = sum / n;
      m2 = 0;
      for (let k = 0; k < n; k++) m2 += (ring[k]! - mean) ** 2;
      sinceExact = 0;
    };
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
        const x = Math.log(ca) - Math.log(cb);
        const old = ring[head]!;
        ring[head] = x;
        head = (head + 1) % n;
        if (count < n) {
          if (++count < n) return;
          exact();
        } else if (++sinceExact === n) exact();
        else {
          const prev = mean;
          mean += (x - old) / n;
          m2 += (x - old) * (x - mean + old - prev);
          // a (nearly) flat window: the update's rounding is then as large as m2 itself, so compute it exactly
          if (m2 <= n * 1e-12 * (1 + mean * mean)) exact();
        }
        const sd = Math.sqrt(m2 / n);
        if (!(sd > 0)) return;
        const z = (x - mean) / sd;
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
