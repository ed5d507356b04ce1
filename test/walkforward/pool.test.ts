// The study over a real Piscina pool (needs `npm run build:ts`: the worker runs from dist/workers/).
// The engine is replaced by a small deterministic runner with fault injection (fixtures/toy-runner.mjs).
import { existsSync, readFileSync, readdirSync, writeFileSync, appendFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runStudyCommand } from '../../src/walkforward/index.js';
import { BacktestPool } from '../../src/walkforward/pool.js';
import type { WorkerReply, WorkerRequest } from '../../src/walkforward/protocol.js';
import { StudyInterrupted } from '../../src/walkforward/runner.js';
import { FIXTURES, tmpDir, TOY_RUNNER, writeSampleBars, writeStudy } from './helpers.js';

let dir: string;
let bars: string;

beforeAll(() => {
  dir = tmpDir();
  bars = writeSampleBars(dir);
  process.env.CONTANGO_TEST_MARKERS = dir;
  process.env.CONTANGO_CACHE_DIR = path.join(dir, 'cache'); // workers inherit it: no cache entries in the repo
});

const run = (config: string, out: string, workers: number, extra: Partial<Parameters<typeof runStudyCommand>[0]> = {}) =>
  runStudyCommand({ config, out, workers, runner: TOY_RUNNER, progress: 'silent', ...extra });

describe('walk-forward over the pool', () => {
  it('gives byte-identical metrics.json and folds.json with 1 and 2 workers', async () => {
    const cfg = writeStudy(dir, bars);
    const a = await run(cfg, path.join(dir, 'w1'), 1);
    const b = await run(cfg, path.join(dir, 'w2'), 2);
    expect(a.outcome.folds.length).toBeGreaterThanOrEqual(3);
    expect(a.outcome.stats.executed).toBe(a.outcome.folds.length * 7);
    for (const f of ['metrics.json', 'folds.json']) {
      const x = readFileSync(path.join(a.outDir, f));
      expect(x.equals(readFileSync(path.join(b.outDir, f))), f).toBe(true);
    }
    const m = JSON.parse(readFileSync(path.join(a.outDir, 'metrics.json'), 'utf8'));
    expect(m.folds.every((f: { params: unknown }) => f.params !== null)).toBe(true);
    // the config and the shared bars and columns travel once per worker thread, not with every task: the pool's first
    // threads are ready at once, so the first request goes to one, the second to the other, the rest carry neither
    const da = a.outcome.stats.delivery!;
    expect(da).toMatchObject({ sent: 1, needData: 0 });
    expect(da.threads.map((t) => [t.tasks, t.deliveries])).toEqual([[a.outcome.stats.executed, 1]]);
    const db = b.outcome.stats.delivery!;
    expect(db).toMatchObject({ sent: 2, needData: 0 });
    expect(db.threads.map((t) => t.deliveries)).toEqual([1, 1]);
    expect(db.threads.reduce((n, t) => n + t.tasks, 0)).toBe(b.outcome.stats.executed);
    for (const f of ['trades.parquet', 'equity.parquet', 'report.html', 'run.json']) expect(existsSync(path.join(a.outDir, f)), f).toBe(true);
  });

  it('the real engine (ma-cross, ES product) gives byte-identical metrics.json with 1 and 2 workers', async () => {
    const cfg = writeStudy(dir, bars, {
      name: 'engine',
      product: 'es',
      backtest: { account: { initialCapital: 1_000_000 }, risk: { volatilityTarget: { enabled: false } } },
      strategy: { name: 'ma-cross', params: { qty: 2 } },
      search: { method: 'grid', params: { fast: [5, 20], slow: [60] } },
      objective: { metric: 'sharpe', minTrades: 0 },
    });
    const productsDir = path.resolve(FIXTURES, '../../../configs/products');
    const a = await runStudyCommand({ config: cfg, out: path.join(dir, 'e1'), workers: 1, progress: 'silent', productsDir });
    const b = await runStudyCommand({ config: cfg, out: path.join(dir, 'e2'), workers: 2, progress: 'silent', productsDir });
    expect(a.outcome.failures).toEqual([]);
    expect(a.outcome.stitched.metrics.trades).toBeGreaterThan(0);
    expect(readFileSync(path.join(a.outDir, 'metrics.json')).equals(readFileSync(path.join(b.outDir, 'metrics.json')))).toBe(true);
  });

  it('retries a failing task once, then succeeds', async () => {
    const cfg = writeStudy(dir, bars, { name: 'retry', strategy: { name: 'toy', params: { failOnce: 1 } } });
    const r = await run(cfg, path.join(dir, 'retry'), 2);
    expect(r.outcome.failures).toEqual([]);
    expect(r.outcome.stats.retried).toBe(r.outcome.stats.tasks); // every task failed once
    expect(r.outcome.stats.executed).toBe(r.outcome.stats.tasks);
  });

  it('reports a task that fails twice with its fold and parameters, and keeps the rest', async () => {
    // slow=40 always fails: half of the grid fails in every fold, the other half still picks a winner
    const cfg = writeStudy(dir, bars, { name: 'failing', search: { method: 'grid', params: { fast: [3, 5], slow: [20, 40] } } });
    const failing = path.join(dir, 'fail-runner.mjs');
    writeFileSync(
      failing,
      `import { runBacktest as toy } from ${JSON.stringify(TOY_RUNNER)};\n` +
        `export function runBacktest(task, bars) { if (task.params.slow === 40 && task.phase === 'is') throw new Error('boom at slow=40'); return toy(task, bars); }\n`,
    );
    const r = await run(cfg, path.join(dir, 'failing'), 2, { runner: new URL(`file://${failing}`).href });
    const nf = r.outcome.folds.length;
    expect(r.outcome.failures.length).toBe(nf * 2);
    expect(r.outcome.stats.retried).toBe(nf * 2);
    for (const f of r.outcome.failures) {
      expect(f.params.slow).toBe(40);
      expect(f.error).toContain('boom at slow=40');
      expect(f.attempts).toBe(2);
    }
    expect(r.outcome.folds.every((f) => f.chosen?.params.slow === 20 && f.oos)).toBe(true);
    const m = JSON.parse(readFileSync(path.join(r.outDir, 'metrics.json'), 'utf8'));
    expect(m.failures).toHaveLength(nf * 2);
    expect(m.failures[0]).toMatchObject({ fold: 0, phase: 'is', params: { fast: 3, slow: 40 } });
    expect(readFileSync(path.join(r.outDir, 'report.html'), 'utf8')).toContain('boom at slow=40');
  });

  it('survives a crashed worker: retried once, then reported', () => {
    // crashFold=0 kills its worker (process.exit) in fold 0 only: 2 tasks × 2 attempts = 4 dead workers. The study
    // runs in a child process (fixtures/run-study.mjs): threads dying on purpose inside the test runner's own process
    // once took that process down under load; here the worst case is a failed test.
    const cfg = writeStudy(dir, bars, { name: 'crash', search: { method: 'grid', params: { fast: [3, 5], crashFold: [-1, 0] } } });
    const child = spawnSync(process.execPath, [path.join(FIXTURES, 'run-study.mjs'), JSON.stringify({ config: cfg, out: path.join(dir, 'crash'), workers: 2, runner: TOY_RUNNER })], {
      encoding: 'utf8',
      timeout: 100_000,
      env: process.env,
    });
    expect(child.status, `${child.stderr}${child.signal ?? ''}`).toBe(0);
    const r = JSON.parse(child.stdout.trim().split('\n').pop()!) as {
      failures: { id: string; params: Record<string, number>; attempts: number; error: string }[];
      stats: { retried: number; executed: number; delivery: { sent: number; needData: number; threads: { threadId: number; tasks: number; deliveries: number }[] } };
      folds: { chosen: Record<string, number> | null; oos: boolean }[];
    };
    expect(r.failures.map((f) => f.id)).toEqual(['is:f0:p2', 'is:f0:p3']); // names sort: crashFold varies slowest
    expect(r.failures.every((f) => f.params.crashFold === 0 && f.attempts === 2 && /exited/.test(f.error))).toBe(true);
    expect(r.stats.retried).toBe(2);
    expect(r.folds.every((f) => f.oos)).toBe(true);
    expect(r.folds[0]!.chosen?.crashFold).toBe(-1);
    // Four threads died; those that replaced them got the shared data again: fold 0's out-of-sample task runs after the
    // last crash, so on a thread that is not one of the pool's first two. Every thread that ran a task had received
    // the data; a task sent to a thread that lacked it (NeedData) went again with it, never counted as a retry
    // (retried is the 2 crashes); and the data went with a few requests, not with every task.
    const d = r.stats.delivery;
    const first = Math.min(...d.threads.map((t) => t.threadId));
    expect(d.threads.some((t) => t.threadId > first + 1 && t.tasks > 0), JSON.stringify(d)).toBe(true);
    for (const t of d.threads.filter((t) => t.tasks > 0)) expect(t.deliveries, JSON.stringify(d)).toBeGreaterThanOrEqual(1);
    expect(d.threads.reduce((n, t) => n + t.tasks, 0)).toBe(r.stats.executed);
    expect(d.sent, JSON.stringify(d)).toBeLessThan(r.stats.executed / 2);
  });

  it('an exception a worker throws between tasks is no crash: its thread is replaced and the study completes', () => {
    const cfg = writeStudy(dir, bars, { name: 'late', search: { method: 'grid', params: { fast: [3, 5], lateThrow: [1] } } });
    const child = spawnSync(process.execPath, [path.join(FIXTURES, 'run-study.mjs'), JSON.stringify({ config: cfg, out: path.join(dir, 'late'), workers: 2, runner: TOY_RUNNER })], {
      encoding: 'utf8',
      timeout: 100_000,
      env: process.env,
    });
    expect(child.status, `${child.stderr}${child.signal ?? ''}`).toBe(0);
    const r = JSON.parse(child.stdout.trim().split('\n').pop()!) as { failures: unknown[]; stats: { tasks: number; executed: number } };
    expect(r.failures).toEqual([]);
    expect(r.stats.executed).toBe(r.stats.tasks);
    expect(existsSync(path.join(dir, 'late-throw.marker')), 'the late throw was injected').toBe(true);
  });

  it('a worker module that fails to load fails its tasks (retried once, reported with fold and parameters), not the process', async () => {
    const cfg = writeStudy(dir, bars, { name: 'broken-worker', search: { method: 'grid', params: { fast: [3, 5], slow: [20] } } });
    for (const [name, text, cause] of [
      ['throws.mjs', "throw new Error('boom at import');\nexport default () => 0;\n", /boom at import/],
      ['syntax.mjs', 'export default function (task { return task; }\n', /SyntaxError|Unexpected|missing/i],
    ] as const) {
      const file = path.join(dir, name);
      writeFileSync(file, text);
      const pool = new BacktestPool(2, { filename: file });
      try {
        const r = await run(cfg, path.join(dir, `broken-${name}`), 2, { pool });
        const nf = r.outcome.folds.length;
        expect(r.outcome.failures).toHaveLength(nf * 2); // every in-sample task; no fold gets to out-of-sample
        expect(r.outcome.stats.retried).toBe(nf * 2);
        for (const f of r.outcome.failures) {
          expect(f.attempts).toBe(2);
          expect(f.error).toContain(`worker module file://${file} failed to load`);
          expect(f.error).toMatch(cause);
          expect([3, 5]).toContain(f.params.fast);
        }
        expect(r.outcome.failures[0]).toMatchObject({ id: 'is:f0:p0', fold: 0, phase: 'is', params: { fast: 3, slow: 20 } });
        expect(r.outcome.folds.every((f) => f.oos === undefined && /no eligible/.test(f.note!))).toBe(true);
        expect(JSON.parse(readFileSync(path.join(r.outDir, 'metrics.json'), 'utf8')).failures).toHaveLength(nf * 2);
      } finally {
        await pool.close();
      }
    }
  });

  it('a worker module that loads on the second try runs the task on its retry', async () => {
    // the module throws at import until a marker file exists, and creates the marker on its first (failed) load
    const marker = path.join(dir, 'loaded-once');
    const file = path.join(dir, 'flaky-worker.mjs');
    writeFileSync(
      file,
      `import { existsSync, writeFileSync } from 'node:fs';\n` +
        `if (!existsSync(${JSON.stringify(marker)})) { writeFileSync(${JSON.stringify(marker)}, '1'); throw new Error('not yet'); }\n` +
        `export { default } from ${JSON.stringify(path.resolve(FIXTURES, '../../../dist/workers/backtest.worker.js'))};\n`,
    );
    const cfg = writeStudy(dir, bars, { name: 'flaky-worker', search: { method: 'grid', params: { fast: [3], slow: [20] } } });
    const pool = new BacktestPool(1, { filename: file });
    try {
      const r = await run(cfg, path.join(dir, 'flaky-worker'), 1, { pool });
      expect(r.outcome.failures).toEqual([]);
      // the scheduler keeps two tasks per worker in flight: both first attempts meet the failed import, both retries
      // (the first of them importing the module again) run
      expect(r.outcome.stats.retried).toBe(2);
      expect(r.outcome.stats.executed).toBe(r.outcome.stats.tasks);
    } finally {
      await pool.close();
    }
  });

  it('a thread asked to run a task without the data it lacks answers NeedData; the task goes again with it, no retry', async () => {
    // a pool that strips the payload (config JSON, shared handles) from the first send of every task, whatever the
    // runner decided: the one thread must ask for it (its first requests) and the study must still end identical
    class Forgetful extends BacktestPool {
      private readonly seen = new Set<string>();
      override run(req: WorkerRequest, signal?: AbortSignal): Promise<WorkerReply> {
        if (this.seen.has(req.id)) return super.run(req, signal);
        this.seen.add(req.id);
        const shared = req.data.shared && { key: req.data.shared.key };
        return super.run({ ...req, configJson: undefined, data: { ...req.data, shared } }, signal);
      }
    }
    const cfg = writeStudy(dir, bars, { name: 'need-data' });
    const normal = await run(cfg, path.join(dir, 'need-data-normal'), 1);
    const pool = new Forgetful(1, { runner: TOY_RUNNER });
    try {
      const r = await run(cfg, path.join(dir, 'need-data'), 1, { pool });
      const d = r.outcome.stats.delivery!;
      expect(d.needData).toBeGreaterThanOrEqual(1);
      expect(d.threads).toHaveLength(1);
      expect(d.threads[0]!.deliveries).toBe(d.needData); // each NeedData brought one delivery to the thread
      expect(r.outcome.stats.retried).toBe(0);
      expect(r.outcome.failures).toEqual([]);
      expect(r.outcome.stats.executed).toBe(r.outcome.stats.tasks);
      expect(readFileSync(path.join(r.outDir, 'metrics.json')).equals(readFileSync(path.join(normal.outDir, 'metrics.json')))).toBe(true);
    } finally {
      await pool.close();
    }
  });

  it('stops a task that runs past taskTimeout, retries it once, then reports it', async () => {
    // the timeout counts from the moment the task is handed to the pool (queue included): 2 s leaves the ms-long
    // toy tasks room on a loaded machine (1 s once timed out a normal task during a full parallel test run)
    const cfg = writeStudy(dir, bars, { name: 'hang', taskTimeout: '2s', search: { method: 'grid', params: { fast: [3], hangFold: [-1, 1] } } });
    const r = await run(cfg, path.join(dir, 'hang'), 2);
    expect(r.outcome.failures.map((f) => [f.id, f.error, f.attempts])).toEqual([['is:f1:p1', 'timed out after 2s (taskTimeout)', 2]]);
    expect(r.outcome.folds.every((f) => f.oos !== undefined)).toBe(true);
  });

  it('resumes an interrupted study and ends with the same metrics', async () => {
    const cfg = writeStudy(dir, bars, { name: 'resume', strategy: { name: 'toy', params: { spinMs: 5 } } });
    const full = await run(cfg, path.join(dir, 'resume-full'), 2);
    const out = path.join(dir, 'resume');
    const ac = new AbortController();
    let seen = 0;
    const first = runStudyCommand({
      config: cfg, out, workers: 2, runner: TOY_RUNNER, progress: 'silent', signal: ac.signal,
    });
    // abort after a handful of tasks have been journaled
    const timer = setInterval(() => {
      const f = path.join(out, 'tasks.jsonl');
      seen = existsSync(f) ? readFileSync(f, 'utf8').split('\n').filter(Boolean).length : 0;
      if (seen >= 8) ac.abort();
    }, 2);
    await expect(first).rejects.toBeInstanceOf(StudyInterrupted);
    clearInterval(timer);
    const journaled = readFileSync(path.join(out, 'tasks.jsonl'), 'utf8').split('\n').filter(Boolean).length;
    expect(journaled).toBeGreaterThanOrEqual(8);
    expect(journaled).toBeLessThan(full.outcome.stats.tasks);
    appendFileSync(path.join(out, 'tasks.jsonl'), '{"id":"is:f9:p0","fold":9,"pha'); // a torn last line
    const resumed = await run(cfg, out, 2);
    expect(resumed.outcome.stats.resumed).toBe(journaled);
    expect(resumed.outcome.stats.executed).toBe(full.outcome.stats.tasks - journaled);
    expect(readFileSync(path.join(out, 'metrics.json')).equals(readFileSync(path.join(full.outDir, 'metrics.json')))).toBe(true);
    expect(readdirSync(path.join(out, 'oos')).length).toBe(full.outcome.folds.length);
    // the resumed run's first line did not join the torn one: a third run finds every task in the journal
    const again = await run(cfg, out, 2);
    expect(again.outcome.stats.resumed).toBe(full.outcome.stats.tasks);
    expect(again.outcome.stats.executed).toBe(0);
    expect(readFileSync(path.join(out, 'metrics.json')).equals(readFileSync(path.join(full.outDir, 'metrics.json')))).toBe(true);
  });

  it('refuses to resume into a directory that holds another study', async () => {
    const a = writeStudy(dir, bars, { name: 'one' });
    await run(a, path.join(dir, 'shared'), 1);
    const b = writeStudy(dir, bars, { name: 'two' });
    await expect(run(b, path.join(dir, 'shared'), 1)).rejects.toThrow(/holds results of another study/);
  });
});
