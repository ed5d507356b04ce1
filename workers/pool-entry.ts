// The file Piscina loads in every worker thread. It imports nothing but Node built-ins, so it always loads; the
// real worker module (workerData.workerFile: backtest.worker.js, or one a test names) is imported by the tasks.
//
// Why: a worker file that fails to load (a syntax error, a throw at import time, a missing dependency) used to
// fail Piscina's start-up of the thread. Piscina reports that through its 'error' event — with no listener, an
// uncaught exception that ended the whole study — and stops starting workers, so queued tasks would wait
// forever. Here the failure fails the task instead (WorkerLoadError, naming the file): the study retries it once
// and then reports it with its fold and parameters, like any task that throws.
//
// Start-up overlap: the pool runs without Atomics.wait (BacktestPool), so the import started below proceeds
// while the thread waits for its first task — the engine loads while the main thread reads the data.
import { workerData } from 'node:worker_threads';

type Handler = (task: unknown) => unknown;

interface EntryData {
  workerFile: string;
}

/** A worker module could not be imported; the message names the file and the cause. */
export class WorkerLoadError extends Error {
  constructor(file: string, cause: unknown) {
    super(`worker module ${file} failed to load: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'WorkerLoadError';
  }
}

const file = (workerData as EntryData).workerFile;
let loading: Promise<Handler> | null = null;
let failed = false;
let imports = 0;

/**
 * The worker module's handler. A failed import is kept and reported again, except to a task's retry (`fresh`):
 * that one imports the file once more. The module loader keeps a failed module under its URL, so the new import
 * asks for a new URL (the file is read and run again; its dependencies keep their state). The first import starts
 * with the thread, so a first attempt meets the same outcome whether it arrives before or after it settled.
 */
function load(fresh: boolean): Promise<Handler> {
  if (loading === null || (failed && fresh)) {
    const url = imports++ === 0 ? file : `${file}${file.includes('?') ? '&' : '?'}retry=${imports}`;
    failed = false;
    const p: Promise<Handler> = import(url).then((m: { default?: unknown }) => {
      if (typeof m.default !== 'function') throw new Error('it has no default export function(task)');
      return m.default as Handler;
    });
    loading = p;
    p.catch(() => {
      if (loading === p) failed = true;
    });
  }
  return loading;
}

load(false).catch(() => {
  /* the first task reports it */
});

export default async function runTask(task: unknown): Promise<unknown> {
  const attempt = (task as { attempt?: unknown } | null)?.attempt;
  let handler: Handler;
  try {
    handler = await load(typeof attempt === 'number' && attempt > 1);
  } catch (e) {
    throw new WorkerLoadError(file, e);
  }
  return handler(task);
}
