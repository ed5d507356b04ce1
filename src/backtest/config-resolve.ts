// A task's engine config, validated once per object (a study's tasks share one), or as vouched for.
import { validateBacktestConfig, type BacktestConfig } from '../config/backtest.js';
import { isVouched } from './validated.js';

const configCache = new WeakMap<object, BacktestConfig>();

export function resolveConfig(raw: unknown): BacktestConfig {
  if (isVouched(raw)) return raw;
  if (raw !== null && typeof raw === 'object') {
    const hit = configCache.get(raw);
    if (hit) return hit;
    const cfg = validateBacktestConfig(raw, 'backtest config');
    configCache.set(raw, cfg);
    return cfg;
  }
  return validateBacktestConfig(raw, 'backtest config');
}
