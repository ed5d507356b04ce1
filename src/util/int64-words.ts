// 64-bit columns read as pairs of 32-bit words: loops over timestamps and prices that would otherwise read a BigInt
// per row (an allocation each) compare or convert the two halves instead. Little-endian hosts only (word 2i is the
// low half of row i, word 2i+1 the high half, signed); elsewhere null, and callers fall back to BigInt reads.
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** The 32-bit words of a 64-bit column, or null on a big-endian host. */
export function int64Words(a: BigInt64Array | BigUint64Array): Int32Array | null {
  return LITTLE_ENDIAN ? new Int32Array(a.buffer, a.byteOffset, a.length * 2) : null;
}

/**
 * The first row i >= 1 whose timestamp is not after row i-1's, or -1 when they all increase (the order every
 * BarSeries must have). Compares the two 32-bit halves of each value instead of reading a BigInt per row (which
 * would allocate one per row).
 */
export function firstNotIncreasing(ts: BigInt64Array): number {
  const n = ts.length;
  const w = int64Words(ts);
  if (w === null) {
    for (let i = 1; i < n; i++) if (ts[i]! <= ts[i - 1]!) return i;
    return -1;
  }
  let hi = w[1] ?? 0;
  let lo = (w[0] ?? 0) >>> 0;
  for (let i = 1; i < n; i++) {
    const h = w[2 * i + 1]!;
    const l = w[2 * i]! >>> 0;
    if (h < hi || (h === hi && l <= lo)) return i;
    hi = h;
    lo = l;
  }
  return -1;
}

/** First index i with ts[i] >= t in a sorted 64-bit column (ts.length when none): a binary search. */
export function lowerBound(ts: BigInt64Array | BigUint64Array, t: bigint): number {
  let lo = 0,
    hi = ts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ts[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
