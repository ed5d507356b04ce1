// Per-bar calendar facts, computed once per (series, product) before the loop so the loop itself does no
// time-zone work: regular vs overnight session, trading day and week (for loss limits), the bar at whose
// close the daily settlement happens (variation margin), funding instants (perpetuals), and the number of
// bars per year used to annualize metrics.
//
// Time zones: local time = UTC + offset, with the offset from Intl for the product's zone. The offset is
// looked up once per UTC day; on a day whose offset differs between its first and last millisecond (a DST
// change) every bar of that day gets its own lookup, so bars on either side of the switch are right.
import type { BarSeries } from './api.js';
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

/** Calendar for a series and product, cached per series object (walk-forward runs many tasks on one series). */
export function barCalendar(bars: BarSeries, product: ProductSpec): BarCalendar {
  const key = JSON.stringify([product.session, product.funding]);
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
  let dayOffset = 0;
  let variable = false;
  let settledDay = -Infinity;
  const msAt = msReader(bars.ts);
  for (let i = 0; i < n; i++) {
    const ms = msAt(i);
    const utcDay = Math.floor(ms / DAY_MS);
    if (utcDay !== cachedUtcDay) {
      cachedUtcDay = utcDay;
      const a = utcOffsetMinutes(s.timeZone, utcDay * DAY_MS);
      const b = utcOffsetMinutes(s.timeZone, utcDay * DAY_MS + DAY_MS - 1);
      dayOffset = a;
      variable = a !== b;
    }
    const offset = variable ? utcOffsetMinutes(s.timeZone, ms) : dayOffset;
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

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * ts[i] (ns) → floor(ns / 1e6) ms, exactly, without a BigInt per bar (a BigInt division per bar was most of the
 * calendar's cost). With ns = hi·2³² + lo and 2³² = 4294·10⁶ + 967296:
 * floor(ns / 10⁶) = 4294·hi + floor((967296·hi + lo) / 10⁶), every term exact in a double for hi < 2³¹.
 * Times before 1970 (hi < 0) take the BigInt path (which truncates toward zero, as before).
 */
export function msReader(ts: BigInt64Array): (i: number) => number {
  if (!LITTLE_ENDIAN) return (i) => Number(ts[i]! / 1_000_000n);
  const w = new Int32Array(ts.buffer, ts.byteOffset, ts.length * 2);
  return (i) => {
    const hi = w[2 * i + 1]!;
    if (hi < 0) return Number(ts[i]! / 1_000_000n);
    const lo = w[2 * i]! >>> 0;
    return hi * 4294 + Math.floor((hi * 967296 + lo) / 1e6);
  };
}
