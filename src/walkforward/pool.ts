// The Piscina pool that runs backtests: sized to the machine (available parallelism − 1, at least 1),
// one task per backtest, workers kept alive for the whole study so each loads its data once.
import { existsSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import type { WorkerRequest, WorkerResponse } from './protocol.js';

/** Default pool size: leave one core to the main thread (scheduling, result writing). */
export function defaultWorkers(): number {
  return Math.max(1, os.availableParallelism() - 1);
}

export function resolveWorkers(setting: 'auto' | number | undefined): number {
  if (setting === undefined || setting === 'auto') return defaultWorkers();
  if (!Number.isInteger(setting) || setting < 1) throw new Error(`workers: found ${setting}; allowed: "auto" or an integer >= 1`);
  return setting;
}

/**
 * The compiled worker, dist/workers/backtest.worker.js. From dist/src/walkforward/ it is two levels up;
 * when this module runs from the TypeScript sources (tests), it is looked up under dist/ in the repo.
 */
export function workerFile(): string {
  const candidates = [
    new URL('../../workers/backtest.worker.js', import.meta.url),
    new URL('../../dist/workers/backtest.worker.js', import.meta.url),
  ];
  for (const u of candidates) {
    const p = fileURLToPath(u);
    if (existsSync(p)) return p;
  }
  throw new Error(`the backtest worker is not built: run \`npm run build:ts\` (looked for ${candidates.map((u) => fileURLToPath(u)).join(' and ')})`);
}

export class BacktestPool {
  readonly pool: Piscina<WorkerRequest, WorkerResponse>;

  /**
   * `runner`: the module the tasks will use (default: the engine). Workers start importing it as soon as
   * they start, so the import overlaps the main thread's data loading instead of delaying the first task.
   */
  constructor(readonly size: number, opts: { runner?: string; filename?: string } = {}) {
    this.pool = new Piscina({
      filename: opts.filename ?? workerFile(),
      workerData: { prefetchRunner: opts.runner ?? null },
      minThreads: size,
      maxThreads: size,
      // keep workers (and the data they loaded) for the whole study
      idleTimeout: 60_000,
      // no queue limit: the scheduler only keeps a few tasks per worker in flight anyway
    });
  }

  run(req: WorkerRequest, signal?: AbortSignal): Promise<WorkerResponse> {
    return this.pool.run(req, { signal });
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }
}
