// Configs another thread has already validated. A walk-forward study validates its engine config once in the main
// thread (src/config/study.ts) and sends it to the workers as JSON; a worker vouches for the parsed object here,
// and the task runner uses it as it is instead of loading the schema library (zod, ~100 modules) to validate it
// again in every worker. test/walkforward/config-roundtrip.test.ts checks that validating such a JSON round-trip
// again changes nothing, for every config in configs/.
import type { BacktestConfig } from '../config/backtest.js';

const vouched = new WeakSet<object>();

/** Mark `cfg` (the JSON round-trip of a validated BacktestConfig) as validated. */
export function vouchValidated(cfg: object): void {
  vouched.add(cfg);
}

export function isVouched(cfg: unknown): cfg is BacktestConfig {
  return typeof cfg === 'object' && cfg !== null && vouched.has(cfg);
}
