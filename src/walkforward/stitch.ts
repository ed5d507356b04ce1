// Stitching out-of-sample equity across folds: each fold's test backtest starts from the same initial
// capital, so the folds are chained by returns — fold k's curve is scaled to start where fold k−1 ended.
// The stitched curve is what a trader re-optimizing at every fold boundary would have seen.
import type { Metrics, Trade } from '../backtest/api.js';
import { annualize, calmar, drawdownSeries, drawdownStats, returnStats, riskRatios, tradeStats } from '../backtest/metrics.js';

export interface FoldEquity {
  fold: number;
  ts: BigInt64Array;
  equity: Float64Array;
  /** the capital the fold's backtest started with (equity before its first bar) */
  initial: number;
  metrics: Metrics;
  trades: Trade[];
}

export interface Stitched {
  ts: BigInt64Array;
  equity: Float64Array;
  drawdown: Float64Array; // fraction below the running peak, <= 0
  fold: Int32Array;
  metrics: Metrics;
}

const YEAR_NS = 365.25 * 86_400e9;

/** The capital a fold started with, recovered from its final equity and total return. */
export function initialCapitalOf(equity: Float64Array, metrics: Metrics): number {
  const last = equity[equity.length - 1];
  if (last !== undefined && Number.isFinite(metrics.totalReturn) && metrics.totalReturn > -1) {
    return last / (1 + metrics.totalReturn);
  }
  return equity[0] ?? 0;
}

export function stitch(folds: FoldEquity[], capital: number): Stitched {
  const n = folds.reduce((a, f) => a + f.ts.length, 0);
  const ts = new BigInt64Array(n);
  const equity = new Float64Array(n);
  const fold = new Int32Array(n);
  let level = capital;
  let o = 0;
  for (const f of folds) {
    const ok = f.initial > 0;
    const m = f.ts.length;
    ts.set(f.ts, o);
    fold.fill(f.fold, o, o + m);
    // multiply before dividing: exact whenever the fold's returns are (110 → 95 of 100 gives 104.5)
    if (ok) for (let i = 0; i < m; i++) equity[o + i] = (f.equity[i]! * level) / f.initial;
    else equity.set(f.equity.subarray(0, m), o);
    o += m;
    if (m) level = equity[o - 1]!;
  }
  return { ts, equity, drawdown: drawdownSeries(equity), fold, metrics: stitchedMetrics(folds, ts, equity, capital) };
}

/**
 * Metrics of the stitched curve, with the backtest's own formulas (src/backtest/metrics.ts): return-based
 * figures from the per-bar returns of the curve (compounded; Sortino with min(r, 0) over all periods);
 * periods per year is the folds' own figure when the engine reports it, else bars per elapsed year. Trade
 * and cost figures are summed over folds, scaled to the stitched capital where they are money.
 */
export function stitchedMetrics(folds: FoldEquity[], ts: BigInt64Array, equity: Float64Array, capital: number): Metrics {
  const n = equity.length;
  const elapsedNs = n > 1 ? Number(ts[n - 1]! - ts[0]!) : 0;
  const reported = folds.map((f) => f.metrics.periodsPerYear).find((p) => typeof p === 'number' && p > 0);
  const periodsPerYear = reported ?? (elapsedNs > 0 ? ((n - 1) / elapsedNs) * YEAR_NS : 1);
  const final = n ? equity[n - 1]! : capital;
  const totalReturn = capital > 0 ? final / capital - 1 : 0;
  // the backtest's own definitions: exponent P / n, drawdown duration from the peak to the recovering bar
  const annualizedReturn = annualize(1 + totalReturn, n, periodsPerYear / n);
  const dd = drawdownStats(capital, ts, equity);
  const trades = folds.flatMap((f) => f.trades);
  const bars = folds.reduce((a, f) => a + f.ts.length, 0) || 1;
  const weighted = (k: 'exposure' | 'turnover') => folds.reduce((a, f) => a + (f.metrics[k] ?? 0) * f.ts.length, 0) / bars;
  return {
    totalReturn,
    annualizedReturn,
    ...riskRatios(returnStats(capital, equity), periodsPerYear),
    maxDrawdown: dd.maxDrawdown,
    maxDrawdownDurationNs: dd.toRecoveryNs,
    calmar: calmar(annualizedReturn, dd.maxDrawdown),
    ...tradeStats(trades),
    exposure: weighted('exposure'),
    turnover: weighted('turnover'),
    feesPaid: folds.reduce((a, f) => a + f.metrics.feesPaid, 0),
    fundingPaid: folds.reduce((a, f) => a + f.metrics.fundingPaid, 0),
    trades: trades.length,
    periodsPerYear,
  };
}
