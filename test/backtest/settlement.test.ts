// CME daily settlement price (SPEC §3, CME's settlement procedure): the VWAP of the bars in the product's settlement
// window (ES 14:59:30–15:00:00 CT), rounded to the nearest tick with ties toward the previous settlement; the close
// of the settlement bar when the window holds no volume. Worked numbers by hand, decimal.js as the oracle.
import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { Account } from '../../src/backtest/account.js';
import type { BarSeries } from '../../src/backtest/api.js';
import { computeCalendar, settlementPriceColumn, settlementPrices } from '../../src/backtest/calendar.js';
import { resolveProduct } from '../../src/backtest/product.js';
import { validateProduct } from '../../src/config/backtest.js';
import { barsAt, flat, product, USD } from './helpers.js';

const ES = resolveProduct(product('es'));

function settled(b: BarSeries, spec = ES) {
  const cal = computeCalendar(b, spec);
  const r = settlementPrices(b, spec.session, cal.settle);
  const at = [...cal.settle].flatMap((f, i) => (f === 1 ? [i] : []));
  return { at, prices: at.map((i) => r.settlePrice[i]), r };
}

describe('ES settlement price from one-minute bars', () => {
  // March 2024, CST (UTC-6): 14:58 CT = 20:58 UTC. The 14:59 bar holds the window 14:59:30–15:00:00: its last half.
  const times = ['2024-03-05T20:57:00Z', '2024-03-05T20:58:00Z', '2024-03-05T20:59:00Z', '2024-03-05T21:00:00Z'];
  it('is the bridge price of the last half of the 14:59 bar, (open + 3 × close) / 4, rounded to the tick', () => {
    const b = barsAt(times, [flat(19100), flat(19150), [19201, 19230, 19196, 19220, 500], flat(19300)]);
    const { at, prices, r } = settled(b);
    expect(at).toEqual([2]); // settles at the close of the bar ending 15:00
    expect(prices).toEqual([19215]); // (19201 + 3 × 19220) / 4 = 19215.25 → 19215 (not the close 19220)
    expect(r.settleVwapDays).toBe(1);
  });
  it('ties go toward the previous settlement (CME), up when there is none', () => {
    // day 1: (19200 + 3 × 19202) / 4 = 19201.5, no previous settlement → 19202
    // day 2: (19300 + 3 × 19302) / 4 = 19301.5, previous 19202 (below) → 19301
    // day 3: (19100 + 3 × 19102) / 4 = 19101.5, previous 19301 (above) → 19102
    const t = ['2024-03-05T20:59:00Z', '2024-03-06T20:59:00Z', '2024-03-07T20:59:00Z'];
    const b = barsAt(t, [
      [19200, 19202, 19200, 19202],
      [19300, 19302, 19300, 19302],
      [19100, 19102, 19100, 19102],
    ]);
    expect(settled(b).prices).toEqual([19202, 19301, 19102]);
  });
  it('barPrice typical and close are available; method close gives no column (the engine keeps the close)', () => {
    const b = barsAt(times, [flat(19100), flat(19150), [19201, 19230, 19196, 19220, 500], flat(19300)]);
    const typical = resolveProduct(product('es', { session: { ...product('es').session, settlementPrice: { method: 'vwap', window: { start: '14:59:30', end: '15:00:00' }, barPrice: 'typical' } } }));
    expect(settled(b, typical).prices).toEqual([19215]); // (19230 + 19196 + 19220) / 3 = 19215.33
    const close = resolveProduct(product('es', { session: { ...product('es').session, settlementPrice: { method: 'close', barPrice: 'bridge' } } }));
    expect(settlementPriceColumn(b, close, computeCalendar(b, close).settle)).toBeNull();
    expect(settled(b, close).prices).toEqual([19220]);
  });
  it('a day with no bar in the window, or no volume there, settles at the close of its settlement bar', () => {
    // 14:50 bar then 15:10 bar: the 15:10 bar is the settlement bar (first ending after 15:00); nothing in the window
    const gap = barsAt(['2024-03-05T20:50:00Z', '2024-03-05T21:10:00Z'], [flat(19100), [19150, 19160, 19140, 19155]]);
    const g = settled(gap);
    expect(g.prices).toEqual([19155]);
    expect(g.r.settleFallbackDays).toBe(1);
    const quiet = barsAt(times, [flat(19100), flat(19150), [19201, 19230, 19196, 19220, 0], flat(19300)]);
    expect(settled(quiet).prices).toEqual([19220]);
  });
  it('in summer (CDT, UTC-5) the window is 19:59:30–20:00:00 UTC', () => {
    const b = barsAt(['2024-07-09T19:58:00Z', '2024-07-09T19:59:00Z', '2024-07-09T20:00:00Z'], [flat(19100), [19000, 19010, 18990, 19008], flat(19300)]);
    expect(settled(b).prices).toEqual([19006]); // (19000 + 3 × 19008) / 4
  });
});

describe('settlement price from one-second bars: the exchange window itself', () => {
  // 14:59:00 to 15:00:04 CT, one-second bars; only those inside [14:59:30, 15:00:00) count, priced (open + close) / 2
  const t0 = Date.parse('2024-03-05T20:59:00Z');
  const n = 65;
  const times = Array.from({ length: n }, (_, i) => new Date(t0 + i * 1000).toISOString());
  const rows = Array.from({ length: n }, (_, i) => {
    const o = 19200 + (i % 7);
    const c = 19200 + ((i * 3) % 11);
    return [o, Math.max(o, c) + 1, Math.min(o, c) - 1, c, 10 + ((i * 13) % 50)];
  });
  const b = barsAt(times, rows, 1e9);
  it('equals the decimal.js VWAP of the 30 bars inside the window, rounded to the tick', () => {
    let num = new Decimal(0),
      vol = new Decimal(0);
    for (let i = 30; i < 60; i++) {
      const [o, , , c, v] = rows[i]!;
      num = num.add(new Decimal(o!).add(c!).div(2).mul(v!));
      vol = vol.add(v!);
    }
    const want = num.div(vol).toDecimalPlaces(0, Decimal.ROUND_HALF_UP).toNumber();
    const { at, prices } = settled(b);
    expect(at).toHaveLength(1);
    expect(prices).toEqual([want]);
  });
  it('uses no bar after the settlement bar (the same price on the series cut at that bar)', () => {
    const { at, prices } = settled(b);
    const cut = { ...b, ts: b.ts.slice(0, at[0]! + 1), open: b.open.slice(0, at[0]! + 1), high: b.high.slice(0, at[0]! + 1), low: b.low.slice(0, at[0]! + 1), close: b.close.slice(0, at[0]! + 1), volume: b.volume.slice(0, at[0]! + 1) };
    const c = computeCalendar(cut, ES);
    expect(settlementPrices(cut, ES.session, c.settle).settlePrice[at[0]!]).toBe(prices[0]);
  });
});

describe('6E and GC settlement windows (CME FX 13:59:30–14:00:00 CT; COMEX gold 13:29–13:30 ET = 12:29–12:30 CT)', () => {
  const E6 = resolveProduct(product('6e'));
  const GC = resolveProduct(product('gc'));
  it('are configured from the published procedures, in seconds after local (Chicago) midnight', () => {
    expect(E6.session.settlementPrice).toMatchObject({ method: 'vwap', window: [13 * 3600 + 59 * 60 + 30, 14 * 3600] });
    expect(GC.session.settlementPrice).toMatchObject({ method: 'vwap', window: [12 * 3600 + 29 * 60, 12 * 3600 + 30 * 60] });
    expect([E6.session.timeZone, GC.session.timeZone]).toEqual(['America/Chicago', 'America/Chicago']);
  });
  // a decoy bar sits where the window would be with the other DST offset: it must not count
  it('6E: the last half of the 13:59 CT bar, in winter (CST, 19:59 UTC) and summer (CDT, 18:59 UTC)', () => {
    const row = [21000, 21015, 20998, 21011, 300]; // (21000 + 3 × 21011) / 4 = 21008.25 → 21008
    const decoy = [22000, 22000, 22000, 22000, 900];
    const winter = barsAt(['2024-03-08T18:59:00Z', '2024-03-08T19:58:00Z', '2024-03-08T19:59:00Z', '2024-03-08T20:00:00Z'], [decoy, flat(20990), row, flat(21100)]);
    const summer = barsAt(['2024-03-11T18:58:00Z', '2024-03-11T18:59:00Z', '2024-03-11T19:00:00Z', '2024-03-11T19:59:00Z'], [flat(20990), row, flat(21100), decoy]);
    for (const b of [winter, summer]) {
      const { at, prices, r } = settled(b, E6);
      expect(at).toEqual([b === winter ? 2 : 1]); // the bar ending 14:00 CT
      expect(prices).toEqual([new Decimal(21000).add(new Decimal(21011).mul(3)).div(4).round().toNumber()]);
      expect(r.settleVwapDays).toBe(1);
    }
    expect(settled(winter, E6).prices).toEqual([21008]);
  });
  it('GC: the whole 12:29 CT bar, (open + close) / 2, in summer (CDT, 17:29 UTC) and winter (CST, 18:29 UTC)', () => {
    const row = [23500, 23512, 23496, 23508, 200]; // (23500 + 23508) / 2 = 23504
    const decoy = [24000, 24000, 24000, 24000, 900];
    const summer = barsAt(['2024-11-01T17:28:00Z', '2024-11-01T17:29:00Z', '2024-11-01T17:30:00Z', '2024-11-01T18:29:00Z'], [flat(23400), row, flat(23600), decoy]);
    const winter = barsAt(['2024-11-04T17:29:00Z', '2024-11-04T18:28:00Z', '2024-11-04T18:29:00Z', '2024-11-04T18:30:00Z'], [decoy, flat(23400), row, flat(23600)]);
    expect(settled(summer, GC)).toMatchObject({ at: [1], prices: [23504] }); // the 12:28 bar ends at 12:29:00: no overlap
    expect(settled(winter, GC)).toMatchObject({ at: [2], prices: [23504] });
  });
});

describe('config and accounting', () => {
  it('method vwap needs a window; a window must end after it starts; errors name the key', () => {
    const es = product('es');
    expect(() => validateProduct({ ...es, session: { ...es.session, settlementPrice: { method: 'vwap' } } }, 'es.yaml')).toThrow(
      /session\.settlementPrice\.window: found nothing \(missing\); allowed: a window \{ start, end \} with method vwap/,
    );
    expect(() =>
      validateProduct({ ...es, session: { ...es.session, settlementPrice: { method: 'vwap', window: { start: '15:00:00', end: '14:59:30' } } } }),
    ).toThrow(/session\.settlementPrice\.window: .*end after start/);
    expect(() => validateProduct({ ...es, session: { ...es.session, settlementPrice: { method: 'vwap', window: { start: '14:59:60', end: '15:00' } } } })).toThrow(
      /settlementPrice\.window\.start: found "14:59:60"/,
    );
  });
  it('variation margin at the VWAP settlement: (19215 − 19200) × 12.50 = 187.50 USD for one long', () => {
    const acct = new Account(100_000 * USD);
    const p = acct.addPosition(ES);
    acct.fill(p, { side: 1, qty: 1, price: 19200, ts: 0n, fee: 0, slip: 0 });
    expect(acct.settle(p, 19215)).toBe(187.5 * USD);
    expect(acct.cash).toBe(100_187.5 * USD);
  });
});

describe('settlement window in a zone whose clock changes off the UTC hour', () => {
  // Lord Howe moves from +10:30 to +11:00 at 02:00 local on 2024-10-06 (15:30 UTC on 10-05). A window at 02:40–02:41
  // local that day is 15:40–15:41 UTC: the 15:40 bar. Read with the offset of the start of the UTC hour (+10:30, as
  // the code before did) it would be 16:10–16:11 UTC, holding no bar, and the day would fall back to the close.
  const tz = 'Australia/Lord_Howe';
  const session = { ...ES.session, timeZone: tz, settlementPrice: { method: 'vwap' as const, window: [2 * 3600 + 40 * 60, 2 * 3600 + 41 * 60] as [number, number], barPrice: 'close' as const } };
  it('reads the window at the local time the clock shows (Intl as the oracle)', () => {
    const local = new Intl.DateTimeFormat('en-GB', { timeZone: tz, hourCycle: 'h23', day: '2-digit', hour: '2-digit', minute: '2-digit' });
    expect(local.format(new Date('2024-10-05T15:40:00Z'))).toBe('06, 02:40');
    const b = barsAt(['2024-10-05T15:39:00Z', '2024-10-05T15:40:00Z', '2024-10-05T15:41:00Z'], [flat(100), flat(200), flat(300)]);
    const r = settlementPrices(b, session, new Uint8Array([0, 0, 1]));
    expect(r.settlePrice[2]).toBe(200);
    expect([r.settleVwapDays, r.settleFallbackDays]).toEqual([1, 0]);
  });
});
