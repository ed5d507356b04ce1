// Indicators: no division by zero on flat data (SPEC §7), causal (prefix-invariant: no future leaks),
// and equal to naive reference implementations.
import { describe, expect, it } from 'vitest';
import * as I from '../../src/strategies/indicators.js';

const flat = new Float64Array(50).fill(100);
const walk = (n: number, seed = 7) => {
  let s = seed;
  const out = new Float64Array(n);
  let p = 1000;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    p += (s % 9) - 4;
    out[i] = p;
  }
  return out;
};

describe('zero range / deviation guards (SPEC §7)', () => {
  const tail = (a: Float64Array) => a[a.length - 1]!;
  it('gives the documented neutral values, never NaN or Infinity', () => {
    expect(tail(I.rsi(flat, 14))).toBe(50);
    expect(tail(I.bollingerPctB(flat, 20, 2))).toBe(0.5);
    expect(tail(I.zscore(flat, 20))).toBe(0);
    expect(tail(I.rangePosition(flat, flat, flat, 20))).toBe(0.5);
    expect(tail(I.closeVsHigh(flat, flat, flat))).toBe(0.5);
    expect(tail(I.clv(flat, flat, flat))).toBe(0);
    expect(tail(I.vwap(flat, flat, flat, new Float64Array(50), 10))).toBe(100); // zero volume
    expect(tail(I.keltnerPosition(flat, flat, flat, 10, 2))).toBe(0);
    expect(tail(I.roc(new Float64Array(50), 5))).toBe(0);
  });
  it('RSI is 100 with gains and no losses', () => {
    expect(I.rsi(Float64Array.from({ length: 30 }, (_, i) => i), 14)[29]).toBe(100);
  });
});

describe('causality: out[i] depends only on inputs up to i', () => {
  const x = walk(400);
  const h = x.map((v) => v + 3);
  const l = x.map((v) => v - 3);
  const v = x.map((p) => (p % 17) + 1);
  const fns: [string, (x: Float64Array, h: Float64Array, l: Float64Array, v: Float64Array) => Float64Array][] = [
    ['sma', (a) => I.sma(a, 20)],
    ['ema', (a) => I.ema(a, 20)],
    ['std', (a) => I.rollingStd(a, 20)],
    ['zscore', (a) => I.zscore(a, 20)],
    ['pctB', (a) => I.bollingerPctB(a, 20, 2)],
    ['rsi', (a) => I.rsi(a, 14)],
    ['roc', (a) => I.roc(a, 10)],
    ['highest', (a) => I.highest(a, 15)],
    ['lowest', (a) => I.lowest(a, 15)],
    ['atr', (a, hh, ll) => I.atr(hh, ll, a, 14)],
    ['rangePosition', (a, hh, ll) => I.rangePosition(hh, ll, a, 14)],
    ['clv', (a, hh, ll) => I.clv(hh, ll, a)],
    ['vwap', (a, hh, ll, vv) => I.vwap(hh, ll, a, vv, 30)],
    ['keltner', (a, hh, ll) => I.keltnerPosition(hh, ll, a, 20, 2)],
    ['shift', (a) => I.shift(a, 1)],
  ];
  for (const [name, f] of fns) {
    it(name, () => {
      const full = f(x, h, l, v);
      for (const cut of [50, 200, 399]) {
        const part = f(x.slice(0, cut), h.slice(0, cut), l.slice(0, cut), v.slice(0, cut));
        expect(Array.from(part)).toEqual(Array.from(full.slice(0, cut)));
      }
    });
  }
  it('shift moves values one bar later (features shifted one bar, SPEC §8)', () => {
    expect(Array.from(I.shift(Float64Array.from([1, 2, 3]), 1))).toEqual([NaN, 1, 2]);
    // a negative shift would hand bar i the value of bar i + 1: refused, not computed
    expect(() => I.shift(Float64Array.from([1, 2, 3]), -1)).toThrow(/future bars/);
  });
});

describe('reference implementations', () => {
  const x = walk(300, 3);
  const naive = (i: number, n: number, f: (w: number[]) => number) => (i < n - 1 ? NaN : f(Array.from(x.slice(i - n + 1, i + 1))));
  it('sma, rolling std, highest, lowest match a direct computation', () => {
    const sma = I.sma(x, 20),
      sd = I.rollingStd(x, 20),
      hi = I.highest(x, 20),
      lo = I.lowest(x, 20);
    for (let i = 0; i < x.length; i++) {
      const m = naive(i, 20, (w) => w.reduce((a, b) => a + b) / w.length);
      if (Number.isNaN(m)) {
        expect(sma[i]).toBeNaN();
        continue;
      }
      expect(sma[i]).toBeCloseTo(m, 9);
      expect(sd[i]).toBeCloseTo(naive(i, 20, (w) => Math.sqrt(w.reduce((a, b) => a + (b - m) ** 2, 0) / 19)), 9);
      expect(hi[i]).toBe(naive(i, 20, (w) => Math.max(...w)));
      expect(lo[i]).toBe(naive(i, 20, (w) => Math.min(...w)));
    }
  });
});

describe('result columns from a chosen allocator (withColumnAllocator)', () => {
  const x = walk(700, 11);
  x[100] = NaN; // a gap: the rolling indicators restart after it
  x[500] = 0; // a zero base for roc
  const h = x.map((v) => v + 3);
  const l = x.map((v) => v - 3);
  const v = x.map((p) => (Number.isNaN(p) ? 0 : (p % 17) + 1));
  const all: [string, () => Float64Array][] = [
    ['shift', () => I.shift(x, 3)],
    ['sma', () => I.sma(x, 20)],
    ['ema', () => I.ema(x, 20)],
    ['std', () => I.rollingStd(x, 20)],
    ['zscore', () => I.zscore(x, 20)],
    ['pctB', () => I.bollingerPctB(x, 20, 2)],
    ['roc', () => I.roc(x, 10)],
    ['rsi', () => I.rsi(x, 14)],
    ['highest', () => I.highest(x, 15)],
    ['lowest', () => I.lowest(x, 15)],
    ['trueRange', () => I.trueRange(h, l, x)],
    ['atr', () => I.atr(h, l, x, 14)],
    ['rangePosition', () => I.rangePosition(h, l, x, 14)],
    ['closeVsHigh', () => I.closeVsHigh(h, l, x)],
    ['clv', () => I.clv(h, l, x)],
    ['vwap', () => I.vwap(h, l, x, v, 30)],
    ['keltner', () => I.keltnerPosition(h, l, x, 20, 2)],
  ];
  const bytes = (a: Float64Array) => Array.from(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  for (const [name, f] of all) {
    it(`${name}: computed into shared memory holding garbage, bit for bit the plain result, in one column`, () => {
      const plain = f();
      const given: Float64Array[] = [];
      const got = I.withColumnAllocator((n) => {
        const a = new Float64Array(new SharedArrayBuffer(n * 8));
        for (let i = 0; i < n; i++) a[i] = 12345.5; // every element must be written, warm-up NaNs included
        given.push(a);
        return a;
      }, f);
      expect(given).toHaveLength(1); // the result only: scratch columns (zscore's mean, ...) stay plain
      expect(got).toBe(given[0]);
      expect(got.buffer).toBeInstanceOf(SharedArrayBuffer);
      expect(bytes(got)).toEqual(bytes(plain));
      expect(plain.buffer).not.toBeInstanceOf(SharedArrayBuffer); // the allocator applied inside the call only
    });
  }
  it('the previous allocator is back after a throw; a wrong column is an error', () => {
    expect(() => I.withColumnAllocator((n) => new Float64Array(n), () => I.sma(x, 0))).toThrow(/window/);
    expect(() => I.withColumnAllocator((n) => new Float64Array(n + 1), () => I.roc(x, 5))).toThrow(/allocator returned 701 values for 700/);
    expect(I.roc(x, 5).buffer).not.toBeInstanceOf(SharedArrayBuffer);
  });
});
