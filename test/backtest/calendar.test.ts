// Sessions in the exchange time zone with DST, trading days, settlement bars and funding instants.
import { describe, expect, it } from 'vitest';
import { computeCalendar, utcOffsetMinutes } from '../../src/backtest/calendar.js';
import { resolveProduct } from '../../src/backtest/product.js';
import { barsAt, flat, product } from './helpers.js';

const ES = resolveProduct(product('es'));
const cal = (times: string[], p = ES) => computeCalendar(barsAt(times, times.map(() => flat(100))), p);

describe('session calendar', () => {
  it('Chicago offsets across the 2024-03-10 DST switch', () => {
    expect(utcOffsetMinutes('America/Chicago', Date.parse('2024-03-08T15:00:00Z'))).toBe(-360);
    expect(utcOffsetMinutes('America/Chicago', Date.parse('2024-03-11T15:00:00Z'))).toBe(-300);
    expect(utcOffsetMinutes('America/Chicago', Date.parse('2024-03-10T07:59:00Z'))).toBe(-360); // 01:59 CST
    expect(utcOffsetMinutes('America/Chicago', Date.parse('2024-03-10T08:00:00Z'))).toBe(-300); // 03:00 CDT
  });
  it('08:30 CT opens the regular session at 14:30 UTC in winter and 13:30 UTC in summer', () => {
    const c = cal(['2024-03-08T14:29:00Z', '2024-03-08T14:30:00Z', '2024-03-11T13:29:00Z', '2024-03-11T13:30:00Z']);
    expect(Array.from(c.regular)).toEqual([0, 1, 0, 1]);
  });
  it('on the DST day itself each bar gets its own offset', () => {
    // Sunday 2024-03-10: 16:59 CDT = 21:59 UTC is before the 17:00 open; 17:00 CDT = 22:00 UTC opens Monday
    const c = cal(['2024-03-10T07:59:00Z', '2024-03-10T21:59:00Z', '2024-03-10T22:00:00Z']);
    expect(c.day[2]! - c.day[1]!).toBe(1);
  });
  it('a bar at 17:00 CT belongs to the next trading day; weekends roll the week', () => {
    const c = cal(['2024-03-07T22:59:00Z', '2024-03-07T23:00:00Z', '2024-03-08T20:00:00Z', '2024-03-10T23:00:00Z']);
    // 16:59 CST Thu → Thursday; 17:00 CST Thu → Friday; Fri 14:00 → Friday; Sun 17:00 CST → Monday
    expect(c.day[1]! - c.day[0]!).toBe(1);
    expect(c.day[2]).toBe(c.day[1]);
    expect(c.week[3]! - c.week[2]!).toBe(1);
  });
  it('settles at the close of the bar ending 15:00 CT, once per trading day; early closes settle on their last bar', () => {
    const c = cal([
      '2024-03-05T20:58:00Z',
      '2024-03-05T20:59:00Z', // 14:59 CST: settles
      '2024-03-05T21:00:00Z',
      '2024-03-06T18:00:00Z', // next day ends early (no bar reaches 15:00)
      '2024-03-07T20:59:00Z',
    ]);
    expect(Array.from(c.settle)).toEqual([0, 1, 0, 1, 1]);
  });
  it('funding instants at 00:00, 08:00, 16:00 UTC: flagged on the first bar at or after them', () => {
    const btc = resolveProduct(product('btcusdt-perp'));
    const c = cal(['2024-03-05T07:59:00Z', '2024-03-05T08:00:00Z', '2024-03-05T08:01:00Z', '2024-03-05T15:58:00Z', '2024-03-05T16:03:00Z', '2024-03-06T00:00:00Z'], btc);
    expect(Array.from(c.funding)).toEqual([0, 1, 0, 0, 1, 1]);
    expect(Array.from(c.settle)).toEqual([0, 0, 0, 0, 0, 0]);
  });
});

describe('msReader', () => {
  it('gives floor(ns / 1e6) exactly, like the BigInt division it replaces', async () => {
    const { msReader } = await import('../../src/backtest/calendar.js');
    const ts = new BigInt64Array(2000);
    let x = 0x9e3779b97f4a7c15n;
    for (let i = 0; i < ts.length; i++) {
      x = (x * 6364136223846793005n + 1442695040888963407n) & 0xffff_ffff_ffff_ffffn;
      // up to ~2^62 ns (year 2116), plus edges around multiples of 1e6 and 2^32
      ts[i] = i < 1500 ? x >> 2n : BigInt(i) * 1_000_000n * 4_294_967_296n - BigInt(i % 3);
    }
    ts[0] = 0n;
    ts[1] = 999_999n;
    ts[2] = 1_000_000n;
    ts[3] = 4_294_967_295n;
    ts[4] = 4_294_967_296n;
    const ms = msReader(ts);
    for (let i = 0; i < ts.length; i++) expect(ms(i), `row ${i}: ${ts[i]}`).toBe(Number(ts[i]! / 1_000_000n));
  });
});
