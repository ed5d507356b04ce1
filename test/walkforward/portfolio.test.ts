// Walk-forward over a portfolio (needs `npm run build:ts`: the worker runs from dist/workers/): configs/es-nq-portfolio.yaml
// on the bundled ES + NQ samples, narrowed to two weeks, one task = one portfolio backtest in a worker. 1 and 2 workers
// give byte-identical results; a resumed study gives the same bytes; each fold's out-of-sample task runs the in-sample
// winner; a failing task is retried once, then reported with its fold and parameters; portfolio modules from files and
// single-instrument strategies on every instrument run in the workers; the CLI runs the bundled config.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as arrow from 'apache-arrow';
import { readParquet } from 'parquet-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Metrics } from '../../src/backtest/api.js';
import { prefixView } from '../../src/backtest/prefix-view.js';
import { runPortfolioTask } from '../../src/backtest/task-runner.js';
import type { ResolvedPortfolioStudy } from '../../src/config/study.js';
import { loadBars } from '../../src/data/bars.js';
import { lowerBound } from '../../src/util/int64-words.js';
import { runStudyCommand } from '../../src/walkforward/index.js';
import type { TaskRecord } from '../../src/walkforward/resume.js';
import { loadPortfolioData } from '../../src/walkforward/portfolio-data.js';
import { portfolioTaskConfig, runWalkForward } from '../../src/walkforward/runner.js';
import { chooseBest } from '../../src/walkforward/select.js';
import { tmpDir } from './helpers.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CONFIG = path.join(ROOT, 'configs/es-nq-portfolio.yaml');
const PRODUCTS = path.join(ROOT, 'configs/products');
const built = existsSync(path.join(ROOT, 'dist/workers/backtest.worker.js'));
// two weeks of January (December is warm-up): train 4 days, test 3 → 3 folds
const NARROW = [
  `instruments.0.data.bars=${path.join(ROOT, 'data/es-ohlcv-1m.parquet')}`,
  `instruments.1.data.bars=${path.join(ROOT, 'data/nq-ohlcv-1m.parquet')}`,
  'window={start: "2024-01-02", end: "2024-01-16"}',
  'folds={mode: rolling, train: 4d, test: 3d}',
  'search.params={window: [60, 120], entry: [2, 2.5]}',
  'objective.minTrades=1',
];

let dir: string;
beforeAll(() => {
  dir = tmpDir('contango-wf-pf-');
  process.env.CONTANGO_CACHE_DIR = path.join(dir, 'cache'); // workers inherit it: no cache entries in the repo
  process.env.CONTANGO_TS_CACHE = path.join(dir, 'ts-cache');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const study = (out: string, workers: number, extra: { sets?: string[]; fresh?: boolean; runner?: string } = {}) =>
  runStudyCommand({ config: CONFIG, sets: [...NARROW, ...(extra.sets ?? [])], workers, out: path.join(dir, out), fresh: extra.fresh ?? true, runner: extra.runner, progress: 'silent', productsDir: PRODUCTS });
const bytes = (out: string, f: string) => readFileSync(path.join(dir, out, f));
const journal = (out: string): TaskRecord[] =>
  readFileSync(path.join(dir, out, 'tasks.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as TaskRecord);
const readTable = (file: string) => arrow.tableFromIPC(readParquet(new Uint8Array(readFileSync(file))).intoIPCStream());

describe.runIf(built)('walk-forward over a portfolio', () => {
  it('runs end to end and gives byte-identical results with 1 and 2 workers', async () => {
    const a = await study('w1', 1);
    const b = await study('w2', 2);
    expect(a.outcome.folds.length).toBe(3);
    expect(a.outcome.stats).toMatchObject({ tasks: 15, executed: 15, failed: 0 });
    expect(a.outcome.failures).toEqual([]);
    for (const f of ['metrics.json', 'folds.json', 'trades.parquet', 'equity.parquet']) expect(bytes('w1', f).equals(bytes('w2', f)), f).toBe(true);
    for (const f of ['report.html', 'run.json', 'tasks.jsonl']) expect(existsSync(path.join(a.outDir, f)), f).toBe(true);
    // each worker thread got every instrument's bars once, not per task
    const d = b.outcome.stats.delivery!;
    expect(d).toMatchObject({ sent: 2, needData: 0 });
    expect(d.threads.map((t) => t.deliveries)).toEqual([1, 1]);
    // out-of-sample trades on both legs, named by instrument; prices in each instrument's own tick
    const trades = readTable(path.join(a.outDir, 'trades.parquet'));
    expect([...new Set(trades.getChild('instrument')!.toArray() as string[])].sort()).toEqual(['ES', 'NQ']);
    expect(trades.numRows).toBe(a.outcome.stitched.metrics.trades);
    const eq = readTable(path.join(a.outDir, 'equity.parquet'));
    expect(eq.numRows).toBe(a.outcome.stitched.ts.length);
    expect(new Set(eq.getChild('fold')!.toArray() as Int32Array).size).toBe(3);
    const run = JSON.parse(readFileSync(path.join(a.outDir, 'run.json'), 'utf8'));
    expect(run.data.map((x: { instrument: string }) => x.instrument)).toEqual(['ES', 'NQ']);
  });

  it("each fold's out-of-sample task runs the in-sample winner (the same result as a backtest of it)", async () => {
    const r = await study('w1', 1, { fresh: false }); // the first test's study, resumed (nothing runs again)
    const s = r.study as ResolvedPortfolioStudy;
    const recs = journal('w1');
    const bars = await Promise.all(s.instruments.map((x) => loadBars(x.data.bars, { tickUnits: x.tickUnits, symbol: x.data.symbol, cache: true })));
    const config = JSON.parse(JSON.stringify(portfolioTaskConfig(s)));
    for (const [k, f] of r.outcome.folds.entries()) {
      const inSample = r.outcome.params.map((_, p) => recs.find((x) => x.id === `is:f${k}:p${p}`)?.metrics);
      const best = chooseBest(inSample as (Metrics | undefined)[], { metric: 'sharpe', direction: 'max', minTrades: 1 })!;
      const oos = recs.find((x) => x.id === `oos:f${k}`)!;
      expect(oos.paramIndex, `fold ${k}`).toBe(best.paramIndex);
      expect(oos.params).toEqual(r.outcome.params[best.paramIndex]);
      // the out-of-sample metrics are those of a portfolio backtest of the winner over the test window
      const params = { ...s.cfg.strategy.params, ...r.outcome.params[best.paramIndex] };
      const cut = bars.map((b) => prefixView(b, lowerBound(b.ts, f.fold.testEnd)));
      const direct = await runPortfolioTask({ config, strategy: 'pairs', params, startNs: f.fold.testStart, endNs: f.fold.testEnd }, cut);
      expect(f.oos!.metrics, `fold ${k}`).toEqual(direct.metrics);
    }
    // the search varied the choice (a study whose folds all chose set 0 would not show a wrong index)
    expect(new Set(r.outcome.folds.map((f) => f.chosen!.paramIndex)).size).toBeGreaterThan(1);
  });

  it('resumes after part of the journal is lost, with the same bytes', async () => {
    await study('resume', 2);
    const before = bytes('resume', 'metrics.json');
    const lines = readFileSync(path.join(dir, 'resume', 'tasks.jsonl'), 'utf8').split('\n').filter(Boolean);
    // keep 7 of the 15 lines, and never fold 2's out-of-sample one
    const kept = lines.filter((l) => !l.includes('"oos:f2"')).slice(0, 7);
    writeFileSync(path.join(dir, 'resume', 'tasks.jsonl'), kept.join('\n') + '\n');
    const r = await study('resume', 2, { fresh: false });
    expect(r.outcome.stats).toMatchObject({ tasks: 15, resumed: 7, executed: 8 });
    expect(bytes('resume', 'metrics.json').equals(before)).toBe(true);
    expect(bytes('resume', 'metrics.json').equals(bytes('w1', 'metrics.json'))).toBe(true);
  });

  it('workers that load the files themselves (no shared bars) give the same results', async () => {
    const r = await study('w1', 1, { fresh: false }); // the first test's study, resumed: its study and outcome
    const s = r.study as ResolvedPortfolioStudy;
    const { range } = await loadPortfolioData(s);
    const own = await runWalkForward({ study: s, range, outDir: path.join(dir, 'own'), workers: 2, fresh: true });
    expect(own.failures).toEqual([]);
    expect(own.stitched.metrics).toEqual(r.outcome.stitched.metrics);
    expect(own.folds.map((f) => f.chosen)).toEqual(r.outcome.folds.map((f) => f.chosen));
  });

  it('retries a failing task once, then reports it with its fold and parameters', async () => {
    const runner = new URL('./fixtures/portfolio-fault-runner.mjs', import.meta.url).href;
    const r = await study('fault', 2, { runner });
    expect(r.outcome.stats).toMatchObject({ failed: 2, retried: 2 });
    const m = JSON.parse(readFileSync(path.join(r.outDir, 'metrics.json'), 'utf8'));
    expect(m.failures).toEqual([
      { id: 'is:f1:p2', fold: 1, phase: 'is', paramIndex: 2, params: { window: 60, entry: 2.5 }, error: 'injected portfolio failure (fold 1)' },
      { id: 'is:f1:p3', fold: 1, phase: 'is', paramIndex: 3, params: { window: 120, entry: 2.5 }, error: 'injected portfolio failure (fold 1)' },
    ]);
    expect(journal('fault').filter((x) => x.status === 'failed').map((x) => [x.id, x.attempts])).toEqual([
      ['is:f1:p2', 2],
      ['is:f1:p3', 2],
    ]);
    expect(m.folds.map((f: { params: unknown }) => f.params !== null)).toEqual([true, true, true]); // fold 1 chose among the rest
  });

  it('runs a portfolio module from a file, and a single-instrument strategy on every instrument, in the workers', async () => {
    const file = await study('module', 2, { sets: ['strategy.name=examples/strategies/spread-breakout.ts', 'strategy.params={}', 'search.params={window: [30, 60]}'] });
    expect(file.outcome.failures).toEqual([]);
    expect(file.outcome.stitched.metrics.trades).toBeGreaterThan(0);
    const single = await study('single', 2, { sets: ['strategy.name=ma-cross', 'strategy.params={qty: 1}', 'search.params={fast: [5, 10], slow: [60]}'] });
    expect(single.outcome.failures).toEqual([]);
    const trades = readTable(path.join(single.outDir, 'trades.parquet'));
    expect([...new Set(trades.getChild('instrument')!.toArray() as string[])].sort()).toEqual(['ES', 'NQ']);
  });

  it('refuses parameters outside the strategy ParamSpec before anything runs', async () => {
    await expect(study('bad', 1, { sets: ['search.params={window: [1, 60]}'] })).rejects.toThrow(/search\.params \(set \{"window":1\}\): strategy pairs: parameter window = 1; allowed: an integer from 2/);
  });
});

describe.runIf(built)('contango walk-forward with a portfolio config (CLI)', () => {
  it('runs configs/es-nq-portfolio.yaml and writes the results', () => {
    const out = path.join(dir, 'cli');
    const args = ['--set', 'window.end=2024-01-16', '--set', 'folds={mode: rolling, train: 4d, test: 3d}', '--set', 'search.params={window: [60, 120]}', '--set', 'workers=2'];
    const env = { ...process.env, CONTANGO_CACHE_DIR: path.join(dir, 'cache') };
    const r = spawnSync(process.execPath, [path.join(ROOT, 'bin/contango.js'), 'walk-forward', '--config', 'configs/es-nq-portfolio.yaml', '-q', '--out', out, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000, env });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/stitched OOS/);
    for (const f of ['metrics.json', 'folds.json', 'trades.parquet', 'equity.parquet', 'report.html', 'run.json', 'tasks.jsonl']) expect(existsSync(path.join(out, f)), f).toBe(true);
    const m = JSON.parse(readFileSync(path.join(out, 'metrics.json'), 'utf8'));
    expect(m.study).toBe('es-nq-pairs');
    expect(m.folds).toHaveLength(3);
    expect(m.failures).toEqual([]);
  });
});
