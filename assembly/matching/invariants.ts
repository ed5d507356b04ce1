// validateInternalState(): checks every structural invariant and returns 0, or a code naming the first
// violation (tests call it after every command). Codes: 1x orders/id map, 3x GTD heap,
// 4x–5x price levels, 6x stops, 7x cross-structure totals, 1 pending trigger queue.
import {
  oa, ordersHigh, EngineOrders, O_ID, O_NEXT, O_PREV, O_INS, O_SIDE, O_TIF, O_STATUS, O_STOP, O_SEQ, O_HPOS, O_TYPE,
} from './orders';
import { Q_NEXT, Q_PREV, Q_LEVEL, Q_LEAVES, Q_VISIBLE, rec } from './queued';
import {
  ia, insCount, sideBlock, findInstrument, I_ID, I_TICK, I_STATE, I_NSTOP, I_BSTOP_HEAD, I_BSTOP_TAIL, I_SSTOP_HEAD,
  I_SSTOP_TAIL, S_BASE, S_SIZE, S_NWIN, S_SLOTS, S_BITS, S_FAR, S_BEST, S_BESTP, S_NLVL,
} from './instruments';
import {
  la, better, nextLevel, L_PRICE, L_VIS, L_TOT, L_HEAD, L_TAIL, L_COUNT, L_FNEXT, L_FPREV, L_INFAR, L_SIDE, L_INS,
} from './levels';
import { mapGet, mapCount, mapSlots, mapValAt, mapKeyAt } from './idmap';
import { heapAt, heapLess } from './lifecycle';
import { ORDMAP, heapSize, tqHead } from './state';
import { ST_RESTING, ST_STOP, ST_FREE, TIF_GTD, BUY, S_OPEN, T_STOP } from './consts';

let restingSeen: u32 = 0;

// The book part (levels, windows, far lists, best prices, queues) is generic over the order pool P
// (queued.ts): the replay's books (assembly/replay/book.ts) are checked by the same code.
function checkLevel<P>(lv: u32, insIdx: u32, sideIdx: u32, price: i64): u32 {
  const a = la(lv);
  if (load<u32>(a, L_INS) != insIdx || <u32>load<u8>(a, L_SIDE) != sideIdx) return 50;
  if (load<i64>(a, L_PRICE) != price) return 51;
  let s = load<u32>(a, L_HEAD);
  let prev: u32 = 0;
  let n: u32 = 0;
  let vis: u64 = 0;
  let tot: u64 = 0;
  const cnt = load<u32>(a, L_COUNT);
  if (cnt == 0 || s == 0) return 52;
  while (s != 0) {
    const o = rec<P>(s);
    const e = changetype<P>(0).restingError(s, lv, insIdx, sideIdx, price);
    if (e != 0) return e;
    if (load<u32>(o, Q_PREV) != prev) return 54;
    if (load<u32>(o, Q_LEVEL) != lv) return 55;
    vis += <u64>load<u32>(o, Q_VISIBLE);
    tot += <u64>load<u32>(o, Q_LEAVES);
    n++;
    if (n > cnt) return 59;
    prev = s;
    s = load<u32>(o, Q_NEXT);
  }
  if (prev != load<u32>(a, L_TAIL) || n != cnt) return 59;
  if (vis != load<u64>(a, L_VIS) || tot != load<u64>(a, L_TOT)) return 60;
  restingSeen += n;
  return 0;
}

function checkSide<P>(insIdx: u32, sideIdx: u32): u32 {
  const ins = ia(insIdx);
  const sb = sideBlock(ins, sideIdx);
  const tick = load<i64>(ins, I_TICK);
  const size = load<u32>(sb, S_SIZE);
  const base = load<i64>(sb, S_BASE);
  const slots = <usize>load<u32>(sb, S_SLOTS);
  const bits = <usize>load<u32>(sb, S_BITS);
  let inWin: u32 = 0;
  let levels: u32 = 0;
  let bestLv: u32 = 0;
  let bestP: i64 = 0;
  for (let i: u32 = 0; i < size; i++) {
    const lv = load<u32>(slots + (<usize>i << 2));
    const bit = (load<u64>(bits + (<usize>(i >> 6) << 3)) >> <u64>(i & 63)) & 1;
    if ((lv != 0) != (bit != 0)) return 40;
    if (lv == 0) continue;
    if (load<u8>(la(lv), L_INFAR) != 0) return 41;
    const p = (base + <i64>i) * tick;
    const r = checkLevel<P>(lv, insIdx, sideIdx, p);
    if (r != 0) return r;
    inWin++;
    if (bestLv == 0 || better(sideIdx, p, bestP)) {
      bestLv = lv;
      bestP = p;
    }
  }
  if (inWin != load<u32>(sb, S_NWIN)) return 42;
  levels = inWin;
  let f = load<u32>(sb, S_FAR);
  let prevF: u32 = 0;
  while (f != 0) {
    const a = la(f);
    if (load<u8>(a, L_INFAR) != 1 || load<u32>(a, L_FPREV) != prevF) return 43;
    const p = load<i64>(a, L_PRICE);
    const off = p / tick - base;
    if (off >= 0 && off < <i64>size) return 44;
    if (prevF != 0 && !better(sideIdx, load<i64>(la(prevF), L_PRICE), p)) return 45;
    const r = checkLevel<P>(f, insIdx, sideIdx, p);
    if (r != 0) return r;
    if (bestLv == 0 || better(sideIdx, p, bestP)) {
      bestLv = f;
      bestP = p;
    }
    levels++;
    prevF = f;
    f = load<u32>(a, L_FNEXT);
  }
  if (levels != load<u32>(sb, S_NLVL)) return 46;
  if (load<u32>(sb, S_BEST) != bestLv) return 47;
  if (bestLv != 0 && load<i64>(sb, S_BESTP) != bestP) return 48;
  // priority-order iteration visits every level once, strictly worsening
  let it = bestLv;
  let k: u32 = 0;
  let lastP: i64 = 0;
  while (it != 0) {
    const p = load<i64>(la(it), L_PRICE);
    if (k > 0 && !better(sideIdx, lastP, p)) return 49;
    lastP = p;
    k++;
    if (k > levels) return 49;
    it = nextLevel(it);
  }
  if (k != levels) return 49;
  return 0;
}

function checkStops(insIdx: u32): u32 {
  const ins = ia(insIdx);
  let total: u32 = 0;
  for (let list: u32 = 0; list < 2; list++) {
    let s = load<u32>(ins + (list == 0 ? I_BSTOP_HEAD : I_SSTOP_HEAD));
    let prev: u32 = 0;
    while (s != 0) {
      const o = oa(s);
      if (load<u8>(o, O_STATUS) != ST_STOP || load<u32>(o, O_INS) != insIdx) return 61;
      if ((load<u8>(o, O_SIDE) == BUY) != (list == 0)) return 62;
      if (load<u32>(o, O_PREV) != prev) return 63;
      if (load<u8>(o, O_TYPE) < T_STOP) return 64;
      if (prev != 0) {
        const pp = load<i64>(oa(prev), O_STOP);
        const sp = load<i64>(o, O_STOP);
        const ok = pp != sp ? (list == 0 ? pp < sp : pp > sp) : load<u64>(oa(prev), O_SEQ) < load<u64>(o, O_SEQ);
        if (!ok) return 65;
      }
      total++;
      prev = s;
      s = load<u32>(o, O_NEXT);
    }
    if (load<u32>(ins + (list == 0 ? I_BSTOP_TAIL : I_SSTOP_TAIL)) != prev) return 66;
  }
  if (total != load<u32>(ins, I_NSTOP)) return 67;
  return 0;
}

export function checkInvariants(): u32 {
  if (tqHead != 0) return 1;
  let resting: u32 = 0;
  let stops: u32 = 0;
  let gtd: u32 = 0;
  const high = ordersHigh();
  for (let s: u32 = 1; s < high; s++) {
    const o = oa(s);
    const st = load<u8>(o, O_STATUS);
    if (st == ST_FREE) continue;
    if (st != ST_RESTING && st != ST_STOP) return 10;
    if (st == ST_RESTING) resting++;
    else stops++;
    if (mapGet(ORDMAP, load<u64>(o, O_ID)) != s) return 11;
    const insIdx = load<u32>(o, O_INS);
    if (insIdx == 0 || insIdx > insCount) return 12;
    if (load<u8>(o, O_TIF) == TIF_GTD) {
      gtd++;
      if (load<u32>(o, O_HPOS) == 0) return 13;
    } else if (load<u32>(o, O_HPOS) != 0) return 14;
  }
  if (mapCount(ORDMAP) != resting + stops) return 15;
  const ms = mapSlots(ORDMAP);
  let mc: u32 = 0;
  for (let i: u32 = 0; i < ms; i++) {
    const v = mapValAt(ORDMAP, i);
    if (v == 0) continue;
    mc++;
    if (v >= high || load<u64>(oa(v), O_ID) != mapKeyAt(ORDMAP, i)) return 16;
  }
  if (mc != mapCount(ORDMAP)) return 17;
  // GTD heap
  if (heapSize != gtd) return 30;
  for (let i: u32 = 1; i <= heapSize; i++) {
    const h = heapAt(i);
    if (load<u32>(oa(h), O_HPOS) != i) return 31;
    if (i > 1 && heapLess(h, heapAt(i >> 1))) return 32;
  }
  // books
  restingSeen = 0;
  let stopsSeen: u32 = 0;
  for (let i: u32 = 1; i <= insCount; i++) {
    if (findInstrument(load<u32>(ia(i), I_ID)) != i) continue;
    let r = checkBook<EngineOrders>(i);
    if (r != 0) return r;
    r = checkStops(i);
    if (r != 0) return r;
    stopsSeen += load<u32>(ia(i), I_NSTOP);
  }
  if (restingSeen != resting) return 71;
  if (stopsSeen != stops) return 72;
  return 0;
}

/**
 * Both sides of instrument insIdx, resting orders in pool P: windows and bitmaps, far lists, best prices,
 * level totals, queue links, and no crossed book in OPEN. Adds the orders seen to booksResting().
 */
export function checkBook<P>(insIdx: u32): u32 {
  let r = checkSide<P>(insIdx, 0);
  if (r != 0) return r;
  r = checkSide<P>(insIdx, 1);
  if (r != 0) return r;
  const ins = ia(insIdx);
  const b = sideBlock(ins, 0);
  const a = sideBlock(ins, 1);
  if (
    load<u8>(ins, I_STATE) == S_OPEN && load<u32>(b, S_BEST) != 0 && load<u32>(a, S_BEST) != 0 &&
    load<i64>(b, S_BESTP) >= load<i64>(a, S_BESTP)
  ) return 70;
  return 0;
}

/** Resting orders counted by checkBook since the last resetBooksResting(). */
export function booksResting(): u32 {
  return restingSeen;
}
export function resetBooksResting(): void {
  restingSeen = 0;
}
