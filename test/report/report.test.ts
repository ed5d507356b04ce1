// The results directory writer and the offline HTML report, on a synthetic study outcome.
import { readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as arrow from 'apache-arrow';
import { readParquet } from 'parquet-wasm';
import { describe, expect, it } from 'vitest';
import type { Metrics, Trade } from '../../src/backtest/api.js';
import { stableJson, writeStudyResults } from '../../src/report/results.js';
import { downsample } from '../../src/report/svg.js';
import type { StudyOutcome } from '../../src/walkforward/runner.js';
import { stitch, initialCapitalOf, type FoldEquity } from '../../src/walkforward/stitch.js';

const D = 86_400_000_000_000n;
const T0 = 1_704_067_200_000_000_000n;
const metrics = (over: Partial<Metrics> = {}): Metrics => ({
  totalReturn: 0, annualizedReturn: 0, volatility: 0, sharpe: 0, sortino: 0, maxDrawdown: 0, maxDrawdownDurationNs: 0, calmar: 0,
  winRate: 0, profitFactor: 0, averageTrade: 0, exposure: 0.5, turnover: 1, feesPaid: 1_000_000, fundingPaid: 0, trades: 1, ...over,
});
const trade = (ts: bigint, pnl: number): Trade => ({ symbol: 'ES', side: 1, entryTs: ts, exitTs: ts + 60_000_000_000n, qty: 1, entryPrice: 19200, exitPrice: 19204, pnl, fees: 4_240_000 });

function fold(k: number, start: bigint, values: number[], initial: number): FoldEquity {
  const ts = BigInt64Array.from(values.map((_, i) => start + BigInt(i) * D));
  const equity = Float64Array.from(values);
  const m = metrics({ totalReturn: values.at(-1)! / initial - 1, sharpe: k + 0.5 });
  return { fold: k, ts, equity, initial, metrics: m, trades: [trade(start, values.at(-1)! - initial)] };
}

describe('stitching', () => {
  it('chains folds by returns: each fold starts where the previous ended', () => {
    const a = fold(0, T0, [105, 110], 100);
    const b = fold(1, T0 + 10n * D, [95, 90], 100);
    const s = stitch([a, b], 100);
    expect(Array.from(s.equity)).toEqual([105, 110, 104.5, 99]);
    expect(s.metrics.totalReturn).toBeCloseTo(-0.01, 12);
    expect(s.metrics.maxDrawdown).toBeCloseTo(1 - 99 / 110, 12);
    expect(Array.from(s.fold)).toEqual([0, 0, 1, 1]);
    expect(s.metrics.trades).toBe(2);
    expect(s.drawdown[3]).toBeCloseTo(99 / 110 - 1, 12);
  });

  it('recovers the initial capital from final equity and total return', () => {
    expect(initialCapitalOf(Float64Array.from([101, 120]), metrics({ totalReturn: 0.2 }))).toBeCloseTo(100, 9);
  });
});

describe('results directory', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'contango-report-'));
  const f0 = fold(0, T0, [101e6, 103e6, 102e6], 100e6);
  const f1 = fold(1, T0 + 5n * D, [99e6, 104e6], 100e6);
  const params = [{ fast: 3, slow: 20 }, { fast: 5, slow: 20 }, { fast: 3, slow: 40 }, { fast: 5, slow: 40 }];
  const mkFold = (k: number) => ({
    fold: { index: k, trainStart: T0 + BigInt(k) * 5n * D - 10n * D, trainEnd: T0 + BigInt(k) * 5n * D, testStart: T0 + BigInt(k) * 5n * D, testEnd: T0 + BigInt(k + 1) * 5n * D },
    inSample: params.map((_, j) => (j === 3 ? undefined : metrics({ sharpe: j - k, profitFactor: Infinity }))),
    chosen: { paramIndex: 2, params: params[2]!, score: 2 - k },
    oos: { metrics: [f0, f1][k]!.metrics, equityFile: `oos/fold-00${k}.arrow` },
  });
  const outcome: StudyOutcome = {
    folds: [mkFold(0), mkFold(1)],
    params,
    stitched: stitch([f0, f1], 100e6),
    oosFolds: [f0, f1],
    failures: [{ id: 'is:f0:p3', fold: 0, phase: 'is', paramIndex: 3, params: params[3]!, status: 'failed', error: 'boom <script>', attempts: 2, runMs: 0 }],
    stats: { tasks: 10, executed: 10, resumed: 0, retried: 1, failed: 2, wallMs: 1, taskMs: 1 },
  };
  const files = writeStudyResults({ outDir: dir, name: 'unit', hash: 'abc', objective: { metric: 'sharpe', direction: 'max', minTrades: 1 }, tickSize: 250_000_000, outcome, run: { workers: 2 } });

  it('writes every file', () => {
    expect(files).toEqual(['metrics.json', 'folds.json', 'trades.parquet', 'equity.parquet', 'report.html', 'run.json']);
  });

  it('metrics.json: folds in order, chosen params, failures with fold and params, non-finite numbers as text', () => {
    const m = JSON.parse(readFileSync(path.join(dir, 'metrics.json'), 'utf8'));
    expect(m.folds.map((f: { fold: number; params: unknown }) => [f.fold, f.params])).toEqual([[0, { fast: 3, slow: 40 }], [1, { fast: 3, slow: 40 }]]);
    expect(m.failures).toEqual([{ id: 'is:f0:p3', fold: 0, phase: 'is', paramIndex: 3, params: { fast: 5, slow: 40 }, error: 'boom <script>' }]);
    const folds = JSON.parse(readFileSync(path.join(dir, 'folds.json'), 'utf8'));
    expect(folds.folds[0].inSample[0].profitFactor).toBe('Infinity');
    expect(folds.folds[0].inSample[3]).toBeNull();
    expect(stableJson({ a: 1n, b: -Infinity })).toBe('{\n  "a": "1",\n  "b": "-Infinity"\n}\n');
  });

  it('trades.parquet and equity.parquet read back with exact timestamps and prices', () => {
    const read = (f: string) => arrow.tableFromIPC(readParquet(new Uint8Array(readFileSync(path.join(dir, f)))).intoIPCStream());
    const t = read('trades.parquet');
    expect(t.numRows).toBe(2);
    expect(t.getChild('entry_ts')!.data[0]!.values[1]).toBe(T0 + 5n * D);
    expect(t.getChild('entry_price')!.get(0)).toBe(4800);
    expect(Array.from(t.getChild('fold')!.toArray() as Int32Array)).toEqual([0, 1]);
    const e = read('equity.parquet');
    expect(e.numRows).toBe(5);
    expect(Array.from(e.getChild('equity_micro')!.toArray() as Float64Array)).toEqual(Array.from(outcome.stitched.equity));
    expect(e.schema.fields.map((f) => f.name)).toEqual(['ts_event', 'equity_micro', 'drawdown', 'fold']);
  });

  it('report.html is self-contained: inline SVG, no scripts, nothing fetched, text escaped', () => {
    const html = readFileSync(path.join(dir, 'report.html'), 'utf8');
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/<script|<link|src=/i);
    expect((html.match(/<svg /g) ?? []).length).toBeGreaterThanOrEqual(4); // equity, drawdown, 2 heat maps
    expect(html).toContain('fold × parameter set');
    expect(html).toContain('boom &lt;script&gt;');
    expect(html).toContain('fast=3 slow=40');
  });

  it('downsampling keeps extremes', () => {
    const x = Array.from({ length: 10_000 }, (_, i) => i);
    const y = x.map((i) => (i === 7777 ? 1e6 : i === 1234 ? -1e6 : Math.sin(i)));
    const d = downsample(x, y, 100);
    expect(d.x.length).toBeLessThanOrEqual(200);
    expect(Math.max(...d.y)).toBe(1e6);
    expect(Math.min(...d.y)).toBe(-1e6);
  });

  it('downsampling reads a function of the index for x at the kept points only, same result as the array', () => {
    const n = 100_000;
    const x = Float64Array.from({ length: n }, (_, i) => 1.7e12 + i * 60_000);
    const y = Float64Array.from({ length: n }, (_, i) => (i === 55_555 ? NaN : Math.sin(i / 700) + (i % 13) / 50));
    const read: number[] = [];
    const d = downsample((i) => (read.push(i), x[i]!), y, 300);
    expect(d).toEqual(downsample(x, y, 300));
    expect(read.length).toBe(d.x.length);
    expect(downsample((i) => x[i]!, y.subarray(0, 50), 300)).toEqual(downsample(x.subarray(0, 50), y.subarray(0, 50), 300));
  });

  it('equity.parquet is written as a curve: fold numbers plain, not delta-encoded', async () => {
    const { ParquetFile, Encoding } = await import('parquet-wasm');
    const f = await ParquetFile.fromFile(new Blob([readFileSync(path.join(dir, 'equity.parquet'))]));
    const cols = Object.fromEntries(f.metadata().rowGroup(0).columns().map((c) => [c.columnPath().join('.'), c.encodings()]));
    expect(cols['fold']).not.toContain(Encoding.DELTA_BINARY_PACKED);
    expect(cols['ts_event']).toContain(Encoding.DELTA_BINARY_PACKED);
  });
});
