// The replay's direct backend: MBO records applied to the replay's own order store (book.ts) with the engine's
// rules for a LIMIT DAY order resting in a PREOPEN book — the same checks in the same order as the engine's
// NEW_ORDER and MODIFY handlers (so rejects are counted the same way), the same priority rule (only a
// same-price size decrease keeps the queue position), and no events. test/replay holds it to the engine's
// command path (commands.ts) and to the TypeScript reference book.
import { ia, I_TICK } from '../matching/instruments';
import { inRange, validQty } from '../matching/validation';
import {
  BUY, SELL, R_INVALID_SIDE, R_INVALID_QUANTITY, R_DUPLICATE_ORDER_ID, R_PRICE_OUT_OF_RANGE, R_INVALID_PRICE_TICK,
  R_CAPACITY_EXCEEDED,
} from '../matching/consts';
import {
  FOUND, bookLookup, bookSlot, bookRoom, bookLeaves, bookPrice, bookSideIdx, bookInstrument, bookAddAt,
  bookTickIndex, bookRemove, bookReduce, bookMove, bookClear,
} from './book';

// k = price / tick of the last price checked on its tick (the level's tick index); one division per check
let tickK: i64 = 0;

/** price on the instrument's tick? Sets tickK. (The engine's onTick, without its memo: one i64 division.) */
@inline function onTickK(ins: usize, price: i64): bool {
  const tick = load<i64>(ins, I_TICK);
  const k = price / tick; // |price| ≤ 2^53 (inRange first), tick ≥ 1: no overflow, no trap
  tickK = k;
  return k * tick == price;
}

@unmanaged export class ReplayBook {
  /** FOUND | entry when id is live, else 0 or an empty entry (bookLookup). */
  @inline lookup(id: u64): u32 {
    return bookLookup(id);
  }
  @inline slotOf(r: u32): u32 {
    return bookSlot(r);
  }
  @inline leaves(s: u32): u32 {
    return bookLeaves(s);
  }
  @inline price(s: u32): i64 {
    return bookPrice(s);
  }
  @inline sideIdx(s: u32): u32 {
    return bookSideIdx(s);
  }

  /** A new LIMIT DAY order; the reject reason (consts.ts R_*), or 0 when it rests. */
  @inline add(insIdx: u32, insId: u32, id: u64, side: u8, price: i64, qty: u32, row: u32): u8 {
    const ins = ia(insIdx);
    if (side != BUY && side != SELL) return R_INVALID_SIDE;
    if (!validQty(ins, qty)) return R_INVALID_QUANTITY;
    const room = bookRoom(); // before the lookup, whose empty entry the insert uses
    const r = bookLookup(id);
    if ((r & FOUND) != 0) return R_DUPLICATE_ORDER_ID;
    if (!inRange(price)) return R_PRICE_OUT_OF_RANGE;
    if (!onTickK(ins, price)) return R_INVALID_PRICE_TICK;
    if (!room) return R_CAPACITY_EXCEEDED;
    bookAddAt(insIdx, <u32>side - 1, price, tickK, id, qty, r);
    return 0;
  }

  @inline remove(r: u32, s: u32, id: u64, row: u32): void {
    bookRemove(r, s);
  }

  /** Down to qty (< leaves) in place. */
  @inline reduce(s: u32, id: u64, qty: u32, row: u32): void {
    bookReduce(s, qty);
  }

  /** New price and quantity: in place for a same-price decrease, else to the back of the new price. */
  @inline modify(s: u32, id: u64, price: i64, qty: u32, row: u32): u8 {
    const ins = ia(bookInstrument(s));
    if (!validQty(ins, qty)) return R_INVALID_QUANTITY;
    if (!inRange(price)) return R_PRICE_OUT_OF_RANGE;
    if (price == bookPrice(s)) {
      // on tick already (it rests there)
      if (qty <= bookLeaves(s)) bookReduce(s, qty);
      else bookMove(s, price, bookTickIndex(s), qty);
      return 0;
    }
    if (!onTickK(ins, price)) return R_INVALID_PRICE_TICK;
    bookMove(s, price, tickK, qty);
    return 0;
  }

  clear(insIdx: u32, insId: u32, row: u32): void {
    bookClear(insIdx);
  }
}
