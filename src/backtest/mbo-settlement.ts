// The CME daily settlement price of an L3 backtest, from the MBO trade prints (docs/backtest.md "Settlement price"):
// the VWAP of the trades in the product's settlement window (`session.settlementPrice`, the window the bar engine
// approximates from bars), rounded to the nearest tick with the calendar's tie rule (roundToTick: toward the previous
// settlement). With no trade in the window: the last trade of the trading day before the window's end; with none
// either, the caller falls back to the touch (L3Engine: the mid of the book). Only trades the replay has reached by
// the equity point that settles count, so a window configured to end after the settlement time cannot look ahead.
import { localToNs, roundToTick } from './calendar.js';
import { lowerBound } from '../util/int64-words.js';
import type { TradePrints } from './mbo-data.js';
import type { SessionSpec } from './product.js';

/** A trading day's settlement window [from, to) and its session open, exchange time in ns. */
export interface SettlementWindowNs {
  dayOpen: bigint;
  from: bigint;
  to: bigint;
}

/**
 * The settlement window of trading day `tradingDay` (days since 1970-01-01, as BarCalendar.day: a CME evening belongs
 * to the next date); null when the product has no VWAP window (method `close`, or no daily settlement). The window
 * lies on the local date of the settlement time: the trading date itself for CME (15:00 comes before the 17:00
 * open), the day before for a session that opens before its settlement time on the previous evening.
 */
export function settlementWindowNs(s: SessionSpec, tradingDay: number): SettlementWindowNs | null {
  const win = s.settlementPrice.window;
  if (s.settlementPrice.method !== 'vwap' || win === null || s.settlement === null) return null;
  const wraps = s.open > 0 && s.open >= s.close; // as computeCalendar: an evening open starts the next trading date
  const settleDate = wraps && s.settlement >= s.open ? tradingDay - 1 : tradingDay;
  const openDate = wraps ? tradingDay - 1 : tradingDay;
  const tz = s.timeZone;
  return { dayOpen: localToNs(tz, openDate, s.open * 60), from: localToNs(tz, settleDate, win[0]), to: localToNs(tz, settleDate, win[1]) };
}

/**
 * The settlement price in ticks from the prints: the window VWAP (`vwap`), else the last print of the trading day
 * before the window's end (`last`); null when the trading day has no print before it. `upTo` (exclusive): the
 * exchange time the replay has reached; `prev`: the previous settlement for the tie rule (NaN: none, a tie rounds
 * up). Exact: Σ size × price in BigInt, one rounding.
 */
export function printSettlement(p: TradePrints, w: SettlementWindowNs, upTo: bigint, tickUnits: bigint, prev: number): { price: number; source: 'vwap' | 'last' } | null {
  const end = upTo < w.to ? upTo : w.to;
  const i1 = lowerBound(p.ts, end);
  let num = 0n,
    vol = 0n;
  for (let i = lowerBound(p.ts, w.from); i < i1; i++) {
    const q = BigInt(p.size[i]!);
    num += p.price[i]! * q;
    vol += q;
  }
  if (vol > 0n) return { price: roundToTick(num, vol * tickUnits, prev), source: 'vwap' };
  const j = i1 - 1;
  if (j >= 0 && p.ts[j]! >= w.dayOpen) return { price: roundToTick(p.price[j]!, tickUnits, prev), source: 'last' };
  return null;
}
