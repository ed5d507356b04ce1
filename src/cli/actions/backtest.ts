// The implementation of `contango backtest` (declared in src/cli/commands/backtest.ts).
import { mkdirSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { loadStrategyModule, runBacktest, runL3Backtest, type BacktestResult } from '../../backtest/index.js';
import { loadMbo, mboRange } from '../../backtest/mbo-data.js';
import {
  ConfigError,
  dataFileOf,
  isPortfolioRaw,
  readStudyRaw,
  resolvePortfolioStudy,
  resolveStudy,
  validatePortfolioStudy,
  validateStudy,
} from '../../config/study.js';
import { loadBars } from '../../data/bars.js';
import { METRIC_ROWS, textTable } from '../../report/format.js';
import { writeBacktestResults } from '../../report/results.js';
import { log } from '../../util/log.js';
import { dataFileInfo } from '../../walkforward/index.js';
import { windowOf } from '../../walkforward/window.js';
import type { BacktestOptions } from '../commands/backtest.js';
import { applyQuiet } from '../commands/study-options.js';

export async function runBacktestCommand(o: BacktestOptions): Promise<void> {
  applyQuiet(o.quiet);
  const t0 = performance.now();
  const sets = [...o.set];
  if (o.out) sets.push(`out=${o.out}`);
  if (o.start) sets.push(`window.start=${o.start}`);
  if (o.end) sets.push(`window.end=${o.end}`);
  const raw = readStudyRaw(o.config, sets);
  // `instruments` instead of data + product: a portfolio backtest (src/backtest/portfolio/)
  if (isPortfolioRaw(raw)) return runPortfolioCommand(o, raw, t0);
  const cfg = validateStudy(raw, o.config);
  const study = resolveStudy(cfg, o.config);
  const dataFile = dataFileOf(cfg);
  const task = { config: study.engine, strategy: cfg.strategy.name, params: cfg.strategy.params };
  // the strategy (type-checked when it is TypeScript) before the data: a broken one is a config error, found at once
  try {
    await loadStrategyModule(cfg.strategy.name, { typecheck: cfg.strategy.typecheck });
  } catch (e) {
    throw new ConfigError(o.config, [`strategy.name: found ${JSON.stringify(cfg.strategy.name)}; ${(e as Error).message}`]);
  }
  let result: BacktestResult;
  let window: { startNs: bigint; endNs: bigint };
  let runMs: number;
  if (cfg.data.mbo !== undefined) {
    // L3: the strategy against the replayed MBO book
    const mbo = await loadMbo(cfg.data.mbo, { cache: cfg.data.cache });
    const range = mboRange(mbo);
    window = windowOf(cfg.window, range);
    const records = mbo.batches.reduce((a, b) => a + b.length, 0);
    log.info(`backtest ${cfg.name}: ${cfg.strategy.name} at L3 on ${cfg.data.mbo} (${records.toLocaleString('en-US')} MBO records)`);
    const tRun = performance.now();
    result = await runL3Backtest({ ...task, ...window }, mbo);
    runMs = performance.now() - tRun;
    const l3 = result.stats?.l3;
    if (l3) log.info(`L3: instrument ${l3.instrument}, ${l3.updates.toLocaleString('en-US')} book updates, ${l3.ordersSent} orders, ${l3.cancelsSent} cancels, fills ${l3.makerFills} maker / ${l3.takerFills} taker`);
  } else {
    const bars = await loadBars(dataFile, { tickUnits: study.tickUnits, symbol: cfg.data.symbol, cache: cfg.data.cache });
    window = windowOf(cfg.window, { start: bars.ts[0]!, end: bars.ts[bars.ts.length - 1]! + BigInt(bars.barNs) });
    log.info(`backtest ${cfg.name}: ${cfg.strategy.name} on ${bars.symbol} (${bars.ts.length.toLocaleString('en-US')} bars)`);
    const tRun = performance.now();
    result = await runBacktest({ ...task, ...window }, bars);
    runMs = performance.now() - tRun;
  }
  const { startNs, endNs } = window;
  mkdirSync(cfg.out, { recursive: true });
  const files = writeBacktestResults({
    outDir: cfg.out,
    name: cfg.name,
    hash: study.hash,
    tickSize: Number(study.tickUnits),
    metrics: result.metrics,
    equity: result.equity,
    trades: result.trades,
    run: {
      config: o.config,
      configHash: study.hash,
      overrides: o.set,
      strategy: cfg.strategy,
      level: study.engine.execution.level,
      data: [dataFileInfo(dataFile)],
      window: { startNs: startNs.toString(), endNs: endNs.toString() },
      ...(result.stats?.l3 ? { l3: result.stats.l3 } : {}),
      node: process.version,
      durationsMs: { backtest: Math.round(runMs), total: Math.round(performance.now() - t0) },
      finished: new Date().toISOString(),
    },
  });
  process.stdout.write(textTable(['metric', 'value'], METRIC_ROWS.map(([k, label, f]) => [label, f((result.metrics[k] as number | undefined) ?? NaN)])) + '\n');
  log.info(`backtest in ${runMs.toFixed(0)} ms; results in ${cfg.out}/ (${files.join(', ')})`);
}

/**
 * `contango backtest` of a portfolio config: every instrument's bars, one account and one set of risk guards. The
 * strategy is a portfolio built-in (pairs), a portfolio module from a file (default export with kind: 'portfolio'), or a
 * single-instrument built-in or file run on every instrument with the same parameters (eachInstrument).
 */
async function runPortfolioCommand(o: BacktestOptions, raw: Record<string, unknown>, t0: number): Promise<void> {
  const cfg = validatePortfolioStudy(raw, o.config);
  const study = resolvePortfolioStudy(cfg, o.config);
  const { runPortfolioBacktest } = await import('../../backtest/portfolio/index.js');
  const { loadPortfolioStrategy, portfolioModuleOf } = await import('../../backtest/portfolio/strategy-ref.js');
  const name = cfg.strategy.name;
  const bad = (key: string, e: unknown) => new ConfigError(o.config, [`${key}: found ${JSON.stringify(key === 'strategy.name' ? name : cfg.strategy.params)}; ${(e as Error).message}`]);
  // a built-in portfolio strategy, a single-instrument built-in, or a file (either kind; type-checked, cached)
  let ref: import('../../backtest/portfolio/strategy-ref.js').PortfolioStrategyRef;
  try {
    ref = await loadPortfolioStrategy(name, { typecheck: cfg.strategy.typecheck });
  } catch (e) {
    throw bad('strategy.name', e);
  }
  // parameters checked against the module's ParamSpec before any data is read (runPortfolioBacktest checks them again)
  let mod: import('../../backtest/portfolio/api.js').PortfolioStrategyModule;
  let params: Record<string, number>;
  try {
    ({ module: mod, params } = portfolioModuleOf(ref, study.instruments.map((x) => x.name), cfg.strategy.params));
  } catch (e) {
    throw bad('strategy.params', e);
  }
  const instruments = [];
  for (const x of study.instruments) {
    const bars = await loadBars(x.data.bars, { tickUnits: x.tickUnits, symbol: x.data.symbol, cache: x.data.cache });
    instruments.push({ name: x.name, bars, product: x.product });
  }
  let start = instruments[0]!.bars.ts[0]!,
    end = start;
  for (const { bars } of instruments) {
    if (bars.ts[0]! < start) start = bars.ts[0]!;
    const e = bars.ts[bars.ts.length - 1]! + BigInt(bars.barNs);
    if (e > end) end = e;
  }
  const window = windowOf(cfg.window, { start, end });
  log.info(`backtest ${cfg.name}: ${mod.name} on ${instruments.map((x) => `${x.name} (${x.bars.symbol}, ${x.bars.ts.length.toLocaleString('en-US')} bars)`).join(', ')}`);
  const tRun = performance.now();
  const result = runPortfolioBacktest({ config: study.engine, instruments, strategy: mod, params, ...window });
  const runMs = performance.now() - tRun;
  mkdirSync(cfg.out, { recursive: true });
  const tickOf = new Map(study.instruments.map((x) => [x.name, Number(x.tickUnits)]));
  const files = writeBacktestResults({
    outDir: cfg.out,
    name: cfg.name,
    hash: study.hash,
    tickSize: Number(study.instruments[0]!.tickUnits),
    tickSizeOf: (t) => tickOf.get((t as { instrument?: string }).instrument ?? '') ?? Number(study.instruments[0]!.tickUnits),
    metrics: result.metrics,
    equity: result.equity,
    trades: result.trades,
    run: {
      config: o.config,
      configHash: study.hash,
      overrides: o.set,
      strategy: cfg.strategy,
      level: 'L2',
      portfolio: result.stats.instruments,
      data: study.instruments.map((x) => ({ instrument: x.name, ...dataFileInfo(x.data.bars) })),
      window: { startNs: window.startNs.toString(), endNs: window.endNs.toString() },
      risk: { refusedLots: result.stats.refusedLots, refusedBy: result.stats.risk?.refusedBy, riskFlattens: result.stats.riskFlattens, killSwitch: result.stats.killSwitch },
      node: process.version,
      durationsMs: { backtest: Math.round(runMs), total: Math.round(performance.now() - t0) },
      finished: new Date().toISOString(),
    },
  });
  process.stdout.write(textTable(['metric', 'value'], METRIC_ROWS.map(([k, label, f]) => [label, f((result.metrics[k] as number | undefined) ?? NaN)])) + '\n');
  for (const x of result.stats.instruments) log.info(`${x.name} (${x.symbol}): ${x.bars} bars, ${x.orders} orders, ${x.fills} fills`);
  log.info(`backtest in ${runMs.toFixed(0)} ms; results in ${cfg.out}/ (${files.join(', ')})`);
}
