// CME daily settlement in L3 backtests (src/backtest/mbo-settlement.ts): the VWAP of the MBO trade prints (T records;
// F only when the data has no T) inside the product's window (ES 14:59:30–15:00:00 CT), rounded to the nearest tick
// with ties toward the previous settlement; with no print in the window the day's last print before its end, with
// none that trading day the mid of the touch. Hand-built MBO streams, decimal.js as the oracle for the VWAP.
import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import type { BacktestResult, MboData } from '../../src/backtest/api.js';
import { runL3BacktestWith } from '../../src/backtest/l3-run.js';
import { localToNs } from '../../src/backtest/calendar.js';
import { settlementWindowNs } from '../../src/backtest/mbo-settlement.js';
import { resolveProduct } from '../../src/backtest/product.js';
import type { StrategyContext, StrategyModule } from '../../src/backtest/strategy.js';
import type { ProductConfig } from '../../src/config/product.js';
import { mbo, type Rec } from '../replay/mbo-fixture.js';
import { config, product, USD } from './helpers.js';

const ns = (iso: string) => BigInt(Date.parse(iso)) * 1_000_000n;
const TICK_VALUE = 12.5; // ES, USD per tick per lot

/** A two-sided book (ids 1, 2) and an add at `go` that gives the strategy its first update. */
function book(at: string, bid: number, ask: number, go: string): Rec[] {
  return [
    { ts: ns(at), action: 'A', side: 'B', id: 1n, price: BigInt(bid), size: 10 },
    { ts: ns(at) + 1n, action: 'A', side: 'A', id: 2n, price: BigInt(ask), size: 10 },
    { ts: ns(go), action: 'A', side: 'B', id: 3n, price: BigInt(bid - 5), size: 1 },
  ];
}

/**
 * A trade print: the T record and, as Databento sends them, the F record of each resting order it filled (`fills`:
 * how many; 2 = both sides were resting, as in an uncross). The event's last record carries LAST.
 */
function print(at: string | bigint, price: number, size: number, fills = 1): Rec[] {
  const ts = typeof at === 'bigint' ? at : ns(at);
  const recs: Rec[] = [{ ts, action: 'T', side: 'B', price: BigInt(price), size, flags: 0 }];
  for (let f = 0; f < fills; f++) recs.push({ ts, action: 'F', side: f === 0 ? 'A' : 'B', id: 99n + BigInt(f), price: BigInt(price), size, flags: 0 });
  recs[recs.length - 1]!.flags = 0x80;
  return recs;
}

/** A far-away add: an update for the strategy to sample its cash on. */
function tickle(at: string, id: bigint): Rec {
  return { ts: ns(at), action: 'A', side: 'B', id, price: 19000n, size: 1 };
}

const sortTs = (recs: Rec[]) => [...recs].sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0));

/** Buys 1 at market on its first update and records the account's cash at every later update. */
function longOne(cash: { ts: bigint; cash: number }[]): StrategyModule {
  return {
    name: 'long-one',
    description: '',
    params: [],
    create: () => {
      let sent = false;
      return {
        onBook(ctx: StrategyContext) {
          if (!sent) {
            ctx.buy(1);
            sent = true;
          } else cash.push({ ts: ctx.book!.ts, cash: ctx.cash });
        },
      };
    },
  };
}

function run(recs: Rec[], start: string, end: string, opts: { equityInterval?: string; product?: ProductConfig } = {}) {
  const cash: { ts: bigint; cash: number }[] = [];
  const data: MboData = { file: 'hand-built', batches: [mbo(sortTs(recs))] };
  const cfg = config(opts.product ?? product('es'), { execution: { level: 'L3', closeAtEnd: false, l3: { equityInterval: opts.equityInterval ?? '1m' } } });
  const r: BacktestResult = runL3BacktestWith(longOne(cash), { config: cfg, strategy: 'long-one', params: {}, startNs: ns(start), endNs: ns(end) }, data);
  return { r, cash };
}

const vwap = (trades: [number, number][]) => {
  let num = new Decimal(0),
    vol = new Decimal(0);
  for (const [p, q] of trades) {
    num = num.add(new Decimal(p).mul(q));
    vol = vol.add(q);
  }
  return num.div(vol);
};

// 2024-03-05, CST (UTC-6): the ES window 14:59:30–15:00:00 CT is 20:59:30–21:00:00 UTC
const DAY = '2024-03-05T';
const BASE = book(`${DAY}20:40:00Z`, 19200, 19201, `${DAY}20:51:00Z`); // the buy lifts the ask: long 1 at 19201
const INSIDE: [string, number, number][] = [
  [`${DAY}20:59:30.000Z`, 19203, 3], // the window's first instant: in
  [`${DAY}20:59:45.000Z`, 19210, 6],
  [`${DAY}20:59:59.999Z`, 19204, 4],
];
const OUTSIDE: [string | bigint, number, number][] = [
  [`${DAY}20:59:00.000Z`, 19150, 50], // before the window
  [ns(`${DAY}20:59:30.000Z`) - 1n, 19100, 20], // one ns before it
  [`${DAY}21:00:00.000Z`, 19300, 100], // the window's end: out
  [`${DAY}21:00:10.000Z`, 19310, 100],
];

describe('L3 settlement price from the MBO trade prints', () => {
  it('is the VWAP of the T prints inside the window, rounded to the tick; variation margin is paid on it', () => {
    const recs = [...BASE, ...INSIDE.flatMap(([t, p, q]) => print(t, p, q)), ...OUTSIDE.flatMap(([t, p, q]) => print(t, p, q))];
    const { r } = run(recs, `${DAY}20:50:00Z`, `${DAY}21:10:00Z`);
    const exact = vwap(INSIDE.map(([, p, q]) => [p, q])); // 249,685 / 13 = 19206.538…
    const want = exact.toDecimalPlaces(0, Decimal.ROUND_HALF_UP).toNumber();
    expect(want).toBe(19207);
    const l3 = r.stats!.l3!;
    expect(l3).toMatchObject({ settleVwapDays: 1, settleLastTradeDays: 0, settleTouchDays: 0, settlePrints: 'T' });
    // one long from 19201 (the ask it lifted): VM = (19207 − 19201) × 12.50 = 75 USD, credited to cash
    expect(r.stats!.variationMargin).toBe(new Decimal(want - 19201).mul(TICK_VALUE).mul(USD).toNumber());
    expect(r.stats!.variationMargin).toBe(75 * USD);
  });

  it('ignores the F records when T records exist (F repeats a trade per resting order), uses F when there is no T', () => {
    // the 19220 print filled two resting orders (an uncross): 2 F records of 2 lots for 2 lots traded
    const prints: [string, number, number, number][] = [
      [`${DAY}20:59:35Z`, 19203, 3, 1],
      [`${DAY}20:59:45Z`, 19220, 2, 2],
      [`${DAY}20:59:55Z`, 19204, 4, 1],
    ];
    const recs = [...BASE, ...prints.flatMap(([t, p, q, f]) => print(t, p, q, f))];
    const round = (d: Decimal) => d.toDecimalPlaces(0, Decimal.ROUND_HALF_UP).toNumber();
    const tOnly = round(vwap(prints.map(([, p, q]) => [p, q]))); // 172,865 / 9 = 19207.2 → 19207
    const tAndF = round(vwap(prints.map(([, p, q, f]) => [p, q * (1 + f)]))); // 384,170 / 20 = 19208.5 → 19209
    const fOnly = round(vwap(prints.map(([, p, q, f]) => [p, q * f]))); // 211,305 / 11 = 19209.5 → 19210
    expect([tOnly, tAndF, fOnly]).toEqual([19207, 19209, 19210]);
    const r = run(recs, `${DAY}20:50:00Z`, `${DAY}21:10:00Z`).r;
    expect(r.stats!.l3).toMatchObject({ settleVwapDays: 1, settlePrints: 'T' });
    expect(r.stats!.variationMargin).toBe((tOnly - 19201) * TICK_VALUE * USD);
    // data with fills only: the F records are the prints (the uncross then weighs twice)
    const noT = recs.filter((x) => x.action !== 'T');
    noT.forEach((x) => x.action === 'F' && (x.flags = 0x80));
    const rf = run(noT, `${DAY}20:50:00Z`, `${DAY}21:10:00Z`).r;
    expect(rf.stats!.l3).toMatchObject({ settleVwapDays: 1, settlePrints: 'F' });
    expect(rf.stats!.variationMargin).toBe((fOnly - 19201) * TICK_VALUE * USD);
  });

  it('ignores trades outside the window: the same settlement with them removed, a different one if they counted', () => {
    const inside = INSIDE.flatMap(([t, p, q]) => print(t, p, q));
    const outside = OUTSIDE.flatMap(([t, p, q]) => print(t, p, q));
    const a = run([...BASE, ...inside, ...outside], `${DAY}20:50:00Z`, `${DAY}21:10:00Z`).r.stats!.variationMargin;
    const b = run([...BASE, ...inside], `${DAY}20:50:00Z`, `${DAY}21:10:00Z`).r.stats!.variationMargin;
    expect(a).toBe(b);
    // the boundaries matter: the print one ns early or the one at 21:00:00 would move the VWAP by ticks
    const early = vwap([...INSIDE.map(([, p, q]): [number, number] => [p, q]), [19100, 20]]).toDecimalPlaces(0, Decimal.ROUND_HALF_UP).toNumber();
    const late = vwap([...INSIDE.map(([, p, q]): [number, number] => [p, q]), [19300, 100]]).toDecimalPlaces(0, Decimal.ROUND_HALF_UP).toNumber();
    expect([early, late]).not.toContain(19207);
  });

  it('with no print in the window: the last print of the trading day before the window end', () => {
    const recs = [...BASE, ...print(`${DAY}20:58:10Z`, 19180, 2), ...print(`${DAY}20:59:29.999Z`, 19185, 1), ...print(`${DAY}21:00:00Z`, 19300, 100)];
    const { r } = run(recs, `${DAY}20:50:00Z`, `${DAY}21:10:00Z`);
    expect(r.stats!.l3).toMatchObject({ settleVwapDays: 0, settleLastTradeDays: 1, settleTouchDays: 0 });
    expect(r.stats!.variationMargin).toBe((19185 - 19201) * TICK_VALUE * USD);
  });

  it('with no print that trading day: the mid of the touch (a print of the previous trading day does not count)', () => {
    // 2024-03-04 22:50 UTC is 16:50 CT on the 4th: the 4th's trading day, not the 5th's (it opens at 17:00 CT)
    const recs = [...book(`${DAY}20:40:00Z`, 19200, 19202, `${DAY}20:51:00Z`), ...print('2024-03-04T22:50:00Z', 19000, 5), tickle(`${DAY}21:05:00Z`, 10n)];
    const { r } = run(recs, `${DAY}20:50:00Z`, `${DAY}21:10:00Z`);
    expect(r.stats!.l3).toMatchObject({ settleVwapDays: 0, settleLastTradeDays: 0, settleTouchDays: 1 });
    // long 1 from 19202; book 19200 / 19202 (9 lots left): mid 19201 → VM −12.50 USD (the old touch mark, the bid, gave −25)
    expect(r.stats!.variationMargin).toBe((19201 - 19202) * TICK_VALUE * USD);
  });

  it('a VWAP exactly half a tick from two ticks goes toward the previous settlement (up on the first day)', () => {
    const days = ['2024-03-05', '2024-03-06', '2024-03-07'];
    const pairs = [
      [19200, 19201], // 19200.5, no previous settlement → 19201
      [19300, 19301], // 19300.5, previous 19201 below → 19300
      [19100, 19101], // 19100.5, previous 19300 above → 19101
    ];
    const recs: Rec[] = [...book(`${days[0]}T20:40:00Z`, 19195, 19196, `${days[0]}T20:51:00Z`), tickle(`${days[0]}T20:55:00Z`, 10n)];
    days.forEach((d, i) => {
      recs.push(...print(`${d}T20:59:40Z`, pairs[i]![0]!, 2), ...print(`${d}T20:59:50Z`, pairs[i]![1]!, 2), tickle(`${d}T21:05:00Z`, 11n + BigInt(i)));
    });
    const { r, cash } = run(recs, `${days[0]}T20:50:00Z`, `${days[2]}T21:10:00Z`);
    expect(r.stats!.l3).toMatchObject({ settleVwapDays: 3 });
    // cash after each day's settlement − cash before the first = (settlement − entry 19196) × 12.50 (VM telescopes)
    const base = cash.find((c) => c.ts === ns(`${days[0]}T20:55:00Z`))!.cash;
    const settled = days.map((d) => (cash.find((c) => c.ts === ns(`${d}T21:05:00Z`))!.cash - base) / (TICK_VALUE * USD) + 19196);
    expect(settled).toEqual([19201, 19300, 19101]);
  });

  it('in summer (CDT, UTC-5) the window is 19:59:30–20:00:00 UTC', () => {
    const S = '2024-07-09T';
    const recs = [
      ...book(`${S}19:40:00Z`, 19200, 19201, `${S}19:51:00Z`),
      ...print(`${S}19:59:35Z`, 19204, 1), // in the CDT window
      ...print(`${S}19:59:55Z`, 19206, 3),
      ...print(`${S}20:59:40Z`, 19100, 50), // where the CST window would be
    ];
    const { r } = run(recs, `${S}19:50:00Z`, `${S}21:10:00Z`);
    expect(r.stats!.l3).toMatchObject({ settleVwapDays: 1 });
    expect(r.stats!.variationMargin).toBe((19206 - 19201) * TICK_VALUE * USD); // (19204 + 3 × 19206) / 4 = 19205.5 → up (no previous)
  });

  it('never uses a print the replay has not reached: a window configured past the settlement time is cut there', () => {
    const es = product('es');
    const wide = { ...es, session: { ...es.session, settlementPrice: { method: 'vwap' as const, window: { start: '14:59:30', end: '15:00:30' }, barPrice: 'bridge' as const } } };
    const recs = [...BASE, ...print(`${DAY}20:59:40Z`, 19204, 1), ...print(`${DAY}21:00:10Z`, 19300, 10)];
    // one-minute equity points: the 14:59 point settles, with the replay at 15:00:00; the 15:00:10 print is later
    const { r } = run(recs, `${DAY}20:50:00Z`, `${DAY}21:10:00Z`, { product: wide });
    expect(r.stats!.variationMargin).toBe((19204 - 19201) * TICK_VALUE * USD);
  });
});

describe('settlement windows in exchange time', () => {
  it('ES, 6E and GC windows across a DST change (CT; GC 13:29–13:30 ET is 12:29–12:30 CT all year)', () => {
    const day = (iso: string) => Math.floor(Date.parse(iso) / 86_400_000);
    const utc = (w: { from: bigint; to: bigint }) => [new Date(Number(w.from / 1_000_000n)).toISOString(), new Date(Number(w.to / 1_000_000n)).toISOString()];
    const es = resolveProduct(product('es')).session;
    const e6 = resolveProduct(product('6e')).session;
    const gc = resolveProduct(product('gc')).session;
    expect(utc(settlementWindowNs(es, day('2024-03-08'))!)).toEqual(['2024-03-08T20:59:30.000Z', '2024-03-08T21:00:00.000Z']);
    expect(utc(settlementWindowNs(es, day('2024-03-11'))!)).toEqual(['2024-03-11T19:59:30.000Z', '2024-03-11T20:00:00.000Z']); // DST from 03-10
    expect(utc(settlementWindowNs(e6, day('2024-03-08'))!)).toEqual(['2024-03-08T19:59:30.000Z', '2024-03-08T20:00:00.000Z']);
    expect(utc(settlementWindowNs(e6, day('2024-03-11'))!)).toEqual(['2024-03-11T18:59:30.000Z', '2024-03-11T19:00:00.000Z']);
    expect(utc(settlementWindowNs(gc, day('2024-11-01'))!)).toEqual(['2024-11-01T17:29:00.000Z', '2024-11-01T17:30:00.000Z']);
    expect(utc(settlementWindowNs(gc, day('2024-11-04'))!)).toEqual(['2024-11-04T18:29:00.000Z', '2024-11-04T18:30:00.000Z']); // CST from 11-03
    // the trading day opens at 17:00 CT the evening before; Monday's opens on Sunday
    expect(settlementWindowNs(es, day('2024-03-11'))!.dayOpen).toBe(localToNs('America/Chicago', day('2024-03-10'), 17 * 3600));
    expect(new Date(Number(localToNs('America/Chicago', day('2024-03-10'), 17 * 3600) / 1_000_000n)).toISOString()).toBe('2024-03-10T22:00:00.000Z');
  });
});
