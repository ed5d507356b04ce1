// The replay loop: MBO input rows (input.ts) applied with Databento's semantics to a book backend — the
// direct one (fast.ts: the replay's own order store) or the reference one (commands.ts: every record an engine
// command). The loop is generic over the backend, so each is compiled into its own specialised copy.
//
//   A  a new LIMIT DAY order                     C  size = quantity removed: removes the order when it takes
//   M  new price and size (unknown id: an add,      all of it, else reduces it in place (keeps priority); more
//      as Databento does; other side: cancel +      than the leaves is a "negative size"
//      add); priority kept only for a same-price R  clears the instrument's book
//      size decrease                              T F N  no book change (counted)
//
// After a record with the LAST flag (0x80) the book is consistent: it is checked for a cross and the LAST
// counters move. Counters live in the per-instrument stats table (stats.ts) the host reads.
import { findInstrument, ia, bookCrossed } from '../matching/instruments';
import { BUY, SELL, R_DUPLICATE_ORDER_ID, R_INVALID_QUANTITY, R_PRICE_OUT_OF_RANGE, R_INVALID_PRICE_TICK, R_INVALID_SIDE } from '../matching/consts';
import { L_PRICE, L_SIDE } from '../matching/levels';
import { FOUND } from './book';
import { IN_CAP, P_ACTION, P_SIDE, P_FLAGS, P_INS, P_SIZE, P_OID, P_PRICE, P_TS, P_TSE } from './input';
import {
  ensureStats, statsRow, sinc, sset, sget, RS_RECORDS, RS_ADDS, RS_CANCELS, RS_MODIFIES, RS_CLEARS, RS_TRADES,
  RS_FILLS, RS_NONE, RS_UNKNOWN_CANCEL, RS_UNKNOWN_MODIFY, RS_NEGATIVE_SIZE, RS_OTHER_REJECT, RS_LAST,
  RS_CROSSED_PREOPEN, RS_CROSSED_OUTSIDE, RS_FIRST_CROSSED_OUTSIDE_TS, RS_LAST_CROSSED_OUTSIDE_TS, RS_PREOPEN,
  RS_DUPLICATE_ADD, RS_ZERO_SIZE, RS_BAD_PRICE, RS_BAD_SIDE, RS_MISMATCH, RS_SIDE_CHANGE, RS_UNKNOWN_ACTION,
  RS_TOB_ADD, RS_CROSSED_NOW, RS_FIRST_TS, RS_LAST_TS, RS_SNAPSHOT, RS_FIRST_CROSSED_OUTSIDE_IDX,
} from './stats';

const F_LAST: u8 = 0x80;
const F_TOB: u8 = 0x40;
const F_SNAPSHOT: u8 = 0x20;
const A_ADD: u8 = 65; // 'A'
const A_CANCEL: u8 = 67; // 'C'
const A_MODIFY: u8 = 77; // 'M'
const A_CLEAR: u8 = 82; // 'R'
const A_TRADE: u8 = 84; // 'T'
const A_FILL: u8 = 70; // 'F'
const A_NONE: u8 = 78; // 'N'

// Why the loop stopped (replayStatus)
export const ST_DONE: u32 = 0;
export const ST_UNKNOWN_INSTRUMENT: u32 = 1;
export const ST_STOP_TS: u32 = 2;
export const ST_AFTER_LAST: u32 = 3;

export let status: u32 = ST_DONE;
/** The last row applied did not carry LAST: the next row continues the same event. */
export let midEvent: bool = false;
/** Host record index of input row 0 (for first-crossed indices). */
export let base: u64 = 0;

export function kernelReset(): void {
  status = ST_DONE;
  midEvent = false;
  base = 0;
}
export function setBase(b: u64): void {
  base = b;
}

/** Count an add/modify reject by its cause. */
function countReject(row: usize, r: u8): void {
  if (r == 0) return;
  if (r == R_DUPLICATE_ORDER_ID) sinc(row, RS_DUPLICATE_ADD);
  else if (r == R_INVALID_QUANTITY) sinc(row, RS_ZERO_SIZE);
  else if (r == R_PRICE_OUT_OF_RANGE || r == R_INVALID_PRICE_TICK) sinc(row, RS_BAD_PRICE);
  else if (r == R_INVALID_SIDE) sinc(row, RS_BAD_SIDE);
  else sinc(row, RS_OTHER_REJECT);
}

@inline function sideCode(c: u8): u8 {
  return c == 66 ? BUY : c == 65 ? SELL : 0; // 'B' bid, 'A' ask
}

/** A crossed book at a LAST record (row i, ts_event tse): counted as pre-open or as an anomaly. */
function onCrossed(row: usize, tse: u64, i: u32): void {
  if (sget(row, RS_PREOPEN) != 0) {
    sinc(row, RS_CROSSED_PREOPEN);
    return;
  }
  if (sget(row, RS_CROSSED_OUTSIDE) == 0) {
    sset(row, RS_FIRST_CROSSED_OUTSIDE_TS, tse);
    sset(row, RS_FIRST_CROSSED_OUTSIDE_IDX, base + <u64>i);
  }
  sinc(row, RS_CROSSED_OUTSIDE);
  sset(row, RS_LAST_CROSSED_OUTSIDE_TS, tse);
}

/** Rows [a, e) of one instrument were applied: records, first and last ts_recv (kept per run, not per row). */
function closeRun(row: usize, a: u32, e: u32): void {
  if (e <= a) return;
  const n = sget(row, RS_RECORDS);
  if (n == 0) sset(row, RS_FIRST_TS, load<u64>(P_TS + (<usize>a << 3)));
  sset(row, RS_RECORDS, n + <u64>(e - a));
  sset(row, RS_LAST_TS, load<u64>(P_TS + (<usize>(e - 1) << 3)));
}

// One function per book-changing action, inlined into the loop: out of line they would cost a call each and,
// since V8's WebAssembly calls preserve no registers, a spill of every live value around it (measured: fewer
// instructions for T/F/N rows, more for A/C/M, which are 90 % of the records).

@inline function applyAdd<B>(row: usize, idx: u32, insId: u32, i: u32, flags: u8): void {
  const b = changetype<B>(0);
  sinc(row, RS_ADDS);
  if ((flags & F_TOB) != 0) sinc(row, RS_TOB_ADD);
  const r = b.add(idx, insId, load<u64>(P_OID + (<usize>i << 3)), sideCode(load<u8>(P_SIDE + i)),
    load<i64>(P_PRICE + (<usize>i << 3)), load<u32>(P_SIZE + (<usize>i << 2)), i);
  if (r != 0) countReject(row, r);
}

@inline function applyCancel<B>(row: usize, i: u32): void {
  const b = changetype<B>(0);
  sinc(row, RS_CANCELS);
  const oid = load<u64>(P_OID + (<usize>i << 3));
  const r = b.lookup(oid);
  if ((r & FOUND) == 0) {
    sinc(row, RS_UNKNOWN_CANCEL);
    return;
  }
  const size = load<u32>(P_SIZE + (<usize>i << 2));
  const s = b.slotOf(r);
  const leaves = b.leaves(s);
  const a = b.level(s); // its price and side
  if (load<i64>(a, L_PRICE) != load<i64>(P_PRICE + (<usize>i << 3)) || <u8>(load<u8>(a, L_SIDE) + 1) != sideCode(load<u8>(P_SIDE + i))) {
    sinc(row, RS_MISMATCH);
  }
  if (size > leaves) sinc(row, RS_NEGATIVE_SIZE);
  if (size == 0) sinc(row, RS_ZERO_SIZE);
  else if (size >= leaves) b.remove(r, s, oid, i);
  else b.reduce(s, a, oid, leaves - size, i);
}

@inline function applyModify<B>(row: usize, idx: u32, insId: u32, i: u32): void {
  const b = changetype<B>(0);
  sinc(row, RS_MODIFIES);
  const oid = load<u64>(P_OID + (<usize>i << 3));
  const price = load<i64>(P_PRICE + (<usize>i << 3));
  const size = load<u32>(P_SIZE + (<usize>i << 2));
  const side = sideCode(load<u8>(P_SIDE + i));
  const r = b.lookup(oid); // the only lookup: an unknown id's add and a side change reuse it
  if ((r & FOUND) == 0) {
    sinc(row, RS_UNKNOWN_MODIFY);
    const x = b.addAbsent(idx, insId, oid, side, price, size, i, r);
    if (x != 0) countReject(row, x);
    return;
  }
  const s = b.slotOf(r);
  if (size == 0) {
    sinc(row, RS_ZERO_SIZE);
    b.remove(r, s, oid, i);
    return;
  }
  const a = b.level(s); // its side here; price, instrument and tick index in modify
  let x: u8;
  if (<u8>(load<u8>(a, L_SIDE) + 1) != side) {
    sinc(row, RS_SIDE_CHANGE);
    x = b.resubmit(r, s, idx, insId, oid, side, price, size, i); // cancel + add
  } else {
    x = b.modify(s, a, oid, price, size, i);
  }
  if (x != 0) countReject(row, x);
}

/**
 * Apply input rows [start, end) to backend B. Stops early (status) at a row of an instrument the engine does
 * not know (ST_UNKNOWN_INSTRUMENT: the host defines it and resumes at that row), at the first row that starts
 * a new event with ts_recv ≥ stopTs or ts_event ≥ stopEventTs (ST_STOP_TS), or just after a LAST row when
 * stopAtLast ≠ 0 (ST_AFTER_LAST). Returns the row to resume from.
 */
export function replayRows<B>(start: u32, end: u32, stopTs: u64, stopEventTs: u64, stopAtLast: u32): u32 {
  const b = changetype<B>(0);
  if (end > IN_CAP) end = IN_CAP;
  let mid = midEvent;
  let st = ST_DONE;
  let ret = end;
  let curId: u32 = 0xffffffff;
  let idx: u32 = 0;
  let ins: usize = 0;
  let row: usize = 0; // stats row of the current instrument (0 = none)
  let runStart = start; // its first row in this call
  let i = start;
  for (; i < end; i++) {
    const insId = load<u32>(P_INS + (<usize>i << 2));
    if (insId != curId) {
      if (row != 0) closeRun(row, runStart, i);
      row = 0;
      idx = findInstrument(insId);
      if (idx == 0 || !ensureStats(idx)) {
        st = ST_UNKNOWN_INSTRUMENT;
        ret = i;
        break;
      }
      curId = insId;
      ins = ia(idx);
      row = statsRow(idx);
      runStart = i;
    }
    if (!mid && (load<u64>(P_TS + (<usize>i << 3)) >= stopTs || load<u64>(P_TSE + (<usize>i << 3)) >= stopEventTs)) {
      st = ST_STOP_TS;
      ret = i;
      break;
    }
    const action = load<u8>(P_ACTION + i);
    const flags = load<u8>(P_FLAGS + i);
    if (action == A_ADD) applyAdd<B>(row, idx, curId, i, flags);
    else if (action == A_CANCEL) applyCancel<B>(row, i);
    else if (action == A_MODIFY) applyModify<B>(row, idx, curId, i);
    else if (action == A_TRADE) sinc(row, RS_TRADES);
    else if (action == A_FILL) sinc(row, RS_FILLS);
    else if (action == A_CLEAR) {
      sinc(row, RS_CLEARS);
      b.clear(idx, curId, i);
      sset(row, RS_CROSSED_NOW, 0);
    } else if (action == A_NONE) sinc(row, RS_NONE);
    else sinc(row, RS_UNKNOWN_ACTION);
    if ((flags & F_SNAPSHOT) != 0) sinc(row, RS_SNAPSHOT);

    if ((flags & F_LAST) != 0) {
      mid = false;
      sinc(row, RS_LAST);
      const crossed = bookCrossed(ins);
      sset(row, RS_CROSSED_NOW, crossed ? 1 : 0);
      if (crossed) onCrossed(row, load<u64>(P_TSE + (<usize>i << 3)), i);
      if (stopAtLast != 0) {
        st = ST_AFTER_LAST;
        ret = i + 1;
        i++;
        break;
      }
    } else {
      mid = true;
    }
  }
  if (row != 0) closeRun(row, runStart, i);
  midEvent = mid;
  status = st;
  return ret;
}
