// Run a walk-forward study end to end: config → data range → pool → results directory → summary.
// Used by `contango walk-forward`, `contango demo` and the pool benchmark.
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { loadStudyConfig, resolveStudy, type ResolvedStudy } from '../config/study.js';
import { loadBars } from '../data/bars.js';
import { writeStudyResults } from '../report/results.js';
import { studySummary } from '../report/summary.js';
import { log } from '../util/log.js';
import { createProgress, type ProgressOptions } from '../util/progress.js';
import { resolveWorkers } from './pool.js';
import type { BacktestPool } from './pool.js';
import { rangeOf, runWalkForward, type StudyOutcome } from './runner.js';

export interface StudyCommandOptions {
  config: string;
  sets?: string[];
  /** overrides the config's `workers` and `out` */
  workers?: number | 'auto';
  out?: string;
  fresh?: boolean;
  runner?: string;
  progress?: ProgressOptions['mode'];
  signal?: AbortSignal;
  pool?: BacktestPool;
  /** print the summary table to stdout (CLI) */
  print?: boolean;
  /** where product names are looked up (default configs/products under the cwd) */
  productsDir?: string;
}

export interface StudyCommandResult {
  study: ResolvedStudy;
  outcome: StudyOutcome;
  outDir: string;
  files: string[];
  workers: number;
}

export async function runStudyCommand(o: StudyCommandOptions): Promise<StudyCommandResult> {
  const t0 = performance.now();
  const sets = [...(o.sets ?? [])];
  if (o.workers !== undefined) sets.push(`workers=${o.workers}`);
  if (o.out !== undefined) sets.push(`out=${o.out}`);
  const cfg = loadStudyConfig(o.config, sets);
  const study = resolveStudy(cfg, o.config, o.productsDir);
  const workers = o.pool?.size ?? resolveWorkers(cfg.workers);
  const outDir = cfg.out;
  log.info(`study ${cfg.name} (config ${study.hash}) → ${outDir}; ${workers} worker(s)`);
  const tLoad = performance.now();
  // loading here also builds the cache entry, so the workers all hit it
  const bars = await loadBars(cfg.data.bars, { tickUnits: study.tickUnits, symbol: cfg.data.symbol, cache: cfg.data.cache });
  const loadMs = performance.now() - tLoad;
  log.info(`data: ${cfg.data.bars} (${bars.symbol}, ${bars.ts.length.toLocaleString('en-US')} bars) loaded in ${loadMs.toFixed(0)} ms`);
  let progress: ReturnType<typeof createProgress> | undefined;
  const outcome = await runWalkForward({
    study,
    range: rangeOf(bars),
    outDir,
    workers,
    fresh: o.fresh,
    runner: o.runner,
    signal: o.signal,
    pool: o.pool,
    onProgress: (p) => {
      progress ??= createProgress({ label: cfg.name, total: p.total, mode: o.progress });
      progress.update(p.done, `${p.resumed ? `resumed ${p.resumed} ` : ''}${p.retried ? `retried ${p.retried} ` : ''}${p.failed ? `failed ${p.failed}` : ''}`.trim());
    },
  }).finally(() => progress?.stop());
  const run = {
    study: cfg.name,
    config: o.config,
    configHash: study.hash,
    overrides: o.sets ?? [],
    data: [dataFileInfo(cfg.data.bars)],
    bars: bars.ts.length,
    symbol: bars.symbol,
    workers,
    cores: os.availableParallelism(),
    node: process.version,
    tasks: outcome.stats,
    durationsMs: { loadData: Math.round(loadMs), study: Math.round(outcome.stats.wallMs), total: Math.round(performance.now() - t0) },
    finished: new Date().toISOString(),
  };
  const files = writeStudyResults({
    outDir,
    name: cfg.name,
    hash: study.hash,
    objective: cfg.objective,
    tickSize: Number(study.tickUnits),
    outcome,
    run,
  });
  log.info(
    `${outcome.stats.tasks} tasks (${outcome.stats.executed} run, ${outcome.stats.resumed} resumed, ${outcome.stats.retried} retried, ${outcome.stats.failed} failed) in ${(outcome.stats.wallMs / 1000).toFixed(1)} s; results in ${outDir}/ (${files.join(', ')})`,
  );
  if (o.print) process.stdout.write(studySummary(outcome, cfg.objective.metric) + '\n');
  return { study, outcome, outDir, files, workers };
}

/** Path, size and (up to 256 MB) SHA-256 of a data file, for the run log. */
export function dataFileInfo(file: string): Record<string, unknown> {
  const st = statSync(file);
  const info: Record<string, unknown> = { path: file, bytes: st.size, modified: st.mtime.toISOString() };
  if (st.size <= 256 * 2 ** 20) info.sha256 = createHash('sha256').update(readFileSync(file)).digest('hex');
  return info;
}
