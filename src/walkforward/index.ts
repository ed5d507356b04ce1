// Run a walk-forward study end to end: config → data range → pool → results directory → summary.
// Used by `contango walk-forward`, `contango demo` and the pool benchmark. A portfolio config (`instruments`) runs the
// same study with one portfolio backtest per task (./portfolio-data.ts; docs/walk-forward.md "Portfolio studies").
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadStrategyModule } from '../backtest/index.js';
import { windowOf } from './window.js';
import { loadStudyBars, prepareWorkerData } from './worker-data.js';
import { resolveParams, type ParamsOwner } from '../backtest/strategy.js';
import {
  ConfigError,
  dataFileOf,
  isPortfolioRaw,
  isPortfolioStudy,
  readStudyRaw,
  resolvePortfolioStudy,
  resolveStudy,
  searchSpecOf,
  validatePortfolioStudy,
  validateStudy,
  type ResolvedPortfolioStudy,
  type ResolvedStudy,
} from '../config/study.js';
import { candidates } from './search.js';
import type { BarSeries } from '../backtest/api.js';
import { studySummary } from '../report/summary.js';
import { log } from '../util/log.js';
import { createProgress, type ProgressOptions } from '../util/progress.js';
import { BacktestPool, resolveWorkers } from './pool.js';
import { loadPortfolioData } from './portfolio-data.js';
import { rangeOf, runWalkForward, type StudyOutcome, type StudyRunOptions } from './runner.js';

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
  study: ResolvedStudy | ResolvedPortfolioStudy;
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
  const raw = readStudyRaw(o.config, sets);
  // `instruments` instead of data + product: a portfolio study (every task one portfolio backtest)
  const study = isPortfolioRaw(raw)
    ? resolvePortfolioStudy(validatePortfolioStudy(raw, o.config), o.config, o.productsDir)
    : resolveStudy(validateStudy(raw, o.config), o.config, o.productsDir);
  const cfg = study.cfg;
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
  // Start the worker threads now: their start-up (module loading) overlaps the data loading below.
  const ownPool = given ? (o.closePool ? given : undefined) : new BacktestPool(workers, { runner: o.runner });
  let data: StudyData;
  try {
    data = isPortfolioStudy(study) ? await loadPortfolioStudyData(study, tLoad) : await loadStudyData(study, { indicators: !o.runner }, tLoad);
  } catch (e) {
    await ownPool?.close();
    throw e;
  }
  const range = data.range;
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
    ...data.run,
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
      data: data.files(),
      ...data.rows,
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
      tickSize: data.tickSize,
      tickSizeOf: data.tickSizeOf,
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

/** A study's data, loaded in the main thread: what its tasks get, the range its folds lie over, what run.json says. */
interface StudyData {
  range: { start: bigint; end: bigint };
  run: Pick<StudyRunOptions, 'cacheEntry' | 'sharedBars' | 'sharedDerived' | 'sharedInstruments' | 'cacheEntries'>;
  rows: Record<string, unknown>;
  /** run.json's `data`: each file's path, size and hash (read when the results are written) */
  files: () => Record<string, unknown>[];
  /** trades.parquet's price scale: 1e-9 price units per tick, for every trade or per trade (a portfolio's instrument) */
  tickSize: number;
  tickSizeOf?: (t: { instrument?: string }) => number;
}

/** One instrument: an MBO file (L3) or a bar file (L2), whose bars the workers get in shared memory. */
async function loadStudyData(study: ResolvedStudy, opts: { indicators: boolean }, tLoad: number): Promise<StudyData> {
  const { cfg } = study;
  const dataFile = dataFileOf(cfg);
  const tickSize = Number(study.tickUnits);
  if (cfg.data.mbo !== undefined) {
    // L3: folds over the MBO file's exchange-time range (narrowed by `window`); each worker loads the records
    // itself (through the cache entry built here when data.cache is on) and replays them per task
    const { loadMbo, mboRange } = await import('../backtest/mbo-data.js'); // the DBN reader, for L3 studies only
    const mbo = await loadMbo(cfg.data.mbo, { cache: cfg.data.cache });
    const r = mboRange(mbo);
    const w = windowOf(cfg.window, r);
    const records = mbo.batches.reduce((a, b) => a + b.length, 0);
    log.info(`data: ${cfg.data.mbo} (${records.toLocaleString('en-US')} MBO records) loaded in ${(performance.now() - tLoad).toFixed(0)} ms`);
    return { range: { start: w.startNs, end: w.endNs }, run: {}, rows: { records }, files: () => [dataFileInfo(dataFile)], tickSize };
  }
  // Through the cache: the main thread validates (or builds) the entry and loads from it. Files the cache
  // doesn't take are read directly. The workers then get these bars in shared memory (below): none of them
  // reads or converts the file again.
  const { bars, entry, tickSet } = await loadStudyBars(dataFile, { tickUnits: study.tickUnits, symbol: cfg.data.symbol, cache: cfg.data.cache });
  // while the workers start: the per-series columns every task would otherwise compute in every worker (kept in
  // the cache beside the bars, so a second run of a study reads them) and the candidates' indicators
  const { shared, derived } = await prepareWorkerData(bars, study, { tickSet, indicators: opts.indicators });
  log.info(`data: ${dataFile} (${bars.symbol}, ${bars.ts.length.toLocaleString('en-US')} bars) loaded in ${(performance.now() - tLoad).toFixed(0)} ms`);
  // folds over the data's range narrowed by `window` (as for MBO and portfolio studies); bars before it are warm-up
  const w = windowOf(cfg.window, rangeOf(bars));
  return {
    range: { start: w.startNs, end: w.endNs },
    run: { cacheEntry: entry, sharedBars: shared, sharedDerived: derived },
    rows: { bars: bars.ts.length, symbol: bars.symbol },
    files: () => [dataFileInfo(dataFile, entry && entrySha256(entry))],
    tickSize,
  };
}

/** A portfolio: every instrument's bar file, in shared memory for the workers (./portfolio-data.ts). */
async function loadPortfolioStudyData(study: ResolvedPortfolioStudy, tLoad: number): Promise<StudyData> {
  const d = await loadPortfolioData(study);
  const rows = study.instruments.map((x, k) => ({ name: x.name, symbol: d.shared[k]!.bars.symbol, bars: d.shared[k]!.bars.ts.length }));
  log.info(
    `data: ${rows.map((x, k) => `${study.instruments[k]!.data.bars} (${x.name}: ${x.symbol}, ${x.bars.toLocaleString('en-US')} bars)`).join(', ')} loaded in ${(performance.now() - tLoad).toFixed(0)} ms`,
  );
  const tickOf = new Map(study.instruments.map((x) => [x.name, Number(x.tickUnits)]));
  const tickSize = Number(study.instruments[0]!.tickUnits);
  return {
    range: d.range,
    run: { sharedInstruments: d.shared, cacheEntries: d.cacheEntries },
    rows: { instruments: rows },
    files: () => study.instruments.map((x, k) => ({ instrument: x.name, ...dataFileInfo(x.data.bars, d.cacheEntries[k] && entrySha256(d.cacheEntries[k]!)) })),
    tickSize,
    tickSizeOf: (t) => tickOf.get(t.instrument ?? '') ?? tickSize,
  };
}

/**
 * Check every candidate parameter set against the strategy's declared parameters before anything runs:
 * a bad range in the config is one clear error, not a failed task per fold and candidate.
 */
export async function checkParams(study: ResolvedStudy | ResolvedPortfolioStudy, file: string): Promise<void> {
  const { cfg } = study;
  let mod: ParamsOwner;
  try {
    mod = isPortfolioStudy(study) ? await portfolioParamsModule(cfg.strategy) : await loadStrategyModule(cfg.strategy.name, { typecheck: cfg.strategy.typecheck });
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
 * The module a portfolio's parameters are checked against: the portfolio strategy's, or the single-instrument one run on
 * every instrument (its parameters are the same on every leg). Files are type-checked here, once, before any task.
 */
async function portfolioParamsModule(strategy: { name: string; typecheck?: boolean }): Promise<ParamsOwner> {
  const { loadPortfolioStrategy, paramsModuleOf } = await import('../backtest/portfolio/strategy-ref.js');
  return paramsModuleOf(await loadPortfolioStrategy(strategy.name, { typecheck: strategy.typecheck }));
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
