// User strategy modules named by path in `task.strategy` (docs/strategies.md "Your own strategy"): .js / .mjs are
// imported as they are, .ts / .mts are transpiled first (./ts-compile.ts) and, on the main thread, type-checked
// before they run (./typecheck.ts). The module exports a StrategyModule as default, or a factory (params) =>
// Strategy as default or as `createStrategy`; or, for portfolio configs, a PortfolioStrategyModule as default marked
// `kind: 'portfolio'` (loadUserModuleOfAnyKind; the single-instrument entry points refuse it). Works the same on the main thread and in Piscina workers (each loads
// the file once per process/thread; the transpiled output is shared on disk).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { isMainThread } from 'node:worker_threads';
import type { PortfolioStrategy, PortfolioStrategyModule } from '../backtest/portfolio/api.js';
import type { Strategy, StrategyModule } from '../backtest/strategy.js';
import { compileTs, TS_EXTENSIONS, TsCompileError } from './ts-compile.js';

const JS_EXTENSIONS = ['.js', '.mjs'];

export interface UserModuleOptions {
  /**
   * Type-check a .ts/.mts module before importing it (config `strategy.typecheck`). Default: on the main thread
   * only. Worker threads run what the main thread has already checked (a study checks once, before any task), so
   * they skip it rather than pay for a compiler per thread.
   */
  typecheck?: boolean;
}

/** A loaded strategy of either kind: single-instrument, or portfolio (default export marked `kind: 'portfolio'`). */
export type LoadedModule = { kind: 'single'; module: StrategyModule } | { kind: 'portfolio'; module: PortfolioStrategyModule };

/** Load and check a single-instrument user module; a portfolio module is refused (singleOnly). */
export async function loadUserModule(ref: string, opts: UserModuleOptions = {}): Promise<StrategyModule> {
  return singleOnly(await loadUserModuleOfAnyKind(ref, opts), ref);
}

/** The single-instrument module, or an Error saying a portfolio module runs only on a portfolio config. */
export function singleOnly(l: LoadedModule, ref: string): StrategyModule {
  if (l.kind === 'single') return l.module;
  throw new Error(
    `strategy module ${ref}: a portfolio strategy (its default export declares kind: 'portfolio'); it runs only on a portfolio config (instruments: …), with \`contango backtest\` or \`contango walk-forward\`, not on one instrument (data + product)`,
  );
}

/** Load and check a user module of either kind; every failure is an Error naming the file and what was wrong. */
export async function loadUserModuleOfAnyKind(ref: string, opts: UserModuleOptions = {}): Promise<LoadedModule> {
  const abs = path.resolve(ref);
  const ext = path.extname(abs);
  const isTs = (TS_EXTENSIONS as readonly string[]).includes(ext);
  if (!isTs && !JS_EXTENSIONS.includes(ext)) {
    throw new Error(`strategy module ${ref}: expected a .js, .mjs, .ts or .mts file (found "${ext || 'no extension'}")`);
  }
  if (!existsSync(abs)) throw new Error(`strategy module ${ref}: no such file (${abs})`);
  let url = pathToFileURL(abs).href;
  if (isTs) {
    try {
      url = pathToFileURL(await compileTs(abs)).href;
    } catch (e) {
      if (e instanceof TsCompileError) throw new Error(`strategy module ${ref}: TypeScript error\n  ${e.message.split('\n').join('\n  ')}`);
      throw new Error(`strategy module ${ref}: cannot transpile (${(e as Error).message})`);
    }
    // after the transpile (a syntax error is reported as such, once) and before the import runs any of its code;
    // loaded only here, so a worker thread never loads the checker
    if (opts.typecheck ?? isMainThread) {
      const { indent, StrategyTypeError, typecheckStrategy } = await import('./typecheck.js');
      try {
        await typecheckStrategy(abs);
      } catch (e) {
        if (e instanceof StrategyTypeError) {
          const hint = 'fix them, or set strategy.typecheck: false to run it unchecked';
          throw new Error(`strategy module ${ref}: ${e.summary} (${hint})\n${indent(e.lines, '    ')}`);
        }
        throw new Error(`strategy module ${ref}: cannot type-check (${(e as Error).message})`);
      }
    }
  }
  let m: Record<string, unknown>;
  try {
    m = (await import(url)) as Record<string, unknown>;
  } catch (e) {
    throw new Error(`strategy module ${ref}: cannot load (${(e as Error).message})`);
  }
  return asLoaded(m, ref);
}

/** The module's strategy of either kind: a default export with `kind: 'portfolio'` is a portfolio module. */
export function asLoaded(m: Record<string, unknown>, ref: string): LoadedModule {
  const d = m.default as { kind?: unknown } | undefined;
  const kind = d && typeof d === 'object' ? d.kind : undefined;
  if (kind === 'portfolio') return { kind: 'portfolio', module: asPortfolioModule(d as Partial<PortfolioStrategyModule>, ref) };
  if (kind !== undefined) {
    throw new Error(`strategy module ${ref}: default export's kind: found ${JSON.stringify(kind)}; allowed: 'portfolio' (a portfolio strategy), or no kind (a single-instrument strategy)`);
  }
  return { kind: 'single', module: asModule(m, ref) };
}

/** A portfolio module as the engine needs it: create is required (and must return onBar); the rest is filled in. */
function asPortfolioModule(d: Partial<PortfolioStrategyModule>, ref: string): PortfolioStrategyModule {
  const create = d.create;
  if (typeof create !== 'function') {
    throw new Error(
      `strategy module ${ref}: a portfolio module (kind: 'portfolio') needs create(params) returning { onBar(ctx) { … } } (found: ${Object.keys(d).join(', ') || 'an empty object'})`,
    );
  }
  if (d.params !== undefined && !Array.isArray(d.params)) throw new Error(`strategy module ${ref}: params: found ${typeof d.params}; allowed: a list of ParamSpec`);
  return {
    name: d.name ?? ref,
    description: d.description ?? '',
    params: d.params ?? [],
    ...(typeof d.warmupBars === 'function' ? { warmupBars: d.warmupBars.bind(d) } : {}),
    create(p) {
      // checked here, not at load: create runs the user's code, and only with the run's parameters
      const s = create.call(d, p) as Partial<PortfolioStrategy> | undefined;
      if (!s || typeof s !== 'object' || typeof s.onBar !== 'function') {
        throw new Error(`strategy module ${ref}: create(params) must return an object with onBar(ctx) (found: ${s && typeof s === 'object' ? Object.keys(s).join(', ') || 'an empty object' : String(s)})`);
      }
      return s as PortfolioStrategy;
    },
  };
}

/** The module's strategy: a StrategyModule as default, or a factory as default / createStrategy. */
export function asModule(m: Record<string, unknown>, ref: string): StrategyModule {
  const d = m.default as unknown;
  if (d && typeof d === 'object' && typeof (d as StrategyModule).create === 'function') {
    const sm = d as StrategyModule;
    // create and warmupBars called as methods of the export (a module may keep helpers on `this`); a declared
    // warm-up is kept: walk-forward tasks then skip the bars before it (StrategyModule.warmupBars)
    return {
      name: sm.name ?? ref,
      description: sm.description ?? '',
      params: sm.params ?? [],
      create: sm.create.bind(sm),
      ...(typeof sm.warmupBars === 'function' ? { warmupBars: sm.warmupBars.bind(sm) } : {}),
    };
  }
  const factory = (typeof d === 'function' ? d : m.createStrategy) as ((p: Record<string, number>) => Strategy) | undefined;
  if (typeof factory !== 'function') {
    const found = Object.keys(m).length ? Object.keys(m).join(', ') : 'no exports';
    throw new Error(
      `strategy module ${ref}: export a StrategyModule ({ name, params, create }) as default, or a factory (params) => Strategy as default or createStrategy (found: ${found})`,
    );
  }
  // no declared parameters: pass them through unchecked
  return { name: ref, description: '', params: [], create: factory, passThrough: true };
}
