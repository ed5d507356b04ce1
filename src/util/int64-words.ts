// 64-bit columns read as pairs of 32-bit words: loops over timestamps and prices that would otherwise read a BigInt
// per row (an allocation each) compare or convert the two halves instead. Little-endian hosts only (word 2i is the
// low half of row i, word 2i+1 the high half, signed); elsewhere null, and callers fall back to BigInt reads.
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** The 32-bit words of a 64-bit column, or null on a big-endian host. */
export function int64Words(a: BigInt64Array | BigUint64Array): Int32Array | null {
  return LITTLE_ENDIAN ? new Int32Array(a.buffer, a.byteOffset, a.length * 2) : null;
}
