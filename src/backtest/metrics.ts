// Performance metrics from the per-bar equity curve and the trade list (docs/backtest.md, "Metrics").
// Returns are per bar and compounded (total = Π(1 + r) − 1 = E_end / E_0 − 1, never Σ r). Annualization uses
// the bar's timeframe and the product's trading calendar (periodsPerYear from src/backtest/calendar.ts),
// never a fixed 252. Sortino's downside deviation is sqrt(mean(min(r, 0)²)) over ALL periods.
// The building blocks (returnStats, drawdownStats, drawdownSeries, annualize, riskRatios, tradeStats) are
// shared with the walk-forward's stitched curve (src/walkforward/stitch.ts) and the report writer.
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

export interface ReturnStats {
  /** mean per-bar return */
  mean: number;
  /** sample standard deviation of the per-bar returns (0 below two bars) */
  sd: number;
  /** downside deviation sqrt(mean(min(r, 0)²)) over all bars */
  downside: number;
}

/** Statistics of the per-bar returns r_t = E_t / E_{t−1} − 1, starting from `initial` (r = 0 after E ≤ 0). */
export function returnStats(initial: number, equity: Float64Array): ReturnStats {
  return finishReturnStats(initial, equity, curvePass(initial, null, equity));
}

/** The second pass of returnStats: the sample variance around the mean (two passes: no cancellation from Σr² − n·mean²). */
function finishReturnStats(initial: number, equity: Float64Array, p: CurvePass): ReturnStats {
  const n = equity.length;
  const mean = n > 0 ? p.sum / n : 0;
  let v = 0;
  let prev = initial;
  for (let i = 0; i < n; i++) {
    const e = equity[i]!;
    const r = prev > 0 ? e / prev - 1 : 0;
    v += (r - mean) * (r - mean);
    prev = e;
  }
  return { mean, sd: n > 1 ? Math.sqrt(v / (n - 1)) : 0, downside: n > 0 ? Math.sqrt(p.down2 / n) : 0 };
}

export interface DrawdownStats {
  /** deepest fall below the running peak (which starts at the initial capital), as a fraction > 0 */
  maxDrawdown: number;
  /** longest drawdown from its peak bar to the bar that recovers it, or to the last bar if none does */
  toRecoveryNs: number;
  /** longest time from a peak bar to a later bar still below it (the recovering bar not counted) */
  underwaterNs: number;
}

/** Depth and durations of the drawdowns of an equity curve; a peak before the first bar dates from bar 0. */
export function drawdownStats(initial: number, ts: BigInt64Array, equity: Float64Array): DrawdownStats {
  return curvePass(initial, ts, equity).dd;
}

interface CurvePass {
  /** Σ r and Σ min(r, 0)² over the per-bar returns (returnStats' first pass) */
  sum: number;
  down2: number;
  /** Σ equity (the mean equity for turnover) */
  eqSum: number;
  /** the drawdowns (durations only with timestamps) */
  dd: DrawdownStats;
}

/**
 * One pass over a curve for everything a backtest's metrics read from it except the variance: the running sums of
 * returnStats, the drawdowns, the equity sum. One pass instead of three over a task's equity (each accumulator sees
 * the same values in the same order as in its own loop, so the results are the same doubles).
 */
function curvePass(initial: number, ts: BigInt64Array | null, equity: Float64Array): CurvePass {
  // Durations are taken once per drawdown (at its recovering bar, or at the end), not per bar: a BigInt
  // subtraction per bar allocated a BigInt per bar. Timestamps increase, so a drawdown's longest
  // under-water span ends at its last bar below the peak.
  const n = equity.length;
  let prev = initial;
  let sum = 0;
  let down2 = 0;
  let eqSum = 0;
  let peak = initial;
  let peakI = 0;
  let under = false;
  let maxDd = 0;
  let toRecovery = 0n;
  let underwater = 0n;
  for (let i = 0; i < n; i++) {
    const e = equity[i]!;
    const r = prev > 0 ? e / prev - 1 : 0;
    sum += r;
    const d = r < 0 ? r : 0;
    down2 += d * d;
    prev = e;
    eqSum += e;
    if (e >= peak) {
      if (under && ts !== null) {
        // a drawdown ends (recovered to the old peak): from the peak bar to this bar, and to the bar before
        const rec = ts[i]! - ts[peakI]!;
        const uw = ts[i - 1]! - ts[peakI]!;
        if (rec > toRecovery) toRecovery = rec;
        if (uw > underwater) underwater = uw;
      }
      under = false;
      peak = e;
      peakI = i;
    } else {
      under = true;
      const dd = 1 - e / peak;
      if (dd > maxDd) maxDd = dd;
    }
  }
  if (under && ts !== null) {
    const open = ts[n - 1]! - ts[peakI]!;
    if (open > toRecovery) toRecovery = open;
    if (open > underwater) underwater = open;
  }
  return { sum, down2, eqSum, dd: { maxDrawdown: maxDd, toRecoveryNs: Number(toRecovery), underwaterNs: Number(underwater) } };
}

/** Per bar, the fraction below the running peak of the curve itself (≤ 0), for charts and equity.parquet. */
export function drawdownSeries(equity: Float64Array): Float64Array {
  const dd = new Float64Array(equity.length);
  let peak = -Infinity;
  for (let i = 0; i < equity.length; i++) {
    peak = Math.max(peak, equity[i]!);
    dd[i] = peak > 0 ? equity[i]! / peak - 1 : 0;
  }
  return dd;
}

/**
 * Annualized return growth^exponent − 1 over `periods` bars, where growth = E_end / E_0 and the exponent is
 * periods per year / periods; −1 when the capital is gone, 0 with no bars.
 */
export function annualize(growth: number, periods: number, exponent: number): number {
  return periods > 0 && growth > 0 ? Math.pow(growth, exponent) - 1 : growth <= 0 ? -1 : 0;
}

/** Volatility, Sharpe and Sortino from per-bar return statistics, annualized with √(periods per year). */
export function riskRatios(s: ReturnStats, periodsPerYear: number): Pick<Metrics, 'volatility' | 'sharpe' | 'sortino'> {
  const k = Math.sqrt(periodsPerYear);
  return {
    volatility: s.sd * k,
    sharpe: s.sd > 0 ? (s.mean / s.sd) * k : 0,
    sortino: s.downside > 0 ? (s.mean / s.downside) * k : 0,
  };
}

/** Calmar ratio: annualized return over max drawdown (0 with no drawdown). */
export const calmar = (annualizedReturn: number, maxDrawdown: number): number => (maxDrawdown > 0 ? annualizedReturn / maxDrawdown : 0);

/** Win rate, profit factor (∞ with no losing trade) and average trade (money) of a trade list. */
export function tradeStats(trades: readonly Trade[]): Pick<Metrics, 'winRate' | 'profitFactor' | 'averageTrade'> {
  let wins = 0,
    grossProfit = 0,
    grossLoss = 0,
    pnlSum = 0;
  for (const t of trades) {
    pnlSum += t.pnl;
    if (t.pnl > 0) {
      wins++;
      grossProfit += t.pnl;
    } else grossLoss -= t.pnl;
  }
  const nt = trades.length;
  return {
    winRate: nt > 0 ? wins / nt : 0,
    profitFactor: grossLoss > 0 ? grossProfit / grossLoss : grossProfit > 0 ? Infinity : 0,
    averageTrade: nt > 0 ? pnlSum / nt : 0,
  };
}

/** What an account's books give the metrics (src/backtest/account.ts Account: structural, no import cycle). */
export interface AccountTotals {
  readonly initialCash: number;
  readonly tradedNotional: number;
  readonly feesPaid: number;
  readonly fundingPaid: number;
  readonly slippagePaid: number;
}

/** The MetricInputs an account supplies; an engine adds its equity curve, timestamps, trades and exposure. */
type AccountInputs = Pick<MetricInputs, 'initialEquity' | 'tradedNotional' | 'feesPaid' | 'fundingPaid' | 'slippagePaid'>;
export const accountInputs = (a: AccountTotals): AccountInputs => ({
  initialEquity: a.initialCash,
  tradedNotional: a.tradedNotional,
  feesPaid: a.feesPaid,
  fundingPaid: a.fundingPaid,
  slippagePaid: a.slippagePaid,
});

export function computeMetrics(m: MetricInputs): Metrics {
  const n = m.equity.length;
  const P = m.periodsPerYear;
  const pass = curvePass(m.initialEquity, m.ts, m.equity);
  const rs = finishReturnStats(m.initialEquity, m.equity, pass);
  const dd = pass.dd;
  const final = n > 0 ? m.equity[n - 1]! : m.initialEquity;
  const totalReturn = final / m.initialEquity - 1;
  const annualizedReturn = annualize(final / m.initialEquity, n, P / n);
  const { volatility, sharpe, sortino } = riskRatios(rs, P);
  const { winRate, profitFactor, averageTrade } = tradeStats(m.trades);
  const meanEquity = n > 0 ? pass.eqSum / n : m.initialEquity;
  return {
    totalReturn,
    annualizedReturn,
    volatility,
    sharpe,
    sortino,
    maxDrawdown: dd.maxDrawdown,
    maxDrawdownDurationNs: dd.toRecoveryNs,
    calmar: calmar(annualizedReturn, dd.maxDrawdown),
    winRate,
    profitFactor,
    averageTrade,
    exposure: n > 0 ? m.barsInMarket / n : 0,
    turnover: meanEquity > 0 ? m.tradedNotional / meanEquity : 0,
    feesPaid: m.feesPaid,
    fundingPaid: m.fundingPaid,
    trades: m.trades.length,
    slippagePaid: m.slippagePaid,
    periodsPerYear: P,
  };
}
