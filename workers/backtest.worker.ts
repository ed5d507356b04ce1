// Piscina worker: runs one backtest per task. Module state persists for the worker's life, so the bar
// data is loaded once per worker (and per file) and the engine module — with its WebAssembly instance —
// is imported once. The bars a backtest sees are cut at the task's end (a view, not a copy), so no
// strategy can read past its window; bars before the start are warm-up.
import { performance } from 'node:perf_hooks';
import { threadId } from 'node:worker_threads';
import { Piscina, workerData } from 'piscina';
import type { BarSeries } from '../src/backtest/api.js';
import { loadBars, loadBarsFromEntry } from '../src/data/bars.js';
import type { RunBacktest, WorkerRequest, WorkerResponse } from '../src/walkforward/protocol.js';

const barsCache = new Map<string, Promise<BarSeries>>();
const runners = new Map<string, Promise<RunBacktest>>();
const configs = new Map<string, unknown>();

/** The engine: dist/src/backtest/index.js next to this compiled worker (dist/workers/). */
const DEFAULT_RUNNER = new URL('../src/backtest/index.js', import.meta.url).href;

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

/** Largest index with ts < endNs (+1): binary search on the sorted timestamps. */
function endIndex(ts: BigInt64Array, endNs: bigint): number {
  let lo = 0, hi = ts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ts[mid]! < endNs) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function cut(b: BarSeries, n: number): BarSeries {
  if (n === b.ts.length) return b;
  const out: BarSeries = {
    symbol: b.symbol,
    barNs: b.barNs,
    ts: b.ts.subarray(0, n),
    open: b.open.subarray(0, n),
    high: b.high.subarray(0, n),
    low: b.low.subarray(0, n),
    close: b.close.subarray(0, n),
    volume: b.volume.subarray(0, n),
  };
  if (b.mark) out.mark = b.mark.subarray(0, n);
  if (b.fundingRate) out.fundingRate = b.fundingRate.subarray(0, n);
  return out;
}

// Start importing the runner the pool was created for (the engine by default) while the thread is idle.
const prefetch = (workerData as { prefetchRunner?: string | null } | undefined)?.prefetchRunner;
runnerFor(prefetch ?? undefined).catch(() => {
  /* reported by the first task that needs it */
});

export default async function runTask(req: WorkerRequest) {
  const key = `${req.data.bars}\u0000${req.data.symbol ?? ''}\u0000${req.data.tickUnits}`;
  let loadMs = 0;
  let bars = barsCache.get(key);
  if (!bars) {
    const t0 = performance.now();
    const opts = { tickUnits: req.data.tickUnits, symbol: req.data.symbol, cache: req.data.cache };
    const entry = req.data.cacheEntry;
    bars = entry ? Promise.resolve().then(() => loadBarsFromEntry(req.data.bars, entry, opts)) : loadBars(req.data.bars, opts);
    barsCache.set(key, bars);
    bars.catch(() => barsCache.delete(key));
    await bars;
    loadMs = performance.now() - t0;
  }
  const series = await bars;
  const run = await runnerFor(req.runner);
  const view = cut(series, endIndex(series.ts, req.task.endNs));
  let task = req.task;
  if (req.configKey !== undefined) {
    if (!configs.has(req.configKey)) configs.set(req.configKey, req.configJson !== undefined ? JSON.parse(req.configJson) : task.config);
    task = { ...task, config: configs.get(req.configKey) };
  }
  const t0 = performance.now();
  const result = await run(task, view);
  const runMs = performance.now() - t0;
  const res: WorkerResponse = { id: req.id, metrics: result.metrics, runMs, loadMs, bars: view.ts.length, threadId };
  const transfer: ArrayBuffer[] = [];
  if (req.want === 'full') {
    // copy out of the engine's (possibly shared or reused) buffers once, then transfer the copies
    const ts = result.equity.ts.slice();
    const equity = result.equity.equity.slice();
    res.equity = { ts, equity };
    res.trades = result.trades;
    transfer.push(ts.buffer as ArrayBuffer, equity.buffer as ArrayBuffer);
  }
  // a "transferable" wrapper marked movable: Piscina posts `res` with the buffers in the transfer list
  const wrapper = { [Piscina.transferableSymbol]: transfer, [Piscina.valueSymbol]: res };
  return Piscina.move(wrapper as unknown as Parameters<typeof Piscina.move>[0]);
}
