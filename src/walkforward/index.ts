// Run a walk-forward study end to end: config → data range → pool → results directory → summary.
// Used by `contango walk-forward`, `contango demo` and the pool benchmark.
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadStrategyModule } from '../backtest/index.js';
import { windowOf } from './window.js';
import type { SharedDerived } from '../backtest/shared-derived.js';
import { tickBarsDir } from '../data/cache/tick-bars.js';
import { prepareWorkerData } from './worker-data.js';
import { resolveParams } from '../backtest/strategy.js';
import { ConfigError, dataFileOf, loadStudyConfig, resolveStudy, searchSpecOf, type ResolvedStudy } from '../config/study.js';
import { candidates } from './search.js';
import type { BarSeries } from '../backtest/api.js';
import { cacheEntryFor, loadBars, loadBarsFromEntry } from '../data/bars.js';
import { studySummary } from '../report/summary.js';
import { log } from '../util/log.js';
import { createProgress, type ProgressOptions } from '../util/progress.js';
import { BacktestPool, resolveWorkers } from './pool.js';
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
  /**
   * close `pool` when the study's tasks are done, like a pool of its own (the CLI starts the pool before it loads
   * this module, so the threads start while the modules load); by default a given pool is left open
   */
  closePool?: boolean;
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
  if (!o.runner) await checkParams(study, o.config); // a custom runner (tests, benchmarks) has its own parameters
  // a pool started early on a guess of the size (the CLI) that the validated config contradicts: start the right one
  let given = o.pool;
  if (given && o.closePool && given.size !== resolveWorkers(cfg.workers)) {
    void given.close();
    given = undefined;
  }
  const workers = given?.size ?? resolveWorkers(cfg.workers);
  const outDir = cfg.out;
  log.info(`study ${cfg.name} (config ${study.hash}) → ${outDir}; ${workers} worker(s)`);
  const tLoad = performance.now();
  const loadOpts = { tickUnits: study.tickUnits, symbol: cfg.data.symbol, shared: true };
  const dataFile = dataFileOf(cfg);
  // Start the worker threads now: their start-up (module loading) overlaps the data loading below.
  const ownPool = given ? (o.closePool ? given : undefined) : new BacktestPool(workers, { runner: o.runner });
  let cacheEntry: string | undefined;
  let shared: BarSeries | undefined;
  let derived: SharedDerived | undefined;
  let range: { start: bigint; end: bigint };
  let dataRows: Record<string, unknown>;
  if (cfg.data.mbo !== undefined) {
    // L3: folds over the MBO file's exchange-time range (narrowed by `window`); each worker loads the records
    // itself (through the cache entry built here when data.cache is on) and replays them per task
    let mbo;
    const { loadMbo, mboRange } = await import('../backtest/mbo-data.js'); // the DBN reader, for L3 studies only
    try {
      mbo = await loadMbo(cfg.data.mbo, { cache: cfg.data.cache });
    } catch (e) {
      await ownPool?.close();
      throw e;
    }
    const r = mboRange(mbo);
    const w = windowOf(cfg.window, r);
    range = { start: w.startNs, end: w.endNs };
    const records = mbo.batches.reduce((a, b) => a + b.length, 0);
    dataRows = { records };
    log.info(`data: ${cfg.data.mbo} (${records.toLocaleString('en-US')} MBO records) loaded in ${(performance.now() - tLoad).toFixed(0)} ms`);
  } else {
    // Through the cache: the main thread validates (or builds) the entry and loads from it. Files the cache
    // doesn't take are read directly. The workers then get these bars in shared memory (below): none of them
    // reads or converts the file again.
    cacheEntry = cfg.data.cache ? await cacheEntryFor(dataFile) : undefined;
    let bars: BarSeries | undefined;
    if (cacheEntry) {
      try {
        bars = loadBarsFromEntry(dataFile, cacheEntry, loadOpts);
      } catch {
        cacheEntry = undefined;
      }
    }
    try {
      bars ??= await loadBars(dataFile, { ...loadOpts, cache: false });
    } catch (e) {
      await ownPool?.close();
      throw e;
    }
    range = rangeOf(bars);
    // while the workers start: the per-series columns every task would otherwise compute in every worker (kept in
    // the cache beside the bars, so a second run of a study reads them) and the candidates' indicators
    const tickSet = cacheEntry ? tickBarsDir(cacheEntry, { tickUnits: study.tickUnits, symbol: cfg.data.symbol }) : undefined;
    ({ shared, derived } = await prepareWorkerData(bars, study, { tickSet, indicators: !o.runner }));
    dataRows = { bars: bars.ts.length, symbol: bars.symbol };
    log.info(`data: ${dataFile} (${bars.symbol}, ${bars.ts.length.toLocaleString('en-US')} bars) loaded in ${(performance.now() - tLoad).toFixed(0)} ms`);
  }
  const loadMs = performance.now() - tLoad;
  let progress: ReturnType<typeof createProgress> | undefined;
  const studyDone = runWalkForward({
    study,
    range,
    outDir,
    workers,
    fresh: o.fresh,
    runner: o.runner,
    signal: o.signal,
    pool: given ?? ownPool,
    cacheEntry,
    sharedBars: shared,
    sharedDerived: derived,
    onProgress: (p) => {
      progress ??= createProgress({ label: cfg.name, total: p.total, mode: o.progress, base: p.done });
      progress.update(p.done, `${p.resumed ? `resumed ${p.resumed} ` : ''}${p.retried ? `retried ${p.retried} ` : ''}${p.failed ? `failed ${p.failed}` : ''}`.trim());
    },
  }).catch(async (e: unknown) => {
    progress?.stop();
    await ownPool?.close();
    throw e;
  });
  // the results writer (apache-arrow, parquet-wasm: ~0.3 s to load in a fresh process) loads while the workers run
  const writer = import('../report/results.js');
  writer.catch(() => undefined); // reported where it is awaited
  const outcome = await studyDone;
  const { writeStudyResults } = await writer;
  progress?.stop();
  // the threads end while the results are written (terminating them is not the main thread's work)
  const closing = ownPool?.close();
  let files: string[];
  try {
    const run = {
      study: cfg.name,
      config: o.config,
      configHash: study.hash,
      overrides: o.sets ?? [],
      data: [dataFileInfo(dataFile, cacheEntry && entrySha256(cacheEntry))],
      ...dataRows,
      workers,
      cores: os.availableParallelism(),
      node: process.version,
      tasks: outcome.stats,
      durationsMs: { loadData: Math.round(loadMs), study: Math.round(outcome.stats.wallMs), total: Math.round(performance.now() - t0) },
      finished: new Date().toISOString(),
    };
    files = writeStudyResults({
      outDir,
      name: cfg.name,
      hash: study.hash,
      objective: cfg.objective,
      tickSize: Number(study.tickUnits),
      outcome,
      run,
    });
  } finally {
    await closing;
  }
  log.info(
    `${outcome.stats.tasks} tasks (${outcome.stats.executed} run, ${outcome.stats.resumed} resumed, ${outcome.stats.retried} retried, ${outcome.stats.failed} failed) in ${(outcome.stats.wallMs / 1000).toFixed(1)} s; results in ${outDir}/ (${files.join(', ')})`,
  );
  if (o.print) process.stdout.write(studySummary(outcome, cfg.objective.metric) + '\n');
  return { study, outcome, outDir, files, workers };
}

/**
 * Check every candidate parameter set against the strategy's declared parameters before anything runs:
 * a bad range in the config is one clear error, not a failed task per fold and candidate.
 */
export async function checkParams(study: ResolvedStudy, file: string): Promise<void> {
  const { cfg } = study;
  let mod;
  try {
    mod = await loadStrategyModule(cfg.strategy.name, { typecheck: cfg.strategy.typecheck });
  } catch (e) {
    throw new ConfigError(file, [`strategy.name: found ${JSON.stringify(cfg.strategy.name)}; ${(e as Error).message}`]);
  }
  const problems = new Set<string>();
  try {
    resolveParams(mod, cfg.strategy.params);
  } catch (e) {
    problems.add(`strategy.params: ${(e as Error).message}`);
  }
  for (const set of candidates(searchSpecOf(cfg))) {
    try {
      resolveParams(mod, { ...cfg.strategy.params, ...set });
    } catch (e) {
      problems.add(`search.params (set ${JSON.stringify(set)}): ${(e as Error).message}`);
      if (problems.size >= 5) break;
    }
  }
  if (problems.size) throw new ConfigError(file, [...problems]);
}

/**
 * Path, size and (up to 256 MB) SHA-256 of a data file, for the run log. `sha256`: the content hash already known
 * (the columnar cache's, checked against the file's size and mtime when the study loaded it): not hashed again.
 */
export function dataFileInfo(file: string, sha256?: string): Record<string, unknown> {
  const st = statSync(file);
  const info: Record<string, unknown> = { path: file, bytes: st.size, modified: st.mtime.toISOString() };
  if (sha256 !== undefined) info.sha256 = sha256;
  else if (st.size <= 256 * 2 ** 20) info.sha256 = createHash('sha256').update(readFileSync(file)).digest('hex');
  return info;
}

/** The source's SHA-256 a cache entry is named by (src/data/cache/manifest.ts entryName: "<sha256>.<schema>…"). */
function entrySha256(entryDir: string): string | undefined {
  return /^([0-9a-f]{64})\./.exec(path.basename(entryDir))?.[1];
}
