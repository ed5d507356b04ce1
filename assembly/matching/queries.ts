// Read-only queries between batches (docs/abi.md "Query records").
import {
  oa, O_ID, O_PRICE, O_LEAVES, O_VISIBLE, O_INS, O_SIDE, O_TYPE, O_TIF, O_STATUS, O_FLAGS, O_STOP, O_EXPIRE,
  O_DISPLAY, O_ACCOUNT, O_SMP,
} from './orders';
import { ia, sideBlock, findInstrument, I_ID, I_STATE, S_BEST, S_BESTP } from './instruments';
import { la, L_PRICE, L_VIS, L_TOT, L_COUNT, nextLevel } from './levels';
import { mapGet } from './idmap';
import { QRY, ORDMAP } from './state';

export function queryTop(insId: u32): u32 {
  const idx = findInstrument(insId);
  if (idx == 0) return 0;
  const ins = ia(idx);
  memory.fill(QRY, 0, 48);
  const b = load<u32>(sideBlock(ins, 0), S_BEST);
  const a = load<u32>(sideBlock(ins, 1), S_BEST);
  store<i64>(QRY, b != 0 ? load<i64>(sideBlock(ins, 0), S_BESTP) : i64.MIN_VALUE, 0);
  if (b != 0) {
    store<u64>(QRY, load<u64>(la(b), L_VIS), 8);
    store<u32>(QRY, load<u32>(la(b), L_COUNT), 16);
  }
  store<i64>(QRY, a != 0 ? load<i64>(sideBlock(ins, 1), S_BESTP) : i64.MAX_VALUE, 24);
  if (a != 0) {
    store<u64>(QRY, load<u64>(la(a), L_VIS), 32);
    store<u32>(QRY, load<u32>(la(a), L_COUNT), 40);
  }
  store<u8>(QRY, load<u8>(ins, I_STATE), 44);
  return 1;
}

export function queryDepth(insId: u32, side: u32, levels: u32, out: usize): u32 {
  const idx = findInstrument(insId);
  if (idx == 0 || (side != 1 && side != 2)) return 0;
  // never write outside memory, whatever pointer the host passes
  const memEnd = <u64>memory.size() << 16;
  if (<u64>out >= memEnd) return 0;
  const room = (memEnd - <u64>out) >> 5;
  const max: u32 = <u64>levels < room ? levels : <u32>room;
  let lv = load<u32>(sideBlock(ia(idx), side - 1), S_BEST);
  let n: u32 = 0;
  while (lv != 0 && n < max) {
    const p = out + (<usize>n << 5);
    const a = la(lv);
    store<i64>(p, load<i64>(a, L_PRICE), 0);
    store<u64>(p, load<u64>(a, L_VIS), 8);
    store<u64>(p, load<u64>(a, L_TOT), 16);
    store<u32>(p, load<u32>(a, L_COUNT), 24);
    store<u32>(p, 0, 28);
    n++;
    lv = nextLevel(lv);
  }
  return n;
}

export function queryOrder(orderId: u64): u32 {
  const s = mapGet(ORDMAP, orderId);
  memory.fill(QRY, 0, 64);
  if (s == 0) return 0;
  const o = oa(s);
  store<u64>(QRY, load<u64>(o, O_ID), 0);
  store<i64>(QRY, load<i64>(o, O_PRICE), 8);
  store<i64>(QRY, load<i64>(o, O_STOP), 16);
  store<u32>(QRY, load<u32>(ia(load<u32>(o, O_INS)), I_ID), 24);
  store<u32>(QRY, load<u32>(o, O_LEAVES), 28);
  store<u32>(QRY, load<u32>(o, O_VISIBLE), 32);
  store<u32>(QRY, load<u32>(o, O_DISPLAY), 36);
  store<u32>(QRY, load<u32>(o, O_ACCOUNT), 40);
  store<u32>(QRY, load<u32>(o, O_SMP), 44);
  store<u8>(QRY, load<u8>(o, O_SIDE), 48);
  store<u8>(QRY, load<u8>(o, O_TYPE), 49);
  store<u8>(QRY, load<u8>(o, O_TIF), 50);
  store<u8>(QRY, load<u8>(o, O_STATUS), 51);
  store<u8>(QRY, load<u8>(o, O_FLAGS), 52);
  store<u64>(QRY, load<u64>(o, O_EXPIRE), 56);
  return 1;
}

/**
 * Whole-book totals of an instrument at out: per side (bids then asks) levels u32, orders u32, total quantity
 * u64 (16 bytes a side). Returns 1, or 0 for an unknown instrument. O(levels).
 */
export function querySideTotals(insId: u32, out: usize): u32 {
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
    const q = out + (<usize>side << 4);
    store<u32>(q, levels, 0);
    store<u32>(q, orders, 4);
    store<u64>(q, qty, 8);
  }
  return 1;
}
