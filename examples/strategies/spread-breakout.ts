// An example user PORTFOLIO strategy in TypeScript: breakout of the log-price spread between two instruments. Run it
// on the bundled two-instrument config with
//   contango backtest --config configs/es-nq-portfolio.yaml \
//     --set strategy.name=examples/strategies/spread-breakout.ts --set 'strategy.params={window: 60}'
// `kind: 'portfolio'` on the default export is what makes the file a portfolio strategy (without it contango takes it
// for a single-instrument strategy and runs a copy on each instrument). As for single-instrument files, contango
// type-checks it against the API (only types are imported from 'contango'), then transpiles it into a cache;
// see docs/strategies.md "Portfolio strategies from files". `contango walk-forward` on the same config searches its
// params (e.g. --set 'search.params={window: [30, 60]}'); a portfolio module is refused on a one-instrument config.
//
// Rules (closed bars only; market orders fill at each leg's next bar's open): spread = ln(close A) − ln(close B) of
// the first two instruments, one value per step at which either has a new bar. Long the spread (buy qtyA of A, sell
// qtyB of B) when it closes above the highest of the previous `window` values, short it below the lowest; close both
// legs when it crosses back through the middle of that channel.
import type { InstrumentContext, PortfolioContext, PortfolioStrategyModule } from 'contango';

const spreadBreakout: PortfolioStrategyModule = {
  kind: 'portfolio',
  name: 'spread-breakout',
  description: 'log-spread channel breakout between the first two instruments; exit at the channel middle',
  params: [
    { name: 'window', default: 120, min: 2, max: 100_000, integer: true, description: 'spread values in the channel, steps' },
    { name: 'qtyA', default: 1, min: 1, max: 1_000, integer: true, description: 'lots of the first instrument per entry' },
    { name: 'qtyB', default: 1, min: 1, max: 1_000, integer: true, description: 'lots of the second instrument per entry' },
  ],
  // each instrument's bars before the window that the channel needs
  warmupBars: (p) => p.window! + 1,
  create(p) {
    const n = p.window!;
    const ring = new Float64Array(n); // the previous n spread values (allocated once: onBar allocates nothing)
    let count = 0;
    let head = 0;
    let state = 0; // +1 long the spread, -1 short it, 0 flat
    return {
      init(ctx: PortfolioContext) {
        if (ctx.instruments.length < 2) throw new Error(`strategy spread-breakout: needs two instruments, got ${ctx.instruments.length}`);
      },
      onBar(ctx: PortfolioContext) {
        const a = ctx.instruments[0]!,
          b = ctx.instruments[1]!;
        if (!a.updated && !b.updated) return;
        const ca = a.close.at(0),
          cb = b.close.at(0);
        if (!(ca > 0 && cb > 0)) return; // a leg without a bar yet
        const s = Math.log(ca) - Math.log(cb);
        if (count === n) {
          let hi = -Infinity,
            lo = Infinity;
          for (let k = 0; k < n; k++) {
            hi = Math.max(hi, ring[k]!);
            lo = Math.min(lo, ring[k]!);
          }
          const mid = (hi + lo) / 2;
          let want = state;
          if (s > hi) want = 1;
          else if (s < lo) want = -1;
          else if ((state > 0 && s < mid) || (state < 0 && s > mid)) want = 0;
          if (want !== state && !(want !== 0 && ctx.halted)) {
            state = want;
            goTo(a, want * p.qtyA!);
            goTo(b, -want * p.qtyB!);
          }
        }
        ring[head] = s;
        head = (head + 1) % n;
        if (count < n) count++;
      },
    };
  },
};

export default spreadBreakout;

/** cancel the leg's orders and send a market order for the difference to `target` lots */
function goTo(leg: InstrumentContext, target: number): void {
  leg.cancelAll();
  const d = target - leg.position;
  if (d > 0) leg.buy(d);
  else if (d < 0) leg.sell(-d);
}
