// An L3 backtest for an already loaded strategy module: the L3 engine over MBO records (docs/backtest.md "L3
// execution"). Apart from ./index.ts so that bar backtests (every walk-forward worker) never load the replay
// kernel, the DBN reader and the MBO settlement code.
import type { BacktestResult, BacktestTask, MboData } from './api.js';
import { resolveConfig } from './index.js';
import { L3Engine } from './l3-engine.js';
import { resolveProduct } from './product.js';
import { resolveParams, type Strategy, type StrategyModule } from './strategy.js';

export function runL3BacktestWith(mod: StrategyModule, task: BacktestTask, data: MboData): BacktestResult {
  const config = resolveConfig(task.config);
  const params = resolveParams(mod, task.params ?? {});
  const product = resolveProduct(config.product, config.fees);
  if (config.execution.level !== 'L3') throw new Error(`${data.file}: MBO data needs execution.level L3 (found ${config.execution.level})`);
  const strategy: Strategy = mod.create(params);
  const engine = new L3Engine(data.batches, { config, product, strategy, params, startNs: task.startNs, endNs: task.endNs });
  return engine.run();
}
