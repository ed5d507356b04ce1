// An L3 backtest for a loaded strategy module: the L3 engine over MBO records (docs/backtest.md "L3 execution").
// Apart from ./run-l2.ts so that bar backtests (every walk-forward worker) never load the replay kernel, the DBN
// reader and the MBO settlement code.
import type { BacktestConfig } from '../config/backtest.js';
import type { BacktestResult, BacktestTask, MboData } from './api.js';
import { resolveConfig } from './config-resolve.js';
import { L3Engine } from './l3-engine.js';
import { resolveProduct } from './product.js';
import { resolveParams, type Strategy, type StrategyModule } from './strategy.js';

export function runL3(mod: StrategyModule, task: BacktestTask, config: BacktestConfig, data: MboData): BacktestResult {
  const params = resolveParams(mod, task.params ?? {});
  const product = resolveProduct(config.product, config.fees);
  if (config.execution.level !== 'L3') throw new Error(`${data.file}: MBO data needs execution.level L3 (found ${config.execution.level})`);
  const strategy: Strategy = mod.create(params);
  const engine = new L3Engine(data.batches, { config, product, strategy, params, startNs: task.startNs, endNs: task.endNs });
  return engine.run();
}

/** Synchronous variant with a raw config (validated here). */
export function runL3BacktestWith(mod: StrategyModule, task: BacktestTask, data: MboData): BacktestResult {
  return runL3(mod, task, resolveConfig(task.config), data);
}
