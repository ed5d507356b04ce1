// Built-in strategies by name (docs/strategies.md).
import type { StrategyModule } from '../backtest/strategy.js';
import { breakout } from './breakout.js';
import { fundingCarry } from './funding-carry.js';
import { l3Maker } from './l3-maker.js';
import { meanReversion } from './mean-reversion.js';
import { momentum } from './momentum.js';
import { maCross, noop } from './simple.js';
import { volatilityRegime } from './volatility-regime.js';

export const BUILTIN_STRATEGIES: Readonly<Record<string, StrategyModule>> = Object.freeze({
  momentum,
  'mean-reversion': meanReversion,
  breakout,
  'funding-carry': fundingCarry,
  'volatility-regime': volatilityRegime,
  'ma-cross': maCross,
  noop,
  'l3-maker': l3Maker,
});

export function builtinStrategy(name: string): StrategyModule | undefined {
  return Object.hasOwn(BUILTIN_STRATEGIES, name) ? BUILTIN_STRATEGIES[name] : undefined;
}
