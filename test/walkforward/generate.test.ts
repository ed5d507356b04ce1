// The sample-data generator: deterministic, on the Globex calendar, with SPEC §5 funding mechanics.
import { describe, expect, it } from 'vitest';
import { generateBtc } from '../../src/generate/btc.js';
import { chicagoTime, esSessionOpen } from '../../src/generate/calendar.js';
import { generateEs } from '../../src/generate/es.js';

const ct = (ts: bigint) => chicagoTime(Number(ts / 1_000_000n));

describe('sample generator', () => {
  const es = generateEs({ seed: 3, start: '2023-12-20', end: '2024-01-20' });

  it('same seed, same bars; another seed, other bars', () => {
    const again = generateEs({ seed: 3, start: '2023-12-20', end: '2024-01-20' });
    expect(Buffer.from(again.close.buffer).equals(Buffer.from(es.close.buffer))).toBe(true);
    expect(Buffer.from(again.ts.buffer).equals(Buffer.from(es.ts.buffer))).toBe(true);
    expect(generateEs({ seed: 4, start: '2023-12-20', end: '2024-01-20' }).close[100]).not.toBe(es.close[100]);
  });

  it('bars only inside the Globex session: no daily halt, no weekend, no holiday', () => {
    const days = new Set<string>();
    const outside: string[] = [];
    for (let i = 0; i < es.ts.length; i++) {
      const t = ct(es.ts[i]!);
      const m = t.minuteOfDay;
      if ((m >= 16 * 60 && m < 17 * 60) || t.weekday === 6 || (t.weekday === 0 && m < 17 * 60) || (t.weekday === 5 && m >= 16 * 60)) outside.push(`${t.date} ${m}`);
      days.add(t.date);
    }
    expect(outside).toEqual([]);
    expect(days.has('2023-12-24')).toBe(false); // Sunday before Christmas: no evening open
    // Christmas Day and New Year's Day: closed until the 17:00 CT reopen
    for (const d of ['2023-12-25', '2024-01-01']) {
      const mins = [...es.ts].map(ct).filter((t) => t.date === d).map((t) => t.minuteOfDay);
      expect(mins.length).toBeGreaterThan(0);
      expect(Math.min(...mins)).toBeGreaterThanOrEqual(17 * 60);
    }
    // MLK day: halts at 12:00 CT
    const mlk = [...es.ts].map(ct).filter((t) => t.date === '2024-01-15').map((t) => t.minuteOfDay);
    expect(mlk.some((m) => m >= 12 * 60 && m < 17 * 60)).toBe(false);
    expect(mlk.some((m) => m < 12 * 60)).toBe(true);
  });

  it('prices on the 0.25 tick, bars consistent, volume positive', () => {
    const bad: number[] = [];
    for (let i = 0; i < es.ts.length; i++) {
      const onTick = [es.open, es.high, es.low, es.close].every((c) => c[i]! % 250_000_000n === 0n);
      const consistent = es.low[i]! <= es.open[i]! && es.open[i]! <= es.high[i]! && es.low[i]! <= es.close[i]! && es.close[i]! <= es.high[i]!;
      if (!onTick || !consistent || es.volume[i]! <= 0n) bad.push(i);
    }
    expect(bad).toEqual([]);
  });

  it('Chicago time follows daylight saving time (tz database, not a fixed offset)', () => {
    expect(chicagoTime(Date.UTC(2024, 2, 8, 23, 0)).minuteOfDay).toBe(17 * 60); // CST, UTC−6
    expect(chicagoTime(Date.UTC(2024, 2, 11, 22, 0)).minuteOfDay).toBe(17 * 60); // CDT, UTC−5
    expect(esSessionOpen(Date.UTC(2024, 2, 11, 21, 30))).toBe(false); // 16:30 CDT: daily halt
    expect(esSessionOpen(Date.UTC(2024, 2, 11, 22, 30))).toBe(true);
  });

  it('BTCUSDT: every minute, funding rate in whole 1e-8 within the cap, the SPEC formula at funding times', () => {
    const b = generateBtc({ seed: 5, start: '2024-01-01', end: '2024-01-08' });
    expect(b.ts.length).toBe(7 * 1440);
    const settled: number[] = [];
    for (let i = 0; i < b.ts.length; i++) {
      const f = b.fundingRate![i]!;
      expect(Number.isInteger(f) && Math.abs(f) <= 750_000).toBe(true);
      expect(b.mark![i]! % 100_000_000n).toBe(0n);
      if (b.ts[i]! % 28_800_000_000_000n === 0n && i > 0) settled.push(f);
    }
    expect(settled.length).toBe(20);
    // F = P + clamp(I − P, ±0.05 %): |F − I| > 0.05 % only when |P − I| > 0.05 %; most intervals settle at I exactly
    expect(settled.filter((f) => f === 10_000).length).toBeGreaterThan(5);
  });
});
