// Order pool: 128-byte records in linear memory (array of structs: the fields a modify or a fill touches sit
// in the first cache line; stop price, expiry, account and heap position in the second), slot 0 is the null slot, freed slots form a free list through `next`.
// The level-pool and GTD-heap capacities follow the order pool (levels ≤ resting orders, heap ≤ live orders),
// so once an order slot exists nothing else on its path can run out of room.
import { rawAlloc } from './memory';

export const O_ID: usize = 0; // u64
export const O_PRICE: usize = 8; // i64 limit in force (untriggered stop: would-be limit)
export const O_LEAVES: usize = 16; // u32
export const O_VISIBLE: usize = 20; // u32
export const O_NEXT: usize = 24; // u32 level queue / stop list / trigger queue / free list
export const O_PREV: usize = 28; // u32
export const O_LEVEL: usize = 32; // u32 level index while resting
export const O_INS: usize = 36; // u32 instrument index
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

// Level pool (same capacity as orders): 64-byte records, see levels.ts for the fields.
export let LVL: usize = 0;
// GTD heap array of u32 slots (index 1..heapSize), capacity = ordCap.
export let HEAP: usize = 0;

@inline export function oa(s: u32): usize {
  return ORD + (<usize>s << 7);
}

export function ordersInit(cap: u32): bool {
  let c: u32 = 1024;
  while (c < cap && c < MAX_ORDER_CAP) c <<= 1;
  ORD = rawAlloc(<u64>c << 7);
  LVL = rawAlloc(<u64>c << 6);
  HEAP = rawAlloc(<u64>c << 2);
  if (ORD == 0 || LVL == 0 || HEAP == 0) return false;
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
  const o = rawAlloc(<u64>nc << 7);
  if (o == 0) return false;
  const l = rawAlloc(<u64>nc << 6);
  if (l == 0) return false;
  const h = rawAlloc(<u64>nc << 2);
  if (h == 0) return false;
  memory.copy(o, ORD, <usize>ordCap << 7);
  memory.copy(l, LVL, <usize>ordCap << 6);
  memory.copy(h, HEAP, <usize>ordCap << 2);
  ORD = o;
  LVL = l;
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
