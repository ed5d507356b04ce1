// docs/matching-rules.md §10: the book hash, checked against FNV-1a test vectors and against an
// independent bigint transliteration of the byte stream.
import { describe, expect, it } from 'vitest';
import { OrderType, Side, TradingState } from '../../src/core/types.js';
import { Fnv1a64 } from '../../src/reference/index.js';
import { buy, instrument, order, Session, sell } from './helpers.js';

const fnvBytes = (bytes: Iterable<number>) => {
  const h = new Fnv1a64();
  for (const b of bytes) h.byte(b);
  return h.digest();
};

/** FNV-1a 64 in plain bigint arithmetic, the textbook way. */
function slowFnv(bytes: number[]): bigint {
  let h = 0xcbf29ce484222325n;
  for (const b of bytes) h = ((h ^ BigInt(b)) * 0x100000001b3n) & 0xffffffffffffffffn;
  return h;
}

class Stream {
  readonly bytes: number[] = [];
  private put(v: bigint, n: number) {
    const u = BigInt.asUintN(n * 8, v);
    for (let i = 0; i < n; i++) this.bytes.push(Number((u >> BigInt(8 * i)) & 0xffn));
  }
  u8 = (v: number) => this.put(BigInt(v), 1);
  u32 = (v: number) => this.put(BigInt(v), 4);
  i64 = (v: number | bigint) => this.put(BigInt(v), 8);
}

describe('§10 book hash', () => {
  it('FNV-1a 64 test vectors', () => {
    expect(fnvBytes([])).toBe(0xcbf29ce484222325n);
    expect(fnvBytes([0x61])).toBe(0xaf63dc4c8601ec8cn); // "a"
    expect(fnvBytes(Buffer.from('foobar'))).toBe(0x85944171f73967e8n);
    const random = Array.from({ length: 999 }, (_, i) => (i * 7919 + 13) & 0xff);
    expect(fnvBytes(random)).toBe(slowFnv(random));
  });

  it('an empty engine hashes to the offset basis', () => {
    expect(new Session(null).book.bookHash()).toBe(0xcbf29ce484222325n);
  });

  it('follows the byte stream of §10 exactly', () => {
    const s = new Session({ referencePrice: undefined });
    s.run(instrument({ instrumentId: 5, state: TradingState.PreOpen }));
    s.run(
      buy(1, 4, 100, { displayQty: 2 }),
      buy(2, 1, 101),
      sell(3, 2, 103),
      sell(4, 7, -5, { instrumentId: 5 }),
      order({ orderId: 0xffff_ffff_ffff_fff0n, side: Side.Sell, orderType: OrderType.StopLimit, stopPrice: 99, price: 98, qty: 3 }),
      order({ orderId: 6n, orderType: OrderType.Stop, stopPrice: 110, qty: 2 }),
    );
    s.run(sell(7, 1, 101)); // trades with #2: last trade 101
    const w = new Stream();
    // instrument 1: OPEN, last trade 101
    w.u32(1); w.u8(2); w.i64(101);
    w.i64(1n); w.i64(100); w.u32(4); w.u32(2); w.u32(0xffffffff); // bids (id as u64 through i64 bytes)
    w.i64(3n); w.i64(103); w.u32(2); w.u32(2); w.u32(0xffffffff); // asks
    w.i64(6n); w.u8(1); w.i64(110); w.i64(115); w.u32(2); // stops by ascending id: 6, then 2^64 − 16
    w.i64(0xffff_ffff_ffff_fff0n); w.u8(2); w.i64(99); w.i64(98); w.u32(3);
    w.u32(0xffffffff);
    // instrument 5: PREOPEN, never traded
    w.u32(5); w.u8(1); w.i64(0x7fff_ffff_ffff_ffffn);
    w.u32(0xffffffff);
    w.i64(4n); w.i64(-5); w.u32(7); w.u32(7); w.u32(0xffffffff);
    w.u32(0xffffffff);
    expect(s.book.bookHash()).toBe(slowFnv(w.bytes));
  });
});
