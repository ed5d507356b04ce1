// Stitching out-of-sample equity across folds: each fold's test backtest starts from the same initial
// capital, so the folds are chained by returns — fold k's curve is scaled to start where fold k−1 ended.
// The stitched curve is what a trader re-optimizing at every fold boundary would have seen.
import type { Metrics, Trade } from '../backtest/api.js';

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
    for (let i = 0; i < f.ts.length; i++, o++) {
      ts[o] = f.ts[i]!;
      // multiply before dividing: exact whenever the fold's returns are (110 → 95 of 100 gives 104.5)
      equity[o] = ok ? (f.equity[i]! * level) / f.initial : f.equity[i]!;
      fold[o] = f.fold;
    }
    if (f.ts.length) level = equity[o - 1]!;
  }
  const drawdown = new Float64Array(n);
  let peak = -Infinity;
  for (let i = 0; i < n; i++) {
    peak = Math.max(peak, equity[i]!);
    drawdown[i] = peak > 0 ? equity[i]! / peak - 1 : 0;
  }
  return { ts, equity, drawdown, fold, metrics: stitchedMetrics(folds, ts, equity, capital) };
}

/**
 * Metrics of the stitched curve. Return-based figures come from the per-bar returns of the curve
 * (compounded; Sortino with min(r, 0) over all periods); periods per year is the folds' own figure when
 * the engine reports it, else bars per elapsed year. Trade and cost figures are summed over folds, scaled
 * to the stitched capital where they are money.
 */
export function stitchedMetrics(folds: FoldEquity[], ts: BigInt64Array, equity: Float64Array, capital: number): Metrics {
  const n = equity.length;
  const rets: number[] = [];
  let prev = capital;
  for (let i = 0; i < n; i++) {
    rets.push(prev > 0 ? equity[i]! / prev - 1 : 0);
    prev = equity[i]!;
  }
  const elapsedNs = n > 1 ? Number(ts[n - 1]! - ts[0]!) : 0;
  const reported = folds.map((f) => f.metrics.periodsPerYear).find((p) => typeof p === 'number' && p > 0);
  const periodsPerYear = reported ?? (elapsedNs > 0 ? ((n - 1) / elapsedNs) * YEAR_NS : 1);
  const mean = rets.reduce((a, r) => a + r, 0) / Math.max(1, rets.length);
  const variance = rets.reduce((a, r) => a + (r - mean) ** 2, 0) / Math.max(1, rets.length - 1);
  const downside = Math.sqrt(rets.reduce((a, r) => a + Math.min(r, 0) ** 2, 0) / Math.max(1, rets.length));
  const sd = Math.sqrt(variance);
  const final = n ? equity[n - 1]! : capital;
  const totalReturn = capital > 0 ? final / capital - 1 : 0;
  const years = n / periodsPerYear;
  const annualizedReturn = years > 0 && totalReturn > -1 ? (1 + totalReturn) ** (1 / years) - 1 : totalReturn <= -1 ? -1 : 0;
  let peak = capital, peakTs = ts[0] ?? 0n, maxDd = 0, maxDur = 0n;
  for (let i = 0; i < n; i++) {
    if (equity[i]! >= peak) {
      peak = equity[i]!;
      peakTs = ts[i]!;
    } else {
      maxDd = Math.max(maxDd, 1 - equity[i]! / peak);
      if (ts[i]! - peakTs > maxDur) maxDur = ts[i]! - peakTs;
    }
  }
  const trades = folds.flatMap((f) => f.trades);
  const wins = trades.filter((t) => t.pnl > 0);
  const grossWin = wins.reduce((a, t) => a + t.pnl, 0);
  const grossLoss = -trades.filter((t) => t.pnl < 0).reduce((a, t) => a + t.pnl, 0);
  const bars = folds.reduce((a, f) => a + f.ts.length, 0) || 1;
  const weighted = (k: 'exposure' | 'turnover') => folds.reduce((a, f) => a + (f.metrics[k] ?? 0) * f.ts.length, 0) / bars;
  return {
    totalReturn,
    annualizedReturn,
    volatility: sd * Math.sqrt(periodsPerYear),
    sharpe: sd > 0 ? (mean / sd) * Math.sqrt(periodsPerYear) : 0,
    sortino: downside > 0 ? (mean / downside) * Math.sqrt(periodsPerYear) : 0,
    maxDrawdown: maxDd,
    maxDrawdownDurationNs: Number(maxDur),
    calmar: maxDd > 0 ? annualizedReturn / maxDd : 0,
    winRate: trades.length ? wins.length / trades.length : 0,
    profitFactor: grossLoss > 0 ? grossWin / grossLoss : grossWin > 0 ? Infinity : 0,
    averageTrade: trades.length ? trades.reduce((a, t) => a + t.pnl, 0) / trades.length : 0,
    exposure: weighted('exposure'),
    turnover: weighted('turnover'),
    feesPaid: folds.reduce((a, f) => a + f.metrics.feesPaid, 0),
    fundingPaid: folds.reduce((a, f) => a + f.metrics.fundingPaid, 0),
    trades: trades.length,
    periodsPerYear,
  };
}
