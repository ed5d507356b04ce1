// Prefix views (BarSeries.parent, src/backtest/prefix-view.ts): the calendar, sigma/ADV and indicators a worker
// derives from the full series must be exactly what the engine computes on the cut series itself, at any cut —
// trading-day boundaries, settlement bars, early closes, DST switches, funding instants — and whole backtests on a
// view must equal backtests on a copy of the same rows.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { BacktestResult, BarSeries } from '../../src/backtest/api.js';
import { computeCalendar, settlementPriceColumn, type BarCalendar } from '../../src/backtest/calendar.js';
import { runBacktestWith } from '../../src/backtest/index.js';
import { calendarOf, indicatorMemoSize, indicatorsFor, prefixView, rootOf, settlementPricesOf, sigmaAdvOf } from '../../src/backtest/prefix-view.js';
import { resolveProduct, type ProductSpec } from '../../src/backtest/product.js';
import { rollingSigmaAdv } from '../../src/backtest/slippage.js';
import { IndicatorFactory, Series } from '../../src/backtest/strategy.js';
import { loadProduct } from '../../src/config/backtest.js';
import { loadBars } from '../../src/data/bars.js';
import { generateEs } from '../../src/generate/es.js';
import { databentoOhlcvTable } from '../../src/generate/index.js';
import { writeParquetFile } from '../../src/report/parquet.js';
import { builtinStrategy } from '../../src/strategies/index.js';
import { Rng } from '../../src/walkforward/random.js';
import { tmpDir } from './helpers.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PRODUCTS = path.join(ROOT, 'configs/products');
const ES_TICK = 250_000_000n;

let es: BarSeries; // the bundled ES sample: Christmas, New Year, MLK and Presidents' Day early closes
let dst: BarSeries; // generated ES bars across the 2024-03-10 DST switch
let btc: BarSeries; // the bundled BTCUSDT perpetual: funding every 8 h, trading around the clock
let ES: ProductSpec;
let BTC: ProductSpec;

beforeAll(async () => {
  ES = resolveProduct(loadProduct('es', PRODUCTS));
  BTC = resolveProduct(loadProduct('btcusdt-perp', PRODUCTS));
  es = await loadBars(path.join(ROOT, 'data/es-ohlcv-1m.parquet'), { tickUnits: ES_TICK, symbol: 'ESH4', cache: false });
  btc = await loadBars(path.join(ROOT, 'data/btcusdt-perp-1m.parquet'), { tickUnits: BigInt(BTC.tickSize), cache: false });
  const file = path.join(tmpDir('contango-prefix-'), 'dst.parquet');
  writeParquetFile(file, databentoOhlcvTable(generateEs({ seed: 3, start: '2024-03-05', end: '2024-03-14' })));
  dst = await loadBars(file, { tickUnits: ES_TICK, cache: false });
});

const view = prefixView;

/** The first n rows of b as a copy: nothing shared, nothing derived. */
function copy(b: BarSeries, n: number): BarSeries {
  const v: BarSeries = {
    symbol: b.symbol,
    barNs: b.barNs,
    ts: b.ts.slice(0, n),
    open: b.open.slice(0, n),
    high: b.high.slice(0, n),
    low: b.low.slice(0, n),
    close: b.close.slice(0, n),
    volume: b.volume.slice(0, n),
  };
  if (b.mark) v.mark = b.mark.slice(0, n);
  if (b.fundingRate) v.fundingRate = b.fundingRate.slice(0, n);
  return v;
}

/** Cut points around every trading-day change and settlement bar (±2 bars), plus a few random ones. */
function cuts(b: BarSeries, p: ProductSpec, extra: (i: number) => boolean = () => false): number[] {
  const full = computeCalendar(b, p);
  const out = new Set<number>();
  const n = b.ts.length;
  for (let i = 1; i < n; i++) {
    if (full.day[i] !== full.day[i - 1] || full.settle[i] === 1 || extra(i)) for (let d = -2; d <= 2; d++) out.add(Math.min(n, Math.max(1, i + d)));
  }
  const rng = new Rng(11);
  for (let k = 0; k < 40; k++) out.add(1 + Math.floor(rng.next() * n));
  out.add(n);
  return [...out].sort((a, c) => a - c);
}

function expectSameCalendar(a: BarCalendar, c: BarCalendar, at: string): void {
  for (const k of ['regular', 'day', 'week', 'settle', 'funding'] as const) {
    if (a[k].length !== c[k].length || a[k].some((x, i) => x !== c[k][i])) {
      const i = a[k].findIndex((x, j) => x !== c[k][j]);
      throw new Error(`${at}: ${k} differs (lengths ${a[k].length}/${c[k].length}, first at ${i})`);
    }
  }
  expect([a.barsPerDay, a.periodsPerYear], at).toEqual([c.barsPerDay, c.periodsPerYear]);
}

describe('prefix views: settlement prices', () => {
  it('equal the settlement VWAP computed on the cut series at every settlement bar, the last bar included', () => {
    expect(ES.session.settlementPrice.method).toBe('vwap');
    const cs = cuts(es, ES).filter((n) => n <= 45_000);
    const fullSettle = computeCalendar(es, ES).settle;
    let lastBarDiffers = 0;
    for (const n of cs) {
      const v = view(es, n);
      const cal = calendarOf(v, ES);
      const own = computeCalendar(copy(es, n), ES);
      const want = settlementPriceColumn(copy(es, n), ES, own.settle)!;
      const got = settlementPricesOf(v, ES, cal)!;
      expect(got.length, `cut ${n}`).toBe(n);
      for (let i = 0; i < n; i++) if (own.settle[i] === 1 && got[i] !== want[i]) throw new Error(`cut ${n}: settlement price at ${i}: ${got[i]} vs ${want[i]}`);
      if (own.settle[n - 1] !== fullSettle[n - 1]) lastBarDiffers++;
    }
    // cuts whose last bar's settlement flag differs from the full series' (the non-causal flag) are covered
    expect(lastBarDiffers).toBeGreaterThan(0);
  });
});

describe('prefix views: calendar', () => {
  it('is computeCalendar of the cut series at every day boundary and settlement bar (ES sample, holidays, early closes)', () => {
    // the first 45,000 bars: to late January, Christmas, New Year and Martin Luther King day included
    const cs = cuts(es, ES).filter((n) => n <= 45_000);
    expect(cs.length).toBeGreaterThan(200);
    let lastSettleChecked = 0;
    for (const n of cs) {
      const v = view(es, n);
      const own = computeCalendar(copy(es, n), ES);
      expectSameCalendar(calendarOf(v, ES), own, `ES cut at ${n}`);
      if (own.settle[n - 1] === 1) lastSettleChecked++;
    }
    // the one non-causal flag: some cuts end on a settling bar that only the next bar would have revealed
    expect(lastSettleChecked).toBeGreaterThan(20);
  });

  it('across a DST switch', () => {
    for (const n of cuts(dst, ES)) expectSameCalendar(calendarOf(view(dst, n), ES), computeCalendar(copy(dst, n), ES), `DST cut at ${n}`);
  });

  it('at funding instants of a perpetual', () => {
    const full = computeCalendar(btc, BTC);
    const cs = cuts(btc, BTC, (i) => full.funding[i] === 1).filter((n) => n < 20_000);
    expect(cs.length).toBeGreaterThan(100);
    for (const n of cs) expectSameCalendar(calendarOf(view(btc, n), BTC), computeCalendar(copy(btc, n), BTC), `BTC cut at ${n}`);
  });
});

describe('prefix views: what is shared and what is not', () => {
  it('rootOf accepts a view of the same memory only', () => {
    const v = view(es, 1000);
    expect(rootOf(v)).toBe(es);
    expect(rootOf(view(v, 500))).toBe(es); // a view of a view shares the root's work
    expect(rootOf({ ...copy(es, 1000), parent: es })).toBeNull(); // same rows, other memory: not trusted
    expect(rootOf({ ...v, close: v.open })).toBeNull();
    expect(rootOf({ ...v, symbol: 'NQ' })).toBeNull();
    expect(rootOf(copy(es, 1000))).toBeNull();
  });

  it('a view computes its calendar once per product, whichever object holds the product (one per task in a worker)', () => {
    // resolveProduct hands out one spec per config object; a re-parsed config (another object, same values) still
    // finds the view's calendar: it is keyed by the session and funding, not by the object
    const cfg = loadProduct('es', PRODUCTS);
    expect(resolveProduct(cfg)).toBe(resolveProduct(cfg));
    const again = resolveProduct(JSON.parse(JSON.stringify(cfg)) as typeof cfg);
    expect(again).not.toBe(resolveProduct(cfg));
    const v = view(es, 5000);
    expect(calendarOf(v, again)).toBe(calendarOf(v, resolveProduct(cfg)));
    // another session is another calendar
    const shifted = resolveProduct({ ...cfg, session: { ...cfg.session, settlement: '14:00' } });
    expect(calendarOf(v, shifted)).not.toBe(calendarOf(v, again));
  });

  it('sigma/ADV of a view is the rolling estimate on the cut series', () => {
    for (const n of [2, 3, 500, 12_345, es.ts.length]) {
      const got = sigmaAdvOf(view(es, n), 390, 1380);
      const want = rollingSigmaAdv(copy(es, n), es.close.subarray(0, n).slice(), es.volume.subarray(0, n).slice(), 390, 1380);
      expect(Array.from(got.sigma)).toEqual(Array.from(want.sigma));
      expect(Array.from(got.adv)).toEqual(Array.from(want.adv));
    }
  });

  it('indicators of a view equal those computed on the cut series, bit for bit, and are computed once', () => {
    const cursor = { bar: 0 };
    // a column with NaN gaps, as derived series have (shift, warm-ups)
    const gappy = new Float64Array(es.close.length);
    for (let i = 0; i < gappy.length; i++) gappy[i] = i % 997 < 5 ? NaN : es.close[i]! - es.open[i]!;
    const root: BarSeries = { ...es, volume: es.volume, open: gappy };
    for (const n of [1, 7, 1_000, 33_333, root.ts.length]) {
      const v = view(root, n);
      const shared = indicatorsFor(v, cursor);
      const plain = new IndicatorFactory(cursor);
      // a view's factory is the sharing subclass (the full length is the series itself: a plain factory)
      if (v !== root) expect(Object.getPrototypeOf(shared)).not.toBe(IndicatorFactory.prototype);
      else expect(n).toBe(root.ts.length);
      expect(Object.getPrototypeOf(plain)).toBe(IndicatorFactory.prototype);
      const col = (s: IndicatorFactory, name: 'open' | 'high' | 'low' | 'close' | 'volume') =>
        s === plain ? new Series(copy(root, n)[name], cursor) : new Series(v[name], cursor);
      const calls: [string, (f: IndicatorFactory) => Series][] = [
        ['sma', (f) => f.sma(col(f, 'close'), 20)],
        ['sma gaps', (f) => f.sma(col(f, 'open'), 20)],
        ['ema', (f) => f.ema(col(f, 'open'), 30)],
        ['std', (f) => f.std(col(f, 'close'), 50)],
        ['zscore', (f) => f.zscore(col(f, 'close'), 60)],
        ['bollingerPctB', (f) => f.bollingerPctB(col(f, 'close'), 20, 2)],
        ['roc', (f) => f.roc(col(f, 'close'), 240)],
        ['rsi', (f) => f.rsi(col(f, 'open'), 14)],
        ['highest', (f) => f.highest(col(f, 'high'), 120)],
        ['lowest', (f) => f.lowest(col(f, 'low'), 120)],
        ['shift of highest', (f) => f.shift(f.highest(col(f, 'high'), 60), 1)],
        ['atr', (f) => f.atr(col(f, 'high'), col(f, 'low'), col(f, 'close'), 14)],
        ['rangePosition', (f) => f.rangePosition(col(f, 'high'), col(f, 'low'), col(f, 'close'), 30)],
        ['clv', (f) => f.clv(col(f, 'high'), col(f, 'low'), col(f, 'close'))],
        ['vwap', (f) => f.vwap(col(f, 'high'), col(f, 'low'), col(f, 'close'), col(f, 'volume'), 45)],
        ['map', (f) => f.map((a, b) => a - b, col(f, 'high'), col(f, 'low'))],
      ];
      for (const [name, call] of calls) {
        const got = Series.raw(call(shared));
        const want = Series.raw(call(plain));
        expect(got.length, `${name} at ${n}`).toBe(n);
        const bad = want.findIndex((x, i) => !Object.is(x, got[i]));
        expect(bad, `${name} at ${n}: first difference`).toBe(-1);
      }
    }
    // computed once on the root: asking again hands out the same memory
    const v5 = view(es, 5_000);
    const v9 = view(es, 9_000);
    const a = Series.raw(indicatorsFor(v5, cursor).roc(new Series(v5.close, cursor), 77));
    const before = indicatorMemoSize().entries;
    const b = Series.raw(indicatorsFor(v9, cursor).roc(new Series(v9.close, cursor), 77));
    expect(indicatorMemoSize().entries).toBe(before);
    expect(b.buffer === a.buffer).toBe(true);
    expect(b.length).toBe(9_000);
  });
});

describe('prefix views: whole backtests', () => {
  const strip = (r: BacktestResult) => ({ ...r, equity: { ts: Array.from(r.equity.ts), equity: Array.from(r.equity.equity) } });

  it('a backtest on a view equals the backtest on a copy of its rows (ES: slippage, settlement, end of window)', () => {
    const full = computeCalendar(es, ES);
    // windows ending on settling bars, at day ends (the early closes among them) and in the middle of sessions
    const ends = [...new Set(cuts(es, ES).filter((n, k) => k % 9 === 0 || full.settle[n - 1] === 1))].filter((n) => n > 5_000);
    expect(ends.length).toBeGreaterThan(20);
    const strategies: [string, Record<string, number>][] = [
      ['momentum', { fast: 30, mid: 120, slow: 480, threshold: 2, exits: 1 }],
      ['breakout', { entryBars: 60, exitBars: 30 }],
      ['mean-reversion', { window: 60, entryZ: 1.5, qty: 2 }],
      ['ma-cross', { fast: 5, slow: 40 }],
    ];
    let trades = 0;
    for (const [k, n] of ends.slice(0, 60).entries()) {
      const [name, params] = strategies[k % strategies.length]!;
      const config = {
        product: loadProduct('es', PRODUCTS),
        account: { initialCapital: 1_000_000 },
        execution: { slippage: true, closeAtEnd: k % 2 === 0 },
        risk: { volatilityTarget: { enabled: false } },
      };
      const endNs = es.ts[n - 1]! + 60_000_000_000n;
      const task = { config, strategy: name, params, startNs: endNs - 3n * 86_400_000_000_000n, endNs };
      const mod = builtinStrategy(name)!;
      const a = runBacktestWith(mod, task, view(es, n));
      const b = runBacktestWith(mod, task, copy(es, n));
      expect(strip(a), `${name} ending at row ${n}`).toEqual(strip(b));
      trades += a.trades.length;
    }
    expect(trades).toBeGreaterThan(50);
  });
});
