// The walk-forward study: folds × parameter sets of in-sample backtests, then one out-of-sample backtest
// per fold with the set its in-sample window chose, fanned out over the Piscina pool.
//
// Order and determinism: tasks are identified by (fold, phase, param index); results are stored by that
// key and everything written is ordered by it, never by completion order. A fold's out-of-sample task is
// queued ahead of remaining in-sample work as soon as its fold's in-sample results are all in, which
// keeps every worker busy to the end.
//
// Failures: a task that throws, or whose worker dies, runs once more; if it fails again it is recorded
// (fold, phase, parameters, error) in tasks.jsonl and in the results, and the study goes on. Every
// finished task is journaled as it finishes, so an interrupted study resumes where it stopped.
//
// Messages: the engine config and the shared bars and columns go to each worker thread once, not with every task
// (./data-delivery.ts); a thread that lacks them answers NeedData and gets the task again with them (no retry).
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { BacktestTask, BarSeries, Metrics } from '../backtest/api.js';
import type { SharedDerived } from '../backtest/shared-derived.js';
import type { ResolvedPortfolioStudy, ResolvedStudy } from '../config/study.js';
import { foldSpecOf, isPortfolioStudy, searchSpecOf } from '../config/study.js';
import type { PortfolioTaskConfig } from '../backtest/task-runner.js';
import { parseDuration } from './duration.js';
import { threadSchedstat } from './thread-cpu.js';
import { makeFolds, type Fold } from './folds.js';
import { DataDelivery, type DeliveryStats } from './data-delivery.js';
import { BacktestPool } from './pool.js';
import { isNeedData, type DataSpec, type WorkerReply, type WorkerRequest, type WorkerResponse } from './protocol.js';
import { fromJsonTrade, ResultsJournal, toJsonTrade, type TaskRecord } from './resume.js';
import { candidates } from './search.js';
import { chooseBest, type Objective } from './select.js';
import { initialCapitalOf, stitch, type FoldEquity, type Stitched } from './stitch.js';

export interface StudyRunOptions {
  /** one instrument (L2 bars or L3 MBO), or a portfolio: every task is one portfolio backtest (DataSpec.instruments) */
  study: ResolvedStudy | ResolvedPortfolioStudy;
  /** the validated cache entry of the bar file, handed to workers (see DataSpec.cacheEntry) */
  cacheEntry?: string;
  /**
   * the bars in shared memory (./shared-bars.ts): workers load nothing themselves; the handles travel to each worker
   * thread once (./data-delivery.ts)
   */
  sharedBars?: BarSeries;
  /** their calendar, settlement prices, sigma/ADV and indicators, computed once (src/backtest/shared-derived.ts) */
  sharedDerived?: SharedDerived;
  /** a portfolio study: each instrument's bars in shared memory with their columns (./portfolio-data.ts) */
  sharedInstruments?: { bars: BarSeries; derived?: SharedDerived }[];
  /** a portfolio study: each instrument's validated cache entry (as cacheEntry) */
  cacheEntries?: readonly (string | undefined)[];
  /** bars loaded in the main thread: only their time range is used here (folds) */
  range: { start: bigint; end: bigint };
  outDir: string;
  workers: number;
  /** discard an existing journal in outDir instead of resuming it */
  fresh?: boolean;
  /** a module exporting runBacktest (tests inject faults with it); default: the engine */
  runner?: string;
  signal?: AbortSignal;
  onProgress?: (p: StudyProgress) => void;
  /** pool to use instead of creating one (benchmarks reuse a warm pool) */
  pool?: BacktestPool;
}

export interface StudyProgress {
  done: number;
  total: number;
  resumed: number;
  failed: number;
  retried: number;
  last?: TaskRecord;
}

export interface FoldOutcome {
  fold: Fold;
  /** in-sample metrics per parameter index (undefined: the task failed) */
  inSample: (Metrics | undefined)[];
  chosen?: { paramIndex: number; params: Record<string, number>; score: number };
  oos?: { metrics: Metrics; equityFile: string };
  /** why there is no out-of-sample result, when there is none */
  note?: string;
}

export interface StudyOutcome {
  folds: FoldOutcome[];
  params: Record<string, number>[];
  stitched: Stitched;
  oosFolds: FoldEquity[];
  failures: TaskRecord[];
  stats: {
    tasks: number; executed: number; resumed: number; retried: number; failed: number; wallMs: number; taskMs: number; taskCpuMs?: number; taskWaitMs?: number;
    /** Linux: this (main) thread's CPU time during runWalkForward — scheduling, messaging, journaling */
    mainCpuMs?: number;
    /** how often the once-per-thread payload (config, shared data) travelled, and to which threads */
    delivery?: DeliveryStats;
  };
}

export class StudyInterrupted extends Error {
  constructor(readonly done: number, readonly total: number, readonly outDir: string) {
    super(`study interrupted after ${done} of ${total} tasks; run the same command again to resume from ${outDir}`);
    this.name = 'StudyInterrupted';
  }
}

interface Pending {
  id: string;
  fold: number;
  phase: 'is' | 'oos';
  paramIndex: number;
  params: Record<string, number>;
  attempt: number;
}

const isId = (fold: number, p: number) => `is:f${fold}:p${p}`;
const oosId = (fold: number) => `oos:f${fold}`;

export async function runWalkForward(opts: StudyRunOptions): Promise<StudyOutcome> {
  const t0 = performance.now();
  const cpu0 = threadSchedstat();
  const { study } = opts;
  const cfg = study.cfg;
  const folds = makeFolds(opts.range.start, opts.range.end, foldSpecOf(cfg));
  const sets = candidates(searchSpecOf(cfg));
  const objective: Objective = cfg.objective;
  const journal = new ResultsJournal(opts.outDir);
  const done = journal.open({ name: cfg.name, hash: study.hash, created: new Date().toISOString() }, opts.fresh ?? false);
  // Two shapes of the data spec: with the shared handles (to a thread that may not hold them yet) and without
  // (./data-delivery.ts). The key names this run's set: a pool reused for another run gets that run's data.
  const sharedKey = opts.sharedBars || opts.sharedInstruments ? randomUUID() : undefined;
  const dataBase: DataSpec = isPortfolioStudy(study)
    ? portfolioDataSpec(study, opts.cacheEntries)
    : { bars: study.cfg.data.bars, mbo: study.cfg.data.mbo, symbol: study.cfg.data.symbol, tickUnits: study.tickUnits, cache: study.cfg.data.cache, cacheEntry: opts.cacheEntry };
  const dataSlim: DataSpec = sharedKey ? { ...dataBase, shared: { key: sharedKey } } : dataBase;
  const dataFull: DataSpec = sharedKey
    ? { ...dataBase, shared: opts.sharedInstruments ? { key: sharedKey, instruments: opts.sharedInstruments } : { key: sharedKey, bars: opts.sharedBars, derived: opts.sharedDerived } }
    : dataBase;

  const isResults: (TaskRecord | undefined)[][] = folds.map(() => new Array<TaskRecord | undefined>(sets.length));
  const isPending = folds.map(() => sets.length);
  const oosResults: (TaskRecord | undefined)[] = new Array(folds.length);
  // out-of-sample equity of this run's tasks, kept as received (written to oos/ for a resume, never read back)
  const oosEquity: ({ ts: BigInt64Array; equity: Float64Array } | undefined)[] = new Array(folds.length);
  const failures: TaskRecord[] = [];
  const total = folds.length * (sets.length + 1);
  const progress: StudyProgress = { done: 0, total, resumed: 0, failed: 0, retried: 0 };
  let executed = 0;
  let taskMs = 0;
  let taskCpuMs = 0;
  let taskWaitMs = 0;

  const queue: Pending[] = [];
  const configJson = JSON.stringify(isPortfolioStudy(study) ? portfolioTaskConfig(study) : study.engine);
  const timeoutMs = cfg.taskTimeout ? Number(parseDuration(cfg.taskTimeout) / 1_000_000n) : undefined;
  const mkTask = (p: Pending): BacktestTask => {
    const f = folds[p.fold]!;
    return {
      config: null, // travels as configJson, parsed once per worker (protocol.ts)
      strategy: cfg.strategy.name,
      params: { ...cfg.strategy.params, ...p.params },
      startNs: p.phase === 'is' ? f.trainStart : f.testStart,
      endNs: p.phase === 'is' ? f.trainEnd : f.testEnd,
      fold: p.fold,
      phase: p.phase,
    };
  };

  // A fold whose in-sample results are all in (done or failed) gets its out-of-sample task.
  const foldReady = (k: number): void => {
    const ins = isResults[k]!.map((r) => (r?.status === 'ok' ? r.metrics : undefined));
    const best = chooseBest(ins, objective);
    if (!best) return; // reported in the outcome: no eligible parameter set
    const prior = done.get(oosId(k));
    if (prior && prior.paramIndex === best.paramIndex) {
      oosResults[k] = prior;
      progress.done++;
      progress.resumed++;
      return;
    }
    if (prior) done.delete(oosId(k)); // the choice changed (a failed IS task succeeded on resume): rerun
    queue.unshift({ id: oosId(k), fold: k, phase: 'oos', paramIndex: best.paramIndex, params: sets[best.paramIndex]!, attempt: 1 });
  };

  const settleIs = (k: number, p: number, rec: TaskRecord): void => {
    isResults[k]![p] = rec;
    if (--isPending[k]! === 0) foldReady(k);
  };

  // Seed: resumed in-sample results first, then the missing ones, latest fold first: a task replays every bar
  // from the start of the data to its end (warm-up included), so later folds are the longest tasks, and
  // running the longest first leaves short ones for the end, when workers would otherwise idle behind the last
  // long task. Results are keyed by (fold, phase, param), so the order never shows in the output.
  for (let k = folds.length - 1; k >= 0; k--) {
    for (let p = 0; p < sets.length; p++) {
      const prior = done.get(isId(k, p));
      if (prior) {
        progress.done++;
        progress.resumed++;
        settleIs(k, p, prior);
      } else queue.push({ id: isId(k, p), fold: k, phase: 'is', paramIndex: p, params: sets[p]!, attempt: 1 });
    }
  }
  // folds with nothing to choose from still count their OOS slot as finished
  const finishedWithoutOos = () => folds.filter((_, k) => isPending[k] === 0 && !oosResults[k] && !queue.some((q) => q.id === oosId(k))).length;

  const pool = opts.pool ?? new BacktestPool(opts.workers, { runner: opts.runner });
  const inFlight = new Set<Promise<void>>();
  const controller = new AbortController();
  const onAbort = () => controller.abort(opts.signal?.reason);
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  if (opts.signal?.aborted) controller.abort(opts.signal.reason);

  const delivery = new DataDelivery(() => pool.threadIds());
  const request = (p: Pending, task: BacktestTask, carry: boolean): WorkerRequest => ({
    id: p.id,
    task,
    data: carry ? dataFull : dataSlim,
    runner: opts.runner,
    want: p.phase === 'oos' ? 'full' : 'metrics',
    attempt: p.attempt,
    configKey: study.hash,
    configJson: carry ? configJson : undefined,
    configValidated: true,
  });

  const failed = (p: Pending, message: string): void => {
    if (p.attempt < 2) {
      progress.retried++;
      queue.unshift({ ...p, attempt: p.attempt + 1 });
      return;
    }
    const rec: TaskRecord = { id: p.id, fold: p.fold, phase: p.phase, paramIndex: p.paramIndex, params: p.params, status: 'failed', error: message, attempts: p.attempt, runMs: 0 };
    journal.append(rec);
    failures.push(rec);
    progress.failed++;
    progress.done++;
    if (p.phase === 'is') settleIs(p.fold, p.paramIndex, rec);
    else oosResults[p.fold] = rec;
    opts.onProgress?.({ ...progress, last: rec });
  };

  const finished = (p: Pending, res: WorkerResponse): void => {
    executed++;
    taskMs += res.runMs;
    taskCpuMs += res.cpuMs ?? 0;
    taskWaitMs += res.waitMs ?? 0;
    const rec: TaskRecord = { id: p.id, fold: p.fold, phase: p.phase, paramIndex: p.paramIndex, params: p.params, status: 'ok', metrics: res.metrics, attempts: p.attempt, runMs: Math.round(res.runMs) };
    if (p.phase === 'oos' && res.equity) {
      rec.equityFile = journal.writeEquity(p.fold, res.equity.ts, res.equity.equity);
      oosEquity[p.fold] = res.equity;
      rec.trades = (res.trades ?? []).map(toJsonTrade);
    }
    journal.append(rec);
    progress.done++;
    if (p.phase === 'is') settleIs(p.fold, p.paramIndex, rec);
    else oosResults[p.fold] = rec;
    opts.onProgress?.({ ...progress, last: rec });
  };

  const runOne = async (p: Pending): Promise<void> => {
    const task = mkTask(p);
    let carry = delivery.carry();
    for (let sends = 1; ; sends++) {
      // the timeout counts from the hand-off to the pool (queue included); a NeedData answer ends a hand-off
      const timeout = timeoutMs !== undefined ? AbortSignal.timeout(timeoutMs) : undefined;
      let reply: WorkerReply;
      try {
        reply = await pool.run(request(p, task, carry), timeout ? AbortSignal.any([controller.signal, timeout]) : controller.signal);
      } catch (e) {
        delivery.settled(carry);
        if (controller.signal.aborted) return;
        failed(p, timeout?.aborted ? `timed out after ${cfg.taskTimeout} (taskTimeout)` : e instanceof Error ? e.message : String(e));
        return;
      }
      delivery.settled(carry, reply);
      if (!isNeedData(reply)) return finished(p, reply);
      // the thread lacks the config or the shared data (new, or replaced after a crash): the same attempt again, with
      // them; asked again after that, the worker cannot adopt what it is sent (a bug): a failed attempt, not a loop
      if (sends > 1) return failed(p, `worker thread ${reply.threadId} asked for the study's data again after it was sent`);
      carry = delivery.resend();
    }
  };

  // Keep two tasks per worker in flight: the next one is queued in the pool while the current runs.
  const limit = Math.max(1, pool.size * 2);
  const abortedP = aborted(controller.signal);
  try {
    opts.onProgress?.({ ...progress });
    while (!controller.signal.aborted) {
      while (queue.length && inFlight.size < limit) {
        const p = queue.shift()!;
        const pr: Promise<void> = runOne(p).finally(() => inFlight.delete(pr));
        inFlight.add(pr);
      }
      if (inFlight.size === 0) break;
      await Promise.race([...inFlight, abortedP]);
    }
    await Promise.allSettled([...inFlight]);
  } finally {
    journal.close();
    opts.signal?.removeEventListener('abort', onAbort);
    if (!opts.pool) await pool.close();
  }
  if (controller.signal.aborted) throw new StudyInterrupted(progress.done, total, opts.outDir);
  progress.done += finishedWithoutOos();

  // Assemble in (fold, param index) order.
  const outcomes: FoldOutcome[] = [];
  const oosFolds: FoldEquity[] = [];
  for (let k = 0; k < folds.length; k++) {
    const inSample = isResults[k]!.map((r) => (r?.status === 'ok' ? r.metrics : undefined));
    const best = chooseBest(inSample, objective);
    const o: FoldOutcome = { fold: folds[k]!, inSample };
    if (!best) o.note = `no eligible parameter set in sample (objective ${objective.metric}, minTrades ${objective.minTrades})`;
    else o.chosen = { paramIndex: best.paramIndex, params: sets[best.paramIndex]!, score: best.score };
    const oos = oosResults[k];
    if (oos?.status === 'ok' && oos.metrics && oos.equityFile) {
      o.oos = { metrics: oos.metrics, equityFile: oos.equityFile };
      const eq = oosEquity[k] ?? (await journal.readEquity(oos.equityFile));
      oosFolds.push({ fold: k, ts: eq.ts, equity: eq.equity, initial: initialCapitalOf(eq.equity, oos.metrics), metrics: oos.metrics, trades: (oos.trades ?? []).map(fromJsonTrade) });
    } else if (oos?.status === 'failed') o.note = `out-of-sample backtest failed twice: ${oos.error}`;
    outcomes.push(o);
  }
  // money is in micro-units (docs/scales.md); the config's initial capital is in currency units
  const capital = oosFolds[0]?.initial ?? Number(study.engine.account.initialCapital) * 1e6;
  const stitched = stitch(oosFolds, capital);
  const cpu1 = cpu0 && threadSchedstat();
  return {
    folds: outcomes,
    params: sets,
    stitched,
    oosFolds,
    failures: failures.sort((a, b) => a.fold - b.fold || (a.phase === b.phase ? 0 : a.phase === 'is' ? -1 : 1) || a.paramIndex - b.paramIndex),
    stats: { tasks: total, executed, resumed: progress.resumed, retried: progress.retried, failed: progress.failed, wallMs: performance.now() - t0, taskMs, taskCpuMs, taskWaitMs, mainCpuMs: cpu0 && cpu1 ? (cpu1[0] - cpu0[0]) / 1e6 : undefined, delivery: delivery.stats() },
  };
}

function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

/** A portfolio study's data spec: each instrument's bar file (DataSpec.instruments). */
function portfolioDataSpec(study: ResolvedPortfolioStudy, cacheEntries: readonly (string | undefined)[] | undefined): DataSpec {
  const instruments = study.instruments.map((x, k) => ({
    name: x.name,
    bars: x.data.bars,
    symbol: x.data.symbol,
    tickUnits: x.tickUnits,
    cache: x.data.cache,
    cacheEntry: cacheEntries?.[k],
  }));
  return { instruments, tickUnits: instruments[0]!.tickUnits, cache: instruments[0]!.cache };
}

/** What a portfolio study's tasks carry as config (sent once per worker thread, as the engine config of one instrument). */
export function portfolioTaskConfig(study: ResolvedPortfolioStudy): PortfolioTaskConfig {
  return { engine: study.engine, instruments: study.instruments.map((x) => ({ name: x.name, product: x.product })) };
}

/** The data range folds are laid over: first bar to the end of the last bar. */
export function rangeOf(bars: BarSeries): { start: bigint; end: bigint } {
  return { start: bars.ts[0]!, end: bars.ts[bars.ts.length - 1]! + BigInt(bars.barNs) };
}
