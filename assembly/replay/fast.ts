// The replay's direct backend: MBO records applied to the replay's own order store (book.ts) with the engine's
// rules for a LIMIT DAY order resting in a PREOPEN book — the same checks in the same order as the engine's
// NEW_ORDER and MODIFY handlers (so rejects are counted the same way), the same priority rule (only a
// same-price size decrease keeps the queue position), and no events. test/replay holds it to the engine's
// command path (commands.ts) and to the TypeScript reference book.
import { ia, I_TICK } from '../matching/instruments';
import { inRange, validQty } from '../matching/validation';
import { L_PRICE, L_SIDE, L_INS, L_K } from '../matching/levels';
import {
  BUY, SELL, R_INVALID_SIDE, R_INVALID_QUANTITY, R_DUPLICATE_ORDER_ID, R_PRICE_OUT_OF_RANGE, R_INVALID_PRICE_TICK,
  R_CAPACITY_EXCEEDED,
} from '../matching/consts';
import {
  FOUND, NO_ROOM, bookLookup, bookSlot, bookRoom, bookRoomFor, bookLeaves, bookLevelAt, bookAddAt, bookRemove,
  bookReduce, bookMove, bookClear,
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

/** A new order's first checks, before its id's: the side, then the quantity (reject reason, or 0). */
@inline function orderReject(ins: usize, side: u8, qty: u32): u8 {
  if (side != BUY && side != SELL) return R_INVALID_SIDE;
  if (!validQty(ins, qty)) return R_INVALID_QUANTITY;
  return 0;
}

/** A new order's checks after its id's: the price's range, then its tick (sets tickK; reason, or 0). */
@inline function priceReject(ins: usize, price: i64): u8 {
  if (!inRange(price)) return R_PRICE_OUT_OF_RANGE;
  if (!onTickK(ins, price)) return R_INVALID_PRICE_TICK;
  return 0;
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
  /** Address of live order s's level (price L_PRICE, side L_SIDE, ...). */
  @inline level(s: u32): usize {
    return bookLevelAt(s);
  }

  /** A new LIMIT DAY order; the reject reason (consts.ts R_*), or 0 when it rests. */
  @inline add(insIdx: u32, insId: u32, id: u64, side: u8, price: i64, qty: u32, row: u32): u8 {
    const ins = ia(insIdx);
    let x = orderReject(ins, side, qty);
    if (x != 0) return x;
    const room = bookRoom(); // before the lookup, whose empty entry the insert uses
    const r = bookLookup(id);
    if ((r & FOUND) != 0) return R_DUPLICATE_ORDER_ID;
    x = priceReject(ins, price);
    if (x != 0) return x;
    if (!room) return R_CAPACITY_EXCEEDED;
    bookAddAt(insIdx, <u32>side - 1, price, tickK, id, qty, r);
    return 0;
  }

  /** add for an id the caller's lookup r found absent (a modify of an unknown id): no second lookup. */
  @inline addAbsent(insIdx: u32, insId: u32, id: u64, side: u8, price: i64, qty: u32, row: u32, r: u32): u8 {
    const ins = ia(insIdx);
    let x = orderReject(ins, side, qty);
    if (x == 0) x = priceReject(ins, price);
    if (x != 0) return x;
    const e = bookRoomFor(id, r);
    if (e == NO_ROOM) return R_CAPACITY_EXCEEDED;
    bookAddAt(insIdx, <u32>side - 1, price, tickK, id, qty, e);
    return 0;
  }

  @inline remove(r: u32, s: u32, id: u64, row: u32): void {
    bookRemove(r, s);
  }

  /** Down to qty (< leaves) in place. (a, the order's level, is the command path's; queueReduce reads it itself.) */
  @inline reduce(s: u32, a: usize, id: u64, qty: u32, row: u32): void {
    bookReduce(s, qty);
  }

  /**
   * New price and quantity on the same side (a: the order's level): in place for a same-price decrease, else
   * to the back of the new price.
   */
  @inline modify(s: u32, a: usize, id: u64, price: i64, qty: u32, row: u32): u8 {
    const insIdx = load<u32>(a, L_INS);
    const ins = ia(insIdx);
    if (!validQty(ins, qty)) return R_INVALID_QUANTITY;
    if (!inRange(price)) return R_PRICE_OUT_OF_RANGE;
    const sideIdx = <u32>load<u8>(a, L_SIDE);
    if (price == load<i64>(a, L_PRICE)) {
      // on tick already (it rests there)
      if (qty <= bookLeaves(s)) bookReduce(s, qty);
      else bookMove(s, insIdx, sideIdx, price, load<i64>(a, L_K), qty);
      return 0;
    }
    if (!onTickK(ins, price)) return R_INVALID_PRICE_TICK;
    bookMove(s, insIdx, sideIdx, price, tickK, qty);
    return 0;
  }

  /**
   * A modify to the other side (instrument insIdx: the record's, as an add's): Databento's cancel and add. When
   * the add passes its checks the record moves to the back of its new level, keeping its slot and map entry —
   * what the cancel and the add would leave (the add would pop the slot the cancel freed; its id is no longer
   * a duplicate, and the freed slot is its room) without a second lookup. Else only the cancel; the reason.
   */
  @inline resubmit(r: u32, s: u32, insIdx: u32, insId: u32, id: u64, side: u8, price: i64, qty: u32, row: u32): u8 {
    const ins = ia(insIdx);
    let x = orderReject(ins, side, qty);
    if (x == 0) x = priceReject(ins, price);
    if (x != 0) {
      bookRemove(r, s);
      return x;
    }
    bookMove(s, insIdx, <u32>side - 1, price, tickK, qty);
    return 0;
  }

  clear(insIdx: u32, insId: u32, row: u32): void {
    bookClear(insIdx);
  }
}
