// The backtest of one task as a walk-forward worker runs it (the pool's default runner, workers/backtest.worker.ts):
// runBacktest(task, bars) and runL3Backtest(task, data). Loads only what a bar backtest needs: the schema library
// only for a config no one has validated yet (./validated.ts), the L3 engine only for an L3 task.
import type { BacktestConfig } from '../config/backtest.js';
import type { BacktestResult, BacktestTask, BarSeries, MboData } from './api.js';
import { runL2, type RunOptions } from './run-l2.js';
import { loadStrategyModule } from './strategy-loader.js';
import { isVouched } from './validated.js';

async function configOf(raw: unknown): Promise<BacktestConfig> {
  if (isVouched(raw)) return raw;
  const { resolveConfig } = await import('./config-resolve.js');
  return resolveConfig(raw);
}

/**
 * Run one backtest. `task.strategy` is a built-in name (see BUILTIN_STRATEGIES) or a path to a module
 * (.js/.mjs, or .ts/.mts transpiled into a cache: src/strategies/ts-compile.ts) exporting a StrategyModule as
 * default, or a factory `(params) => Strategy` as default or as `createStrategy`. Deterministic: same inputs,
 * same result.
 */
export async function runBacktest(task: BacktestTask, bars: BarSeries, opts?: RunOptions): Promise<BacktestResult> {
  const mod = await loadStrategyModule(task.strategy);
  return runL2(mod, task, await configOf(task.config), bars, opts);
}

/**
 * Run one L3 backtest (execution.level L3): the strategy's onBook against the replayed MBO book, own orders in
 * the real queues (docs/backtest.md "L3 execution"). Same task, same result shape as runBacktest.
 */
export async function runL3Backtest(task: BacktestTask, data: MboData): Promise<BacktestResult> {
  const mod = await loadStrategyModule(task.strategy);
  const config = await configOf(task.config);
  const { runL3 } = await import('./l3-run.js');
  return runL3(mod, task, config, data);
}
