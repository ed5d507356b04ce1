// Float prices <-> exact 1e-9 fixed point.
//
// Databento's client writes a float price as float64(p) / 1e9 (numpy true division of the i64
// fixed-point value), NaN for the undefined price. Reading it back, the fixed-point value is the one
// the float's shortest decimal representation names (JavaScript's Number -> string is the shortest
// string that round-trips), provided that decimal has at most 9 fractional digits AND converting it
// forward again (float64(p) / 1e9) gives back the very same float. Anything else is not a price on
// the 1e-9 grid and is an error: rounding it silently would move an order to a different price.
import { UNDEF_PRICE } from '../batch.js';

const TWO32 = 4294967296;
const I64_MAX = 0x7fff_ffff_ffff_ffffn;
const I64_MIN = -0x8000_0000_0000_0000n;
// Below 2^22 a float's ulp (< 4.7e-10) is finer than the 1e-9 grid, so at most one grid point maps
// to a given float and Math.round(x * 1e9), once verified, is that grid point: the fast path.
const FAST_LIMIT = 4_194_304;

/** The price as a float, exactly as Databento's client computes it (NaN for undefined). */
export function fixedToFloat(p: bigint): number {
  return p === UNDEF_PRICE ? NaN : Number(p) / 1e9;
}

/**
 * The exact fixed-point value of a float price, or `undefined` if the float is not on the 1e-9 grid
 * (or out of the i64 range). NaN maps to UNDEF_PRICE.
 */
export function floatToFixed(x: number): bigint | undefined {
  if (Number.isNaN(x)) return UNDEF_PRICE;
  if (!Number.isFinite(x)) return undefined;
  if (Math.abs(x) < FAST_LIMIT) {
    const p = Math.round(x * 1e9);
    if (p / 1e9 === x) return BigInt(p);
  }
  return slowFloatToFixed(x);
}

/** The reference path: parse the shortest decimal representation. */
export function slowFloatToFixed(x: number): bigint | undefined {
  if (Number.isNaN(x)) return UNDEF_PRICE;
  if (!Number.isFinite(x)) return undefined;
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(String(x));
  if (!m) return undefined;
  const [, sign, intPart, frac = '', expStr = '0'] = m;
  const digits = BigInt(intPart! + frac);
  const scale = 9 + Number(expStr) - frac.length; // value = digits * 10^(exp - frac.length)
  if (scale < 0) {
    const div = 10n ** BigInt(-scale);
    if (digits % div !== 0n) return undefined;
  }
  let p = scale >= 0 ? digits * 10n ** BigInt(scale) : digits / 10n ** BigInt(-scale);
  if (sign === '-') p = -p;
  if (p > I64_MAX || p < I64_MIN || p === UNDEF_PRICE) return undefined;
  if (Number(p) / 1e9 !== x) return undefined;
  return p;
}

/**
 * Convert a float64 price column into `out` from `outOffset` on (an i64 column, written through
 * 32-bit halves to avoid a BigInt per row). `valid` (arrow validity bitmap, or null) marks nulls,
 * which are undefined prices. A float that is not on the 1e-9 grid is stored as UNDEF_PRICE and
 * reported to `onInexact(row)`; the conversion stops when that returns false.
 */
export function convertFloatPrices(
  src: Float64Array,
  out: BigInt64Array,
  outOffset: number,
  valid: Uint8Array | null,
  onInexact: (row: number) => boolean,
): void {
  const words = new Int32Array(out.buffer, out.byteOffset, out.length * 2);
  const n = src.length;
  for (let i = 0; i < n; i++) {
    const x = src[i]!;
    const o = outOffset + i;
    if (valid !== null && (valid[i >> 3]! & (1 << (i & 7))) === 0) {
      out[o] = UNDEF_PRICE;
      continue;
    }
    if (x === x && x < FAST_LIMIT && x > -FAST_LIMIT) {
      const p = Math.round(x * 1e9);
      if (p / 1e9 === x) {
        const hi = Math.floor(p / TWO32);
        words[2 * o] = (p - hi * TWO32) | 0;
        words[2 * o + 1] = hi;
        continue;
      }
    }
    const p = slowFloatToFixed(x);
    if (p === undefined) {
      out[o] = UNDEF_PRICE;
      if (!onInexact(i)) return;
    } else {
      out[o] = p;
    }
  }
}
