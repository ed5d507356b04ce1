// What crosses between the study runner (main thread) and a backtest worker. Plain structured-cloneable
// data; the worker returns large typed arrays as transferables, so equity curves move rather than copy.
import type { BacktestTask, Metrics, Trade } from '../backtest/api.js';

export interface DataSpec {
  /**
   * A portfolio study (L2): each instrument's bar file, in the order of the config's instruments (and of the task
   * config's, src/backtest/task-runner.ts PortfolioTaskConfig). The worker loads each once and keeps it, or adopts
   * `shared.instruments`. Then `bars`, `mbo` and `symbol` are absent and `tickUnits` / `cache` are the first
   * instrument's (unused).
   */
  instruments?: InstrumentDataSpec[];
  /** bar file (DBN ohlcv or Databento-layout parquet); the worker loads it once and keeps it (L2) */
  bars?: string;
  /** MBO file (L3): the worker loads its records once and replays them for every task */
  mbo?: string;
  symbol?: string;
  /** instrument tick in 1e-9 price units */
  tickUnits: bigint;
  /** through the columnar cache (the main thread builds the entry before workers start) */
  cache: boolean;
  /**
   * The cache entry the main thread validated and loaded successfully: workers read its column files
   * directly (no re-validation, none of the parquet/DBN/arrow modules loaded). Absent: read the file.
   */
  cacheEntry?: string;
  /**
   * The bars the main thread loaded and validated, in SharedArrayBuffers, and their per-series columns computed once
   * (src/backtest/shared-derived.ts): the worker uses them instead of loading the file (no second read, no second
   * conversion to ticks, one copy in memory for all workers). `key` names this set (one study run). The handles
   * (`bars`, `derived`: dozens of typed arrays, each cloned as a handle on both sides) travel only until the runner
   * knows a thread holds the set (./data-delivery.ts); later requests carry the key alone, and a thread that lacks
   * the set answers with a NeedData reply instead of running the task.
   */
  shared?: SharedData;
}

/** One instrument of a portfolio study's data (DataSpec.instruments): as a one-instrument study's bar file. */
export interface InstrumentDataSpec {
  name: string;
  bars: string;
  symbol?: string;
  tickUnits: bigint;
  cache: boolean;
  cacheEntry?: string;
}

/** DataSpec.shared: a study run's data in shared memory, its handles present only while a thread may lack them. */
export interface SharedData {
  key: string;
  bars?: import('../backtest/api.js').BarSeries;
  derived?: import('../backtest/shared-derived.js').SharedDerived;
  /** a portfolio study: each instrument's bars and columns, in the order of DataSpec.instruments */
  instruments?: { bars: import('../backtest/api.js').BarSeries; derived?: import('../backtest/shared-derived.js').SharedDerived }[];
}

/** Does this shared-data spec carry the handles (not the key alone)? */
export const carriesHandles = (s: SharedData | undefined): boolean => s !== undefined && (s.bars !== undefined || s.instruments !== undefined);

export interface WorkerRequest {
  /** task id, e.g. "is:f3:p12" or "oos:f3" */
  id: string;
  task: BacktestTask;
  data: DataSpec;
  /** module (file URL or path) exporting runBacktest(task, bars); defaults to the engine in src/backtest */
  runner?: string;
  /** in-sample tasks only need metrics; out-of-sample tasks also return the equity curve and trades */
  want: 'metrics' | 'full';
  /** attempt number (1, 2): lets fault-injection runners in tests fail only the first time */
  attempt: number;
  /**
   * The engine config travels once per worker, not once per task: `task.config` is left null and the config goes as
   * JSON text, with the shared data (DataSpec.shared) and like it only until the runner knows the thread holds it.
   * The worker parses it the first time it sees `configKey` (the study's config hash) and hands the engine that same
   * object ever after, so the engine's per-object validation cache hits too. A request with `configKey` but neither
   * `configJson` nor `task.config`, to a thread that never parsed that key, gets a NeedData reply.
   */
  configKey?: string;
  configJson?: string;
  /**
   * configJson is a config the sender validated (a study's engine config): the worker vouches for the parsed
   * object (src/backtest/validated.ts) and the task runner does not validate it again.
   */
  configValidated?: boolean;
}

export interface WorkerResponse {
  id: string;
  metrics: Metrics;
  equity?: { ts: BigInt64Array; equity: Float64Array };
  trades?: Trade[];
  /** time inside runBacktest, and time spent loading data when this task had to (first task of a worker) */
  runMs: number;
  loadMs: number;
  /** Linux: the worker thread's CPU time during the backtest, and its time runnable but waiting for a core */
  cpuMs?: number;
  waitMs?: number;
  bars: number;
  threadId: number;
  /** requests this thread has received so far that carried the once-per-thread payload (configJson, shared data) */
  deliveries: number;
}

/**
 * A worker's answer to a request that relies on data the thread does not hold (a new thread, e.g. one that replaced a
 * crashed one, or the first request of a study run). Not a failure: the runner sends the task again with the data.
 */
export interface NeedData {
  id: string;
  needData: true;
  threadId: number;
  deliveries: number;
}

export type WorkerReply = WorkerResponse | NeedData;

export const isNeedData = (r: WorkerReply): r is NeedData => (r as Partial<NeedData>).needData === true;

/** The function a runner module exports (the engine's runBacktest matches it). */
export type RunBacktest = (
  task: BacktestTask,
  bars: import('../backtest/api.js').BarSeries,
  opts?: import('../backtest/run-l2.js').RunOptions,
) => import('../backtest/api.js').BacktestResult | Promise<import('../backtest/api.js').BacktestResult>;

/** The L3 entry point a runner module exports (the engine's runL3Backtest matches it). */
export type RunL3Backtest = (task: BacktestTask, mbo: import('../backtest/api.js').MboData) => import('../backtest/api.js').BacktestResult | Promise<import('../backtest/api.js').BacktestResult>;

/**
 * The portfolio entry point a runner module exports (the engine's runPortfolioTask matches it): `bars` holds each
 * instrument's bars, in the order of the task config's instruments.
 */
export type RunPortfolioTask = (
  task: BacktestTask,
  bars: readonly import('../backtest/api.js').BarSeries[],
) => import('../backtest/portfolio/api.js').PortfolioResult | Promise<import('../backtest/portfolio/api.js').PortfolioResult>;
