// The indicators of every candidate parameter set of a study, computed once in the main thread while the workers
// start, and handed to the workers in shared memory (src/backtest/prefix-view.ts adoptIndicators). Before, each
// worker computed each indicator over the whole series on its own: duplicate work, and one private 8 MB copy per
// indicator per worker, which the two workers' tasks then streamed through side by side — on this 2-core VM the
// memory traffic of the second worker is what slows the first one down most. Shared, a column both workers read
// is one copy in the cache.
//
// The indicators come from the strategy's own init(ctx) over a view of the shared series, exactly as a task's
// engine would ask for them (same calls, same keys); a set whose init fails is skipped (its tasks report it).
import type { BarSeries } from '../backtest/api.js';
import { L2Engine } from '../backtest/engine.js';
import { nameSeries, prefixView, takeShareableIndicators } from '../backtest/prefix-view.js';
import { resolveProduct } from '../backtest/product.js';
import { loadStrategyModule } from '../backtest/strategy-loader.js';
import { resolveParams } from '../backtest/strategy.js';
import type { BacktestConfig } from '../config/backtest.js';

export async function precomputeIndicators(
  shared: BarSeries,
  seriesKey: string,
  config: BacktestConfig,
  strategy: string,
  baseParams: Record<string, number>,
  sets: readonly Record<string, number>[],
): Promise<{ key: string; values: Float64Array }[]> {
  if (shared.ts.length < 2) return [];
  nameSeries(shared, seriesKey);
  const mod = await loadStrategyModule(strategy).catch(() => undefined);
  if (!mod) return []; // reported by the tasks
  const product = resolveProduct(config.product, config.fees);
  // a view (one bar short): its engine's indicators are computed on, and remembered for, the whole series
  const view = prefixView(shared, shared.ts.length - 1);
  for (const set of sets.length ? sets : [{}]) {
    try {
      const params = resolveParams(mod, { ...baseParams, ...set });
      const s = mod.create(params);
      if (typeof s.init !== 'function') continue;
      s.init(new L2Engine(view, { config, product, strategy: s, params, startNs: 0n, endNs: 0n }));
    } catch {
      // the set's tasks fail and report why
    }
  }
  return takeShareableIndicators(seriesKey);
}
