// Piscina worker: runs one backtest per task. Module state persists for the worker's life, so the bar
// data is loaded once per worker (and per file), or adopted once from the main thread's shared memory (the handles
// come with a thread's first request only: see lacksPayload), and the engine module — with its WebAssembly
// instance — is imported once. The bars a backtest sees are cut at the task's end (a view, not a copy), so no
// strategy can read past its window; bars before the start are warm-up. L3 tasks (data.mbo) replay the
// worker's copy of the MBO records from the start for each task (the book before the window is warm-up). Portfolio
// tasks (data.instruments) get every instrument's bars, each adopted or loaded once and cut at the task's end.
import { performance } from 'node:perf_hooks';
import { threadId } from 'node:worker_threads';
import { Piscina, workerData } from 'piscina';
import type { BacktestResult, BarSeries, MboData } from '../src/backtest/api.js';
import { prefixView } from '../src/backtest/prefix-view.js';
import { adoptDerived } from '../src/backtest/shared-derived.js';
import { vouchValidated } from '../src/backtest/validated.js';
import { lowerBound } from '../src/util/int64-words.js';
import { loadBars, loadBarsFromEntry } from '../src/data/bars.js';
import {
  carriesHandles,
  type DataSpec,
  type NeedData,
  type RunBacktest,
  type RunL3Backtest,
  type RunPortfolioTask,
  type WorkerRequest,
  type WorkerResponse,
} from '../src/walkforward/protocol.js';
import { threadSchedstat as schedstat } from '../src/walkforward/thread-cpu.js';

const barsCache = new Map<string, Promise<BarSeries>>();
const runners = new Map<string, Promise<RunBacktest>>();
const configs = new Map<string, unknown>();

/** The engine's task runner: dist/src/backtest/task-runner.js next to this compiled worker (dist/workers/). */
const DEFAULT_RUNNER = new URL('../src/backtest/task-runner.js', import.meta.url).href;

function runnerFor(spec: string | undefined): Promise<RunBacktest> {
  const key = spec ?? DEFAULT_RUNNER;
  let r = runners.get(key);
  if (!r) {
    r = import(key).then((m: { runBacktest?: RunBacktest }) => {
      if (typeof m.runBacktest !== 'function') throw new Error(`${key} does not export runBacktest(task, bars)`);
      return m.runBacktest;
    });
    runners.set(key, r);
    r.catch(() => runners.delete(key)); // a failed import is retried by the next task
  }
  return r;
}

/**
 * Views are kept per (file, length): the in-sample tasks of one fold share their end, and the engine caches
 * per series object (validation, trading calendar, sigma/ADV for impact), so a fold's second to last tasks on
 * this worker skip that work. A few views are kept; the oldest goes first.
 */
const views = new Map<string, BarSeries>();
const MAX_VIEWS = 8;

function viewFor(key: string, series: BarSeries, n: number): BarSeries {
  const k = `${key}\u0000${n}`;
  let v = views.get(k);
  if (v) return v;
  v = prefixView(series, n);
  views.set(k, v);
  if (views.size > MAX_VIEWS) views.delete(views.keys().next().value!);
  return v;
}

// Start importing the runner the pool was created for (the engine by default) while the thread is idle.
const prefetch = (workerData as { prefetchRunner?: string | null } | undefined)?.prefetchRunner;
runnerFor(prefetch ?? undefined).catch(() => {
  /* reported by the first task that needs it */
});

/** L3 tasks: the MBO records, loaded once per worker and file. */
const mboCache = new Map<string, Promise<MboData>>();
/** The runner module's other entry points (runL3Backtest, runPortfolioTask), by module and name. */
const entries = new Map<string, Promise<unknown>>();

function entryFor<F>(spec: string | undefined, name: string, signature: string): Promise<F> {
  const url = spec ?? DEFAULT_RUNNER;
  const key = `${url}\u0000${name}`;
  let r = entries.get(key);
  if (!r) {
    r = import(url).then((m: Record<string, unknown>) => {
      if (typeof m[name] !== 'function') throw new Error(`${url} does not export ${signature}`);
      return m[name];
    });
    entries.set(key, r);
    r.catch(() => entries.delete(key)); // a failed import is retried by the next task
  }
  return r as Promise<F>;
}

const l3RunnerFor = (spec: string | undefined) => entryFor<RunL3Backtest>(spec, 'runL3Backtest', 'runL3Backtest(task, mbo)');
const portfolioRunnerFor = (spec: string | undefined) => entryFor<RunPortfolioTask>(spec, 'runPortfolioTask', 'runPortfolioTask(task, bars)');

function taskConfig(req: WorkerRequest): WorkerRequest['task'] {
  if (req.configKey === undefined) return req.task;
  if (!configs.has(req.configKey)) {
    const cfg: unknown = req.configJson !== undefined ? JSON.parse(req.configJson) : req.task.config;
    if (req.configValidated && req.configJson !== undefined && typeof cfg === 'object' && cfg !== null) vouchValidated(cfg);
    configs.set(req.configKey, cfg);
  }
  return { ...req.task, config: configs.get(req.configKey) };
}

function reply(req: WorkerRequest, result: Pick<BacktestResult, 'metrics' | 'equity' | 'trades'>, runMs: number, loadMs: number, rows: number, s0: [number, number] | null) {
  const res: WorkerResponse = { id: req.id, metrics: result.metrics, runMs, loadMs, bars: rows, threadId, deliveries };
  const s1 = s0 && schedstat();
  if (s0 && s1) {
    res.cpuMs = (s1[0] - s0[0]) / 1e6;
    res.waitMs = (s1[1] - s0[1]) / 1e6;
  }
  if (req.want !== 'full') return res;
  // copy out of the engine's (possibly shared or reused) buffers once, then transfer the copies
  const ts = result.equity.ts.slice();
  const equity = result.equity.equity.slice();
  res.equity = { ts, equity };
  res.trades = result.trades;
  // a "transferable" wrapper marked movable: Piscina posts `res` with the buffers in the transfer list
  const wrapper = { [Piscina.transferableSymbol]: [ts.buffer, equity.buffer], [Piscina.valueSymbol]: res };
  return Piscina.move(wrapper as unknown as Parameters<typeof Piscina.move>[0]);
}

async function runL3Task(req: WorkerRequest, file: string) {
  const key = `${file}\u0000${req.data.cache}`;
  let loadMs = 0;
  let data = mboCache.get(key);
  if (!data) {
    const t0 = performance.now();
    data = import('../src/backtest/mbo-data.js').then((m) => m.loadMbo(file, { cache: req.data.cache }));
    mboCache.set(key, data);
    data.catch(() => mboCache.delete(key));
    await data;
    loadMs = performance.now() - t0;
  }
  const mbo = await data;
  const run = await l3RunnerFor(req.runner);
  const s0 = schedstat();
  const t0 = performance.now();
  const result = await run(taskConfig(req), mbo);
  return reply(req, result, performance.now() - t0, loadMs, result.equity.ts.length, s0);
}

/** Requests this thread received with the once-per-thread payload (config JSON, shared data): in every reply. */
let deliveries = 0;
/**
 * The shared data set this thread adopted (DataSpec.shared): the latest study run's; a new run's replaces it. `bars`:
 * a one-instrument study's series; `instruments`: a portfolio study's, in instrument order.
 */
let sharedSet: { key: string; bars?: BarSeries; instruments?: BarSeries[] } | null = null;

/**
 * Whether the request relies on a config or shared data this thread does not hold (it is new, e.g. in place of a
 * crashed one, or the study run is): such a request is answered with NeedData and sent again with them.
 */
function lacksPayload(req: WorkerRequest): boolean {
  if (req.configKey !== undefined && req.configJson === undefined && req.task.config == null && !configs.has(req.configKey)) return true;
  const s = req.data.shared;
  return s !== undefined && !carriesHandles(s) && sharedSet?.key !== s.key;
}

/** Adopt the run's shared set once (the first request of a run on this thread carries its handles: lacksPayload). */
function adoptShared(s: NonNullable<DataSpec['shared']>): NonNullable<typeof sharedSet> {
  if (sharedSet?.key !== s.key) {
    // requests that carry the handles again are ignored (keeping one series object keeps the per-view and per-series
    // caches hitting)
    views.clear(); // views of an earlier run's series would pin its memory
    if (s.instruments) {
      sharedSet = { key: s.key, instruments: s.instruments.map((x) => x.bars) };
      for (const x of s.instruments) if (x.derived) adoptDerived(x.bars, x.derived);
    } else {
      sharedSet = { key: s.key, bars: s.bars! };
      if (s.derived) adoptDerived(s.bars!, s.derived);
    }
  }
  return sharedSet;
}

/** The worker's bars for a data spec: the shared set, or loaded once (first task) and kept. */
function barsFor(data: DataSpec, file: string): { key: string; bars: Promise<BarSeries> } {
  const s = data.shared;
  if (s !== undefined) {
    const set = adoptShared(s);
    if (!set.bars) throw new Error(`the shared data set ${s.key} holds a portfolio's bars, not one series`);
    return { key: `shared\u0000${s.key}`, bars: Promise.resolve(set.bars) };
  }
  const key = `${file}\u0000${data.symbol ?? ''}\u0000${data.tickUnits}`;
  let bars = barsCache.get(key);
  if (bars) return { key, bars };
  const opts = { tickUnits: data.tickUnits, symbol: data.symbol, cache: data.cache };
  const entry = data.cacheEntry;
  bars = entry ? Promise.resolve().then(() => loadBarsFromEntry(file, entry, opts)) : loadBars(file, opts);
  barsCache.set(key, bars);
  bars.catch(() => barsCache.delete(key));
  return { key, bars };
}

/**
 * One equity buffer for the curves of this worker's metrics-only tasks: such a curve is read only inside its run
 * (metrics), so the next run may overwrite it; allocating ~1 MB per task kept the GC busy. Tasks that send their
 * curve back get their own array.
 */
let equityScratch = new Float64Array(0);
const equityBuffer = (bars: number): Float64Array => {
  if (equityScratch.length < bars) equityScratch = new Float64Array(Math.max(bars, Math.ceil(equityScratch.length * 1.5)));
  return equityScratch;
};

/** Each instrument's bars for a portfolio task: the shared set's, or each file loaded once (first task) and kept. */
function instrumentBarsFor(data: DataSpec): { key: string; bars: Promise<BarSeries> }[] {
  const s = data.shared;
  if (s !== undefined) {
    const set = adoptShared(s);
    if (!set.instruments) throw new Error(`the shared data set ${s.key} holds one series, not a portfolio's bars`);
    return set.instruments.map((b, k) => ({ key: `shared\u0000${s.key}\u0000${k}`, bars: Promise.resolve(b) }));
  }
  return data.instruments!.map((x) => barsFor({ bars: x.bars, symbol: x.symbol, tickUnits: x.tickUnits, cache: x.cache, cacheEntry: x.cacheEntry }, x.bars));
}

async function runPortfolio(req: WorkerRequest) {
  const tWait = performance.now();
  const sets = instrumentBarsFor(req.data);
  const series = await Promise.all(sets.map((x) => x.bars));
  const loadMs = performance.now() - tWait;
  const run = await portfolioRunnerFor(req.runner);
  // every instrument cut at the task's end: no strategy reads past its window
  const cut = series.map((b, k) => viewFor(sets[k]!.key, b, lowerBound(b.ts, req.task.endNs)));
  const s0 = schedstat();
  const t0 = performance.now();
  const result = await run(taskConfig(req), cut);
  return reply(req, result, performance.now() - t0, loadMs, cut.reduce((a, b) => a + b.ts.length, 0), s0);
}

export default async function runTask(req: WorkerRequest) {
  if (req.configJson !== undefined || carriesHandles(req.data.shared)) deliveries++;
  if (lacksPayload(req)) return { id: req.id, needData: true, threadId, deliveries } satisfies NeedData;
  if (req.data.instruments !== undefined) return runPortfolio(req);
  if (req.data.mbo !== undefined) return runL3Task(req, req.data.mbo);
  const file = req.data.bars;
  if (file === undefined) throw new Error(`task ${req.id}: no data file (data.bars or data.mbo)`);
  // loadMs: the time this task waited for the data (a first task, or one that caught the prefetch mid-way)
  const tWait = performance.now();
  const { key, bars } = barsFor(req.data, file);
  const series = await bars;
  const loadMs = performance.now() - tWait;
  const run = await runnerFor(req.runner);
  const view = viewFor(key, series, lowerBound(series.ts, req.task.endNs));
  const s0 = schedstat();
  const t0 = performance.now();
  // in-sample tasks reply metrics only (computed inside the run): their curves may share one buffer
  const result = await run(taskConfig(req), view, req.want === 'metrics' ? { equityBuffer } : undefined);
  return reply(req, result, performance.now() - t0, loadMs, view.ts.length, s0);
}
