// Which strategy a portfolio config's `strategy.name` means, decided the same way by `contango backtest`
// (src/cli/actions/backtest.ts) and by the walk-forward workers (src/backtest/task-runner.ts runPortfolioTask): a
// built-in portfolio strategy (pairs, rotation), a single-instrument built-in run on every instrument, or a file (a
// portfolio module marked kind: 'portfolio', or a single-instrument module run on every instrument).
import { builtinStrategy, BUILTIN_STRATEGIES } from '../../strategies/index.js';
import { builtinPortfolioStrategy, PORTFOLIO_STRATEGIES } from '../../strategies/portfolio.js';
import type { UserModuleOptions } from '../../strategies/user-module.js';
import { loadAnyStrategyModule } from '../strategy-loader.js';
import { resolveParams, type ParamsOwner, type StrategyModule } from '../strategy.js';
import { eachInstrument } from './adapter.js';
import type { PortfolioStrategyModule } from './api.js';

/** A portfolio config's strategy: a portfolio module, or a single-instrument one that runs on every instrument. */
export type PortfolioStrategyRef = { kind: 'portfolio'; module: PortfolioStrategyModule } | { kind: 'single'; module: StrategyModule };

/**
 * The strategy `name` names (files are loaded, type-checked on the main thread, and cached: strategy-loader.ts). Throws
 * the loader's error for a file that does not load, and an Error starting "allowed in a portfolio: …" for a name that
 * cannot run on a portfolio (not a strategy, or the L3 maker).
 */
export async function loadPortfolioStrategy(name: string, opts?: UserModuleOptions): Promise<PortfolioStrategyRef> {
  const portfolio = builtinPortfolioStrategy(name);
  if (portfolio) return { kind: 'portfolio', module: portfolio };
  let single = builtinStrategy(name);
  if (!single && /[\\/.]/.test(name)) {
    const loaded = await loadAnyStrategyModule(name, opts);
    if (loaded.kind === 'portfolio') return loaded;
    single = loaded.module;
  }
  if (!single || single.name === 'l3-maker') {
    const singles = Object.keys(BUILTIN_STRATEGIES).filter((n) => n !== 'l3-maker');
    throw new Error(
      `allowed in a portfolio: ${Object.keys(PORTFOLIO_STRATEGIES).join(', ')} (portfolio strategies), ` +
        `a single-instrument built-in run on every instrument (${singles.join(', ')}), or a path to a strategy file (.ts/.mts/.js/.mjs; a portfolio module, or a single-instrument one run on every instrument)`,
    );
  }
  return { kind: 'single', module: single };
}

/** The module whose ParamSpec the parameters are checked against (and a walk-forward search varies). */
export function paramsModuleOf(ref: PortfolioStrategyRef): ParamsOwner {
  return ref.module;
}

/**
 * The portfolio module to run with `params`, and the parameters to give it. A single-instrument strategy runs on every
 * one of `instruments` with the same parameters (eachInstrument; the portfolio module then takes none). Throws when
 * `params` do not fit the strategy's ParamSpec.
 */
export function portfolioModuleOf(
  ref: PortfolioStrategyRef,
  instruments: readonly string[],
  params: Record<string, number>,
): { module: PortfolioStrategyModule; params: Record<string, number> } {
  if (ref.kind === 'portfolio') {
    resolveParams(paramsModuleOf(ref), params);
    return { module: ref.module, params };
  }
  const m = ref.module;
  return { module: eachInstrument(Object.fromEntries(instruments.map((x) => [x, { module: m, params }])), `${m.name} on each instrument`), params: {} };
}
