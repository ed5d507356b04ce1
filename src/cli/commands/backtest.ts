// `contango backtest --config configs/<name>.yaml`: one backtest of the config's strategy with its fixed
// parameters (`strategy.params`) over the data, or over `window` / --start / --end. Runs in-process.
import { mkdirSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { Command } from 'commander';
import { runBacktest } from '../../backtest/index.js';
import { loadStudyConfig, resolveStudy } from '../../config/study.js';
import { loadBars } from '../../data/bars.js';
import { METRIC_ROWS, textTable } from '../../report/format.js';
import { writeBacktestResults } from '../../report/results.js';
import { log } from '../../util/log.js';
import { dataFileInfo } from '../../walkforward/index.js';
import { addCommonOptions, applyQuiet } from './study-options.js';

interface Opts {
  config: string;
  set: string[];
  out?: string;
  start?: string;
  end?: string;
  quiet?: boolean;
}

/** An ISO date or date-time (UTC unless it carries an offset) → ns since epoch. */
export function isoToNs(text: string, key: string): bigint {
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text);
  if (!Number.isFinite(ms)) throw new Error(`${key}: found "${text}"; allowed: an ISO date (2024-01-31) or date-time (2024-01-31T14:30:00Z)`);
  return BigInt(ms) * 1_000_000n;
}

export function register(program: Command): void {
  const cmd = program
    .command('backtest')
    .description(
      'Run one backtest of the config\'s strategy with its fixed parameters (strategy.params) and write ' +
        'metrics.json, trades.parquet, equity.parquet and report.html to the results directory.',
    )
    .requiredOption('-c, --config <file>', 'study/backtest config (YAML), e.g. configs/es-study.yaml')
    .option('--start <date>', 'first bar traded (ISO date or date-time, UTC); earlier bars are warm-up (overrides window.start)')
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
    const bars = await loadBars(cfg.data.bars, { tickUnits: study.tickUnits, symbol: cfg.data.symbol, cache: cfg.data.cache });
    const dataEnd = bars.ts[bars.ts.length - 1]! + BigInt(bars.barNs);
    const startNs = cfg.window.start ? isoToNs(cfg.window.start, 'window.start') : bars.ts[0]!;
    const endNs = cfg.window.end ? isoToNs(cfg.window.end, 'window.end') : dataEnd;
    if (endNs <= startNs) throw new Error(`window: end (${cfg.window.end}) is not after start (${cfg.window.start})`);
    log.info(`backtest ${cfg.name}: ${cfg.strategy.name} on ${bars.symbol} (${bars.ts.length.toLocaleString('en-US')} bars)`);
    const tRun = performance.now();
    const result = await runBacktest({ config: study.engine, strategy: cfg.strategy.name, params: cfg.strategy.params, startNs, endNs }, bars);
    const runMs = performance.now() - tRun;
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
        data: [dataFileInfo(cfg.data.bars)],
        window: { startNs: startNs.toString(), endNs: endNs.toString() },
        node: process.version,
        durationsMs: { backtest: Math.round(runMs), total: Math.round(performance.now() - t0) },
        finished: new Date().toISOString(),
      },
    });
    process.stdout.write(textTable(['metric', 'value'], METRIC_ROWS.map(([k, label, f]) => [label, f((result.metrics[k] as number | undefined) ?? NaN)])) + '\n');
    log.info(`backtest in ${runMs.toFixed(0)} ms; results in ${cfg.out}/ (${files.join(', ')})`);
  });
}
