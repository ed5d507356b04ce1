// The data of a portfolio study, prepared in the main thread as a one-instrument study's (./index.ts, ./worker-data.ts):
// every instrument's bar file loaded once (through the columnar cache when data.cache is on) and validated, in shared
// memory with its per-series columns (calendar, settlement prices, sigma/ADV), so that each worker thread adopts every
// instrument's bars once (./data-delivery.ts) instead of reading the files itself. Folds lie over the union of the
// instruments' time ranges, narrowed by the config's `window` (as at L3: the data before it is warm-up).
import type { BarSeries } from '../backtest/api.js';
import type { SharedDerived } from '../backtest/shared-derived.js';
import type { ResolvedPortfolioStudy } from '../config/study.js';
import { rangeOf } from './runner.js';
import { loadStudyBars, shareWithColumns } from './worker-data.js';
import { windowOf } from './window.js';

export interface PortfolioStudyData {
  /** per instrument, in the config's order: its bars in shared memory and their columns */
  shared: { bars: BarSeries; derived: SharedDerived }[];
  /** per instrument: the cache entry its bars came from (workers that load the file themselves read it directly) */
  cacheEntries: (string | undefined)[];
  /** what folds lie over: the instruments' union range inside the config's window */
  range: { start: bigint; end: bigint };
}

export async function loadPortfolioData(study: ResolvedPortfolioStudy): Promise<PortfolioStudyData> {
  const shared: PortfolioStudyData['shared'] = [];
  const cacheEntries: (string | undefined)[] = [];
  for (const x of study.instruments) {
    const { bars, entry, tickSet } = await loadStudyBars(x.data.bars, { tickUnits: x.tickUnits, symbol: x.data.symbol, cache: x.data.cache });
    // the columns the engine computes per instrument: its product's calendar, settlement and impact settings
    const d = shareWithColumns(bars, { ...study.engine, product: x.product }, tickSet);
    shared.push({ bars: d.shared, derived: d.derived });
    cacheEntries.push(entry);
  }
  return { shared, cacheEntries, range: windowRange(study, shared.map((x) => x.bars)) };
}

/** The union of the series' ranges (rangeOf: first bar to the end of the last bar) inside the config's window. */
function windowRange(study: ResolvedPortfolioStudy, series: readonly BarSeries[]): { start: bigint; end: bigint } {
  const ranges = series.map(rangeOf);
  const start = ranges.reduce((a, r) => (r.start < a ? r.start : a), ranges[0]!.start);
  const end = ranges.reduce((a, r) => (r.end > a ? r.end : a), ranges[0]!.end);
  const w = windowOf(study.cfg.window, { start, end });
  return { start: w.startNs, end: w.endNs };
}
