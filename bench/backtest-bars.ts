// Bars per second of the L2 backtest engine per worker (one thread), for a do-nothing strategy (pure
// engine overhead: calendar, funding/settlement checks, mark-to-market, risk guards, strategy call) and a
// moving-average crossover that trades. Synthetic one-minute ES-like bars, generated in memory.
//   npm run build:ts && node dist/bench/backtest-bars.js [--bars N] [--runs R]
// The first run on a series also builds its calendar (time-zone work, cached per series): reported apart.
// Portfolio rows (src/backtest/portfolio/): the same ma-cross run through the portfolio engine on one instrument (its
// cost next to the single-instrument engine's, same bars, same run) and on two instruments at once (bars/s counts the
// bars of both).
import { report } from './lib/results.js';
import type { BarSeries } from '../src/backtest/api.js';
import { eachInstrument, resolveConfig, runBacktestWith, runPortfolioBacktest } from '../src/backtest/index.js';
import { validateProduct } from '../src/config/backtest.js';
import { builtinStrategy } from '../src/strategies/index.js';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
}

const N = arg('bars', 2_000_000);
const RUNS = arg('runs', 5);

function series(n: number, seed = 12345, symbol = 'ES'): BarSeries {
  let s = seed;
  const rnd = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296);
  const b: BarSeries = {
    symbol,
    ts: new BigInt64Array(n),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n),
    barNs: 60e9,
  };
  const t0 = BigInt(Date.parse('2015-01-05T00:00:00Z')) * 1_000_000n;
  let p = 8000;
  for (let i = 0; i < n; i++) {
    const o = p;
    const c = Math.max(100, o + Math.round((rnd() - 0.5) * 8));
    b.ts[i] = t0 + BigInt(i) * 60_000_000_000n;
    b.open[i] = o;
    b.close[i] = c;
    b.high[i] = Math.max(o, c) + Math.floor(rnd() * 3);
    b.low[i] = Math.min(o, c) - Math.floor(rnd() * 3);
    b.volume[i] = 100 + Math.floor(rnd() * 500);
    p = c;
  }
  return b;
}

const product = validateProduct(parse(readFileSync('configs/products/es.yaml', 'utf8')), 'es.yaml');
const bars = series(N);
const cases: { name: string; strategy: string; params: Record<string, number>; guards: string }[] = [
  { name: 'noop', strategy: 'noop', params: {}, guards: 'default' },
  { name: 'noop', strategy: 'noop', params: {}, guards: 'off' },
  { name: 'ma-cross 10/30', strategy: 'ma-cross', params: { fast: 10, slow: 30 }, guards: 'default' },
  { name: 'ma-cross 50/200', strategy: 'ma-cross', params: { fast: 50, slow: 200 }, guards: 'default' },
];
const rows = [];
let first = true;
for (const c of cases) {
  const cfg = {
    product,
    account: { initialCapital: 5_000_000 },
    ...(c.guards === 'off'
      ? {
          risk: {
            maxContracts: null,
            maxPositionExposure: null,
            maxPortfolioExposure: null,
            maxGroupExposure: null,
            dailyLossLimit: null,
            weeklyLossLimit: null,
            volatilityTarget: { enabled: false },
            killSwitch: { enabled: false },
          },
        }
      : { risk: { killSwitch: { enabled: false } } }),
  };
  const task = { config: cfg, strategy: c.strategy, params: c.params, startNs: 0n, endNs: 1n << 62n };
  const mod = builtinStrategy(c.strategy)!;
  if (first) {
    const t = performance.now();
    runBacktestWith(mod, task, bars);
    const ms = performance.now() - t;
    rows.push({ case: 'first run (calendar + validation)', guards: c.guards, bars: N, ms: Math.round(ms), 'bars/s': Math.round(N / (ms / 1e3)), trades: 0 });
    first = false;
  }
  runBacktestWith(mod, task, bars); // warm-up
  const times: number[] = [];
  let trades = 0;
  for (let r = 0; r < RUNS; r++) {
    const t = performance.now();
    const res = runBacktestWith(mod, task, bars);
    times.push(performance.now() - t);
    trades = res.metrics.trades;
  }
  times.sort((a, b) => a - b);
  const med = times[Math.floor(times.length / 2)]!;
  rows.push({ case: c.name, guards: c.guards, bars: N, ms: Math.round(med), 'bars/s': Math.round(N / (med / 1e3)), trades });
}
// the portfolio engine: ma-cross 10/30 with the default guards, on one instrument and on two
{
  const cfg = { account: { initialCapital: 5_000_000 }, risk: { killSwitch: { enabled: false } } };
  const resolved = runBacktestWith(builtinStrategy('ma-cross')!, { config: { product, ...cfg }, strategy: 'ma-cross', params: { fast: 10, slow: 30 }, startNs: 0n, endNs: 1n << 62n }, bars);
  const other = series(N, 777, 'ES2');
  const engine = resolveConfig({ product, ...cfg });
  const leg = { module: builtinStrategy('ma-cross')!, params: { fast: 10, slow: 30 } };
  for (const legs of [[{ name: 'ES', bars }], [{ name: 'ES', bars }, { name: 'ES2', bars: other }]]) {
    const strategy = eachInstrument(Object.fromEntries(legs.map((l) => [l.name, leg])));
    const input = { config: engine, instruments: legs.map((l) => ({ ...l, product })), strategy, startNs: 0n, endNs: 1n << 62n };
    let r = runPortfolioBacktest(input); // warm-up
    const times: number[] = [];
    for (let k = 0; k < RUNS; k++) {
      const t = performance.now();
      r = runPortfolioBacktest(input);
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    const med = times[Math.floor(times.length / 2)]!;
    const total = N * legs.length;
    if (legs.length === 1 && r.metrics.trades !== resolved.metrics.trades) throw new Error('portfolio of one instrument: trades differ from the single engine');
    rows.push({ case: `portfolio, ma-cross 10/30 on ${legs.length} instrument(s)`, guards: 'default', bars: total, ms: Math.round(med), 'bars/s': Math.round(total / (med / 1e3)), trades: r.metrics.trades });
  }
}
const noop = rows.find((r) => r.case === 'noop' && r.guards === 'default')!;
report('backtest-bars', rows, {
  note: 'median of runs; bars/s per worker thread; target >= 5,000,000 for a simple strategy at L2',
  runs: RUNS,
  ratioMaCrossToNoop: (rows.find((r) => r.case === 'ma-cross 10/30')!['bars/s'] as number) / (noop['bars/s'] as number),
  // the portfolio engine on one instrument against the single-instrument engine, same strategy and bars (1 = as fast)
  ratioPortfolioToSingle:
    (rows.find((r) => r.case === 'portfolio, ma-cross 10/30 on 1 instrument(s)')!['bars/s'] as number) /
    (rows.find((r) => r.case === 'ma-cross 10/30')!['bars/s'] as number),
});
