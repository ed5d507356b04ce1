// Strategy modules by reference: a built-in name (src/strategies/index.ts) or a path to a user module (.js/.mjs,
// or .ts/.mts transpiled into a cache: src/strategies/user-module.ts), cached per path. A user module may be a
// portfolio strategy: only loadAnyStrategyModule returns one (portfolio configs: backtest and walk-forward);
// loadStrategyModule (one instrument) refuses it.
import path from 'node:path';
import { isMainThread } from 'node:worker_threads';
import { builtinStrategy, BUILTIN_STRATEGIES } from '../strategies/index.js';
import { loadUserModuleOfAnyKind, singleOnly, type LoadedModule, type UserModuleOptions } from '../strategies/user-module.js';
import type { StrategyModule } from './strategy.js';

const moduleCache = new Map<string, Promise<LoadedModule>>();
const singles = new WeakMap<Promise<LoadedModule>, Promise<StrategyModule>>();

/**
 * A built-in strategy by name, or a user module by path (cached per path and type-check setting; a failed load is
 * retried next time). A path first loaded unchecked (`strategy.typecheck: false`) is checked when a later load asks
 * for it: the check is cached by content (src/strategies/typecheck.ts) and the import by URL, so that costs little.
 */
export function loadStrategyModule(ref: string, opts?: UserModuleOptions): Promise<StrategyModule> {
  const builtin = builtinStrategy(ref);
  if (builtin) return Promise.resolve(builtin);
  const any = loadAnyStrategyModule(ref, opts);
  // one derived promise per cached load, so repeated loads of a path still give the same promise
  let p = singles.get(any);
  if (!p) {
    p = any.then((l) => singleOnly(l, ref));
    singles.set(any, p);
  }
  return p;
}

/**
 * As loadStrategyModule, but a user module may also be a portfolio strategy (default export with
 * `kind: 'portfolio'`): for portfolio configs (src/backtest/portfolio/strategy-ref.ts: `contango backtest`, and
 * walk-forward's main thread and workers). Same transpile, type check and cache.
 */
export function loadAnyStrategyModule(ref: string, opts?: UserModuleOptions): Promise<LoadedModule> {
  const builtin = builtinStrategy(ref);
  if (builtin) return Promise.resolve({ kind: 'single', module: builtin });
  if (!/[\\/.]/.test(ref)) {
    return Promise.reject(new Error(`strategy "${ref}": not a built-in (${Object.keys(BUILTIN_STRATEGIES).join(', ')}) and not a path`));
  }
  const abs = path.resolve(ref);
  // the setting user-module.ts applies: checked on the main thread unless turned off, unchecked in workers unless asked
  const checked = opts?.typecheck ?? isMainThread;
  const key = `${abs}\u0000${checked ? 'checked' : 'unchecked'}`;
  let p = moduleCache.get(key);
  if (!p) {
    p = loadUserModuleOfAnyKind(ref, { ...opts, typecheck: checked });
    moduleCache.set(key, p);
    p.catch(() => moduleCache.delete(key));
  }
  return p;
}
