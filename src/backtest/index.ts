// Public entry point of the backtest engine: runBacktest(task, bars) → BacktestResult (contract in ./api.ts).
// Walk-forward workers load ./task-runner.ts alone (no schema library, no L3 engine); this module adds the
// synchronous runBacktestWith, which validates a raw config itself.
import type { BacktestResult, BacktestTask, BarSeries } from './api.js';
import { resolveConfig } from './config-resolve.js';
import { runL2 } from './run-l2.js';
import type { StrategyModule } from './strategy.js';

export type { BacktestResult, BacktestTask, BarSeries, Metrics, Trade, BacktestStats, MboData } from './api.js';
export type { L3Stats } from './l3-engine.js';
export type { BookState } from './book.js';
export type { Strategy, StrategyContext, StrategyModule, Fill, OrderOptions, ParamSpec } from './strategy.js';
export { Series } from './strategy.js';
export { BUILTIN_STRATEGIES } from '../strategies/index.js';
export { runBacktest, runL3Backtest } from './task-runner.js';
export { loadStrategyModule } from './strategy-loader.js';
export { resolveConfig } from './config-resolve.js';
// portfolio (multi-instrument) backtests at L2: docs/backtest.md "Portfolio backtests"
export type {
  InstrumentContext,
  PortfolioContext,
  PortfolioFill,
  PortfolioInstrumentInput,
  PortfolioResult,
  PortfolioRunInput,
  PortfolioStrategy,
  PortfolioStrategyModule,
  PortfolioTrade,
} from './portfolio/index.js';
export { eachInstrument, runPortfolioBacktest } from './portfolio/index.js';
export { PORTFOLIO_STRATEGIES } from '../strategies/portfolio.js';

/** Synchronous variant for an already loaded strategy module (built-ins: `builtinStrategy(name)`). */
export function runBacktestWith(mod: StrategyModule, task: BacktestTask, bars: BarSeries): BacktestResult {
  return runL2(mod, task, resolveConfig(task.config), bars);
}
