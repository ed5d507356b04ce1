// Order pool: 128-byte records in linear memory (array of structs: the fields a modify or a fill touches sit
// in the first cache line; stop price, expiry, account and heap position in the second), slot 0 is the null
// slot, freed slots form a free list through `next`. A record starts with the queue prefix (queued.ts) shared
// with the replay's orders. The GTD-heap capacity follows the order pool (heap ≤ live orders), and every
// growth reserves as many level records (levels ≤ resting orders), so once an order slot exists nothing else
// on its path can run out of room.
import { rawAlloc } from './memory';
import { Q_ID, Q_NEXT, Q_PREV, Q_LEVEL, Q_LEAVES, Q_VISIBLE, Q_BYTES } from './queued';
import { levelsReserve } from './levels';
import { ST_RESTING } from './consts';

export const O_ID: usize = Q_ID; // u64
export const O_NEXT: usize = Q_NEXT; // u32 level queue / stop list / trigger queue / free list
export const O_PREV: usize = Q_PREV; // u32
export const O_LEVEL: usize = Q_LEVEL; // u32 level index while resting
export const O_LEAVES: usize = Q_LEAVES; // u32
export const O_VISIBLE: usize = Q_VISIBLE; // u32
export const O_INS: usize = Q_BYTES; // u32 instrument index (28)
export const O_PRICE: usize = 32; // i64 limit in force (untriggered stop: would-be limit)
export const O_SEQ: usize = 40; // u64 acceptance sequence
export const O_DISPLAY: usize = 48; // u32
export const O_SMP: usize = 52; // u32
export const O_SIDE: usize = 56; // u8
export const O_TYPE: usize = 57; // u8
export const O_TIF: usize = 58; // u8
export const O_STATUS: usize = 59; // u8
export const O_FLAGS: usize = 60; // u8
export const O_STOP: usize = 64; // i64 stopPrice (0 for non-stops)
export const O_EXPIRE: usize = 72; // u64 (0 unless GTD)
export const O_ACCOUNT: usize = 80; // u32
export const O_HPOS: usize = 84; // u32 position in the GTD heap (1-based, 0 = none; GTD orders only)
// Everything a move, a fill or a cancel of a non-stop, non-GTD order touches is in the first 64 bytes.
export const ORDER_BYTES: u32 = 128;

export const MAX_ORDER_CAP: u32 = 1 << 22;

export let ORD: usize = 0;
export let ordCap: u32 = 0;
let ordHigh: u32 = 1;
let ordFree: u32 = 0;

// GTD heap array of u32 slots (index 1..heapSize), capacity = ordCap.
export let HEAP: usize = 0;

@inline export function oa(s: u32): usize {
  return ORD + (<usize>s << 7);
}

/** The engine's order pool, for the generic queue, hash and invariant code (queued.ts). */
@unmanaged export class EngineOrders {
  @inline at(s: u32): usize {
    return oa(s);
  }
  /** What is wrong with resting order s at level lv (insIdx, sideIdx, price), as an invariant code, or 0. */
  restingError(s: u32, lv: u32, insIdx: u32, sideIdx: u32, price: i64): u32 {
    const o = oa(s);
    if (load<u8>(o, O_STATUS) != ST_RESTING) return 53;
    if (load<u32>(o, O_INS) != insIdx) return 55;
    if (<u32>load<u8>(o, O_SIDE) - 1 != sideIdx || load<i64>(o, O_PRICE) != price) return 56;
    const l = load<u32>(o, O_LEAVES);
    const v = load<u32>(o, O_VISIBLE);
    const d = load<u32>(o, O_DISPLAY);
    if (l == 0 || v == 0 || v > l) return 57;
    if (d == 0 ? v != l : v > d) return 58;
    return 0;
  }
}

export function ordersInit(cap: u32): bool {
  let c: u32 = 1024;
  while (c < cap && c < MAX_ORDER_CAP) c <<= 1;
  ORD = rawAlloc(<u64>c << 7);
  HEAP = rawAlloc(<u64>c << 2);
  if (ORD == 0 || HEAP == 0 || !levelsReserve(c)) return false;
  ordCap = c;
  ordHigh = 1;
  ordFree = 0;
  return true;
}

/** Highest slot index ever handed out + 1 (for scans). */
export function ordersHigh(): u32 {
  return ordHigh;
}

function grow(): bool {
  if (ordCap >= MAX_ORDER_CAP) return false;
  const nc = ordCap << 1;
  if (!levelsReserve(nc - ordCap)) return false;
  const o = rawAlloc(<u64>nc << 7);
  if (o == 0) return false;
  const h = rawAlloc(<u64>nc << 2);
  if (h == 0) return false;
  memory.copy(o, ORD, <usize>ordCap << 7);
  memory.copy(h, HEAP, <usize>ordCap << 2);
  ORD = o;
  HEAP = h;
  ordCap = nc;
  return true;
}

/** True when allocOrder() will succeed (grows the pools if needed). */
@inline export function ensureOrderSlot(): bool {
  if (ordFree != 0 || ordHigh < ordCap) return true; // the common case, inlined; growth stays out of line
  return grow();
}

/** A fresh slot; call ensureOrderSlot() first. */
export function allocOrder(): u32 {
  let s = ordFree;
  if (s != 0) {
    ordFree = load<u32>(oa(s), O_NEXT);
  } else {
    s = ordHigh++;
  }
  return s;
}

export function freeOrder(s: u32): void {
  const a = oa(s);
  store<u8>(a, 0, O_STATUS);
  store<u32>(a, ordFree, O_NEXT);
  ordFree = s;
}
