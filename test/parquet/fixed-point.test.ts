import { Decimal } from 'decimal.js';
import { describe, expect, test } from 'vitest';
import { UNDEF_PRICE } from '../../src/data/batch.js';
import { convertFloatPrices, fixedToFloat, floatToFixed, slowFloatToFixed } from '../../src/data/parquet/fixed-point.js';

/** Oracle: the float's exact decimal, times 1e9, must be an integer; that integer is the answer. */
function oracle(x: number): bigint | undefined {
  const d = new Decimal(x.toString()).mul('1e9');
  if (!d.isInteger()) return undefined;
  const p = BigInt(d.toFixed(0));
  return Number(p) / 1e9 === x ? p : undefined;
}

function rng(seed: number) {
  let s = seed;
  return () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
}

describe('float -> fixed price', () => {
  test('every price Databento writes as float comes back exactly (decimal.js oracle)', () => {
    const r = rng(42);
    const ticks = [1n, 10n, 250_000_000n, 10_000_000n, 5_000_000n, 1_000_000_000n, 3_125_000n];
    for (let k = 0; k < 20_000; k++) {
      const tick = ticks[k % ticks.length]!;
      const mag = [1e3, 1e6, 1e9, 1e12, 1e15, 5e15][k % 6]!;
      const p = (BigInt(Math.floor(r() * mag)) / tick) * tick * (r() < 0.2 ? -1n : 1n);
      const x = fixedToFloat(p);
      const want = oracle(x);
      // Databento's float is float64(p)/1e9: where it is exact, decode must give p back.
      if (want !== undefined) {
        expect(floatToFixed(x)).toBe(want);
        expect(slowFloatToFixed(x)).toBe(want);
      } else {
        expect(floatToFixed(x)).toBeUndefined();
      }
      if (Math.abs(Number(p)) < 2 ** 53 / 1e3) expect(floatToFixed(x)).toBe(p);
    }
  });

  test('ES prices on the 0.25 tick round-trip, fast path included', () => {
    for (let p = 4_000_000_000_000n; p < 4_000_000_000_000n + 4000n * 250_000_000n; p += 250_000_000n) {
      expect(floatToFixed(Number(p) / 1e9)).toBe(p);
    }
  });

  test('floats off the 1e-9 grid are rejected, never rounded', () => {
    for (const x of [4800.2500000001, 0.1234567891, 1e-10, 1 / 3, 4800.25 + 2 ** -30, Infinity, -Infinity]) {
      expect(oracle(x)).toBeUndefined();
      expect(floatToFixed(x)).toBeUndefined();
    }
  });

  test('NaN is the undefined price, both ways', () => {
    expect(floatToFixed(NaN)).toBe(UNDEF_PRICE);
    expect(fixedToFloat(UNDEF_PRICE)).toBeNaN();
  });

  test('column conversion matches the scalar one and reports inexact rows', () => {
    const xs = Float64Array.from([4800.25, NaN, -12.5, 4800.2500000001, 1e6 + 0.000000001, 9e9, 9e12]);
    const out = new BigInt64Array(xs.length + 2);
    const bad: number[] = [];
    convertFloatPrices(xs, out, 2, null, (i) => (bad.push(i), true));
    expect(bad).toEqual([3, 6]); // 9e12 * 1e9 is past the i64 range
    expect([...out.subarray(2)]).toEqual([4_800_250_000_000n, UNDEF_PRICE, -12_500_000_000n, UNDEF_PRICE, 1_000_000_000_000_001n, 9_000_000_000_000_000_000n, UNDEF_PRICE]);
  });
});
