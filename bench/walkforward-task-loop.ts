// The engine's side of a walk-forward study without the pool: a worker thread (node:worker_threads, no Piscina)
// that runs a list of a study's in-sample tasks back to back on the shared bars, derived columns and indicators
// the benchmark's main thread prepared, and reports its wall time. Started once per thread by
// bench/walkforward-pool.ts ("engine alone" rows): 1 thread with every task against 2 threads with half each gives the
// speed-up the tasks themselves allow on this machine — per-thread JIT warm-up and memory contention included, the
// main thread's per-task messaging, data load and results not — the ceiling the study's speed-up is compared with.
import { parentPort, workerData } from 'node:worker_threads';
import type { BacktestTask, BarSeries } from '../src/backtest/api.js';
import { prefixView } from '../src/backtest/prefix-view.js';
import { adoptDerived, type SharedDerived } from '../src/backtest/shared-derived.js';
import { runBacktest } from '../src/backtest/task-runner.js';
import { vouchValidated } from '../src/backtest/validated.js';
import { lowerBound } from '../src/util/int64-words.js';

export interface TaskLoopInput {
  bars: BarSeries;
  derived: SharedDerived;
  /** the study's validated engine config as JSON (vouched for here, as a pool worker does) */
  configJson: string;
  tasks: Omit<BacktestTask, 'config'>[];
}

export interface TaskLoopOutput {
  wallMs: number;
  tasks: number;
}

async function main(input: TaskLoopInput): Promise<TaskLoopOutput> {
  const { bars, derived } = input;
  adoptDerived(bars, derived);
  const config = JSON.parse(input.configJson) as object;
  vouchValidated(config);
  let scratch = new Float64Array(0);
  const equityBuffer = (n: number) => (scratch.length < n ? (scratch = new Float64Array(n)) : scratch);
  const views = new Map<number, BarSeries>();
  const t0 = performance.now();
  for (const t of input.tasks) {
    const n = lowerBound(bars.ts, t.endNs);
    let v = views.get(n);
    if (!v) views.set(n, (v = prefixView(bars, n)));
    await runBacktest({ ...t, config }, v, { equityBuffer });
  }
  return { wallMs: performance.now() - t0, tasks: input.tasks.length };
}

if (parentPort) {
  const port = parentPort;
  main(workerData as TaskLoopInput).then(
    (r) => port.postMessage(r),
    (e: unknown) => {
      throw e;
    },
  );
}
