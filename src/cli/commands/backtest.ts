// `contango backtest --config configs/<name>.yaml`: one backtest of the config's strategy with its fixed
// parameters (`strategy.params`) over the data, or over `window` / --start / --end. Runs in-process.
import { mkdirSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { Command } from 'commander';
import { loadMbo, runBacktest, runL3Backtest, type BacktestResult } from '../../backtest/index.js';
import { mboRange } from '../../backtest/mbo-data.js';
import { dataFileOf, loadStudyConfig, resolveStudy } from '../../config/study.js';
import { loadBars } from '../../data/bars.js';
import { METRIC_ROWS, textTable } from '../../report/format.js';
import { writeBacktestResults } from '../../report/results.js';
import { log } from '../../util/log.js';
import { dataFileInfo } from '../../walkforward/index.js';
import { windowOf } from '../../walkforward/window.js';
import { addCommonOptions, applyQuiet } from './study-options.js';

interface Opts {
  config: string;
  set: string[];
  out?: string;
  start?: string;
  end?: string;
  quiet?: boolean;
}

export { isoToNs, windowOf } from '../../walkforward/window.js';

export function register(program: Command): void {
  const cmd = program
    .command('backtest')
    .description(
      'Run one backtest of the config\'s strategy with its fixed parameters (strategy.params) and write ' +
        'metrics.json, trades.parquet, equity.parquet and report.html to the results directory. Bar data (data.bars) ' +
        'runs at L2; MBO data (data.mbo, execution.level L3) replays the order book with the strategy\'s orders in ' +
        'the real queues, e.g. configs/es-l3.yaml.',
    )
    .requiredOption('-c, --config <file>', 'study/backtest config (YAML), e.g. configs/es-study.yaml (L2) or configs/es-l3.yaml (L3)')
    .option('--start <date>', 'start of the traded window (ISO date or date-time, UTC); earlier data is warm-up: bars for indicators, MBO to build the book (overrides window.start)')
    .option('--end <date>', 'end of the window, exclusive (overrides window.end)');
  addCommonOptions(cmd).action(async (o: Opts) => {
    applyQuiet(o.quiet);
    const t0 = performance.now();
    const sets = [...o.set];
    if (o.out) sets.push(`out=${o.out}`);
    if (o.start) sets.push(`window.start=${o.start}`);
    if (o.end) sets.push(`window.end=${o.end}`);
    const cfg = loadStudyConfig(o.config, sets);
    const study = resolveStudy(cfg, o.config);
    const dataFile = dataFileOf(cfg);
    const task = { config: study.engine, strategy: cfg.strategy.name, params: cfg.strategy.params };
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
  });
}
