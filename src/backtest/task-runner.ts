// The backtest of one task as a walk-forward worker runs it (the pool's default runner, workers/backtest.worker.ts):
// runBacktest(task, bars), runL3Backtest(task, data) and runPortfolioTask(task, bars of each instrument). Loads only
// what a bar backtest needs: the schema library only for a config no one has validated yet (./validated.ts), the L3
// engine only for an L3 task, the portfolio engine only for a portfolio task.
import type { BacktestConfig } from '../config/backtest.js';
import type { ProductConfig } from '../config/product.js';
import type { BacktestResult, BacktestTask, BarSeries, MboData } from './api.js';
import type { PortfolioResult } from './portfolio/api.js';
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

/**
 * `task.config` of a portfolio study's tasks: the engine sections (account, risk, execution; validated by the main
 * thread, src/config/study.ts resolvePortfolioStudy) and each instrument's product, in the config's instrument order.
 */
export interface PortfolioTaskConfig {
  engine: BacktestConfig;
  instruments: { name: string; product: ProductConfig }[];
}

/** configs no one vouched for (./validated.ts), validated once per object */
const checkedPortfolios = new WeakMap<object, Promise<PortfolioTaskConfig>>();

function portfolioConfigOf(raw: unknown): Promise<PortfolioTaskConfig> {
  if (isVouched(raw)) return Promise.resolve(raw as unknown as PortfolioTaskConfig);
  const cfg = raw as PortfolioTaskConfig;
  let p = checkedPortfolios.get(cfg);
  if (!p) {
    p = (async () => {
      const { validateProduct } = await import('../config/backtest.js');
      const instruments = cfg.instruments.map((x, k) => ({ name: x.name, product: validateProduct(x.product, `instruments.${k}.product`) }));
      return { engine: await configOf(cfg.engine), instruments };
    })();
    checkedPortfolios.set(cfg, p);
  }
  return p;
}

/**
 * Run one portfolio backtest (a portfolio walk-forward study's task): `bars` holds each instrument's bars in the
 * order of `task.config.instruments` (PortfolioTaskConfig). `task.strategy` is a portfolio strategy (built-in or a file
 * with kind: 'portfolio') given `task.params`, or a single-instrument one run on every instrument with `task.params`
 * (./portfolio/strategy-ref.ts). Deterministic: same inputs, same result.
 */
export async function runPortfolioTask(task: BacktestTask, bars: readonly BarSeries[]): Promise<PortfolioResult> {
  const [cfg, { loadPortfolioStrategy, portfolioModuleOf }, { runPortfolioBacktest }] = await Promise.all([
    portfolioConfigOf(task.config),
    import('./portfolio/strategy-ref.js'),
    import('./portfolio/run.js'),
  ]);
  if (bars.length !== cfg.instruments.length) throw new Error(`portfolio task: ${bars.length} bar series for ${cfg.instruments.length} instruments`);
  const ref = await loadPortfolioStrategy(task.strategy);
  const names = cfg.instruments.map((x) => x.name);
  const { module, params } = portfolioModuleOf(ref, names, task.params);
  return runPortfolioBacktest({
    config: cfg.engine,
    instruments: cfg.instruments.map((x, k) => ({ name: x.name, bars: bars[k]!, product: x.product })),
    strategy: module,
    params,
    startNs: task.startNs,
    endNs: task.endNs,
  });
}
