// Anchor 2: two instruments whose legs trade independently (a built-in per instrument, no limit binding): the
// portfolio's PnL, fees and trades are the sums of the two single-instrument runs', and its equity at every step is
// the initial capital plus each leg's PnL at that leg's latest bar — also when one leg has gaps in its bars.
import { describe, expect, it } from 'vitest';
import type { BarSeries } from '../../../src/backtest/api.js';
import { runBacktestWith } from '../../../src/backtest/index.js';
import { resolveConfig } from '../../../src/backtest/config-resolve.js';
import { eachInstrument, runPortfolioBacktest } from '../../../src/backtest/portfolio/index.js';
import { resolveProduct } from '../../../src/backtest/product.js';
import { buildTimeline } from '../../../src/backtest/portfolio/timeline.js';
import { BUILTIN_STRATEGIES } from '../../../src/strategies/index.js';
import { config, NO_RISK, product, randomWalk, task } from '../helpers.js';

const ES = product('es');
const NQ = product('nq');

/** `b` without the rows where drop(i) */
function withGaps(b: BarSeries, drop: (i: number) => boolean): BarSeries {
  const keep = [...b.ts.keys()].filter((i) => !drop(i));
  const pick = (a: Float64Array) => Float64Array.from(keep, (i) => a[i]!);
  return { ...b, ts: BigInt64Array.from(keep, (i) => b.ts[i]!), open: pick(b.open), high: pick(b.high), low: pick(b.low), close: pick(b.close), volume: pick(b.volume) };
}

describe('two independent legs: the portfolio is the sum of the single runs', () => {
  const es = randomWalk(5_000, 3);
  const nqFull = randomWalk(5_000, 11, '2024-03-04T00:00:00Z', 72_000);
  // NQ misses every 7th bar and a whole block (not at the end: the close-out then happens at the same bar)
  const nq = withGaps(nqFull, (i) => i % 7 === 3 || (i >= 2_000 && i < 2_100));
  const mom = { fast: 20, mid: 80, slow: 300, threshold: 2, qty: 2 };
  const brk = { entryBars: 60, exitBars: 30, qty: 1 };

  for (const slippage of [false, true]) {
    it(`momentum on ES + breakout on NQ (gaps), slippage ${slippage}`, () => {
      const rawEs = config(ES, { risk: NO_RISK, execution: { slippage } });
      const rawNq = config(NQ, { risk: NO_RISK, execution: { slippage } });
      const a = runBacktestWith(BUILTIN_STRATEGIES.momentum!, task(rawEs, 'momentum', mom), es);
      const b = runBacktestWith(BUILTIN_STRATEGIES.breakout!, task(rawNq, 'breakout', brk), nq);
      const cfg = resolveConfig(rawEs);
      const p = runPortfolioBacktest({
        config: cfg,
        instruments: [
          { name: 'ES', bars: es, product: ES },
          { name: 'NQ', bars: nq, product: NQ },
        ],
        strategy: eachInstrument({ ES: { module: BUILTIN_STRATEGIES.momentum!, params: mom }, NQ: { module: BUILTIN_STRATEGIES.breakout!, params: brk } }),
      });
      const init = 1_000_000_000_000; // 1 M in micro-units
      expect(a.trades.length).toBeGreaterThan(0);
      expect(b.trades.length).toBeGreaterThan(0);
      expect(p.stats.finalEquity - init).toBe(a.stats!.finalEquity - init + (b.stats!.finalEquity - init));
      expect(p.metrics.feesPaid).toBe(a.metrics.feesPaid + b.metrics.feesPaid);
      expect(p.metrics.slippagePaid).toBe(a.metrics.slippagePaid! + b.metrics.slippagePaid!);
      if (slippage) expect(p.metrics.slippagePaid).toBeGreaterThan(0);
      expect(p.stats.variationMargin).toBe(a.stats!.variationMargin + b.stats!.variationMargin);
      expect(p.trades.filter((t) => t.instrument === 'ES').map(({ instrument: _, ...t }) => t)).toEqual(a.trades);
      expect(p.trades.filter((t) => t.instrument === 'NQ').map(({ instrument: _, ...t }) => t)).toEqual(b.trades);
      // every step but the last (the close-out rewrites each run's last point): init + Σ leg PnL at its latest bar
      const tl = buildTimeline([
        { name: 'ES', bars: es, product: resolveProduct(ES) },
        { name: 'NQ', bars: nq, product: resolveProduct(NQ) },
      ]);
      expect(p.equity.equity.length).toBe(tl.ts.length);
      for (let s = 0; s < tl.ts.length - 1; s++) {
        const ea = a.equity.equity[tl.latest[0]![s]!]! - init;
        const j = tl.latest[1]![s]!;
        const eb = j >= 0 ? b.equity.equity[j]! - init : 0;
        if (p.equity.equity[s]! - init !== ea + eb) throw new Error(`step ${s}: portfolio ${p.equity.equity[s]! - init} ≠ ES ${ea} + NQ ${eb}`);
      }
      expect(p.stats.instruments.map((x) => [x.name, x.fills])).toEqual([
        ['ES', a.stats!.fills],
        ['NQ', b.stats!.fills],
      ]);
    });
  }
});
