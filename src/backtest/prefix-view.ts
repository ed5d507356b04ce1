// Per-series work shared between a bar series and its prefixes (BarSeries.parent, src/backtest/api.ts).
//
// A walk-forward worker runs every task on the bars cut at the task's window end: a few views of one series,
// each the first n rows of it. Validation, the trading calendar, the rolling sigma/ADV of the slippage model
// and the strategies' indicators are all causal (row i depends on rows <= i only), so for a prefix they are
// the prefix of the parent's: computed once per worker on the parent, then handed out as subarrays. Before,
// each view recomputed them (and each of N workers did so for every view it met): a large share of a task's CPU and
// most of its garbage on a 3-year study.
//
// The one value that is not causal is the calendar's settlement flag of a view's LAST bar: a trading day that
// ends before its settlement time settles on its last bar, which computeCalendar learns at the next bar (which
// the view doesn't have). That flag is recomputed from the view's own last two trading days.
import type { BarSeries } from './api.js';
import { barCalendar, calendarKey, computeCalendar, settlementPriceAt, settlementPriceColumn, type BarCalendar } from './calendar.js';
import type { ProductSpec } from './product.js';
import { ewVarianceColumn } from './risk.js';
import { rollingSigmaAdv, type SigmaAdv } from './slippage.js';
import { IndicatorFactory, Series, type Cursor } from './strategy.js';
import { inSharedMemory } from '../util/shared-memory.js';

type Col = Float64Array | BigInt64Array;

function sameMemory(v: Col | undefined, p: Col | undefined, n: number): boolean {
  if (v === undefined || p === undefined) return v === p;
  return v.buffer === p.buffer && v.byteOffset === p.byteOffset && v.length === n && p.length >= n;
}

const checked = new WeakMap<BarSeries, BarSeries | null>();

/**
 * The parent `b` is a prefix of, when `b.parent` really is one (every column a view of the parent's column at the
 * same offset, same symbol and bar length); null otherwise. The parent's own parent is followed, so views of
 * views share the root's work.
 */
export function rootOf(b: BarSeries): BarSeries | null {
  const hit = checked.get(b);
  if (hit !== undefined) return hit;
  let root: BarSeries | null = null;
  const p = b.parent;
  const n = b.ts.length;
  if (
    p !== undefined &&
    p !== b &&
    p.symbol === b.symbol &&
    p.barNs === b.barNs &&
    sameMemory(b.ts, p.ts, n) &&
    sameMemory(b.open, p.open, n) &&
    sameMemory(b.high, p.high, n) &&
    sameMemory(b.low, p.low, n) &&
    sameMemory(b.close, p.close, n) &&
    sameMemory(b.volume, p.volume, n) &&
    sameMemory(b.mark, p.mark, n) &&
    sameMemory(b.fundingRate, p.fundingRate, n)
  ) {
    root = rootOf(p) ?? p;
  }
  checked.set(b, root);
  return root;
}

/** per view, by calendarKey (a product's session and funding): equal products share a calendar, whatever object holds them */
const calendars = new WeakMap<BarSeries, Map<string, BarCalendar>>();
/** per root calendar: are its trading days non-decreasing (the condition for the last-bar fix below)? */
const monotone = new WeakMap<BarCalendar, boolean>();
/**
 * view calendar → the root calendar it was cut from, for calendars whose flags equal the root's except maybe at
 * the last bar (prefixCalendar's cut); a calendar recomputed on its own is not listed.
 */
const cutFrom = new WeakMap<BarCalendar, BarCalendar>();

/** The trading calendar of `b`: derived from its root's when it is a prefix view, else barCalendar(b). */
export function calendarOf(b: BarSeries, product: ProductSpec): BarCalendar {
  const root = rootOf(b);
  if (root === null) return barCalendar(b, product);
  let m = calendars.get(b);
  if (!m) calendars.set(b, (m = new Map()));
  const key = calendarKey(product);
  let c = m.get(key);
  if (!c) m.set(key, (c = prefixCalendar(b, barCalendar(root, product), product)));
  return c;
}

function isMonotone(full: BarCalendar): boolean {
  let ok = monotone.get(full);
  if (ok === undefined) {
    ok = true;
    const d = full.day;
    for (let i = 1; i < d.length; i++) if (d[i]! < d[i - 1]!) ok = false;
    monotone.set(full, ok);
  }
  return ok;
}

function prefixCalendar(b: BarSeries, full: BarCalendar, product: ProductSpec): BarCalendar {
  const n = b.ts.length;
  if (n === full.day.length) return full;
  // Trading days that go backwards (a zone whose DST change crosses midnight) break the reasoning below.
  if (n === 0 || !isMonotone(full)) return computeCalendar(b, product);
  // The settlement flag of bar n-1 depends only on the bars of its trading day and the day before (the state
  // computeCalendar carries across a day boundary is "which day settled last"): recompute it on that tail.
  const day = full.day;
  let s = n - 1;
  for (let days = 0; s > 0; s--) {
    if (day[s - 1] !== day[s] && ++days === 2) break;
  }
  const tail = computeCalendar({ ...b, parent: undefined, ts: b.ts.subarray(s, n) }, product);
  const settle = full.settle.slice(0, n);
  settle[n - 1] = tail.settle[n - 1 - s]!;
  const cal: BarCalendar = {
    regular: full.regular.subarray(0, n),
    day: full.day.subarray(0, n),
    week: full.week.subarray(0, n),
    settle,
    funding: full.funding.subarray(0, n),
    barsPerDay: full.barsPerDay,
    periodsPerYear: full.periodsPerYear,
  };
  cutFrom.set(cal, full);
  return cal;
}

const settlePx = new WeakMap<BarCalendar, Float64Array | null>();

/**
 * The settlement price column of `b` (settlementPriceColumn) for its calendar `cal` (calendarOf(b, product)):
 * for a prefix view, the root's column cut to n. A settlement price depends on bars <= its bar and on the previous
 * settlement price only, and the view's flags equal the root's except maybe at the last bar; when the view settles
 * there and the root does not, that one price is computed on the view (recomputing the column per view showed as a large share of a task's CPU in profiles).
 */
export function settlementPricesOf(b: BarSeries, product: ProductSpec, cal: BarCalendar): Float64Array | null {
  const root = rootOf(b);
  if (root === null) return settlementPriceColumn(b, product, cal.settle);
  const hit = settlePx.get(cal);
  if (hit !== undefined) return hit;
  const fullCal = barCalendar(root, product);
  const full = settlementPriceColumn(root, product, fullCal.settle);
  let out: Float64Array | null = null;
  // the view's flags equal the root's before its last bar when its calendar is the root's or was cut from it
  // (prefixCalendar records that: comparing the flags here cost O(n) per view, ~7 % of a study's worker CPU)
  if (full !== null && cal !== fullCal && cutFrom.get(cal) !== fullCal) {
    // a calendar computed on its own (trading days that go backwards, see prefixCalendar): no sharing
    out = settlementPriceColumn(b, product, cal.settle);
  } else if (full !== null) {
    const n = b.ts.length;
    if (n > 0 && cal.settle[n - 1] === 1 && fullCal.settle[n - 1] !== 1) {
      out = full.slice(0, n);
      let prev = NaN;
      for (let j = n - 2; j >= 0; j--) {
        if (cal.settle[j] === 1) {
          prev = out[j]!;
          break;
        }
      }
      out[n - 1] = settlementPriceAt(b, product.session, n - 1, prev).price;
    } else out = full.subarray(0, n);
  }
  settlePx.set(cal, out);
  return out;
}

/** Rolling sigma/ADV (slippage) of `b`: the root's, cut to n + 1 entries (index n is "after the last bar"). */
export function sigmaAdvOf(b: BarSeries, lookback: number, barsPerDay: number): SigmaAdv {
  const root = rootOf(b);
  if (root === null) return rollingSigmaAdv(b, b.close, b.volume, lookback, barsPerDay);
  const full = rollingSigmaAdv(root, root.close, root.volume, lookback, barsPerDay);
  const n = b.ts.length;
  return { sigma: full.sigma.subarray(0, n + 1), adv: full.adv.subarray(0, n + 1) };
}

const ewVariances = new WeakMap<BarSeries, Map<number, Float64Array>>();

/** The risk guard's EW variance column of the closes (risk.ts ewVarianceColumn): the root's, cut to n. */
export function ewVarianceOf(b: BarSeries, lambda: number): Float64Array {
  const root = rootOf(b) ?? b;
  let m = ewVariances.get(root);
  if (!m) ewVariances.set(root, (m = new Map()));
  let col = m.get(lambda);
  if (!col) m.set(lambda, (col = ewVarianceColumn(root.close, lambda)));
  return root === b ? col : col.subarray(0, b.ts.length);
}

// ---- indicators ----------------------------------------------------------------------------------------------

/**
 * The IndicatorFactory methods that are computed per column and causal (src/strategies/indicators.ts: out[i]
 * uses inputs at indices <= i only). `map` runs a user function and is never shared.
 */
const CAUSAL = ['sma', 'ema', 'std', 'zscore', 'bollingerPctB', 'roc', 'rsi', 'highest', 'lowest', 'shift', 'atr', 'rangePosition', 'clv', 'vwap'] as const;

/** A view's column or shared indicator → the root-length array it is a prefix of. */
const rootArray = new WeakMap<Float64Array, Float64Array>();
/**
 * Thread-independent names of root arrays, for memo keys that mean the same in every thread: a root series named with
 * nameSeries (a study's shared bars, named alike in the main thread and the workers) gives its columns
 * "<series>/close" etc., and an indicator computed from named arrays is named by its own key. Unnamed arrays key by a
 * per-thread id.
 */
const arrayNames = new WeakMap<Float64Array, string>();
const arrayIds = new WeakMap<Float64Array, number>();
let nextArrayId = 1;
const idOf = (a: Float64Array): number => {
  let id = arrayIds.get(a);
  if (id === undefined) arrayIds.set(a, (id = nextArrayId++));
  return id;
};

/**
 * Indicators over root series, kept per thread (least recently used dropped first past MEMO_BYTES). A
 * walk-forward worker asks for the same few indicators in every task (one per parameter value): each is
 * computed once, over the whole series, instead of once per task; no 8 MB arrays per task for the GC either.
 */
const memo = new Map<string, Float64Array>();
let memoBytes = 0;
export const MEMO_BYTES = 256 * 2 ** 20;

function remember(key: string, a: Float64Array): void {
  memo.set(key, a);
  memoBytes += a.byteLength;
  for (const [k, v] of memo) {
    if (memoBytes <= MEMO_BYTES || memo.size === 1) break;
    memo.delete(k);
    memoBytes -= v.byteLength;
  }
}

/** Give a root series' columns thread-independent names (see arrayNames): `key` must identify the series' data. */
export function nameSeries(root: BarSeries, key: string): void {
  for (const k of ['open', 'high', 'low', 'close', 'volume', 'mark', 'fundingRate'] as const) {
    const a = root[k];
    if (a) arrayNames.set(a, `${key}/${k}`);
  }
}

/**
 * The memo's indicators over the series named `seriesKey`, moved out of this thread's memo into shared memory: what
 * another thread's adoptIndicators takes (a study computes its candidates' indicators once in the main thread, see
 * src/walkforward/indicator-precompute.ts).
 */
export function takeShareableIndicators(seriesKey: string): { key: string; values: Float64Array }[] {
  const out: { key: string; values: Float64Array }[] = [];
  for (const [key, a] of memo) {
    if (key.includes('#') || !key.includes(`|s${seriesKey}/`)) continue;
    out.push({ key, values: inSharedMemory(a) });
  }
  for (const { key } of out) {
    memoBytes -= memo.get(key)!.byteLength;
    memo.delete(key);
  }
  return out;
}

/** Take indicators another thread computed (shareableIndicators) into this thread's memo. */
export function adoptIndicators(entries: readonly { key: string; values: Float64Array }[]): void {
  for (const { key, values } of entries) {
    if (memo.has(key)) continue;
    rootArray.set(values, values);
    arrayNames.set(values, `(${key})`);
    remember(key, values);
  }
}

/** Drop every shared indicator (tests; a worker that moves on to another data file). */
export function clearIndicatorMemo(): void {
  memo.clear();
  memoBytes = 0;
}

/** Shared indicators held now: count and bytes (tests, diagnostics). */
export function indicatorMemoSize(): { entries: number; bytes: number } {
  return { entries: memo.size, bytes: memoBytes };
}

/**
 * The indicator factory for an engine running on `b`: the plain one, or — when `b` is a prefix view — one whose
 * causal indicators are computed on the root series once per thread and handed out as prefixes.
 */
export function indicatorsFor(b: BarSeries, cursor: Cursor): IndicatorFactory {
  const root = rootOf(b);
  if (root === null) return new IndicatorFactory(cursor);
  const cols: (keyof BarSeries)[] = ['open', 'high', 'low', 'close', 'volume', 'mark', 'fundingRate'];
  for (const k of cols) {
    const v = b[k] as Float64Array | undefined;
    const r = root[k] as Float64Array | undefined;
    if (v && r) {
      rootArray.set(v, r);
      rootArray.set(r, r);
    }
  }
  return new PrefixIndicators(cursor);
}

class PrefixIndicators extends IndicatorFactory {
  constructor(cursor: Cursor) {
    super(cursor);
    const self = this as unknown as Record<string, (...a: unknown[]) => Series>;
    for (const name of CAUSAL) {
      const plain = self[name]!;
      self[name] = (...args: unknown[]): Series => {
        let key = name;
        let len = -1;
        const onRoot: unknown[] = [];
        for (const a of args) {
          if (a instanceof Series) {
            const raw = Series.raw(a);
            const full = rootArray.get(raw);
            if (full === undefined || (len >= 0 && raw.length !== len)) return plain(...args); // not ours: no sharing
            len = raw.length;
            key += `|s${arrayNames.get(full) ?? `#${idOf(full)}`}`;
            onRoot.push(new Series(full, cursor));
          } else if (typeof a === 'number' || a === undefined) {
            key += `|${String(a)}`;
            onRoot.push(a);
          } else return plain(...args); // only numbers are known to key a result
        }
        if (len < 0) return plain(...args);
        let full = memo.get(key);
        if (full === undefined) {
          full = Series.raw(plain(...onRoot));
          rootArray.set(full, full);
          if (!key.includes('#')) arrayNames.set(full, `(${key})`);
          remember(key, full);
        } else {
          memo.delete(key); // most recently used goes last
          memo.set(key, full);
        }
        const view = full.length === len ? full : full.subarray(0, len);
        rootArray.set(view, full);
        return new Series(view, cursor);
      };
    }
  }
}

/** The first n bars of b as a view on the same memory, linked to b so the engine shares b's per-series work. */
export function prefixView(b: BarSeries, n: number): BarSeries {
  if (n === b.ts.length) return b;
  const out: BarSeries = {
    symbol: b.symbol,
    barNs: b.barNs,
    ts: b.ts.subarray(0, n),
    open: b.open.subarray(0, n),
    high: b.high.subarray(0, n),
    low: b.low.subarray(0, n),
    close: b.close.subarray(0, n),
    volume: b.volume.subarray(0, n),
    // the engine shares its per-series work (validation, calendar, sigma/ADV, indicators) with the full series
    parent: b,
  };
  if (b.mark) out.mark = b.mark.subarray(0, n);
  if (b.fundingRate) out.fundingRate = b.fundingRate.subarray(0, n);
  return out;
}
