// The Piscina pool that runs backtests: sized to the machine (available parallelism − 1, at least 1),
// one task per backtest, workers kept alive for the whole study so each loads its data once.
import { existsSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Piscina } from 'piscina';
import { log } from '../util/log.js';
import type { WorkerReply, WorkerRequest } from './protocol.js';

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
 * A compiled worker file under dist/workers/. From dist/src/walkforward/ it is two levels up; when this module runs
 * from the TypeScript sources (tests), it is looked up under dist/ in the repo.
 */
function compiled(name: string): string {
  const candidates = [new URL(`../../workers/${name}`, import.meta.url), new URL(`../../dist/workers/${name}`, import.meta.url)];
  for (const u of candidates) {
    const p = fileURLToPath(u);
    if (existsSync(p)) return p;
  }
  throw new Error(`the backtest worker is not built: run \`npm run build:ts\` (looked for ${candidates.map((u) => fileURLToPath(u)).join(' and ')})`);
}

/** The compiled backtest worker, dist/workers/backtest.worker.js. */
export function workerFile(): string {
  return compiled('backtest.worker.js');
}

/**
 * The pool's threads, kept for the whole study. Piscina loads workers/pool-entry (built-ins only, it always
 * loads), which imports the worker module with the first task: a worker file that fails to load fails tasks
 * (retried once, then reported by the study) instead of the pool's start-up.
 *
 * Anything Piscina still reports through its 'error' event (an exception thrown in a worker between tasks, a
 * thread that died while starting) is logged rather than left to crash the process; when no thread is left to
 * run the queue, the pool starts afresh once, failing the tasks it held (the study retries them); a second time,
 * every pending and later task fails at once with the error, so a study ends and reports instead of hanging.
 */
export class BacktestPool {
  private piscina: Piscina<WorkerRequest, WorkerReply>;
  private readonly pending = new Set<(e: Error) => void>();
  private restarts = 0;
  /** ids of the threads that reported ready (Piscina's 'workerCreate'; a dead thread's id stays, never reused) */
  private readonly ready = new Set<number>();
  /** threadIds(), kept until Piscina reports a thread ready or destroyed */
  private ids: number[] | null = null;
  private broken: Error | null = null;
  private closed = false;

  /**
   * `runner`: the module the tasks will use (default: the engine). Workers start importing it as soon as
   * they start, so the import overlaps the main thread's data loading instead of delaying the first task.
   * `filename`: the worker module (default workerFile()).
   */
  constructor(
    readonly size: number,
    private readonly opts: { runner?: string; filename?: string } = {},
  ) {
    this.piscina = this.start();
  }

  private start(): Piscina<WorkerRequest, WorkerReply> {
    const workerModule = pathToFileURL(this.opts.filename ?? workerFile()).href;
    const p = new Piscina<WorkerRequest, WorkerReply>({
      filename: compiled('pool-entry.js'),
      workerData: { workerFile: workerModule, prefetchRunner: this.opts.runner ?? null },
      minThreads: this.size,
      maxThreads: this.size,
      // keep workers (and the data they loaded) for the whole study
      idleTimeout: 60_000,
      // No Atomics.wait between tasks: an idle thread keeps its event loop running, so the imports it starts at
      // start-up (worker module, engine) proceed while the main thread loads the data. Costs a few µs a task.
      atomics: 'disabled',
      // One task per worker at a time. Two would let a worker start its next task without waiting for the main
      // thread, but a task that kills its thread (a crash, an abort on timeout) would take the one queued behind it
      // along and spend that innocent task's retry: failures would be reported against the wrong tasks.
      // no queue limit: the scheduler only keeps a few tasks per worker in flight anyway
      // No run/wait-time histograms (nothing reads them): two histogram records and a timer per task, main thread.
      recordTiming: false,
    });
    p.on('error', (e: unknown) => this.onPoolError(p, e instanceof Error ? e : new Error(String(e))));
    p.on('workerCreate', (w: { id: number }) => {
      this.ready.add(w.id);
      if (p === this.piscina) this.ids = null;
    });
    p.on('workerDestroy', () => {
      if (p === this.piscina) this.ids = null;
    });
    this.ids = null;
    return p;
  }

  private onPoolError(p: Piscina<WorkerRequest, WorkerReply>, e: Error): void {
    if (p !== this.piscina || this.closed) return;
    log.warn(`backtest pool: ${e.message}`);
    // A thread that fails outside a task is replaced by Piscina, unless it failed while starting: then it starts
    // no more, and with none left the queue would wait forever.
    setImmediate(() => {
      if (p !== this.piscina || this.closed || p.threads.length > 0) return;
      const err = new Error(`worker pool failed: ${e.message}`);
      for (const reject of [...this.pending]) reject(err);
      void p.destroy().catch(() => undefined);
      if (this.restarts++ === 0) this.piscina = this.start();
      else this.broken = err;
    });
  }

  /** Threads running now (diagnostics, tests). */
  get threads(): number {
    return this.piscina.threads.length;
  }

  /**
   * The ids of the pool's threads that are ready to take tasks (a thread that replaced a crashed one has a new id, and
   * counts once it has started). Asked for every task (./data-delivery.ts), so kept until Piscina reports a thread
   * ready or destroyed rather than listed anew.
   */
  threadIds(): readonly number[] {
    return (this.ids ??= this.piscina.threads.map((w) => w.threadId).filter((id) => this.ready.has(id)));
  }

  run(req: WorkerRequest, signal?: AbortSignal): Promise<WorkerReply> {
    if (this.broken) return Promise.reject(this.broken);
    return new Promise<WorkerReply>((resolve, reject) => {
      let settled = false;
      const fail = (e: Error) => {
        if (settled) return;
        settled = true;
        this.pending.delete(fail);
        reject(e);
      };
      this.pending.add(fail);
      this.piscina.run(req, { signal }).then(
        (r) => {
          if (settled) return;
          settled = true;
          this.pending.delete(fail);
          resolve(r);
        },
        (e: unknown) => fail(e instanceof Error ? e : new Error(String(e))),
      );
    });
  }

  private closing: Promise<void> | undefined;

  /** End the threads (idempotent: a second call waits for the first). */
  close(): Promise<void> {
    this.closed = true;
    return (this.closing ??= this.piscina.destroy());
  }
}
