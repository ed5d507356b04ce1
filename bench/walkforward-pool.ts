// Walk-forward pool benchmark (node dist/bench/walkforward-pool.js [--tasks N] [--years Y] [--reps R] [--grid G] [--config file] [--v8-threads]):
//   1. per-task overhead of the Piscina pool: N no-op tasks through 1 and 2 workers vs the same calls made
//      directly in the main thread (the difference is the pool's cost per task);
//   2. wall time of one walk-forward study at 1 and 2 workers, interleaved, R runs each (default 3, the fastest
//      kept), and the speed-up (target >= 1.8 on a 2-core machine). By default two sizes of one study, because the
//      speed-up depends on how the fixed costs (worker start-up and JIT warm-up, the main thread's data load and
//      results) compare with the work: `--years` (default 3) of generated ES one-minute bars (src/generate/es.ts,
//      cached under the OS temp dir), momentum on rolling 120-day / 60-day folds, a 4 × 4 grid (272 tasks) and an
//      8 × 8 grid (1,040 tasks). `--grid 'a=[…];b=[…]'` runs one grid instead (several: separated by `|`);
//      `--config configs/es-study.yaml` measures a given study (the bundled sample: tasks of ~15 ms, where overhead
//      shows).
//   3. per study, the ceiling: its in-sample tasks run back to back in 1 plain worker thread and split between 2 (no
//      pool, no per-task messaging, no data load or results; bench/walkforward-task-loop.ts). The study's speed-up
//      falls short of this one by what the pool and the main thread's serial work cost.
//   4. after each 1/2-worker pair, the machine's own 2-thread speed-up on pure computation (bench/machine-scaling.ts):
//      on a VM whose virtual CPUs may share a physical core with another (a hyperthread sibling), compute-bound
//      code gets anywhere from ~1.0× to 2.0× from a second thread, minute by minute; each pair's study speed-up is
//      recorded beside the probe taken right after it.
//   The load average (and `uptime`) before and after is recorded: on a shared 2-core machine the speed-up only
//   means something when nothing else runs. Per run it also records the sum of task times inside the workers
//   (engine work) and the main thread's share, to say where the time goes when the speed-up falls short.
// Prints a table and writes bench/results/walkforward-pool.json.
import { execSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { stringify } from 'yaml';
import { dataFileOf, foldSpecOf, loadStudyConfig, resolveStudy, searchSpecOf } from '../src/config/study.js';
import { loadBars } from '../src/data/bars.js';
import { generateEs } from '../src/generate/es.js';
import { databentoOhlcvTable } from '../src/generate/index.js';
import { writeParquetFile } from '../src/report/parquet.js';
import { setLogLevel } from '../src/util/log.js';
import { makeFolds } from '../src/walkforward/folds.js';
import { runStudyCommand } from '../src/walkforward/index.js';
import { rangeOf } from '../src/walkforward/runner.js';
import { candidates } from '../src/walkforward/search.js';
import { prepareWorkerData } from '../src/walkforward/worker-data.js';
import { BacktestPool } from '../src/walkforward/pool.js';
import { threadCpuMs } from '../src/walkforward/thread-cpu.js';
import type { WorkerRequest } from '../src/walkforward/protocol.js';
import { report, type BenchRow } from './lib/results.js';
import { runBacktest as noop } from './walkforward-noop-runner.js';
import { KERNELS, ScalingProbe, type ScalingSample } from './machine-scaling.js';
import type { TaskLoopInput, TaskLoopOutput } from './walkforward-task-loop.js';

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : def;
};
const TASKS = Number(arg('tasks', '4000'));
const YEARS = Number(arg('years', '3'));
const REPS = Number(arg('reps', '3'));
const GIVEN = arg('config', '');
const NOOP = pathToFileURL(path.join(path.dirname(new URL(import.meta.url).pathname), 'walkforward-noop-runner.js')).href;
// --grid 'a=[…];b=[…]' replaces the search grid; several grids separated by '|' are measured one after the other
const DEFAULT_GRIDS = GIVEN
  ? 'fast=[10,15,20,30,45,60];mid=[60,120,180,240]'
  : 'fast=[15,30,45,60];slow=[480,720,960,1440]|fast=[10,15,20,30,45,60,90,120];slow=[240,360,480,600,720,960,1200,1440]';
const GRIDS = arg('grid', DEFAULT_GRIDS).split('|').filter(Boolean);
const setsOf = (grid: string) => grid.split(';').filter(Boolean).map((s) => `search.params.${s}`);

function uptime(): string {
  try {
    return execSync('uptime', { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch {
    return `loadavg ${os.loadavg().join(' ')}`;
  }
}

/** The large default study: generated bars (cached by years and seed) and a YAML around them. */
function largeStudy(dir: string): string {
  const cacheDir = path.join(os.tmpdir(), 'contango-bench-data');
  mkdirSync(cacheDir, { recursive: true });
  const bars = path.join(cacheDir, `es-${YEARS}y-seed11.parquet`);
  if (!existsSync(bars)) {
    const t = performance.now();
    const end = new Date(Date.UTC(2021 + Math.floor(YEARS), 0, 3 + Math.round((YEARS % 1) * 365))).toISOString().slice(0, 10);
    const g = generateEs({ seed: 11, start: '2021-01-03', end });
    writeParquetFile(bars, databentoOhlcvTable(g));
    console.log(`generated ${g.ts.length.toLocaleString('en-US')} bars (${YEARS} years) into ${bars} in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  }
  const file = path.join(dir, 'large-study.yaml');
  writeFileSync(
    file,
    stringify({
      name: 'es-momentum-large',
      data: { bars, symbol: 'ESH4' },
      product: 'es',
      backtest: { account: { initialCapital: 1_000_000 }, risk: { maxContracts: 10, volatilityTarget: { enabled: false } } },
      strategy: { name: 'momentum', params: { qty: 1, allowShort: 1, threshold: 5, exits: 0 } },
      search: { method: 'grid', params: { fast: [30, 60], slow: [480, 960] } },
      folds: { mode: 'rolling', train: '120d', test: '60d', step: '60d' },
      objective: { metric: 'sharpe', direction: 'max', minTrades: 3 },
      out: path.join(dir, 'out'),
    }),
  );
  return file;
}

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

async function studyWall(config: string, sets: string[], workers: number) {
  const out = mkdtempSync(path.join(os.tmpdir(), 'contango-bench-'));
  const load = os.loadavg()[0]!;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const main0 = threadCpuMs();
  const r = await runStudyCommand({ config, sets, workers, out, fresh: true, progress: 'silent' });
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  // the main thread's CPU over the whole command: config, data load, scheduling, journaling, results
  const mainCpuMs = threadCpuMs() - main0;
  const metrics = readFileSync(path.join(out, 'metrics.json'), 'utf8');
  const run = JSON.parse(readFileSync(path.join(out, 'run.json'), 'utf8')) as { durationsMs: { loadData: number; study: number; total: number } };
  rmSync(out, { recursive: true, force: true });
  const s = r.outcome.stats;
  return {
    workers,
    wallMs,
    poolMs: s.wallMs,
    loadDataMs: run.durationsMs.loadData,
    // before the data load (config, pool start) and after the pool phase (stitching, writing results)
    otherSerialMs: wallMs - run.durationsMs.loadData - s.wallMs,
    taskMs: s.taskMs,
    cpuMs: s.taskCpuMs ?? 0,
    waitMs: s.taskWaitMs ?? 0,
    tasks: s.tasks,
    processCpuMs: (cpu.user + cpu.system) / 1000,
    mainCpuMs,
    loadAverage: [load, os.loadavg()[0]!],
    metrics,
  };
}

/**
 * The study's in-sample tasks without the pool: its data, derived columns and indicators prepared as the study command
 * prepares them, then the tasks run back to back in one worker thread, and split between two threads (alternate
 * tasks, the runner's order), REPS times each, the fastest kept. No main-thread messaging per task, no data load or
 * results in the time: the speed-up the tasks themselves allow here (bench/walkforward-task-loop.ts).
 */
async function engineAlone(config: string, sets: string[]) {
  const cfg = loadStudyConfig(config, sets);
  const study = resolveStudy(cfg, config);
  // prepared as the study command prepares it for its workers
  const { shared: bars, derived } = await prepareWorkerData(await loadBars(dataFileOf(cfg), { tickUnits: study.tickUnits, symbol: cfg.data.symbol, cache: true }), study, { indicators: true });
  const paramSets = candidates(searchSpecOf(cfg));
  const { start, end } = rangeOf(bars);
  const folds = makeFolds(start, end, foldSpecOf(cfg));
  const tasks: TaskLoopInput['tasks'] = [];
  for (let k = folds.length - 1; k >= 0; k--) {
    const f = folds[k]!;
    for (const p of paramSets) tasks.push({ strategy: cfg.strategy.name, params: { ...cfg.strategy.params, ...p }, startNs: f.trainStart, endNs: f.trainEnd, fold: k, phase: 'is' });
  }
  const configJson = JSON.stringify(study.engine);
  const loop = (list: TaskLoopInput['tasks']) =>
    new Promise<TaskLoopOutput>((resolve, reject) => {
      const input: TaskLoopInput = { bars, derived, configJson, tasks: list };
      const w = new Worker(new URL('./walkforward-task-loop.js', import.meta.url), { workerData: input });
      w.once('message', (r: TaskLoopOutput) => resolve(r));
      w.once('error', reject);
    });
  const one: number[] = [];
  const two: number[] = [];
  for (let k = 0; k < REPS; k++) {
    one.push((await loop(tasks)).wallMs);
    const halves = await Promise.all([loop(tasks.filter((_, i) => i % 2 === 0)), loop(tasks.filter((_, i) => i % 2 === 1))]);
    two.push(Math.max(...halves.map((h) => h.wallMs)));
  }
  const w1 = Math.min(...one), w2 = Math.min(...two);
  const paired = one.map((ms, k) => ms / two[k]!).sort((a, b) => a - b);
  return { tasks: tasks.length, wallMs1: w1, wallMs2: w2, speedup: w1 / w2, pairedSpeedupMedian: paired[Math.floor(paired.length / 2)]!, runs1: one.map(Math.round), runs2: two.map(Math.round) };
}

/** The median of sorted numbers (the mean of the middle two for an even count). */
function median(sorted: number[]): number {
  const n = sorted.length;
  return n % 2 ? sorted[(n - 1) / 2]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2;
}

/** One study (one grid) at 1 and 2 workers: interleaved runs, the fastest of each kept, its rows and summary. */
async function measureStudy(config: string, grid: string, probe: ScalingProbe) {
  const sets = setsOf(grid);
  const name = loadStudyConfig(config, sets).name;
  // Interleaved 1, 2, 1, 2, …: REPS runs per setting, the fastest of each kept (load from other processes only ever
  // adds time); every run is recorded with the load average before and after it.
  const runs1: Awaited<ReturnType<typeof studyWall>>[] = [];
  const runs2: typeof runs1 = [];
  // after each pair, what two threads of pure computation get from the machine in the same minutes (machine-scaling.ts)
  const machine: ScalingSample[][] = [];
  for (let k = 0; k < REPS; k++) {
    runs1.push(await studyWall(config, sets, 1));
    runs2.push(await studyWall(config, sets, 2));
    machine.push(await probe.sample());
  }
  const best = (r: typeof runs1) => r.reduce((a, b) => (b.wallMs < a.wallMs ? b : a));
  const s1 = best(runs1), s2 = best(runs2);
  const speedup = s1.wallMs / s2.wallMs;
  const poolSpeedup = s1.poolMs / s2.poolMs;
  // each 1-worker run against the 2-worker run right after it: on a noisy host the median of these pairs moves less
  // than the ratio of the two fastest runs (which may come from quiet moments minutes apart)
  const paired = runs1.map((r, k) => r.wallMs / runs2[k]!.wallMs).sort((a, b) => a - b);
  const pairedMedian = median(paired);
  const rows: BenchRow[] = [];
  for (const [w, s, sp] of [[1, s1, 1], [2, s2, speedup]] as const) {
    rows.push({
      case: `study ${name} (${s.tasks} tasks), ${w} worker(s)`, tasks: s.tasks, 'wall ms': Math.round(s.wallMs), 'ms/task (wall)': s.wallMs / s.tasks,
      'engine ms/task': s.taskMs / s.tasks, 'engine CPU ms/task': s.cpuMs / s.tasks, 'waiting for a core ms/task': s.waitMs / s.tasks, 'pool phase ms': Math.round(s.poolMs),
      'load data ms': Math.round(s.loadDataMs), 'other serial ms': Math.round(s.otherSerialMs), 'main thread CPU ms': Math.round(s.mainCpuMs),
      'busy share': (s.taskMs / w) / s.poolMs, 'pool overhead µs/task/worker': '', 'speed-up': sp, 'speed-up (pool phase)': w === 1 ? 1 : poolSpeedup,
      'speed-up, median of pairs': w === 1 ? '' : pairedMedian,
      'load avg': s.loadAverage.map((x) => x.toFixed(2)).join(' → '),
    });
  }
  // the machine's own 2-thread speed-up per kernel: every sample, and the median
  const machineScaling = KERNELS.map((kernel) => {
    const s = machine.map((m) => m.find((x) => x.kernel === kernel)!);
    const sorted = s.map((x) => x.speedup).sort((a, b) => a - b);
    return { kernel, median: median(sorted), samples: s.map((x) => ({ oneMs: +x.oneMs.toFixed(1), twoMs: +x.twoMs.toFixed(1), speedup: +x.speedup.toFixed(3) })) };
  });
  for (const m of machineScaling) {
    rows.push({ case: `  pure computation, 2 threads vs 1 (${m.kernel}), after each pair`, tasks: '', 'wall ms': '', 'ms/task (wall)': '', 'speed-up': '', 'speed-up, median of pairs': m.median, 'per pair': m.samples.map((x) => x.speedup.toFixed(2)).join(' ') });
  }
  const adjusted = runs1.map((r, k) => (r.wallMs / runs2[k]!.wallMs) * (runs2[k]!.cpuMs / r.cpuMs));
  rows.push({ case: '  study, per pair (1 worker / 2 workers)', tasks: '', 'wall ms': '', 'ms/task (wall)': '', 'speed-up': '', 'speed-up, median of pairs': '', 'per pair': runs1.map((r, k) => (r.wallMs / runs2[k]!.wallMs).toFixed(2)).join(' ') });
  rows.push({ case: '  study, per pair, × task CPU at 2 workers / at 1', tasks: '', 'wall ms': '', 'ms/task (wall)': '', 'speed-up': '', 'speed-up, median of pairs': median([...adjusted].sort((a, b) => a - b)), 'per pair': adjusted.map((x) => x.toFixed(2)).join(' ') });
  const alone = await engineAlone(config, sets);
  for (const [w, ms, sp] of [[1, alone.wallMs1, 1], [2, alone.wallMs2, alone.speedup]] as const) {
    rows.push({ case: `  its ${alone.tasks} in-sample tasks alone (no pool), ${w} thread(s)`, tasks: alone.tasks, 'wall ms': Math.round(ms), 'ms/task (wall)': ms / alone.tasks, 'speed-up': sp, 'speed-up, median of pairs': w === 1 ? '' : alone.pairedSpeedupMedian });
  }
  const identical = [...runs1, ...runs2].every((r) => r.metrics === s1.metrics);
  if (!identical) console.log(`WARNING: metrics.json differs between runs of ${grid}`);
  const summary = {
    grid: sets,
    tasks: s1.tasks,
    wallMs1: s1.wallMs, wallMs2: s2.wallMs, mainCpuMs1: s1.mainCpuMs, mainCpuMs2: s2.mainCpuMs, processCpuMs1: s1.processCpuMs, processCpuMs2: s2.processCpuMs, poolMs1: s1.poolMs, poolMs2: s2.poolMs, taskMs1: s1.taskMs, taskMs2: s2.taskMs, taskCpuMs1: s1.cpuMs, taskCpuMs2: s2.cpuMs, taskWaitMs1: s1.waitMs, taskWaitMs2: s2.waitMs,
    loadDataMs1: s1.loadDataMs, loadDataMs2: s2.loadDataMs, otherSerialMs1: s1.otherSerialMs, otherSerialMs2: s2.otherSerialMs,
    speedup, poolSpeedup, target: 1.8, identicalMetrics: identical,
    pairedSpeedups: paired, pairedSpeedupMedian: pairedMedian,
    // per pair in run order (unsorted), next to machineScaling's samples taken right after each pair
    pairSpeedupsInOrder: runs1.map((r, k) => r.wallMs / runs2[k]!.wallMs),
    // the same, times the 2-worker run's task CPU over the 1-worker run's (same tasks, same work): what the pool made of
    // the CPU speed the machine gave each thread — a diagnostic, not the target (it also forgives the two workers'
    // own contention for caches and memory)
    pairSpeedupsCpuAdjusted: adjusted, pairSpeedupCpuAdjustedMedian: median([...adjusted].sort((a, b) => a - b)),
    // two threads of pure computation against one, sampled after each pair (bench/machine-scaling.ts): the machine's
    // own ceiling in the same minutes
    machineScaling,
    // the same in-sample tasks in 1 and 2 plain worker threads, no pool (engineAlone): the ceiling for `speedup`
    engineAlone: alone,
    // every run in order (1, 2, 1, 2, …): wall, pool phase, main-thread CPU, load average before → after
    runs: [...runs1.keys()].flatMap((k) => [runs1[k]!, runs2[k]!]).map((r) => ({ workers: r.workers, wallMs: Math.round(r.wallMs), poolMs: Math.round(r.poolMs), taskCpuMs: Math.round(r.cpuMs), mainCpuMs: Math.round(r.mainCpuMs), processCpuMs: Math.round(r.processCpuMs), loadAverage: r.loadAverage })),
  };
  return { rows, summary };
}

async function main() {
  setLogLevel('warn');
  const before = { uptime: uptime(), loadAverage: os.loadavg() };
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'contango-bench-study-'));
  const config = GIVEN || largeStudy(tmp);
  const cfg = loadStudyConfig(config, setsOf(GRIDS[0]!));
  const study = resolveStudy(cfg, config);
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
    rows.push({ case: `no-op tasks, ${w} worker(s)`, tasks: TASKS, 'wall ms': Math.round(wall), 'ms/task (wall)': perTaskUs / 1000, 'pool overhead µs/task/worker': perTaskUs * w - directUs, 'speed-up': '' });
  }
  const studies = [];
  const probe = new ScalingProbe();
  for (const grid of GRIDS) {
    const m = await measureStudy(config, grid, probe);
    rows.push(...m.rows);
    studies.push(m.summary);
  }
  await probe.close();
  const after = { uptime: uptime(), loadAverage: os.loadavg() };
  report(`walkforward-pool${V8_THREADS ? '-v8-threads' : ''}`, rows, {
    config: GIVEN || `generated: ${YEARS} years of ES one-minute bars, momentum, rolling 120d/60d folds`,
    bars: bars.ts.length,
    directCallUs: directUs,
    poolOverheadUsPerTask: overhead,
    loadBefore: before,
    loadAfter: after,
    v8: V8_THREADS ? 'background threads on (--v8-threads)' : '--single-threaded, as bin/contango.js runs studies',
    // one entry per grid, smallest first; `study` is the last (largest) one
    studies,
    study: studies[studies.length - 1],
  });
  rmSync(tmp, { recursive: true, force: true });
  console.log(`before: ${before.uptime}\nafter:  ${after.uptime}\n(the speed-up is only meaningful on an otherwise idle machine)`);
}

// Measure what `contango walk-forward` runs: a Node with V8's background threads off (bin/contango.js). Unless
// --v8-threads is given, this benchmark starts itself again with --single-threaded.
const V8_THREADS = process.argv.includes('--v8-threads');
if (!V8_THREADS && !process.execArgv.includes('--single-threaded')) {
  const r = spawnSync(process.execPath, ['--single-threaded', ...process.execArgv, ...process.argv.slice(1)], { stdio: 'inherit' });
  process.exitCode = r.status ?? 1;
} else {
  main().catch((e) => {
    console.error(e);
    process.exitCode = 1;
  });
}
