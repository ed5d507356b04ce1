// One bar (L2) backtest from a strategy module and a validated engine config.
import type { BacktestConfig } from '../config/backtest.js';
import type { BacktestResult, BacktestTask, BarSeries } from './api.js';
import { L2Engine } from './engine.js';
import { resolveProduct } from './product.js';
import { resolveParams, type Strategy, type StrategyModule } from './strategy.js';

/** Options of a run that do not change its result. */
export interface RunOptions {
  /** memory for the equity curve (EngineSetup.equityBuffer) */
  equityBuffer?: (bars: number) => Float64Array;
}

export function runL2(mod: StrategyModule, task: BacktestTask, config: BacktestConfig, bars: BarSeries, opts: RunOptions = {}): BacktestResult {
  const params = resolveParams(mod, task.params ?? {});
  const product = resolveProduct(config.product, config.fees);
  if (config.execution.level !== 'L2') {
    throw new Error('execution.level L3 replays MBO data, not bars: give the study data.mbo (runL3Backtest), or use level L2');
  }
  const strategy: Strategy = mod.create(params);
  const warmupBars = mod.warmupBars?.(params);
  const engine = new L2Engine(bars, { config, product, strategy, params, startNs: task.startNs, endNs: task.endNs, warmupBars, equityBuffer: opts.equityBuffer });
  return engine.run();
}
