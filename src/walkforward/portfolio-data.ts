// The data of a portfolio study, prepared in the main thread as a one-instrument study's (./index.ts, ./worker-data.ts):
// every instrument's bar file loaded once (through the columnar cache when data.cache is on) and validated, in shared
// memory with its per-series columns (calendar, settlement prices, sigma/ADV), so that each worker thread adopts every
// instrument's bars once (./data-delivery.ts) instead of reading the files itself. Folds lie over the union of the
// instruments' time ranges, narrowed by the config's `window` (as at L3: the data before it is warm-up).
import type { BarSeries } from '../backtest/api.js';
import { validateBars } from '../backtest/engine.js';
import type { SharedDerived } from '../backtest/shared-derived.js';
import type { ResolvedPortfolioStudy } from '../config/study.js';
import { cacheEntryFor, loadBars, loadBarsFromEntry } from '../data/bars.js';
import { tickBarsDir } from '../data/cache/tick-bars.js';
import { derivedFor } from './derived-cache.js';
import { shareBars } from './shared-bars.js';
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
    const opts = { tickUnits: x.tickUnits, symbol: x.data.symbol, shared: true };
    let entry = x.data.cache ? await cacheEntryFor(x.data.bars) : undefined;
    let bars: BarSeries | undefined;
    if (entry) {
      try {
        bars = loadBarsFromEntry(x.data.bars, entry, opts);
      } catch {
        entry = undefined;
      }
    }
    bars ??= await loadBars(x.data.bars, { ...opts, cache: false });
    const b = shareBars(bars);
    validateBars(b); // an invalid series is an error before any task starts; the workers vouch for it (adoptDerived)
    const tickSet = entry ? tickBarsDir(entry, { tickUnits: x.tickUnits, symbol: x.data.symbol }) : undefined;
    // the columns the engine computes per instrument: its product's calendar, settlement and impact settings
    const derived = { ...derivedFor(b, { ...study.engine, product: x.product }, tickSet), validated: true };
    shared.push({ bars: b, derived });
    cacheEntries.push(entry);
  }
  return { shared, cacheEntries, range: windowRange(study, shared.map((x) => x.bars)) };
}

/** The union of the series' ranges (first bar to the end of the last bar) inside the config's window. */
function windowRange(study: ResolvedPortfolioStudy, series: readonly BarSeries[]): { start: bigint; end: bigint } {
  let start = series[0]!.ts[0]!;
  let end = start;
  for (const b of series) {
    if (b.ts[0]! < start) start = b.ts[0]!;
    const e = b.ts[b.ts.length - 1]! + BigInt(b.barNs);
    if (e > end) end = e;
  }
  const w = windowOf(study.cfg.window, { start, end });
  return { start: w.startNs, end: w.endNs };
}
