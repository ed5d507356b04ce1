// Per-series columns a walk-forward study computes once, in the main thread, for all its workers.
//
// The trading calendar, the settlement prices and the slippage model's rolling sigma/ADV of a bar series depend on
// the series and the product only (not on a task's window or parameters), and each worker used to compute them
// over the whole series on its first task: work that did not parallelize (every worker did all of it) and one
// private copy per worker that the workers' caches then competed for. The main thread computes them while the
// workers start, in SharedArrayBuffers; the handles reach each worker thread once with the bars, and it adopts them
// into the engine's caches (calendar.ts, slippage.ts) before its first task, so barCalendar, settlementPricesFor and
// rollingSigmaAdv return these arrays instead of computing their own. The values are those the worker would have
// computed: the same functions, the same inputs.
import type { BacktestConfig } from '../config/backtest.js';
import type { BarSeries } from './api.js';
import { adoptCalendar, adoptSettlementPrices, barCalendar, calendarKey, settlementKey, settlementPricesFor, type BarCalendar, type SettlementPrices } from './calendar.js';
import { vouchBars } from './engine.js';
import { adoptIndicators, nameSeries } from './prefix-view.js';
import { resolveProduct } from './product.js';
import { adoptSigmaAdv, rollingSigmaAdv, type SigmaAdv } from './slippage.js';
import { inSharedMemory as shared } from '../util/shared-memory.js';

export interface SharedDerived {
  /** names the series' columns alike in every thread (prefix-view.ts nameSeries) */
  seriesKey?: string;
  /** indicators over the series, computed once (src/walkforward/indicator-precompute.ts) */
  indicators?: { key: string; values: Float64Array }[];
  calendarKey: string;
  calendar: BarCalendar;
  settlement: { key: string; prices: SettlementPrices } | null;
  sigmaAdv: { lookback: number; barsPerDay: number; columns: SigmaAdv } | null;
  /** the main thread ran validateBars on the series (src/walkforward/worker-data.ts): workers take it as valid */
  validated?: boolean;
}

/** Compute the columns for `bars` (already in shared memory) under the study's validated engine config. */
export function deriveForWorkers(bars: BarSeries, config: BacktestConfig): SharedDerived {
  const product = resolveProduct(config.product, config.fees);
  const c = barCalendar(bars, product);
  const calendar: BarCalendar = {
    regular: shared(c.regular),
    day: shared(c.day),
    week: shared(c.week),
    settle: shared(c.settle),
    funding: shared(c.funding),
    barsPerDay: c.barsPerDay,
    periodsPerYear: c.periodsPerYear,
  };
  const sp = settlementPricesFor(bars, product, c.settle);
  const settlement = sp ? { key: settlementKey(product), prices: { ...sp, settlePrice: shared(sp.settlePrice) } } : null;
  const imp = product.impact;
  let sigmaAdv: SharedDerived['sigmaAdv'] = null;
  if (config.execution.slippage && ((imp.sigmaTicks ?? -1) < 0 || (imp.advLots ?? -1) < 0)) {
    const sa = rollingSigmaAdv(bars, bars.close, bars.volume, imp.lookbackBars, c.barsPerDay);
    sigmaAdv = { lookback: imp.lookbackBars, barsPerDay: c.barsPerDay, columns: { sigma: shared(sa.sigma), adv: shared(sa.adv) } };
  }
  return { calendarKey: calendarKey(product), calendar, settlement, sigmaAdv };
}

/** In a worker: make the engine's caches return the main thread's columns for `bars` (the shared series object). */
export function adoptDerived(bars: BarSeries, d: SharedDerived): void {
  if (d.validated === true) vouchBars(bars);
  if (d.seriesKey !== undefined) nameSeries(bars, d.seriesKey);
  if (d.indicators) adoptIndicators(d.indicators);
  adoptCalendar(bars, d.calendarKey, d.calendar);
  if (d.settlement) adoptSettlementPrices(d.calendar.settle, d.settlement.key, d.settlement.prices);
  if (d.sigmaAdv) adoptSigmaAdv(bars, d.sigmaAdv.lookback, d.sigmaAdv.barsPerDay, d.sigmaAdv.columns);
}
