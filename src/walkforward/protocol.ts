// What crosses between the study runner (main thread) and a backtest worker. Plain structured-cloneable
// data; the worker returns large typed arrays as transferables, so equity curves move rather than copy.
import type { BacktestTask, Metrics, Trade } from '../backtest/api.js';

export interface DataSpec {
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
   * The bars the main thread loaded and validated, in SharedArrayBuffers: cloning a request copies only the
   * typed-array handles (no data), and the worker uses them instead of loading the file (no second read, no
   * second conversion to ticks, one copy in memory for all workers).
   */
  shared?: import('../backtest/api.js').BarSeries;
  /** per-series columns of `shared` computed once by the main thread (src/backtest/shared-derived.ts) */
  derived?: import('../backtest/shared-derived.js').SharedDerived;
}

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
   * The engine config travels once per worker, not once per task: `task.config` is left null and the
   * config goes as JSON text (a string clones as one copy; an object graph clones field by field, ~60 µs
   * a task for an engine config). The worker parses it the first time it sees `configKey` (the study's
   * config hash) and hands the engine that same object ever after, so the engine's per-object
   * validation cache hits too.
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
}

/** The function a runner module exports (the engine's runBacktest matches it). */
export type RunBacktest = (
  task: BacktestTask,
  bars: import('../backtest/api.js').BarSeries,
  opts?: import('../backtest/run-l2.js').RunOptions,
) => import('../backtest/api.js').BacktestResult | Promise<import('../backtest/api.js').BacktestResult>;

/** The L3 entry point a runner module exports (the engine's runL3Backtest matches it). */
export type RunL3Backtest = (task: BacktestTask, mbo: import('../backtest/api.js').MboData) => import('../backtest/api.js').BacktestResult | Promise<import('../backtest/api.js').BacktestResult>;
