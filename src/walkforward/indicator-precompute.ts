// The indicators of every candidate parameter set of a study, computed once in the main thread while the workers
// start, and handed to the workers in shared memory (src/backtest/prefix-view.ts adoptIndicators). Before, each
// worker computed each indicator over the whole series on its own: duplicate work, and one private 8 MB copy per
// indicator per worker, which the two workers' tasks then streamed through side by side — on this 2-core VM the
// memory traffic of the second worker is what slows the first one down most. Shared, a column both workers read
// is one copy in the cache.
//
// The indicators come from the strategy's own init(ctx) over a view of the shared series, exactly as a task's
// engine would ask for them (same calls, same keys); a set whose init fails is skipped (its tasks report it). They
// are computed straight into SharedArrayBuffers (withColumnAllocator): computing into private arrays and copying
// them over cost a second 8 MB of fresh memory per indicator — page faults and a copy, ~30 ms of the main thread's
// start-up on a million bars.
import type { BarSeries } from '../backtest/api.js';
import { L2Engine } from '../backtest/engine.js';
import { nameSeries, takeShareableIndicators } from '../backtest/prefix-view.js';
import { resolveProduct } from '../backtest/product.js';
import { loadStrategyModule } from '../backtest/strategy-loader.js';
import { resolveParams } from '../backtest/strategy.js';
import type { BacktestConfig } from '../config/backtest.js';
import { withColumnAllocator } from '../strategies/indicators.js';
import type { UserModuleOptions } from '../strategies/user-module.js';
import { sharedFloat64 } from '../util/shared-memory.js';

export async function precomputeIndicators(
  shared: BarSeries,
  seriesKey: string,
  config: BacktestConfig,
  strategy: string,
  baseParams: Record<string, number>,
  sets: readonly Record<string, number>[],
  /** how the study loads its strategy (config `strategy.typecheck`): the same module, checked or not alike */
  loadOpts?: UserModuleOptions,
): Promise<{ key: string; values: Float64Array }[]> {
  if (shared.ts.length < 2) return [];
  nameSeries(shared, seriesKey);
  const mod = await loadStrategyModule(strategy, loadOpts).catch(() => undefined);
  if (!mod) return []; // reported by the tasks
  const product = resolveProduct(config.product, config.fees);
  // a view of the whole series (parent: the series itself): its engine's indicators are computed on, and remembered
  // for, the series; and its calendar is the series' own, adopted from the study's derived columns (a view one bar
  // short had its own calendar cut and its last settlement flag recomputed, ~9 ms of the main thread for nothing)
  const view: BarSeries = { ...shared, parent: shared };
  for (const set of sets.length ? sets : [{}]) {
    try {
      const params = resolveParams(mod, { ...baseParams, ...set });
      const s = mod.create(params);
      if (typeof s.init !== 'function') continue;
      const engine = new L2Engine(view, { config, product, strategy: s, params, startNs: 0n, endNs: 0n });
      withColumnAllocator(sharedFloat64, () => s.init!(engine));
    } catch {
      // the set's tasks fail and report why
    }
  }
  return takeShareableIndicators(seriesKey);
}
