// Command handlers and the batch loop (docs/abi.md command records, docs/matching-rules.md).
import {
  oa, O_ID, O_PRICE, O_LEAVES, O_VISIBLE, O_NEXT, O_PREV, O_LEVEL, O_INS, O_SIDE, O_TYPE, O_TIF, O_STATUS, O_FLAGS,
  O_STOP, O_EXPIRE, O_DISPLAY, O_ACCOUNT, O_SMP, O_HPOS, O_SEQ, ensureOrderSlot, allocOrder, ordersHigh, EngineOrders,
} from './orders';
import {
  ia, sideBlock, findInstrument, allocInstrument, I_ID, I_STATE, I_ALGO, I_TICK, I_REF, I_BAND, I_PROT, I_MAXQ,
  I_LAST, I_MAXTP, S_BEST, S_BESTP,
} from './instruments';
import { windowsInit, unlinkOrder, queueReduce } from './levels';
import { mapGet, mapPut, mapReserve } from './idmap';
import { seqAppend, seqRenew, heapPush, heapTop, retire } from './lifecycle';
import { stopInsert, stopRemove } from './stops';
import { emit, emitReject } from './events';
import { matchAggressor, available, finishIncoming, restOrder, removeLive, drainTriggers } from './matching';
import { inRange, onTick, validQty, inBand, protectedLimit, crosses, stopPricesValid } from './validation';
import { uncross } from './uncross';
import { CMD, ORDMAP, INSMAP, clock, curCmd, curTs, evtCount } from './state';
import { getScratch } from './memory';
import {
  CF_TYPE, CF_SIDE, CF_OTYPE, CF_TIF, CF_INS, CF_OID, CF_PRICE, CF_STOP, CF_QTY, CF_MINQTY, CF_DISPLAY, CF_ACCOUNT,
  CF_SMP, CF_FLAGS, CF_EXPIRE, CF_TS, CF_ALGO, CF_STATE, CF_TICK, CF_REF, CF_BAND, CF_PROT, CF_MAXQ, CF_NEW_STATE,
} from './records';
import { sortByKey } from './hash';
import {
  CMD_SIZE, CMD_CAPACITY, MAXP, NO_PRICE, ALL_INSTRUMENTS, MAX_TICK, MAX_BAND_TICKS, MAX_ORDER_QTY,
  C_DEFINE, C_NEW, C_CANCEL, C_MODIFY, C_MASS_CANCEL, C_SET_STATE, C_END_SESSION, C_ADVANCE,
  E_ACCEPTED, E_CANCELLED, E_EXPIRED, E_MODIFIED, E_DEFINED, E_STATE,
  BUY, SELL, T_LIMIT, T_MARKET_LIMIT, T_MARKET, T_STOP, T_STOP_LIMIT, TIF_DAY, TIF_GTD, TIF_FAK, TIF_FOK,
  S_PREOPEN, S_OPEN, S_HALTED, F_POST_ONLY, ST_RESTING, ST_STOP, ST_INCOMING,
  R_UNKNOWN_INSTRUMENT, R_DUPLICATE_INSTRUMENT, R_INVALID_INSTRUMENT, R_INVALID_SIDE, R_INVALID_ORDER_TYPE,
  R_INVALID_TIF, R_INVALID_QUANTITY, R_INVALID_MIN_QTY, R_INVALID_DISPLAY_QTY, R_DUPLICATE_ORDER_ID,
  R_INVALID_EXPIRY, R_PRICE_OUT_OF_RANGE, R_INVALID_PRICE_TICK, R_PRICE_OUTSIDE_BAND, R_INVALID_STOP_PRICE,
  R_INVALID_POST_ONLY, R_POST_ONLY_WOULD_CROSS, R_NO_OPPOSITE_SIDE, R_MARKET_NOT_OPEN, R_INSTRUMENT_HALTED,
  R_UNKNOWN_ORDER, R_CAPACITY_EXCEEDED, R_UNKNOWN_COMMAND, R_INVALID_STATE,
  X_USER, X_FOK_NOT_FILLED, X_MIN_QTY_NOT_MET, X_MASS_CANCEL, XP_DAY, XP_GTD,
} from './consts';

// ---- DEFINE_INSTRUMENT ------------------------------------------------------------------------------------

function cmdDefine(c: usize): void {
  const id = load<u32>(c, CF_INS);
  if (findInstrument(id) != 0) return emitReject(R_DUPLICATE_INSTRUMENT, id, 0);
  const algo = load<u8>(c, CF_ALGO);
  const state = load<u8>(c, CF_STATE);
  const tick = load<i64>(c, CF_TICK);
  const ref = load<i64>(c, CF_REF);
  const band = load<u32>(c, CF_BAND);
  const prot = load<u32>(c, CF_PROT);
  const maxQ = load<u32>(c, CF_MAXQ);
  if (
    id == ALL_INSTRUMENTS || algo != 0 || state < S_PREOPEN || state > S_HALTED || tick < 1 || tick > MAX_TICK ||
    band > MAX_BAND_TICKS || prot > MAX_BAND_TICKS || maxQ < 1 || maxQ > MAX_ORDER_QTY ||
    (ref != NO_PRICE && (!inRange(ref) || ref % tick != 0))
  ) return emitReject(R_INVALID_INSTRUMENT, id, 0);
  if (!mapReserve(INSMAP)) return emitReject(R_CAPACITY_EXCEEDED, id, 0);
  const idx = allocInstrument();
  if (idx == 0) return emitReject(R_CAPACITY_EXCEEDED, id, 0);
  const ins = ia(idx);
  store<u32>(ins, id, I_ID);
  store<u8>(ins, state, I_STATE);
  store<u8>(ins, algo, I_ALGO);
  store<i64>(ins, tick, I_TICK);
  store<i64>(ins, ref, I_REF);
  store<u32>(ins, band, I_BAND);
  store<u32>(ins, prot, I_PROT);
  store<u32>(ins, maxQ, I_MAXQ);
  store<i64>(ins, NO_PRICE, I_LAST);
  store<i64>(ins, (MAXP / tick) * tick, I_MAXTP);
  if (!windowsInit(ins)) {
    // leave the record unreachable (not in the map): the id can be defined again later
    return emitReject(R_CAPACITY_EXCEEDED, id, 0);
  }
  mapPut(INSMAP, <u64>id, idx);
  emit(E_DEFINED, 0, 0, 0, id, 0, 0, ref == NO_PRICE ? 0 : ref, 0, 0, 0);
}

// ---- NEW_ORDER -----------------------------------------------------------------------------------------------

function cmdNew(c: usize): void {
  const insId = load<u32>(c, CF_INS);
  const id = load<u64>(c, CF_OID);
  const insIdx = findInstrument(insId);
  if (insIdx == 0) return emitReject(R_UNKNOWN_INSTRUMENT, insId, id);
  const ins = ia(insIdx);
  const side = load<u8>(c, CF_SIDE);
  if (side != BUY && side != SELL) return emitReject(R_INVALID_SIDE, insId, id);
  const otype = load<u8>(c, CF_OTYPE);
  if (otype < T_LIMIT || otype > T_STOP_LIMIT) return emitReject(R_INVALID_ORDER_TYPE, insId, id);
  const tif = load<u8>(c, CF_TIF);
  const isStop = otype >= T_STOP;
  if (tif > TIF_FOK || (isStop && tif > TIF_GTD)) return emitReject(R_INVALID_TIF, insId, id);
  const qty = load<u32>(c, CF_QTY);
  const minQty = load<u32>(c, CF_MINQTY);
  const display = load<u32>(c, CF_DISPLAY);
  const state = load<u8>(ins, I_STATE);
  if (state == S_HALTED) return emitReject(R_INSTRUMENT_HALTED, insId, id);
  if (state == S_PREOPEN && (otype == T_MARKET_LIMIT || otype == T_MARKET || tif >= TIF_FAK || minQty > 0))
    return emitReject(R_MARKET_NOT_OPEN, insId, id);
  if (!validQty(ins, qty)) return emitReject(R_INVALID_QUANTITY, insId, id);
  if (minQty > qty || (tif == TIF_FOK && minQty != 0)) return emitReject(R_INVALID_MIN_QTY, insId, id);
  if (display > qty) return emitReject(R_INVALID_DISPLAY_QTY, insId, id);
  if (mapGet(ORDMAP, id) != 0) return emitReject(R_DUPLICATE_ORDER_ID, insId, id);
  const expire = load<u64>(c, CF_EXPIRE);
  if (tif == TIF_GTD && expire <= clock) return emitReject(R_INVALID_EXPIRY, insId, id);
  const price = load<i64>(c, CF_PRICE);
  const stop = load<i64>(c, CF_STOP);
  const usesP = otype == T_LIMIT || otype == T_STOP_LIMIT;
  if ((usesP && !inRange(price)) || (isStop && !inRange(stop))) return emitReject(R_PRICE_OUT_OF_RANGE, insId, id);
  if ((usesP && !onTick(ins, price)) || (isStop && !onTick(ins, stop)))
    return emitReject(R_INVALID_PRICE_TICK, insId, id);
  if ((usesP && !inBand(ins, side, price)) || (isStop && !inBand(ins, side, stop)))
    return emitReject(R_PRICE_OUTSIDE_BAND, insId, id);
  if (isStop && !stopPricesValid(side, load<i64>(ins, I_LAST), stop, otype == T_STOP_LIMIT, price))
    return emitReject(R_INVALID_STOP_PRICE, insId, id);
  const flags = load<u8>(c, CF_FLAGS);
  if ((flags & F_POST_ONLY) != 0) {
    if (otype != T_LIMIT || tif > TIF_GTD) return emitReject(R_INVALID_POST_ONLY, insId, id);
    if (state == S_OPEN && crosses(ins, side, price)) return emitReject(R_POST_ONLY_WOULD_CROSS, insId, id);
  }
  const opp = sideBlock(ins, side == BUY ? 1 : 0);
  if ((otype == T_MARKET_LIMIT || otype == T_MARKET) && load<u32>(opp, S_BEST) == 0)
    return emitReject(R_NO_OPPOSITE_SIDE, insId, id);
  if (!ensureOrderSlot() || !mapReserve(ORDMAP)) return emitReject(R_CAPACITY_EXCEEDED, insId, id);

  let limit = price;
  if (otype == T_MARKET_LIMIT) limit = load<i64>(opp, S_BESTP);
  else if (otype == T_MARKET) limit = protectedLimit(ins, side, load<i64>(opp, S_BESTP));
  else if (otype == T_STOP) limit = protectedLimit(ins, side, stop);

  const s = allocOrder();
  const o = oa(s);
  store<u64>(o, id, O_ID);
  store<i64>(o, limit, O_PRICE);
  store<u32>(o, qty, O_LEAVES);
  store<u32>(o, 0, O_VISIBLE);
  store<u32>(o, 0, O_NEXT);
  store<u32>(o, 0, O_PREV);
  store<u32>(o, 0, O_LEVEL);
  store<u32>(o, insIdx, O_INS);
  store<u8>(o, side, O_SIDE);
  store<u8>(o, otype, O_TYPE);
  store<u8>(o, tif, O_TIF);
  store<u8>(o, isStop ? ST_STOP : ST_INCOMING, O_STATUS);
  store<u8>(o, flags, O_FLAGS);
  store<i64>(o, isStop ? stop : 0, O_STOP);
  store<u64>(o, tif == TIF_GTD ? expire : 0, O_EXPIRE);
  store<u32>(o, display, O_DISPLAY);
  store<u32>(o, load<u32>(c, CF_ACCOUNT), O_ACCOUNT);
  store<u32>(o, load<u32>(c, CF_SMP), O_SMP);
  store<u32>(o, 0, O_HPOS);
  mapPut(ORDMAP, id, s);
  seqAppend(s);
  if (tif == TIF_GTD) heapPush(s);
  emit(E_ACCEPTED, side, 0, otype, insId, id, isStop ? <u64>stop : 0, limit, qty, qty, 0);
  if (isStop) {
    stopInsert(ins, s);
    return;
  }
  if (state == S_OPEN) {
    if (tif == TIF_FOK) {
      if (available(s, <u64>qty) < <u64>qty) {
        emit(E_CANCELLED, side, X_FOK_NOT_FILLED, otype, insId, id, 0, limit, qty, 0, 0);
        retire(s);
        return;
      }
    } else if (minQty > 0 && available(s, <u64>minQty) < <u64>minQty) {
      emit(E_CANCELLED, side, X_MIN_QTY_NOT_MET, otype, insId, id, 0, limit, qty, 0, 0);
      retire(s);
      return;
    }
    matchAggressor(s);
  }
  finishIncoming(s);
  drainTriggers();
}

// ---- CANCEL / MODIFY -------------------------------------------------------------------------------------------

function cmdCancel(c: usize): void {
  const id = load<u64>(c, CF_OID);
  const s = mapGet(ORDMAP, id);
  if (s == 0) return emitReject(R_UNKNOWN_ORDER, 0, id);
  const o = oa(s);
  emit(E_CANCELLED, load<u8>(o, O_SIDE), X_USER, load<u8>(o, O_TYPE), load<u32>(ia(load<u32>(o, O_INS)), I_ID), id, 0,
    load<i64>(o, O_PRICE), load<u32>(o, O_LEAVES), 0, 0);
  removeLive(s);
}

@inline function cmdModify(c: usize): void {
  const id = load<u64>(c, CF_OID);
  const s = mapGet(ORDMAP, id);
  if (s == 0) return emitReject(R_UNKNOWN_ORDER, 0, id);
  let o = oa(s);
  const insIdx = load<u32>(o, O_INS);
  const ins = ia(insIdx);
  const insId = load<u32>(ins, I_ID);
  const state = load<u8>(ins, I_STATE);
  if (state == S_HALTED) return emitReject(R_INSTRUMENT_HALTED, 0, id);
  const qty = load<u32>(c, CF_QTY);
  if (!validQty(ins, qty)) return emitReject(R_INVALID_QUANTITY, 0, id);
  const side = load<u8>(o, O_SIDE);
  const otype = load<u8>(o, O_TYPE);
  const oldP = load<i64>(o, O_PRICE);
  const np = load<i64>(c, CF_PRICE);
  const aux: u64 = otype >= T_STOP ? <u64>load<i64>(o, O_STOP) : 0;

  if (load<u8>(o, O_STATUS) == ST_RESTING) {
    if (!inRange(np)) return emitReject(R_PRICE_OUT_OF_RANGE, 0, id);
    if (!onTick(ins, np)) return emitReject(R_INVALID_PRICE_TICK, 0, id);
    if (np != oldP && !inBand(ins, side, np)) return emitReject(R_PRICE_OUTSIDE_BAND, 0, id);
    if ((load<u8>(o, O_FLAGS) & F_POST_ONLY) != 0 && state == S_OPEN && crosses(ins, side, np))
      return emitReject(R_POST_ONLY_WOULD_CROSS, 0, id);
    const leaves = load<u32>(o, O_LEAVES);
    if (np == oldP && qty <= leaves) {
      queueReduce<EngineOrders>(s, qty); // keeps its queue position
      emit(E_MODIFIED, side, 0, otype, insId, id, aux, np, qty, qty, 0);
      return;
    }
    unlinkOrder(s);
    store<i64>(o, np, O_PRICE);
    store<u32>(o, qty, O_LEAVES);
    seqRenew(s);
    emit(E_MODIFIED, side, 0, otype, insId, id, aux, np, qty, qty, 0);
    if (state == S_OPEN && crosses(ins, side, np)) {
      store<u8>(o, ST_INCOMING, O_STATUS);
      matchAggressor(s);
      finishIncoming(s);
      drainTriggers();
    } else {
      restOrder(s);
    }
    return;
  }

  // untriggered stop
  const isSL = otype == T_STOP_LIMIT;
  const ns = load<i64>(c, CF_STOP);
  const oldS = load<i64>(o, O_STOP);
  if ((isSL && !inRange(np)) || !inRange(ns)) return emitReject(R_PRICE_OUT_OF_RANGE, 0, id);
  if ((isSL && !onTick(ins, np)) || !onTick(ins, ns)) return emitReject(R_INVALID_PRICE_TICK, 0, id);
  if ((isSL && np != oldP && !inBand(ins, side, np)) || (ns != oldS && !inBand(ins, side, ns)))
    return emitReject(R_PRICE_OUTSIDE_BAND, 0, id);
  if (!stopPricesValid(side, load<i64>(ins, I_LAST), ns, isSL, np)) return emitReject(R_INVALID_STOP_PRICE, 0, id);
  stopRemove(ins, s);
  const limit = isSL ? np : protectedLimit(ins, side, ns);
  store<i64>(o, ns, O_STOP);
  store<i64>(o, limit, O_PRICE);
  store<u32>(o, qty, O_LEAVES);
  seqRenew(s);
  stopInsert(ins, s);
  emit(E_MODIFIED, side, 0, otype, insId, id, <u64>ns, limit, qty, qty, 0);
}

// ---- MASS_CANCEL / SET_STATE / END_SESSION / time ---------------------------------------------------------------

/** Live orders (resting or untriggered stop) of instrument insIdx (0 = all) matching the filter, in
 *  acceptance sequence: {seq u64, slot} entries in scratch; returns the count (account filter when byAccount,
 *  else DAY orders). */
function collectInSequence(insIdx: u32, byAccount: bool, account: u32): u32 {
  const high = ordersHigh();
  let n: u32 = 0;
  for (let s: u32 = 1; s < high; s++) {
    const o = oa(s);
    const st = load<u8>(o, O_STATUS);
    if (st != ST_RESTING && st != ST_STOP) continue;
    if (insIdx != 0 && load<u32>(o, O_INS) != insIdx) continue;
    if (byAccount ? load<u32>(o, O_ACCOUNT) != account : load<u8>(o, O_TIF) != TIF_DAY) continue;
    n++;
  }
  if (n == 0) return 0;
  const buf = getScratch(<u64>n << 4);
  if (buf == 0) return 0;
  let k: u32 = 0;
  for (let s: u32 = 1; s < high && k < n; s++) {
    const o = oa(s);
    const st = load<u8>(o, O_STATUS);
    if (st != ST_RESTING && st != ST_STOP) continue;
    if (insIdx != 0 && load<u32>(o, O_INS) != insIdx) continue;
    if (byAccount ? load<u32>(o, O_ACCOUNT) != account : load<u8>(o, O_TIF) != TIF_DAY) continue;
    store<u64>(buf + (<usize>k << 4), load<u64>(o, O_SEQ));
    store<u64>(buf + (<usize>k << 4), <u64>s, 8);
    k++;
  }
  sortByKey(buf, k);
  return k;
}

/** Remove the collected orders in order, emitting `type` with `reason` for each. */
function removeCollected(n: u32, type: u8, reason: u8): void {
  const buf = getScratch(<u64>n << 4);
  for (let i: u32 = 0; i < n; i++) {
    const s = <u32>load<u64>(buf + (<usize>i << 4), 8);
    const o = oa(s);
    emit(type, load<u8>(o, O_SIDE), reason, load<u8>(o, O_TYPE), load<u32>(ia(load<u32>(o, O_INS)), I_ID),
      load<u64>(o, O_ID), 0, load<i64>(o, O_PRICE), load<u32>(o, O_LEAVES), 0, 0);
    removeLive(s);
  }
}

function cmdMassCancel(c: usize): void {
  const insId = load<u32>(c, CF_INS);
  let insIdx: u32 = 0;
  if (insId != ALL_INSTRUMENTS) {
    insIdx = findInstrument(insId);
    if (insIdx == 0) return emitReject(R_UNKNOWN_INSTRUMENT, insId, 0);
  }
  removeCollected(collectInSequence(insIdx, true, load<u32>(c, CF_ACCOUNT)), E_CANCELLED, X_MASS_CANCEL);
}

function cmdEndSession(c: usize): void {
  const insId = load<u32>(c, CF_INS);
  let insIdx: u32 = 0;
  if (insId != ALL_INSTRUMENTS) {
    insIdx = findInstrument(insId);
    if (insIdx == 0) return emitReject(R_UNKNOWN_INSTRUMENT, insId, 0);
  }
  removeCollected(collectInSequence(insIdx, false, 0), E_EXPIRED, XP_DAY);
}

function cmdSetState(c: usize): void {
  const insId = load<u32>(c, CF_INS);
  const insIdx = findInstrument(insId);
  if (insIdx == 0) return emitReject(R_UNKNOWN_INSTRUMENT, insId, 0);
  const ns = load<u8>(c, CF_NEW_STATE);
  if (ns < S_PREOPEN || ns > S_HALTED) return emitReject(R_INVALID_STATE, insId, 0);
  const ins = ia(insIdx);
  const old = load<u8>(ins, I_STATE);
  store<u8>(ins, ns, I_STATE);
  emit(E_STATE, 0, 0, 0, insId, 0, <u64>ns, 0, 0, 0, 0);
  // §1/§7: every transition into OPEN (from PREOPEN or HALTED) uncrosses a crossed book, so an OPEN book is
  // never crossed. uncross() returns at once when the book is not crossed.
  if (ns == S_OPEN && old != S_OPEN) {
    uncross(insIdx);
    drainTriggers();
  }
}

/** Advance the clock to ts (never back) and expire GTD orders due by then (§9). */
function advanceTime(ts: u64): void {
  if (ts <= clock) return;
  clock = ts;
  let s = heapTop();
  while (s != 0 && load<u64>(oa(s), O_EXPIRE) <= clock) {
    const o = oa(s);
    emit(E_EXPIRED, load<u8>(o, O_SIDE), XP_GTD, load<u8>(o, O_TYPE), load<u32>(ia(load<u32>(o, O_INS)), I_ID),
      load<u64>(o, O_ID), 0, load<i64>(o, O_PRICE), load<u32>(o, O_LEAVES), 0, 0);
    removeLive(s);
    s = heapTop();
  }
}

/** Run n commands from the command area; returns the number of events written. */
export function processBatch(n: u32): u32 {
  if (n > CMD_CAPACITY) n = CMD_CAPACITY;
  evtCount = 0;
  for (let i: u32 = 0; i < n; i++) {
    const c = CMD + <usize>i * <usize>CMD_SIZE;
    curCmd = i;
    curTs = load<u64>(c, CF_TS);
    advanceTime(curTs);
    const t = load<u8>(c, CF_TYPE);
    if (t == C_MODIFY) cmdModify(c);
    else if (t == C_NEW) cmdNew(c);
    else if (t == C_CANCEL) cmdCancel(c);
    else if (t == C_DEFINE) cmdDefine(c);
    else if (t == C_MASS_CANCEL) cmdMassCancel(c);
    else if (t == C_SET_STATE) cmdSetState(c);
    else if (t == C_END_SESSION) cmdEndSession(c);
    else if (t == C_ADVANCE) {
      /* the time advance above is all it does */
    } else emitReject(R_UNKNOWN_COMMAND, 0, 0);
  }
  return evtCount;
}
