// The results directory of a study or a backtest:
//   metrics.json   deterministic: the same study gives the same bytes whatever the worker count
//   folds.json     fold windows, every parameter set's in-sample metrics, the choice per fold
//   trades.parquet out-of-sample trades (fold, symbol, side, times, quantity, prices, pnl, fees)
//   equity.parquet the (stitched) equity curve with drawdown and fold
//   report.html    offline report
//   run.json       what ran: config hash, data files, workers, durations (not deterministic)
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import * as arrow from 'apache-arrow';
import type { Metrics, Trade } from '../backtest/api.js';
import { drawdownSeries } from '../backtest/metrics.js';
import { msReader } from '../backtest/calendar.js';
import { isoFromNs } from '../walkforward/duration.js';
import type { StudyOutcome } from '../walkforward/runner.js';
import { renderReport, type ReportFold } from './html.js';
import { timestampNs, writeParquetFile } from './parquet.js';

/** JSON with a fixed layout: 2-space indent, non-finite numbers as strings, bigints as decimal strings. */
export function stableJson(v: unknown): string {
  return (
    JSON.stringify(
      v,
      (_k, val: unknown) => {
        if (typeof val === 'bigint') return val.toString();
        if (typeof val === 'number' && !Number.isFinite(val)) return String(val);
        return val;
      },
      2,
    ) + '\n'
  );
}

export interface TradeRow extends Trade {
  fold: number;
  /** a portfolio run's instrument name (PortfolioTrade.instrument): written as the `instrument` column */
  instrument?: string;
}

/** `tickSize`: 1e-9 price units per tick, for every trade or per trade (a portfolio's instruments differ) */
export function tradesTable(trades: TradeRow[], tickSize: number | ((t: TradeRow) => number)): arrow.Table {
  const n = trades.length;
  const tick = typeof tickSize === 'number' ? () => tickSize : tickSize;
  const col = <T>(f: (t: TradeRow) => T) => trades.map(f);
  return new arrow.Table({
    fold: arrow.makeVector(Int32Array.from(col((t) => t.fold))),
    symbol: arrow.vectorFromArray(col((t) => t.symbol), new arrow.Utf8()),
    // portfolio runs only (their trades name the instrument): single-instrument files keep their columns
    ...(n && trades.some((t) => t.instrument !== undefined) ? { instrument: arrow.vectorFromArray(col((t) => t.instrument ?? ''), new arrow.Utf8()) } : {}),
    side: arrow.makeVector(Int8Array.from(col((t) => t.side))),
    entry_ts: timestampNs(BigInt64Array.from(col((t) => t.entryTs))),
    exit_ts: timestampNs(BigInt64Array.from(col((t) => t.exitTs))),
    qty: arrow.makeVector(Float64Array.from(col((t) => t.qty))),
    entry_price_ticks: arrow.makeVector(Float64Array.from(col((t) => t.entryPrice))),
    exit_price_ticks: arrow.makeVector(Float64Array.from(col((t) => t.exitPrice))),
    entry_price: arrow.makeVector(Float64Array.from(col((t) => (t.entryPrice * tick(t)) / 1e9))),
    exit_price: arrow.makeVector(Float64Array.from(col((t) => (t.exitPrice * tick(t)) / 1e9))),
    // money: micro-units of the account currency (docs/scales.md), exact integers
    pnl_micro: arrow.makeVector(Float64Array.from(col((t) => t.pnl))),
    fees_micro: arrow.makeVector(Float64Array.from(col((t) => t.fees))),
    ...(n && trades.some((t) => t.funding !== undefined) ? { funding_micro: arrow.makeVector(Float64Array.from(col((t) => t.funding ?? 0))) } : {}),
  });
}

export function equityTable(ts: BigInt64Array, equity: Float64Array, drawdown: Float64Array, fold?: Int32Array): arrow.Table {
  return new arrow.Table({
    ts_event: timestampNs(ts),
    equity_micro: arrow.makeVector(equity),
    drawdown: arrow.makeVector(drawdown),
    ...(fold ? { fold: arrow.makeVector(fold) } : {}),
  });
}

/** How an equity curve is written: long flat runs (plain floats), fold numbers in runs, statistics on the time only. */
const CURVE = { floats: 'plain', runs: ['fold'], statistics: 'timestamps' } as const;

export interface StudyWriteInput {
  outDir: string;
  name: string;
  hash: string;
  objective: { metric: string; direction: string; minTrades: number };
  tickSize: number;
  /** per-trade tick size (portfolio studies: each trade's instrument's); default: tickSize for every trade */
  tickSizeOf?: (t: TradeRow) => number;
  outcome: StudyOutcome;
  run: Record<string, unknown>;
}

/** Write metrics.json, folds.json, trades.parquet, equity.parquet, report.html and run.json. */
export function writeStudyResults(w: StudyWriteInput): string[] {
  const { outcome } = w;
  const foldsOut = outcome.folds.map((f) => ({
    fold: f.fold.index,
    trainStart: isoFromNs(f.fold.trainStart),
    trainEnd: isoFromNs(f.fold.trainEnd),
    testStart: isoFromNs(f.fold.testStart),
    testEnd: isoFromNs(f.fold.testEnd),
    window: { trainStartNs: f.fold.trainStart, trainEndNs: f.fold.trainEnd, testStartNs: f.fold.testStart, testEndNs: f.fold.testEnd },
    paramIndex: f.chosen?.paramIndex ?? null,
    params: f.chosen?.params ?? null,
    inSampleObjective: f.chosen?.score ?? null,
    outOfSample: f.oos?.metrics ?? null,
    note: f.note ?? null,
  }));
  const failures = outcome.failures.map((r) => ({ id: r.id, fold: r.fold, phase: r.phase, paramIndex: r.paramIndex, params: r.params, error: r.error ?? '' }));
  const metrics = {
    study: w.name,
    configHash: w.hash,
    objective: w.objective,
    outOfSample: outcome.stitched.metrics,
    folds: foldsOut.map(({ window: _w, ...rest }) => rest),
    failures,
  };
  const files: string[] = [];
  const put = (name: string, text: string) => {
    writeFileSync(path.join(w.outDir, name), text);
    files.push(name);
  };
  put('metrics.json', stableJson(metrics));
  put(
    'folds.json',
    stableJson({
      parameterSets: outcome.params,
      folds: foldsOut.map((f, k) => ({ ...f, inSample: outcome.folds[k]!.inSample.map((m) => m ?? null) })),
    }),
  );
  const trades: TradeRow[] = outcome.oosFolds.flatMap((f) => f.trades.map((t) => ({ ...t, fold: f.fold })));
  writeParquetFile(path.join(w.outDir, 'trades.parquet'), tradesTable(trades, w.tickSizeOf ?? w.tickSize));
  files.push('trades.parquet');
  const s = outcome.stitched;
  writeParquetFile(path.join(w.outDir, 'equity.parquet'), equityTable(s.ts, s.equity, s.drawdown, s.fold), CURVE);
  files.push('equity.parquet');
  const key = w.objective.metric as keyof Metrics;
  const reportFolds: ReportFold[] = foldsOut.map((f) => ({
    index: f.fold,
    trainStart: f.trainStart,
    trainEnd: f.trainEnd,
    testStart: f.testStart,
    testEnd: f.testEnd,
    params: f.params ?? undefined,
    paramIndex: f.paramIndex ?? undefined,
    inSampleObjective: f.inSampleObjective ?? undefined,
    oos: f.outOfSample ?? undefined,
    note: f.note ?? undefined,
  }));
  put(
    'report.html',
    renderReport({
      title: `Walk-forward study: ${w.name}`,
      subtitle: `${outcome.folds.length} folds × ${outcome.params.length} parameter sets · objective ${w.objective.direction} ${w.objective.metric} · config ${w.hash}`,
      metrics: s.metrics,
      objectiveName: w.objective.metric,
      objectiveDirection: w.objective.direction === 'min' ? 'min' : 'max',
      // ms since epoch of the points the charts keep only (downsample reads x where it keeps a point)
      ...((x) => ({ equity: { x, y: s.equity }, drawdown: { x, y: s.drawdown } }))(msReader(s.ts)),
      foldStarts: outcome.folds.map((f) => Number(f.fold.testStart / 1_000_000n)),
      folds: reportFolds,
      grid: { params: outcome.params, values: outcome.folds.map((f) => f.inSample.map((m) => (m ? (m[key] as number) : undefined))) },
      failures,
      run: Object.fromEntries(Object.entries(w.run).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)])),
    }),
  );
  put('run.json', stableJson(w.run));
  return files;
}

export interface BacktestWriteInput {
  outDir: string;
  name: string;
  hash: string;
  tickSize: number;
  /** per-trade tick size (portfolio backtests: each trade's instrument's); default: tickSize for every trade */
  tickSizeOf?: (t: Trade) => number;
  metrics: Metrics;
  equity: { ts: BigInt64Array; equity: Float64Array };
  trades: Trade[];
  run: Record<string, unknown>;
}

export function writeBacktestResults(w: BacktestWriteInput): string[] {
  const dd = drawdownSeries(w.equity.equity);
  writeFileSync(path.join(w.outDir, 'metrics.json'), stableJson({ backtest: w.name, configHash: w.hash, metrics: w.metrics }));
  writeParquetFile(path.join(w.outDir, 'trades.parquet'), tradesTable(w.trades.map((t) => ({ ...t, fold: 0 })), w.tickSizeOf ?? w.tickSize));
  writeParquetFile(path.join(w.outDir, 'equity.parquet'), equityTable(w.equity.ts, w.equity.equity, dd), CURVE);
  writeFileSync(
    path.join(w.outDir, 'report.html'),
    renderReport({
      title: `Backtest: ${w.name}`,
      subtitle: `config ${w.hash}`,
      metrics: w.metrics,
      ...((x) => ({ equity: { x, y: w.equity.equity }, drawdown: { x, y: dd } }))(msReader(w.equity.ts)),
      run: Object.fromEntries(Object.entries(w.run).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)])),
    }),
  );
  writeFileSync(path.join(w.outDir, 'run.json'), stableJson(w.run));
  return ['metrics.json', 'trades.parquet', 'equity.parquet', 'report.html', 'run.json'];
}
