// Per-bar calendar facts, computed once per (series, product) before the loop so the loop itself does no
// time-zone work: regular vs overnight session, trading day and week (for loss limits), the bar at whose
// close the daily settlement happens (variation margin), funding instants (perpetuals), and the number of
// bars per year used to annualize metrics.
//
// Time zones: local time = UTC + offset, with the offset from Intl for the product's zone. The offset is
// looked up once per UTC day (offsetAt); on a day whose offset differs between its first and last millisecond (a
// DST change) the instant of the change is found once, so bars on either side of the switch are right, whatever
// minute the change falls on (Lord Howe moves 30 minutes at 15:30 UTC). Local wall time → UTC: localToNs.
import type { BarSeries } from './api.js';
import { int64Words } from '../util/int64-words.js';
import type { ProductSpec, SessionSpec } from './product.js';

export interface BarCalendar {
  /** 1 when the bar opens inside the regular session */
  regular: Uint8Array;
  /** trading day (days since 1970-01-01 of the trading date; CME evenings belong to the next date) */
  day: Int32Array;
  /** ISO week (Monday start) of the trading day */
  week: Int32Array;
  /** 1 when the daily settlement happens at this bar's close */
  settle: Uint8Array;
  /** 1 when a funding instant falls in (ts[i-1], ts[i]]: charged before this bar's fills */
  funding: Uint8Array;
  barsPerDay: number;
  periodsPerYear: number;
}

const DAY_MS = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(tz, f);
  }
  return f;
}

/** UTC offset of `tz` at instant `ms`, in minutes (Chicago in winter: -360). */
export function utcOffsetMinutes(tz: string, ms: number): number {
  const parts = formatter(tz).formatToParts(new Date(ms));
  const get = (t: string) => Number(parts.find((p) => p.type === t)!.value);
  const local = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return Math.round((local - Math.floor(ms / 1000) * 1000) / 60_000);
}

/**
 * The first instant (ms, on a whole second) of the UTC day starting at `dayMs` whose offset is `late`, the offset at
 * the day's end: the day's clock change, by bisection over its seconds (zones change on whole seconds; one change
 * per day is assumed — no zone changes twice within a UTC day).
 */
export function offsetChangeMs(tz: string, dayMs: number, late: number): number {
  let lo = 0; // seconds into the day: offset != late at lo ...
  let hi = DAY_MS / 1000 - 1; // ... and == late at hi
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if (utcOffsetMinutes(tz, dayMs + mid * 1000) === late) hi = mid;
    else lo = mid;
  }
  return dayMs + hi * 1000;
}

/** A UTC day's offsets (minutes): `early` before the instant `switchMs`, `late` from it; no change: switchMs Infinity. */
interface DayOffsets {
  early: number;
  late: number;
  switchMs: number;
}

const dayOffsetCache = new Map<string, Map<number, DayOffsets>>();

/**
 * The offsets of UTC day `utcDay` (days since 1970-01-01) in `tz`, cached per zone and day: settlement prices and
 * calendars are computed for every view of a series a walk-forward worker meets, and an Intl lookup costs ~20 µs.
 */
function dayOffsets(tz: string, utcDay: number): DayOffsets {
  let m = dayOffsetCache.get(tz);
  if (!m) dayOffsetCache.set(tz, (m = new Map()));
  let o = m.get(utcDay);
  if (o === undefined) {
    const d = utcDay * DAY_MS;
    const early = utcOffsetMinutes(tz, d);
    const late = utcOffsetMinutes(tz, d + DAY_MS - 1);
    // a clock change this UTC day: find its second once (~17 lookups) instead of one lookup per instant
    o = { early, late, switchMs: early === late ? Infinity : offsetChangeMs(tz, d, late) };
    m.set(utcDay, o);
  }
  return o;
}

/** utcOffsetMinutes(tz, ms), exact to the second of a clock change, from lookups cached per UTC day (dayOffsets). */
export function offsetAt(tz: string, ms: number): number {
  const o = dayOffsets(tz, Math.floor(ms / DAY_MS));
  return ms >= o.switchMs ? o.late : o.early;
}

/**
 * Local wall time in `tz` (localDate: days since 1970-01-01 of the local date; second: seconds after its midnight)
 * → UTC ns, exact across clock changes: the instant at which the zone's clock shows that time. A time shown twice
 * (the hour repeated when clocks go back) gives the earlier instant. A time never shown (skipped when clocks go
 * forward) is read with the offset from before the change, so it lands as far after the change as it lies after the
 * skipped start (02:30 on Chicago's spring-forward night → 03:30 CDT), as java.time and Temporal do.
 */
export function localToNs(tz: string, localDate: number, second: number): bigint {
  return BigInt(localToUtcMs(tz, localDate * DAY_MS + second * 1000)) * 1_000_000n;
}

/** localToNs in ms, for local wall time `localMs` written as if it were UTC ms. */
export function localToUtcMs(tz: string, localMs: number): number {
  // Offsets lie within ±1 day, so the instant sought lies within a day of localMs: with at most one clock change in
  // those two days, its offset is the one before (at localMs − 1 day) or the one after (localMs + 1 day).
  const before = offsetAt(tz, localMs - DAY_MS);
  const after = offsetAt(tz, localMs + DAY_MS);
  const t1 = localMs - before * 60_000;
  const t2 = localMs - after * 60_000;
  const ok1 = offsetAt(tz, t1) === before;
  const ok2 = before !== after && offsetAt(tz, t2) === after;
  if (ok1 && ok2) return Math.min(t1, t2);
  if (ok1) return t1;
  if (ok2) return t2;
  if (before !== after) return t1; // skipped by the change
  throw new Error(`localToNs: ${tz} changes its clock more than once within a day of ${new Date(localMs).toISOString().slice(0, 19)} (local); not supported`);
}

/** Bars per trading day and per year for a bar length, by the product's trading calendar (not 252 fixed). */
export function annualization(barNs: number, s: SessionSpec): { barsPerDay: number; periodsPerYear: number } {
  const dayNs = s.minutesPerDay * 60e9;
  if (barNs >= 86_400e9) {
    // daily bars: one per trading day; longer bars: by calendar time
    const barsPerDay = 1;
    const periodsPerYear = barNs === 86_400e9 ? s.tradingDaysPerYear : (365.25 * 86_400e9) / barNs;
    return { barsPerDay, periodsPerYear };
  }
  const barsPerDay = Math.ceil(dayNs / barNs - 1e-9);
  return { barsPerDay, periodsPerYear: barsPerDay * s.tradingDaysPerYear };
}

const cache = new WeakMap<BarSeries, Map<string, BarCalendar>>();

/** What a calendar depends on besides the bars: the key of barCalendar's cache. */
export const calendarKey = (product: ProductSpec): string => JSON.stringify([product.session, product.funding]);

/**
 * A calendar another thread computed with barCalendar for these bars (the same memory, shared): barCalendar
 * returns it instead of computing its own (./shared-derived.ts).
 */
export function adoptCalendar(bars: BarSeries, key: string, cal: BarCalendar): void {
  let m = cache.get(bars);
  if (!m) cache.set(bars, (m = new Map()));
  m.set(key, cal);
}

/** Calendar for a series and product, cached per series object (walk-forward runs many tasks on one series). */
export function barCalendar(bars: BarSeries, product: ProductSpec): BarCalendar {
  const key = calendarKey(product);
  let m = cache.get(bars);
  if (!m) cache.set(bars, (m = new Map()));
  let c = m.get(key);
  if (!c) m.set(key, (c = computeCalendar(bars, product)));
  return c;
}

export function computeCalendar(bars: BarSeries, product: ProductSpec): BarCalendar {
  const s = product.session;
  const n = bars.ts.length;
  const regular = new Uint8Array(n);
  const day = new Int32Array(n);
  const week = new Int32Array(n);
  const settle = new Uint8Array(n);
  const funding = new Uint8Array(n);
  const barMin = bars.barNs / 60e9;
  const wraps = s.open > 0 && s.open >= s.close; // evening open belongs to the next trading date
  const rel = (minute: number) => (minute - s.open + 1440) % 1440;
  const relSettle = s.settlement === null ? -1 : rel(s.settlement);

  let cachedUtcDay = NaN;
  let offsets: DayOffsets = { early: 0, late: 0, switchMs: Infinity };
  let settledDay = -Infinity;
  const msAt = msReader(bars.ts);
  for (let i = 0; i < n; i++) {
    const ms = msAt(i);
    const utcDay = Math.floor(ms / DAY_MS);
    if (utcDay !== cachedUtcDay) {
      // offsetAt per bar, with its cache lookup once per UTC day instead of once per bar
      cachedUtcDay = utcDay;
      offsets = dayOffsets(s.timeZone, utcDay);
    }
    const offset = ms >= offsets.switchMs ? offsets.late : offsets.early;
    const localMs = ms + offset * 60_000;
    const localDate = Math.floor(localMs / DAY_MS);
    const minute = Math.floor((localMs - localDate * DAY_MS) / 60_000);
    const weekday = (((localDate + 4) % 7) + 7) % 7;
    const tradingDate = wraps && minute >= s.open ? localDate + 1 : localDate;
    day[i] = tradingDate;
    week[i] = Math.floor((tradingDate + 3) / 7); // 1970-01-05 (day 4) is a Monday: weeks start Monday
    regular[i] =
      (s.regularWeekdays >> weekday) & 1 && minute >= s.regularStart && minute < s.regularEnd ? 1 : 0;

    if (relSettle >= 0) {
      // a trading day that ended before its settlement time (early close, no trades) settles on its last bar
      if (i > 0 && day[i - 1]! !== tradingDate && settledDay !== day[i - 1]!) {
        settle[i - 1] = 1;
        settledDay = day[i - 1]!;
      }
      if (settledDay !== tradingDate && rel(minute) + barMin >= relSettle) {
        settle[i] = 1;
        settledDay = tradingDate;
      }
    }
    if (product.funding) {
      const { intervalNs, offsetNs } = product.funding;
      const t = bars.ts[i]!;
      const off = BigInt(offsetNs);
      const iv = BigInt(intervalNs);
      let k = (t - off) / iv;
      if ((t - off) % iv < 0n) k -= 1n;
      const last = off + k * iv; // latest funding instant <= ts[i]
      if (i === 0 ? last === t : last > bars.ts[i - 1]!) funding[i] = 1;
    }
  }
  const { barsPerDay, periodsPerYear } = annualization(bars.barNs, s);
  return { regular, day, week, settle, funding, barsPerDay, periodsPerYear };
}

const settleCache = new WeakMap<Uint8Array, Map<string, SettlementPrices>>();

export interface SettlementPrices {
  /** ticks at the bars flagged in `settle`; other entries are 0 and meaningless (read it where settle[i] === 1) */
  settlePrice: Float64Array;
  /** settlement days priced from the window, and days that fell back to the close of the settlement bar */
  settleVwapDays: number;
  settleFallbackDays: number;
}

/**
 * The settlement price column for a series, its settlement flags (`calendar.settle`) and product: null when the
 * product settles at the close of the settlement bar (method `close`), so the engine uses the close it already
 * has. Cached per flags array (one per calendar, so per series and product).
 */
export function settlementPriceColumn(bars: BarSeries, product: ProductSpec, settle: Uint8Array): Float64Array | null {
  return settlementPricesFor(bars, product, settle)?.settlePrice ?? null;
}

/** settlementPriceColumn with its day counts (null for method `close`). */
export function settlementPricesFor(bars: BarSeries, product: ProductSpec, settle: Uint8Array): SettlementPrices | null {
  const sp = product.session.settlementPrice;
  if (sp.method !== 'vwap' || product.session.settlement === null) return null;
  const key = settlementKey(product);
  let m = settleCache.get(settle);
  if (!m) settleCache.set(settle, (m = new Map()));
  let r = m.get(key);
  if (!r) m.set(key, (r = settlementPrices(bars, product.session, settle)));
  return r;
}

/** What settlement prices depend on besides the bars and the flags: the key of settlementPricesFor's cache. */
export const settlementKey = (product: ProductSpec): string => JSON.stringify([product.session.timeZone, product.session.settlementPrice]);

/** Settlement prices another thread computed for these flags (shared memory): settlementPricesFor returns them. */
export function adoptSettlementPrices(settle: Uint8Array, key: string, prices: SettlementPrices): void {
  let m = settleCache.get(settle);
  if (!m) settleCache.set(settle, (m = new Map()));
  m.set(key, prices);
}

/**
 * Settlement prices for the bars flagged in `settle` (CME's daily settlement procedure: the VWAP of the trades in a
 * window, ES 14:59:30–15:00:00 CT, rounded to the nearest tick, a tie toward the previous settlement). From bars,
 * with method `vwap`: the bars overlapping the window on the settlement bar's local date, at or before the
 * settlement bar (never a later bar: that would be look-ahead), each weighted by volume × the share of the bar inside
 * the window (volume spread evenly over the bar), priced per `barPrice` (docs/backtest.md "Settlement price"). A tie
 * with no previous settlement rounds up. No bar or no volume in the window, or method `close`: the close of the
 * settlement bar. Exact: integer arithmetic in BigInt (volumes in whole lots; fractional volumes count in micro-lots).
 */
export function settlementPrices(bars: BarSeries, s: SessionSpec, settle: Uint8Array): SettlementPrices {
  const n = bars.ts.length;
  const out = new Float64Array(n); // read only at settlement bars: no NaN fill for 2 M entries
  const sp = s.settlementPrice;
  const win = sp.method === 'vwap' ? sp.window : null;
  let vwapDays = 0,
    fallbackDays = 0;
  const msAt = msReader(bars.ts);
  let prev = NaN;
  for (let i = 0; i < n; i++) {
    if (settle[i] !== 1) continue;
    const price = settlementPriceAt(bars, s, i, prev, msAt);
    if (win !== null) {
      if (price.vwap) vwapDays++;
      else fallbackDays++;
    }
    out[i] = price.price;
    prev = price.price;
  }
  return { settlePrice: out, settleVwapDays: vwapDays, settleFallbackDays: fallbackDays };
}

/**
 * The settlement price of bar i, a settlement bar, given the previous settlement price (NaN: none) for the tie
 * rule: the window VWAP (method vwap, `vwap: true`) or the close of the bar. One day of settlementPrices.
 */
export function settlementPriceAt(bars: BarSeries, s: SessionSpec, i: number, prev: number, msAt = msReader(bars.ts)): { price: number; vwap: boolean } {
  const sp = s.settlementPrice;
  const win = sp.window;
  if (sp.method !== 'vwap' || win === null) return { price: bars.close[i]!, vwap: false };
  const ms = msAt(i);
  const localDate = Math.floor((ms + offsetAt(s.timeZone, ms) * 60_000) / DAY_MS); // the settlement bar's local date
  const v = windowVwap(bars, i, localToNs(s.timeZone, localDate, win[0]), localToNs(s.timeZone, localDate, win[1]), sp.barPrice, prev);
  return v === v ? { price: v, vwap: true } : { price: bars.close[i]!, vwap: false };
}

/** floor(a / b) for b > 0 (BigInt division truncates toward zero) */
function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n ? q - 1n : q;
}

/**
 * VWAP in ticks of the bars j <= last overlapping [from, to) (ns), rounded to the nearest tick (a tie toward prev,
 * up without one); NaN when no volume overlaps. With o = overlap, a..b its offsets in the bar, B the bar length:
 * weight = v·o/B; bridge price = O + (C − O)(a + b)/(2B); typical (H + L + C)/3; close C.
 */
function windowVwap(bars: BarSeries, last: number, from: bigint, to: bigint, barPrice: 'bridge' | 'typical' | 'close', prev: number): number {
  const B = BigInt(bars.barNs);
  let num = 0n; // Σ v·o·P·k with k the price's common denominator
  let wsum = 0n; // Σ v·o
  for (let j = last; j >= 0; j--) {
    const t0 = bars.ts[j]!;
    const t1 = t0 + B;
    if (t1 <= from) break;
    const lo = t0 > from ? t0 : from;
    const hi = t1 < to ? t1 : to;
    const vol = bars.volume[j]!;
    if (hi <= lo || !(vol > 0)) continue;
    const v = Number.isInteger(vol) ? BigInt(vol) * 1_000_000n : BigInt(Math.round(vol * 1e6));
    const w = v * (hi - lo);
    const O = BigInt(bars.open[j]!),
      H = BigInt(bars.high[j]!),
      L = BigInt(bars.low[j]!),
      C = BigInt(bars.close[j]!);
    // prices scaled to a common denominator k: bridge 2B, typical 3, close 1 (k is the same for every bar)
    const p = barPrice === 'bridge' ? 2n * B * O + (C - O) * (lo - t0 + (hi - t0)) : barPrice === 'typical' ? H + L + C : C;
    num += w * p;
    wsum += w;
  }
  if (wsum === 0n) return NaN;
  return roundToTick(num, wsum * (barPrice === 'bridge' ? 2n * B : barPrice === 'typical' ? 3n : 1n), prev);
}

/**
 * num / den (den > 0) rounded to the nearest whole tick by CME's settlement rule: a tie (exactly half a tick) goes to
 * the tick nearer the previous settlement `prev`, up when there is none (NaN). Exact: BigInt in, no float division.
 */
export function roundToTick(num: bigint, den: bigint, prev: number): number {
  const fl = floorDiv(num, den);
  const c = 2n * num - (2n * fl + 1n) * den; // against the half tick above fl
  const f = Number(fl);
  if (c < 0n) return f;
  if (c > 0n) return f + 1;
  return prev === prev && Math.abs(f - prev) < Math.abs(f + 1 - prev) ? f : f + 1;
}

/**
 * ts[i] (ns) → floor(ns / 1e6) ms, exactly, without a BigInt per bar (a BigInt division per bar was most of the
 * calendar's cost). With ns = hi·2³² + lo and 2³² = 4294·10⁶ + 967296:
 * floor(ns / 10⁶) = 4294·hi + floor((967296·hi + lo) / 10⁶), every term exact in a double for hi < 2³¹.
 * Times before 1970 (hi < 0) take the BigInt path (which truncates toward zero, as before).
 */
export function msReader(ts: BigInt64Array): (i: number) => number {
  const w = int64Words(ts);
  if (w === null) return (i) => Number(ts[i]! / 1_000_000n);
  return (i) => {
    const hi = w[2 * i + 1]!;
    if (hi < 0) return Number(ts[i]! / 1_000_000n);
    const lo = w[2 * i]! >>> 0;
    return hi * 4294 + Math.floor((hi * 967296 + lo) / 1e6);
  };
}
