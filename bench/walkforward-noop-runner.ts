// A runner that does no backtest work: the pool benchmark uses it to measure what the pool itself costs
// per task (structured clone of the task, scheduling, the reply, journaling), without engine time.
import type { BacktestResult, BacktestTask, BarSeries, Metrics } from '../src/backtest/api.js';

const METRICS: Metrics = {
  totalReturn: 0, annualizedReturn: 0, volatility: 0, sharpe: 0, sortino: 0, maxDrawdown: 0, maxDrawdownDurationNs: 0,
  calmar: 0, winRate: 0, profitFactor: 0, averageTrade: 0, exposure: 0, turnover: 0, feesPaid: 0, fundingPaid: 0, trades: 0,
};

export function runBacktest(_task: BacktestTask, bars: BarSeries): BacktestResult {
  return { metrics: METRICS, equity: { ts: bars.ts.subarray(0, 1), equity: new Float64Array(1) }, trades: [] };
}
