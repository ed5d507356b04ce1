// Portfolio (multi-instrument) backtests at L2: docs/backtest.md "Portfolio backtests".
export type {
  InstrumentContext,
  InstrumentStats,
  PortfolioContext,
  PortfolioFill,
  PortfolioInstrument,
  PortfolioResult,
  PortfolioStrategy,
  PortfolioStrategyModule,
  PortfolioTrade,
} from './api.js';
export { PortfolioEngine, type PortfolioConfig, type PortfolioSetup } from './engine.js';
export { runPortfolioBacktest, type PortfolioInstrumentInput, type PortfolioRunInput } from './run.js';
export { eachInstrument, type Leg } from './adapter.js';
export { buildTimeline, type Timeline } from './timeline.js';
