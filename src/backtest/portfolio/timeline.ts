// The union timeline of a portfolio run: every bar open time of every instrument, once, in order. At step s an
// instrument "has a bar" when one of its bars opens at ts[s]; otherwise it keeps showing its latest earlier bar
// (its last close marks its position) and its resting orders wait for its next bar.
//
// All series must have the same bar length: a bar opening at or before ts[s] has then closed by the step's close
// (ts[s] + barNs), so a strategy reacting at step s never sees a bar that closes later (no look-ahead). Bars of
// different lengths would break that, so they are refused (resample first).
import { validateBars } from '../engine.js';
import type { PortfolioInstrument } from './api.js';

export interface Timeline {
  /** open time of each step, ns, strictly increasing */
  ts: BigInt64Array;
  barNs: number;
  /** per instrument, per step: index of its latest bar opening at or before ts[s]; -1 before its first bar */
  latest: Int32Array[];
}

/** Check the instruments (names, bar lengths, each series' own validity) and build their union timeline. */
export function buildTimeline(instruments: readonly PortfolioInstrument[]): Timeline {
  checkInstruments(instruments);
  const barNs = instruments[0]!.bars.barNs;
  if (instruments.length === 1) {
    // its own times are the timeline (read only, never written: no copy of a million timestamps); step s is its bar s
    const ts = instruments[0]!.bars.ts;
    const own = new Int32Array(ts.length);
    for (let s = 0; s < own.length; s++) own[s] = s;
    return { ts, barNs, latest: [own] };
  }
  const ts = unionOf(instruments.map((x) => x.bars.ts));
  return { ts, barNs, latest: instruments.map((x) => latestIndex(x.bars.ts, ts)) };
}

export function checkInstruments(instruments: readonly PortfolioInstrument[]): void {
  if (!Array.isArray(instruments) || instruments.length === 0) {
    throw new Error('portfolio: instruments is empty; give at least one { name, bars, product }');
  }
  const seen = new Set<string>();
  const first = instruments[0]!;
  instruments.forEach((x, k) => {
    if (typeof x?.name !== 'string' || x.name === '') throw new Error(`portfolio: instruments[${k}].name must be a non-empty string, got ${JSON.stringify(x?.name)}`);
    if (seen.has(x.name)) throw new Error(`portfolio: instruments[${k}].name "${x.name}" is used twice; give each instrument its own name`);
    seen.add(x.name);
    if (!x.bars) throw new Error(`portfolio: instrument "${x.name}" has no bars`);
    if (!x.product) throw new Error(`portfolio: instrument "${x.name}" has no product`);
    validateBars(x.bars);
    if (x.bars.barNs !== first.bars.barNs) {
      throw new Error(
        `portfolio: instrument "${x.name}" has bars of ${x.bars.barNs / 1e9} s (barNs ${x.bars.barNs}) but "${first.name}" has ` +
          `${first.bars.barNs / 1e9} s (barNs ${first.bars.barNs}); every instrument needs the same bar length: resample to one timeframe`,
      );
    }
  });
}

/**
 * Sorted union of strictly increasing series, without duplicates: a merge of the series' heads, O(total × k) for k
 * series (a portfolio holds a few; sorting the concatenation cost ~28 ms per million bars, most of a one-instrument
 * run's set-up).
 */
export function unionOf(series: readonly BigInt64Array[]): BigInt64Array {
  if (series.length === 1) return series[0]!.slice();
  let total = 0;
  for (const s of series) total += s.length;
  const out = new BigInt64Array(total);
  const head = new Int32Array(series.length);
  let w = 0;
  for (;;) {
    // the smallest head; every series at it advances past it (one entry per distinct time)
    let min = 0n;
    let any = false;
    for (let k = 0; k < series.length; k++) {
      const h = head[k]!;
      if (h < series[k]!.length && (!any || series[k]![h]! < min)) {
        min = series[k]![h]!;
        any = true;
      }
    }
    if (!any) break;
    out[w++] = min;
    for (let k = 0; k < series.length; k++) if (head[k]! < series[k]!.length && series[k]![head[k]!] === min) head[k]!++;
  }
  return out.slice(0, w);
}

/** For each step of `union`, the index of the latest bar of `own` opening at or before it (-1: none yet). */
export function latestIndex(own: BigInt64Array, union: BigInt64Array): Int32Array {
  const out = new Int32Array(union.length);
  let j = -1;
  for (let s = 0; s < union.length; s++) {
    while (j + 1 < own.length && own[j + 1]! <= union[s]!) j++;
    out[s] = j;
  }
  return out;
}
