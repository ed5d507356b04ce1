// Walk-forward pool benchmark (node dist/bench/walkforward-pool.js [--tasks N] [--config file]):
//   1. per-task overhead of the Piscina pool: N no-op tasks through 1 and 2 workers vs the same calls made
//      directly in the main thread (the difference is the pool's cost per task);
//   2. wall time of one walk-forward study (configs/es-study.yaml on the bundled sample data, the real
//      engine) at 1 and 2 workers, and the speed-up (target >= 1.8 on a 2-core machine).
// Prints a table and writes bench/results/walkforward-pool.json.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { dataFileOf, loadStudyConfig, resolveStudy } from '../src/config/study.js';
import { loadBars } from '../src/data/bars.js';
import { setLogLevel } from '../src/util/log.js';
import { runStudyCommand } from '../src/walkforward/index.js';
import { BacktestPool } from '../src/walkforward/pool.js';
import type { WorkerRequest } from '../src/walkforward/protocol.js';
import { report, type BenchRow } from './lib/results.js';
import { runBacktest as noop } from './walkforward-noop-runner.js';

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : def;
};
const TASKS = Number(arg('tasks', '4000'));
const CONFIG = arg('config', 'configs/es-study.yaml');
// a bigger grid than the demo's (48 sets × 6 folds + 6 = 294 tasks), so fixed costs (thread start, data
// load, JIT warm-up per worker, writing results) don't dominate the comparison
const SETS = (arg('grid', 'fast=[10,15,20,30,45,60];mid=[60,120,180,240]')).split(';').filter(Boolean).map((s) => `search.params.${s}`);
const NOOP = pathToFileURL(path.join(path.dirname(new URL(import.meta.url).pathname), 'walkforward-noop-runner.js')).href;

async function poolOverhead(workers: number, study: ReturnType<typeof resolveStudy>): Promise<number> {
  const pool = new BacktestPool(workers, { runner: NOOP });
  const configJson = JSON.stringify(study.engine);
  // the same request shape the study runner sends (config as JSON, interned per worker by key)
  const req = (i: number): WorkerRequest => ({
    id: `t${i}`,
    configKey: study.hash,
    configJson,
    task: { config: null, strategy: 'noop', params: { a: i }, startNs: 0n, endNs: 1n << 62n, fold: 0, phase: 'is' },
    data: { bars: study.cfg.data.bars, symbol: study.cfg.data.symbol, tickUnits: study.tickUnits, cache: true },
    runner: NOOP,
    want: 'metrics',
    attempt: 1,
  });
  // warm-up: every worker loads the data and the runner once
  await Promise.all(Array.from({ length: workers * 4 }, (_, i) => pool.run(req(i))));
  const t0 = performance.now();
  const inflight = new Set<Promise<unknown>>();
  for (let i = 0; i < TASKS; i++) {
    const p: Promise<unknown> = pool.run(req(i)).finally(() => inflight.delete(p));
    inflight.add(p);
    if (inflight.size >= workers * 2) await Promise.race(inflight);
  }
  await Promise.all(inflight);
  const wall = performance.now() - t0;
  await pool.close();
  return wall;
}

async function studyWall(workers: number): Promise<{ wallMs: number; poolMs: number; tasks: number; metrics: string }> {
  const out = mkdtempSync(path.join(os.tmpdir(), 'contango-bench-'));
  const t0 = performance.now();
  const r = await runStudyCommand({ config: CONFIG, sets: SETS, workers, out, fresh: true, progress: 'silent' });
  const wallMs = performance.now() - t0;
  const poolMs = r.outcome.stats.wallMs;
  const { readFileSync } = await import('node:fs');
  const metrics = readFileSync(path.join(out, 'metrics.json'), 'utf8');
  rmSync(out, { recursive: true, force: true });
  return { wallMs, poolMs, tasks: r.outcome.stats.tasks, metrics };
}

async function main() {
  setLogLevel('warn');
  const cfg = loadStudyConfig(CONFIG);
  const study = resolveStudy(cfg, CONFIG);
  const bars = await loadBars(dataFileOf(cfg), { tickUnits: study.tickUnits, symbol: cfg.data.symbol, cache: true });
  // direct calls: the floor the pool is compared with
  const t0 = performance.now();
  for (let i = 0; i < TASKS; i++) noop({ config: study.engine, strategy: 'noop', params: { a: i }, startNs: 0n, endNs: 1n, fold: 0, phase: 'is' }, bars);
  const directUs = ((performance.now() - t0) * 1000) / TASKS;
  const rows: BenchRow[] = [];
  const overhead: Record<string, number> = {};
  for (const w of [1, 2]) {
    const wall = await poolOverhead(w, study);
    const perTaskUs = (wall * 1000) / TASKS;
    // per-task cost on one worker: wall × workers / tasks (all workers busy), minus the direct call
    overhead[`w${w}`] = perTaskUs * w - directUs;
    rows.push({ case: `no-op tasks, ${w} worker(s)`, tasks: TASKS, 'wall ms': Math.round(wall), 'µs/task (wall)': perTaskUs, 'pool overhead µs/task/worker': perTaskUs * w - directUs, 'speed-up': '' });
  }
  // interleaved 1, 2, 1, 2: the best of two per setting, so a burst of load on a shared machine hurts less
  const runs1 = [await studyWall(1)], runs2 = [await studyWall(2)];
  runs1.push(await studyWall(1));
  runs2.push(await studyWall(2));
  const best = (r: typeof runs1) => r.reduce((a, b) => (b.wallMs < a.wallMs ? b : a));
  const s1 = best(runs1), s2 = best(runs2);
  const speedup = s1.wallMs / s2.wallMs;
  const poolSpeedup = s1.poolMs / s2.poolMs;
  for (const [w, s, sp] of [[1, s1, 1], [2, s2, speedup]] as const) {
    rows.push({
      case: `study ${cfg.name}, ${w} worker(s)`, tasks: s.tasks, 'wall ms': Math.round(s.wallMs), 'µs/task (wall)': (s.wallMs * 1000) / s.tasks,
      'pool phase ms': Math.round(s.poolMs), 'pool overhead µs/task/worker': '', 'speed-up': sp, 'speed-up (pool phase)': w === 1 ? 1 : poolSpeedup,
    });
  }
  report('walkforward-pool', rows, {
    config: CONFIG,
    bars: bars.ts.length,
    directCallUs: directUs,
    poolOverheadUsPerTask: overhead,
    loadAverage: os.loadavg(),
    grid: SETS,
    study: { wallMs1: s1.wallMs, wallMs2: s2.wallMs, poolMs1: s1.poolMs, poolMs2: s2.poolMs, speedup, poolSpeedup, target: 1.8, identicalMetrics: [...runs1, ...runs2].every((r) => r.metrics === s1.metrics) },
  });
  if (![...runs1, ...runs2].every((r) => r.metrics === s1.metrics)) console.log('WARNING: metrics.json differs between runs');
  console.log(`load average during the run: ${os.loadavg().map((v) => v.toFixed(2)).join(' ')} (the speed-up is only meaningful on an idle machine)`);
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
