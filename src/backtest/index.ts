// Public entry point of the backtest engine: runBacktest(task, bars) → BacktestResult (contract in ./api.ts).
import path from 'node:path';
import { validateBacktestConfig, type BacktestConfig } from '../config/backtest.js';
import { builtinStrategy, BUILTIN_STRATEGIES } from '../strategies/index.js';
import { loadUserModule } from '../strategies/user-module.js';
import type { BacktestResult, BacktestTask, BarSeries, MboData } from './api.js';
import { L2Engine } from './engine.js';
import { resolveProduct } from './product.js';
import { resolveParams, type Strategy, type StrategyModule } from './strategy.js';

export type { BacktestResult, BacktestTask, BarSeries, Metrics, Trade, BacktestStats, MboData } from './api.js';
export type { L3Stats } from './l3-engine.js';
export type { BookState } from './book.js';
export type { Strategy, StrategyContext, StrategyModule, Fill, OrderOptions, ParamSpec } from './strategy.js';
export { Series } from './strategy.js';
export { BUILTIN_STRATEGIES } from '../strategies/index.js';

const configCache = new WeakMap<object, BacktestConfig>();
const moduleCache = new Map<string, Promise<StrategyModule>>();

/**
 * Run one backtest. `task.strategy` is a built-in name (see BUILTIN_STRATEGIES) or a path to a module
 * (.js/.mjs, or .ts/.mts transpiled into a cache: src/strategies/ts-compile.ts) exporting a StrategyModule as
 * default, or a factory `(params) => Strategy` as default or as `createStrategy`. Deterministic: same inputs,
 * same result.
 */
export async function runBacktest(task: BacktestTask, bars: BarSeries): Promise<BacktestResult> {
  const mod = await loadStrategyModule(task.strategy);
  return runBacktestWith(mod, task, bars);
}

/**
 * Run one L3 backtest (execution.level L3): the strategy's onBook against the replayed MBO book, own orders in
 * the real queues (docs/backtest.md "L3 execution"). Same task, same result shape as runBacktest.
 */
export async function runL3Backtest(task: BacktestTask, data: MboData): Promise<BacktestResult> {
  const mod = await loadStrategyModule(task.strategy);
  // the L3 engine (replay kernel, MBO settlement) loads only for L3 runs: a bar worker's start-up stays short
  const { runL3BacktestWith } = await import('./l3-run.js');
  return runL3BacktestWith(mod, task, data);
}

/** Synchronous variant for an already loaded strategy module (built-ins: `builtinStrategy(name)`). */
export function runBacktestWith(mod: StrategyModule, task: BacktestTask, bars: BarSeries): BacktestResult {
  const config = resolveConfig(task.config);
  const params = resolveParams(mod, task.params ?? {});
  const product = resolveProduct(config.product, config.fees);
  if (config.execution.level !== 'L2') {
    throw new Error('execution.level L3 replays MBO data, not bars: give the study data.mbo (runL3Backtest), or use level L2');
  }
  const strategy: Strategy = mod.create(params);
  const warmupBars = mod.warmupBars?.(params);
  const engine = new L2Engine(bars, { config, product, strategy, params, startNs: task.startNs, endNs: task.endNs, warmupBars });
  return engine.run();
}

export function resolveConfig(raw: unknown): BacktestConfig {
  if (raw !== null && typeof raw === 'object') {
    const hit = configCache.get(raw);
    if (hit) return hit;
    const cfg = validateBacktestConfig(raw, 'backtest config');
    configCache.set(raw, cfg);
    return cfg;
  }
  return validateBacktestConfig(raw, 'backtest config');
}

/** A built-in strategy by name, or a user module by path (cached per path; a failed load is retried next time). */
export function loadStrategyModule(ref: string): Promise<StrategyModule> {
  const builtin = builtinStrategy(ref);
  if (builtin) return Promise.resolve(builtin);
  if (!/[\\/.]/.test(ref)) {
    return Promise.reject(new Error(`strategy "${ref}": not a built-in (${Object.keys(BUILTIN_STRATEGIES).join(', ')}) and not a path`));
  }
  const abs = path.resolve(ref);
  let p = moduleCache.get(abs);
  if (!p) {
    p = loadUserModule(ref);
    moduleCache.set(abs, p);
    p.catch(() => moduleCache.delete(abs));
  }
  return p;
}
