// FNV-1a 64 over a little-endian byte stream (docs/matching-rules.md §10), on two 32-bit halves so the
// hash of a large book costs no bigint arithmetic per byte.

const PRIME_LOW = 0x1b3; // FNV prime 0x100000001b3 = 2^40 + 0x1b3

export class Fnv1a64 {
  private hi = 0xcbf29ce4;
  private lo = 0x84222325;

  byte(b: number): void {
    const lo = (this.lo ^ (b & 0xff)) >>> 0;
    const hi = this.hi;
    // (hi·2^32 + lo) · (2^40 + 0x1b3) mod 2^64
    const low = lo * PRIME_LOW; // < 2^41, exact
    const carry = Math.floor(low / 4294967296);
    this.lo = low >>> 0;
    this.hi = (Math.imul(hi, PRIME_LOW) + (lo << 8) + carry) >>> 0;
  }

  u8(v: number): void {
    this.byte(v);
  }

  u32(v: number): void {
    this.byte(v);
    this.byte(v >>> 8);
    this.byte(v >>> 16);
    this.byte(v >>> 24);
  }

  /** Two's-complement 64-bit of an exact integer number (|v| ≤ 2^53) or of INT64_MAX given as bigint. */
  i64(v: number | bigint): void {
    if (typeof v === 'bigint') {
      const u = BigInt.asUintN(64, v);
      this.u32(Number(u & 0xffffffffn));
      this.u32(Number(u >> 32n));
      return;
    }
    const hi = Math.floor(v / 4294967296);
    this.u32(v - hi * 4294967296);
    this.u32(hi >>> 0);
  }

  u64(v: bigint): void {
    this.i64(v);
  }

  digest(): bigint {
    return (BigInt(this.hi) << 32n) | BigInt(this.lo);
  }
}
