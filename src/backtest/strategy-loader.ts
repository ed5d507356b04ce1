// Strategy modules by reference: a built-in name (src/strategies/index.ts) or a path to a user module (.js/.mjs,
// or .ts/.mts transpiled into a cache: src/strategies/user-module.ts), cached per path.
import path from 'node:path';
import { builtinStrategy, BUILTIN_STRATEGIES } from '../strategies/index.js';
import { loadUserModule, type UserModuleOptions } from '../strategies/user-module.js';
import type { StrategyModule } from './strategy.js';

const moduleCache = new Map<string, Promise<StrategyModule>>();

/**
 * A built-in strategy by name, or a user module by path (cached per path; a failed load is retried next time).
 * `opts` apply to the first load of a path (config `strategy.typecheck`: the CLI loads before anything runs).
 */
export function loadStrategyModule(ref: string, opts?: UserModuleOptions): Promise<StrategyModule> {
  const builtin = builtinStrategy(ref);
  if (builtin) return Promise.resolve(builtin);
  if (!/[\\/.]/.test(ref)) {
    return Promise.reject(new Error(`strategy "${ref}": not a built-in (${Object.keys(BUILTIN_STRATEGIES).join(', ')}) and not a path`));
  }
  const abs = path.resolve(ref);
  let p = moduleCache.get(abs);
  if (!p) {
    p = loadUserModule(ref, opts);
    moduleCache.set(abs, p);
    p.catch(() => moduleCache.delete(abs));
  }
  return p;
}
