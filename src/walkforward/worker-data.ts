// What a study's workers adopt instead of computing it themselves: the bars in shared memory, their per-series
// columns (calendar, settlement prices, sigma/ADV: src/backtest/shared-derived.ts, kept in the columnar cache when
// the data came through it) and, for the engine's own runner, the indicators of every candidate parameter set
// (./indicator-precompute.ts). The study command prepares it while the worker threads start; the pool benchmark
// prepares the same for its no-pool ceiling.
import { randomUUID } from 'node:crypto';
import type { BarSeries } from '../backtest/api.js';
import { validateBars } from '../backtest/engine.js';
import { adoptDerived, type SharedDerived } from '../backtest/shared-derived.js';
import type { BacktestConfig } from '../config/backtest.js';
import { searchSpecOf, type ResolvedStudy } from '../config/study.js';
import { cacheEntryFor, loadBars, loadBarsFromEntry } from '../data/bars.js';
import { tickBarsDir } from '../data/cache/tick-bars.js';
import { derivedFor } from './derived-cache.js';
import { precomputeIndicators } from './indicator-precompute.js';
import { candidates } from './search.js';
import { shareBars } from './shared-bars.js';

export interface WorkerData {
  shared: BarSeries;
  derived: SharedDerived;
}

/**
 * `bars` in shared memory with everything derived from them. `tickSet`: the cache's directory for these bars in ticks
 * (derived columns are read from, or kept in, it); `indicators`: false for a custom runner (its strategies are its own).
 */
export async function prepareWorkerData(bars: BarSeries, study: ResolvedStudy, opts: { tickSet?: string; indicators: boolean }): Promise<WorkerData> {
  const { cfg } = study;
  const { shared, derived: columns } = shareWithColumns(bars, study.engine, opts.tickSet);
  let derived = columns;
  adoptDerived(shared, derived); // this thread's engine (the indicator precompute) uses them too
  if (opts.indicators) {
    const seriesKey = randomUUID();
    const indicators = await precomputeIndicators(shared, seriesKey, study.engine, cfg.strategy.name, cfg.strategy.params, candidates(searchSpecOf(cfg)), {
      typecheck: cfg.strategy.typecheck,
    });
    derived = { ...derived, seriesKey, indicators };
  }
  return { shared, derived };
}

/**
 * `bars` in shared memory, validated once here (an invalid series is an error before any task starts; the workers
 * vouch for it: adoptDerived), with the per-series columns of `engine`'s product.
 */
export function shareWithColumns(bars: BarSeries, engine: BacktestConfig, tickSet?: string): WorkerData {
  const shared = shareBars(bars);
  validateBars(shared);
  return { shared, derived: { ...derivedFor(shared, engine, tickSet), validated: true } };
}

/**
 * A study's bar file, through the columnar cache when `cache` is on: the validated entry (or the file read directly
 * when the cache does not take it). `entry` is then handed to workers that load the file themselves, `tickSet` is
 * where the derived columns are kept.
 */
export async function loadStudyBars(
  file: string,
  opts: { tickUnits: bigint; symbol?: string; cache: boolean },
): Promise<{ bars: BarSeries; entry?: string; tickSet?: string }> {
  const loadOpts = { tickUnits: opts.tickUnits, symbol: opts.symbol, shared: true };
  let entry = opts.cache ? await cacheEntryFor(file) : undefined;
  let bars: BarSeries | undefined;
  if (entry) {
    try {
      bars = loadBarsFromEntry(file, entry, loadOpts);
    } catch {
      entry = undefined;
    }
  }
  bars ??= await loadBars(file, { ...loadOpts, cache: false });
  const tickSet = entry ? tickBarsDir(entry, { tickUnits: opts.tickUnits, symbol: opts.symbol }) : undefined;
  return { bars, entry, tickSet };
}
