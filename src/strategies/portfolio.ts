// Built-in portfolio (multi-instrument) strategies by name (docs/backtest.md "Portfolio backtests").
import type { PortfolioStrategyModule } from '../backtest/portfolio/api.js';
import { pairs } from './pairs.js';
import { rotation } from './rotation.js';

export const PORTFOLIO_STRATEGIES: Readonly<Record<string, PortfolioStrategyModule>> = Object.freeze({ pairs, rotation });

export function builtinPortfolioStrategy(name: string): PortfolioStrategyModule | undefined {
  return Object.hasOwn(PORTFOLIO_STRATEGIES, name) ? PORTFOLIO_STRATEGIES[name] : undefined;
}
