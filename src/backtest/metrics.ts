// Performance metrics from the per-bar equity curve and the trade list (docs/backtest.md, "Metrics").
// Returns are per bar and compounded (total = Π(1 + r) − 1 = E_end / E_0 − 1, never Σ r). Annualization uses
// the bar's timeframe and the product's trading calendar (periodsPerYear from src/backtest/calendar.ts),
// never a fixed 252. Sortino's downside deviation is sqrt(mean(min(r, 0)²)) over ALL periods.
import type { Metrics, Trade } from './api.js';

export interface MetricInputs {
  /** equity before the first bar (initial capital), micro */
  initialEquity: number;
  /** equity at each bar's close, micro */
  equity: Float64Array;
  ts: BigInt64Array;
  trades: readonly Trade[];
  periodsPerYear: number;
  /** bars during which a position was held */
  barsInMarket: number;
  tradedNotional: number;
  feesPaid: number;
  fundingPaid: number;
  slippagePaid: number;
}

export function computeMetrics(m: MetricInputs): Metrics {
  const n = m.equity.length;
  const P = m.periodsPerYear;
  let prev = m.initialEquity;
  let sum = 0;
  let down2 = 0;
  let eqSum = 0;
  // first pass: mean return, downside, drawdown
  let peak = m.initialEquity;
  let peakIdx = 0;
  let under = false;
  let maxDd = 0;
  let maxDur = 0;
  for (let i = 0; i < n; i++) {
    const e = m.equity[i]!;
    const r = prev > 0 ? e / prev - 1 : 0;
    sum += r;
    const d = r < 0 ? r : 0;
    down2 += d * d;
    eqSum += e;
    prev = e;
    if (e >= peak) {
      // a drawdown ends (recovered to the old peak): its duration runs from the peak bar to this bar
      if (under) maxDur = Math.max(maxDur, Number(m.ts[i]! - m.ts[peakIdx]!));
      under = false;
      peak = e;
      peakIdx = i;
    } else {
      under = true;
      const dd = 1 - e / peak;
      if (dd > maxDd) maxDd = dd;
    }
  }
  if (under) maxDur = Math.max(maxDur, Number(m.ts[n - 1]! - m.ts[peakIdx]!));
  const mean = n > 0 ? sum / n : 0;
  // second pass: sample variance around the mean
  let v = 0;
  prev = m.initialEquity;
  for (let i = 0; i < n; i++) {
    const e = m.equity[i]!;
    const r = prev > 0 ? e / prev - 1 : 0;
    v += (r - mean) * (r - mean);
    prev = e;
  }
  const sd = n > 1 ? Math.sqrt(v / (n - 1)) : 0;
  const downside = n > 0 ? Math.sqrt(down2 / n) : 0;
  const final = n > 0 ? m.equity[n - 1]! : m.initialEquity;
  const totalReturn = final / m.initialEquity - 1;
  const growth = final / m.initialEquity;
  const annualizedReturn = n > 0 && growth > 0 ? Math.pow(growth, P / n) - 1 : growth <= 0 ? -1 : 0;

  let wins = 0,
    grossProfit = 0,
    grossLoss = 0,
    pnlSum = 0;
  for (const t of m.trades) {
    pnlSum += t.pnl;
    if (t.pnl > 0) {
      wins++;
      grossProfit += t.pnl;
    } else grossLoss -= t.pnl;
  }
  const nt = m.trades.length;
  const meanEquity = n > 0 ? eqSum / n : m.initialEquity;
  return {
    totalReturn,
    annualizedReturn,
    volatility: sd * Math.sqrt(P),
    sharpe: sd > 0 ? (mean / sd) * Math.sqrt(P) : 0,
    sortino: downside > 0 ? (mean / downside) * Math.sqrt(P) : 0,
    maxDrawdown: maxDd,
    maxDrawdownDurationNs: maxDur,
    calmar: maxDd > 0 ? annualizedReturn / maxDd : 0,
    winRate: nt > 0 ? wins / nt : 0,
    profitFactor: grossLoss > 0 ? grossProfit / grossLoss : grossProfit > 0 ? Infinity : 0,
    averageTrade: nt > 0 ? pnlSum / nt : 0,
    exposure: n > 0 ? m.barsInMarket / n : 0,
    turnover: meanEquity > 0 ? m.tradedNotional / meanEquity : 0,
    feesPaid: m.feesPaid,
    fundingPaid: m.fundingPaid,
    trades: nt,
    slippagePaid: m.slippagePaid,
    periodsPerYear: P,
  };
}
