// MBO replay fast path (docs/replay.md): Databento MBO records, laid out as columns in linear memory by the host
// (src/replay/wasm-replay.ts), applied to the engine's books with Databento's semantics, one engine command per
// record through the engine's own batch loop (processBatch on command slot 0), so every rule of
// docs/matching-rules.md applies unchanged. Instruments are kept in PREOPEN by the host: orders rest without
// matching, so the replayed book holds exactly what the exchange reported (crossed books included).
//
//   A  NEW_ORDER (LIMIT, DAY)                    C  size = quantity removed: CANCEL when it removes all,
//   M  MODIFY (new price, new size; unknown id:     else MODIFY to leaves − size at the same price (keeps
//      treated as an add, as Databento does)       priority); more than the leaves is a "negative size"
//   R  MASS_CANCEL of the instrument              T F N  no book change (counted)
//
// After a record with the LAST flag (0x80) the book is consistent: it is checked for a cross and the LAST
// counters move. Counters live in a per-instrument stats table (u64 fields, RS_* below) the host reads.
// Nothing here edits engine state except through processBatch.
import { CMD, EVT, ORDMAP } from './matching/state';
import { processBatch } from './matching/commands';
import { mapGet } from './matching/idmap';
import {
  oa, O_ID, O_PRICE, O_LEAVES, O_VISIBLE, O_NEXT, O_PREV, O_LEVEL, O_INS, O_SIDE, O_TYPE, O_TIF, O_STATUS, O_FLAGS,
  O_STOP, O_EXPIRE, O_DISPLAY, O_ACCOUNT, O_SMP, O_HPOS, ensureOrderSlot, allocOrder,
} from './matching/orders';
import { ia, sideBlock, findInstrument, S_BEST, S_BESTP, I_TICK, I_MAXQ } from './matching/instruments';
import { la, L_PRICE, L_HEAD, L_COUNT, L_TOT, L_VIS, nextLevel, unlinkOrder } from './matching/levels';
import { rawAlloc } from './matching/memory';
import { mapPut, mapReserve } from './matching/idmap';
import { seqAppend, seqRenew } from './matching/lifecycle';
import { restOrder, removeLive } from './matching/matching';
import { inRange } from './matching/validation';
import {
  C_NEW, C_CANCEL, C_MODIFY, C_MASS_CANCEL, E_REJECTED, BUY, SELL, T_LIMIT, TIF_DAY, R_DUPLICATE_ORDER_ID,
  R_INVALID_QUANTITY, R_INVALID_SIDE, R_PRICE_OUT_OF_RANGE, R_INVALID_PRICE_TICK, R_CAPACITY_EXCEEDED, ST_RESTING,
} from './matching/consts';

// Stats fields (u64 index into a 256-byte per-instrument block; the host mirrors these numbers).
const RS_RECORDS: u32 = 0;
const RS_ADDS: u32 = 1;
const RS_CANCELS: u32 = 2;
const RS_MODIFIES: u32 = 3;
const RS_CLEARS: u32 = 4;
const RS_TRADES: u32 = 5;
const RS_FILLS: u32 = 6;
const RS_NONE: u32 = 7;
const RS_UNKNOWN_CANCEL: u32 = 8;
const RS_UNKNOWN_MODIFY: u32 = 9;
const RS_NEGATIVE_SIZE: u32 = 10;
const RS_OTHER_REJECT: u32 = 11;
const RS_LAST: u32 = 12;
const RS_CROSSED_PREOPEN: u32 = 13;
const RS_CROSSED_OUTSIDE: u32 = 14;
const RS_FIRST_CROSSED_OUTSIDE_TS: u32 = 15; // ts_event
const RS_LAST_CROSSED_OUTSIDE_TS: u32 = 16;
const RS_PREOPEN: u32 = 17; // flag set by the host
const RS_DUPLICATE_ADD: u32 = 18;
const RS_ZERO_SIZE: u32 = 19;
const RS_BAD_PRICE: u32 = 20;
const RS_BAD_SIDE: u32 = 21;
const RS_MISMATCH: u32 = 22; // C whose price or side differs from the resting order's
const RS_SIDE_CHANGE: u32 = 23; // M that changes side (applied as cancel + add)
const RS_UNKNOWN_ACTION: u32 = 24;
const RS_TOB_ADD: u32 = 25; // adds with the TOB flag (top-of-book venues; not CME)
const RS_CROSSED_NOW: u32 = 26; // 1 when the book was crossed at the last LAST record
const RS_FIRST_TS: u32 = 27; // ts_recv
const RS_LAST_TS: u32 = 28;
const RS_SNAPSHOT: u32 = 29; // records with the SNAPSHOT flag
const RS_FIRST_CROSSED_OUTSIDE_IDX: u32 = 30; // host-relative record index (replayBase + i)
const STAT_BYTES: u32 = 256;

const F_LAST: u8 = 0x80;
const F_TOB: u8 = 0x40;
const F_SNAPSHOT: u8 = 0x20;

// Stop reasons (replayStatus)
const ST_DONE: u32 = 0;
const ST_UNKNOWN_INSTRUMENT: u32 = 1;
const ST_STOP_TS: u32 = 2;
const ST_AFTER_LAST: u32 = 3;

let IN_CAP: u32 = 0;
let P_ACTION: usize = 0; // u8
let P_SIDE: usize = 0; // u8
let P_FLAGS: usize = 0; // u8
let P_INS: usize = 0; // u32
let P_SIZE: usize = 0; // u32
let P_OID: usize = 0; // u64
let P_PRICE: usize = 0; // i64
let P_TS: usize = 0; // u64 ts_recv: output times
let P_TSE: usize = 0; // u64 ts_event: pre-open boundaries (exchange time)
let STATS: usize = 0;
let statsCap: u32 = 0; // instrument indices covered
let LVLOUT: usize = 0;
let lvlOutCap: u32 = 0;
let status: u32 = 0;
let midEvent: bool = false;
let base: u64 = 0; // host record index of input row 0 (for first-crossed indices)

function align8(n: u32): usize {
  return (<usize>n + 7) & ~(<usize>7);
}

/**
 * Allocate the input columns for `cap` rows and the stats table. Call after the engine's init/reset (which
 * rewind the allocator). Returns the address of the first column (the host asks replayColumn for each).
 */
export function replayInit(cap: u32): usize {
  IN_CAP = cap;
  const a = align8(cap);
  const w4 = align8(cap * 4);
  const w8 = <usize>cap * 8;
  const total: usize = <usize>3 * a + <usize>2 * w4 + <usize>4 * w8;
  const p = rawAlloc(<u64>total);
  if (p == 0) return 0;
  P_ACTION = p;
  P_SIDE = P_ACTION + a;
  P_FLAGS = P_SIDE + a;
  P_INS = P_FLAGS + a;
  P_SIZE = P_INS + w4;
  P_OID = P_SIZE + w4;
  P_PRICE = P_OID + w8;
  P_TS = P_PRICE + w8;
  P_TSE = P_TS + w8;
  statsCap = 64;
  STATS = rawAlloc(<u64>statsCap * STAT_BYTES);
  lvlOutCap = 4096;
  LVLOUT = rawAlloc(<u64>lvlOutCap * 16);
  status = ST_DONE;
  midEvent = false;
  return STATS == 0 || LVLOUT == 0 ? 0 : p;
}

/** Input column k: 0 action, 1 side, 2 flags, 3 instrument_id, 4 size, 5 order_id, 6 price, 7 ts_recv, 8 ts_event. */
export function replayColumn(k: u32): usize {
  if (k == 0) return P_ACTION;
  if (k == 1) return P_SIDE;
  if (k == 2) return P_FLAGS;
  if (k == 3) return P_INS;
  if (k == 4) return P_SIZE;
  if (k == 5) return P_OID;
  if (k == 6) return P_PRICE;
  if (k == 7) return P_TS;
  return P_TSE;
}

export function replayCapacity(): u32 {
  return IN_CAP;
}
export function replayStatus(): u32 {
  return status;
}
export function replayStatsPtr(): usize {
  return STATS;
}
export function replayStatsCap(): u32 {
  return statsCap;
}
/** Engine index of an instrument id (the row of the stats table), 0 when unknown. */
export function replayInstrumentIndex(insId: u32): u32 {
  return findInstrument(insId);
}
/** Host record index of input row 0, used for the first-crossed index counter. */
export function replaySetBase(b: u64): void {
  base = b;
}
/** Whether the instrument is in its pre-open (crossed books there are expected, not errors). */
export function replaySetPreopen(insId: u32, on: u32): void {
  const idx = findInstrument(insId);
  if (idx == 0 || !ensureStats(idx)) return;
  sset(idx, RS_PREOPEN, on != 0 ? 1 : 0);
}

function ensureStats(idx: u32): bool {
  if (idx < statsCap) return true;
  let nc = statsCap;
  while (nc <= idx) nc <<= 1;
  const p = rawAlloc(<u64>nc * STAT_BYTES);
  if (p == 0) return false;
  memory.copy(p, STATS, <usize>statsCap * STAT_BYTES);
  STATS = p;
  statsCap = nc;
  return true;
}

@inline function sa(idx: u32, f: u32): usize {
  return STATS + <usize>idx * STAT_BYTES + (<usize>f << 3);
}
@inline function sinc(idx: u32, f: u32): void {
  const p = sa(idx, f);
  store<u64>(p, load<u64>(p) + 1);
}
@inline function sset(idx: u32, f: u32, v: u64): void {
  store<u64>(sa(idx, f), v);
}
@inline function sget(idx: u32, f: u32): u64 {
  return load<u64>(sa(idx, f));
}

// ---- commands through the engine's batch loop (slot 0 of the command area) -------------------------------

/** Run the command in slot 0; returns the reject reason, or 0 when it was not rejected. */
@inline function run1(): u8 {
  const n = processBatch(1);
  if (n > 0 && load<u8>(EVT) == E_REJECTED) return load<u8>(EVT, 2);
  return 0;
}

function cmdNew(insId: u32, oid: u64, side: u8, price: i64, qty: u32, ts: u64): u8 {
  const c = CMD;
  store<u8>(c, C_NEW, 0);
  store<u8>(c, side, 1);
  store<u8>(c, T_LIMIT, 2);
  store<u8>(c, TIF_DAY, 3);
  store<u32>(c, insId, 4);
  store<u64>(c, oid, 8);
  store<i64>(c, price, 16);
  store<i64>(c, 0, 24);
  store<u32>(c, qty, 32);
  store<u32>(c, 0, 36); // minQty
  store<u32>(c, 0, 40); // displayQty
  store<u32>(c, 0, 44); // account 0: every replayed order
  store<u32>(c, 0, 48); // smpId
  store<u32>(c, 0, 52); // flags
  store<u64>(c, 0, 56); // expireTs
  store<u64>(c, ts, 72);
  return run1();
}

function cmdCancel(oid: u64, ts: u64): u8 {
  const c = CMD;
  store<u8>(c, C_CANCEL, 0);
  store<u64>(c, oid, 8);
  store<u64>(c, ts, 72);
  return run1();
}

function cmdModify(oid: u64, price: i64, qty: u32, ts: u64): u8 {
  const c = CMD;
  store<u8>(c, C_MODIFY, 0);
  store<u64>(c, oid, 8);
  store<i64>(c, price, 16);
  store<i64>(c, 0, 24);
  store<u32>(c, qty, 32);
  store<u64>(c, ts, 72);
  return run1();
}

function cmdClear(insId: u32, ts: u64): void {
  const c = CMD;
  store<u8>(c, C_MASS_CANCEL, 0);
  store<u32>(c, insId, 4);
  store<u32>(c, 0, 44);
  store<u64>(c, ts, 72);
  run1();
}


// ---- direct path: the engine's own internal functions, without the batch loop -------------------------------
// A replayed order is a plain LIMIT DAY order resting in a PREOPEN book, so a new order, a cancel and a modify
// reduce to what cmdNew/cmdCancel/cmdModify do for that case (same checks, same order fields, same level and
// sequence bookkeeping) minus the event records nobody reads. test/replay/kernel.test.ts holds the two paths to
// identical book hashes and the engine's invariant checks.
let fast: bool = true;

/** 1: direct path (default); 0: every record through processBatch (the reference path). */
export function replaySetFast(on: u32): void {
  fast = on != 0;
}

function fastNew(insIdx: u32, ins: usize, oid: u64, side: u8, price: i64, qty: u32): u8 {
  if (side != BUY && side != SELL) return R_INVALID_SIDE;
  if (qty < 1 || qty > load<u32>(ins, I_MAXQ)) return R_INVALID_QUANTITY;
  if (mapGet(ORDMAP, oid) != 0) return R_DUPLICATE_ORDER_ID;
  if (!inRange(price)) return R_PRICE_OUT_OF_RANGE;
  if (price % load<i64>(ins, I_TICK) != 0) return R_INVALID_PRICE_TICK;
  if (!ensureOrderSlot() || !mapReserve(ORDMAP)) return R_CAPACITY_EXCEEDED;
  const s = allocOrder();
  const o = oa(s);
  store<u64>(o, oid, O_ID);
  store<i64>(o, price, O_PRICE);
  store<u32>(o, qty, O_LEAVES);
  store<u32>(o, 0, O_VISIBLE);
  store<u32>(o, 0, O_NEXT);
  store<u32>(o, 0, O_PREV);
  store<u32>(o, 0, O_LEVEL);
  store<u32>(o, insIdx, O_INS);
  store<u8>(o, side, O_SIDE);
  store<u8>(o, T_LIMIT, O_TYPE);
  store<u8>(o, TIF_DAY, O_TIF);
  store<u8>(o, 0, O_FLAGS);
  store<i64>(o, 0, O_STOP);
  store<u64>(o, 0, O_EXPIRE);
  store<u32>(o, 0, O_DISPLAY);
  store<u32>(o, 0, O_ACCOUNT);
  store<u32>(o, 0, O_SMP);
  store<u32>(o, 0, O_HPOS);
  mapPut(ORDMAP, oid, s);
  seqAppend(s);
  restOrder(s);
  return 0;
}

/** Same price, qty ≤ leaves: in place, keeps the queue position (cmdModify's first branch). */
function fastReduce(s: u32, qty: u32): void {
  const o = oa(s);
  const leaves = load<u32>(o, O_LEAVES);
  const vis = load<u32>(o, O_VISIBLE);
  const nv = vis < qty ? vis : qty;
  const a = la(load<u32>(o, O_LEVEL));
  store<u64>(a, load<u64>(a, L_TOT) - <u64>(leaves - qty), L_TOT);
  store<u64>(a, load<u64>(a, L_VIS) - <u64>(vis - nv), L_VIS);
  store<u32>(o, qty, O_LEAVES);
  store<u32>(o, nv, O_VISIBLE);
}

/** Modify of a resting order (cmdModify in PREOPEN): in place, or to the back of the new price. */
function fastModify(s: u32, ins: usize, price: i64, qty: u32): u8 {
  if (qty < 1 || qty > load<u32>(ins, I_MAXQ)) return R_INVALID_QUANTITY;
  const o = oa(s);
  if (load<u8>(o, O_STATUS) != ST_RESTING) return R_INVALID_QUANTITY; // never: replayed orders always rest
  const oins = ia(load<u32>(o, O_INS));
  if (!inRange(price)) return R_PRICE_OUT_OF_RANGE;
  if (price % load<i64>(oins, I_TICK) != 0) return R_INVALID_PRICE_TICK;
  if (price == load<i64>(o, O_PRICE) && qty <= load<u32>(o, O_LEAVES)) {
    fastReduce(s, qty);
    return 0;
  }
  unlinkOrder(s);
  store<i64>(o, price, O_PRICE);
  store<u32>(o, qty, O_LEAVES);
  seqRenew(s);
  restOrder(s);
  return 0;
}

/** Count an add/modify reject by its cause. */
function countReject(idx: u32, r: u8): void {
  if (r == 0) return;
  if (r == R_DUPLICATE_ORDER_ID) sinc(idx, RS_DUPLICATE_ADD);
  else if (r == R_INVALID_QUANTITY) sinc(idx, RS_ZERO_SIZE);
  else if (r == R_PRICE_OUT_OF_RANGE || r == R_INVALID_PRICE_TICK) sinc(idx, RS_BAD_PRICE);
  else if (r == R_INVALID_SIDE) sinc(idx, RS_BAD_SIDE);
  else sinc(idx, RS_OTHER_REJECT);
}

@inline function sideCode(c: u8): u8 {
  return c == 66 ? BUY : c == 65 ? SELL : 0; // 'B' bid, 'A' ask
}

/**
 * Apply input rows [start, end). Stops early (see replayStatus) at a row of an instrument the engine does not
 * know (1: the host defines it and resumes at that row), at the first row that starts a new event with
 * ts_recv ≥ stopTs or ts_event ≥ stopEventTs (2), or just after a LAST row when stopAtLast ≠ 0 (3). Returns the
 * row to resume from.
 */
export function replayMbo(start: u32, end: u32, stopTs: u64, stopEventTs: u64, stopAtLast: u32): u32 {
  let curId: u32 = 0xffffffff;
  let idx: u32 = 0;
  let ins: usize = 0;
  if (end > IN_CAP) end = IN_CAP;
  for (let i = start; i < end; i++) {
    const insId = load<u32>(P_INS + (<usize>i << 2));
    if (insId != curId || idx == 0) {
      idx = findInstrument(insId);
      if (idx == 0 || !ensureStats(idx)) {
        status = ST_UNKNOWN_INSTRUMENT;
        return i;
      }
      curId = insId;
      ins = ia(idx);
    }
    const ts = load<u64>(P_TS + (<usize>i << 3));
    const tse = load<u64>(P_TSE + (<usize>i << 3));
    if (!midEvent && (ts >= stopTs || tse >= stopEventTs)) {
      status = ST_STOP_TS;
      return i;
    }
    const action = load<u8>(P_ACTION + i);
    const sc = load<u8>(P_SIDE + i);
    const flags = load<u8>(P_FLAGS + i);
    const oid = load<u64>(P_OID + (<usize>i << 3));
    const price = load<i64>(P_PRICE + (<usize>i << 3));
    const size = load<u32>(P_SIZE + (<usize>i << 2));
    if (sget(idx, RS_RECORDS) == 0) sset(idx, RS_FIRST_TS, ts);
    sinc(idx, RS_RECORDS);
    sset(idx, RS_LAST_TS, ts);
    if ((flags & F_SNAPSHOT) != 0) sinc(idx, RS_SNAPSHOT);

    if (action == 65) {
      // 'A'
      sinc(idx, RS_ADDS);
      if ((flags & F_TOB) != 0) sinc(idx, RS_TOB_ADD);
      countReject(idx, fast ? fastNew(idx, ins, oid, sideCode(sc), price, size) : cmdNew(insId, oid, sideCode(sc), price, size, ts));
    } else if (action == 67) {
      // 'C': size is the quantity removed
      sinc(idx, RS_CANCELS);
      const s = mapGet(ORDMAP, oid);
      if (s == 0) {
        sinc(idx, RS_UNKNOWN_CANCEL);
      } else {
        const o = oa(s);
        const leaves = load<u32>(o, O_LEAVES);
        const op = load<i64>(o, O_PRICE);
        if (op != price || load<u8>(o, O_SIDE) != sideCode(sc)) sinc(idx, RS_MISMATCH);
        if (size > leaves) sinc(idx, RS_NEGATIVE_SIZE);
        if (size == 0) sinc(idx, RS_ZERO_SIZE);
        else if (size >= leaves) {
          if (fast) removeLive(s);
          else cmdCancel(oid, ts);
        } else if (fast) fastReduce(s, leaves - size);
        else cmdModify(oid, op, leaves - size, ts);
      }
    } else if (action == 77) {
      // 'M': new price and size; same price and no size increase keeps priority (engine rule = Databento's)
      sinc(idx, RS_MODIFIES);
      const s = mapGet(ORDMAP, oid);
      const side = sideCode(sc);
      if (s == 0) {
        sinc(idx, RS_UNKNOWN_MODIFY);
        countReject(idx, fast ? fastNew(idx, ins, oid, side, price, size) : cmdNew(insId, oid, side, price, size, ts));
      } else if (size == 0) {
        sinc(idx, RS_ZERO_SIZE);
        if (fast) removeLive(s);
        else cmdCancel(oid, ts);
      } else if (load<u8>(oa(s), O_SIDE) != side) {
        sinc(idx, RS_SIDE_CHANGE);
        if (fast) {
          removeLive(s);
          countReject(idx, fastNew(idx, ins, oid, side, price, size));
        } else {
          cmdCancel(oid, ts);
          countReject(idx, cmdNew(insId, oid, side, price, size, ts));
        }
      } else {
        countReject(idx, fast ? fastModify(s, ins, price, size) : cmdModify(oid, price, size, ts));
      }
    } else if (action == 82) {
      // 'R'
      sinc(idx, RS_CLEARS);
      cmdClear(insId, ts);
      sset(idx, RS_CROSSED_NOW, 0);
    } else if (action == 84) sinc(idx, RS_TRADES);
    else if (action == 70) sinc(idx, RS_FILLS);
    else if (action == 78) sinc(idx, RS_NONE);
    else sinc(idx, RS_UNKNOWN_ACTION);

    if ((flags & F_LAST) != 0) {
      midEvent = false;
      sinc(idx, RS_LAST);
      const b = sideBlock(ins, 0);
      const a = sideBlock(ins, 1);
      const crossed =
        load<u32>(b, S_BEST) != 0 && load<u32>(a, S_BEST) != 0 && load<i64>(b, S_BESTP) >= load<i64>(a, S_BESTP);
      sset(idx, RS_CROSSED_NOW, crossed ? 1 : 0);
      if (crossed) {
        if (sget(idx, RS_PREOPEN) != 0) sinc(idx, RS_CROSSED_PREOPEN);
        else {
          if (sget(idx, RS_CROSSED_OUTSIDE) == 0) {
            sset(idx, RS_FIRST_CROSSED_OUTSIDE_TS, tse);
            sset(idx, RS_FIRST_CROSSED_OUTSIDE_IDX, base + <u64>i);
          }
          sinc(idx, RS_CROSSED_OUTSIDE);
          sset(idx, RS_LAST_CROSSED_OUTSIDE_TS, tse);
        }
      }
      if (stopAtLast != 0) {
        status = ST_AFTER_LAST;
        return i + 1;
      }
    } else {
      midEvent = true;
    }
  }
  status = ST_DONE;
  return end;
}

/**
 * The orders resting at one price (side 1 bids, 2 asks) in queue order, written as 16-byte records
 * (orderId u64, leaves u32, 0 u32) at replayLevelOut(). Returns the count (the area grows to hold them), or
 * 0 for an empty level or an unknown instrument. Used by the own-order queue model.
 */
export function replayLevelOrders(insId: u32, side: u32, price: i64): u32 {
  const idx = findInstrument(insId);
  if (idx == 0 || (side != 1 && side != 2)) return 0;
  let lv = load<u32>(sideBlock(ia(idx), side - 1), S_BEST);
  while (lv != 0) {
    const p = load<i64>(la(lv), L_PRICE);
    if (p == price) break;
    if (side == 1 ? p < price : p > price) return 0;
    lv = nextLevel(lv);
  }
  if (lv == 0) return 0;
  let n: u32 = 0;
  let s = load<u32>(la(lv), L_HEAD);
  while (s != 0) {
    if (n >= lvlOutCap) {
      const nc = lvlOutCap << 1;
      const p = rawAlloc(<u64>nc * 16);
      if (p == 0) return n;
      memory.copy(p, LVLOUT, <usize>lvlOutCap * 16);
      LVLOUT = p;
      lvlOutCap = nc;
    }
    const o = oa(s);
    const q = LVLOUT + (<usize>n << 4);
    store<u64>(q, load<u64>(o, 0), 0);
    store<u32>(q, load<u32>(o, O_LEAVES), 8);
    store<u32>(q, 0, 12);
    n++;
    s = load<u32>(o, O_NEXT);
  }
  return n;
}

export function replayLevelOut(): usize {
  return LVLOUT;
}

/**
 * Whole-book counts of an instrument at replayLevelOut(): per side (bids then asks) levels u32, orders u32,
 * total quantity u64 (16 bytes a side). Returns 1, or 0 for an unknown instrument.
 */
export function replayBookCounts(insId: u32): u32 {
  const idx = findInstrument(insId);
  if (idx == 0) return 0;
  for (let side: u32 = 0; side < 2; side++) {
    let levels: u32 = 0;
    let orders: u32 = 0;
    let qty: u64 = 0;
    let lv = load<u32>(sideBlock(ia(idx), side), S_BEST);
    while (lv != 0) {
      levels++;
      orders += load<u32>(la(lv), L_COUNT);
      qty += load<u64>(la(lv), L_TOT);
      lv = nextLevel(lv);
    }
    const q = LVLOUT + (<usize>side << 4);
    store<u32>(q, levels, 0);
    store<u32>(q, orders, 4);
    store<u64>(q, qty, 8);
  }
  return 1;
}
