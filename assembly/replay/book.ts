// The replay's own order store: the books of replayed MBO orders, kept in the engine's instruments and price
// levels (levels.ts: tick windows, far lists, best prices, FIFO queues; so the engine's depth/top queries read
// them) but with a much smaller order record than the engine's and without its matching machinery. A
// replayed order never matches (Databento MBO reports what happened), has no stop, expiry, display quantity,
// account or acceptance sequence: what it needs is the queue prefix (queued.ts) and nothing else.
//
// Record: 32 bytes = the queue prefix (id, next, prev, level, leaves, visible = leaves) + 4 spare bytes. Price,
// side and instrument are the level's. The ~12,000 live orders of a full ES day take 384 KB (the engine's
// records: 1.5 MB) and their id map 256 KB (tagmap.ts, 8-byte entries; the engine's map: 512 KB), so the
// replay's working set fits a 1 MiB L2 cache. Slot 0 is null; freed slots form a LIFO free list (a steady
// book reuses cache-warm slots).
//
// A book's levels hold slots of one pool: an instrument replayed here must not also get engine orders
// (the replay kernel defines its instruments itself and never sends them orders in this mode).
import { rawAlloc } from '../matching/memory';
import {
  tagMapInit, tagMapGet, tagMapProbe, tagMapPutAt, tagMapReserve, tagMapDel, tagMapDelAt, tagMapCount, tagMapSlots,
  tagMapSlotAt, tagMapTagMatches, tagMapReachable, TM_FOUND,
} from '../matching/tagmap';
import { Q_ID, Q_NEXT, Q_LEVEL, Q_LEAVES, Q_VISIBLE, rec } from '../matching/queued';
import {
  la, L_HEAD, L_COUNT, L_VIS, L_TOT, levelsReserve, levelInWindow, levelGetOrCreateSlow, levelRemove, queuePush,
  queueUnlink, queueReduce,
} from '../matching/levels';
import { ia, sideBlock, insCount, findInstrument, I_ID, S_BEST } from '../matching/instruments';
import { checkBook, booksResting, resetBooksResting } from '../matching/invariants';

const R_SHIFT: u32 = 5; // 32-byte records
const MAX_CAP: u32 = 1 << 24;

let RORD: usize = 0;
let rCap: u32 = 0;
let rHigh: u32 = 1;
let rFree: u32 = 0;
let RMAP: usize = 0; // id → slot (tagmap.ts header)

/** The replay's order pool, for the generic queue, hash and invariant code (queued.ts). */
@unmanaged export class ReplayOrders {
  @inline at(s: u32): usize {
    return RORD + (<usize>s << R_SHIFT);
  }
  /** Replayed orders are fully visible and never empty while resting (invariant code, or 0). */
  restingError(s: u32, lv: u32, insIdx: u32, sideIdx: u32, price: i64): u32 {
    const o = RORD + (<usize>s << R_SHIFT);
    const l = load<u32>(o, Q_LEAVES);
    if (l == 0 || load<u32>(o, Q_VISIBLE) != l) return 57;
    return 0;
  }
}

@inline function ra(s: u32): usize {
  return rec<ReplayOrders>(s);
}

/** Allocate the pool for `hint` orders (it grows) and its id map. Call after the engine's init/reset. */
export function bookInit(hint: u32): bool {
  let c: u32 = 1024;
  while (c < hint && c < MAX_CAP) c <<= 1;
  RORD = rawAlloc(<u64>c << R_SHIFT);
  RMAP = rawAlloc(16);
  if (RORD == 0 || RMAP == 0 || !levelsReserve(c) || !tagMapInit(RMAP, c)) return false;
  rCap = c;
  rHigh = 1;
  rFree = 0;
  return true;
}

function grow(): bool {
  if (rCap >= MAX_CAP) return false;
  const nc = rCap << 1;
  if (!levelsReserve(nc - rCap)) return false;
  const p = rawAlloc(<u64>nc << R_SHIFT);
  if (p == 0) return false;
  memory.copy(p, RORD, <usize>rCap << R_SHIFT);
  RORD = p;
  rCap = nc;
  return true;
}

/** Live replayed orders. */
export function bookLive(): u32 {
  return RMAP == 0 ? 0 : tagMapCount(RMAP);
}

/** bookLookup's flag: the order is live, its map entry in the low bits. */
export const FOUND: u32 = TM_FOUND;

/**
 * Probe for id: FOUND | entry when the order is live (bookSlot gives its slot), else the empty map entry where
 * it would go (for bookAddAt, valid while nothing else changes the book; call bookRoom first).
 */
@inline export function bookLookup(id: u64): u32 {
  return tagMapProbe<ReplayOrders>(RMAP, id);
}

/** Slot of a live order from its bookLookup result. */
@inline export function bookSlot(r: u32): u32 {
  return tagMapSlotAt(RMAP, r & ~FOUND);
}

/** Slot of a live order id, or 0. */
@inline export function bookFind(id: u64): u32 {
  return tagMapGet<ReplayOrders>(RMAP, id);
}

/** Room for one more order (grows the pool and the map now, so that a following lookup stays valid). */
@inline export function bookRoom(): bool {
  return (rFree != 0 || rHigh < rCap || grow()) && tagMapReserve(RMAP);
}

/** bookRoomFor's answer when memory cannot grow (map entries are < 2^26). */
export const NO_ROOM: u32 = 0xffffffff;

/**
 * Room for one more order, for an id whose bookLookup (r, not FOUND) came before this call: r's empty entry
 * again, unless making room grew the map (rare: then the id is probed anew), or NO_ROOM. Saves the second probe
 * of bookRoom-then-bookLookup for an id already looked up.
 */
export function bookRoomFor(id: u64, r: u32): u32 {
  const entries = tagMapSlots(RMAP);
  if (!bookRoom()) return NO_ROOM;
  return tagMapSlots(RMAP) == entries ? r : bookLookup(id);
}

@inline export function bookLeaves(s: u32): u32 {
  return load<u32>(ra(s), Q_LEAVES);
}
/**
 * Address of live order s's level: its price, side, instrument and tick index are the level's (levels.ts
 * L_PRICE, L_SIDE, L_INS, L_K). A record that needs several of them fetches the address once.
 */
@inline export function bookLevelAt(s: u32): usize {
  return la(load<u32>(ra(s), Q_LEVEL));
}

/** The level at price = k × tick on a side, created when missing (the common case inline). */
@inline function levelFor(insIdx: u32, sideIdx: u32, price: i64, k: i64): u32 {
  const lv = levelInWindow(sideBlock(ia(insIdx), sideIdx), k);
  return lv != 0 ? lv : levelGetOrCreateSlow(insIdx, sideIdx, price, k);
}

/**
 * A new order at the back of its price level (price = k × tick, in range), at empty map entry e from
 * bookLookup after bookRoom().
 */
@inline export function bookAddAt(insIdx: u32, sideIdx: u32, price: i64, k: i64, id: u64, qty: u32, e: u32): void {
  let s = rFree;
  if (s != 0) rFree = load<u32>(ra(s), Q_NEXT);
  else s = rHigh++;
  const o = ra(s);
  store<u64>(o, id, Q_ID);
  store<u32>(o, qty, Q_LEAVES);
  store<u32>(o, qty, Q_VISIBLE);
  tagMapPutAt(RMAP, e, id, s);
  queuePush<ReplayOrders>(levelFor(insIdx, sideIdx, price, k), s);
}

/** Remove live order s, whose bookLookup result is r, from its level, the map and the pool. */
@inline export function bookRemove(r: u32, s: u32): void {
  queueUnlink<ReplayOrders>(s);
  tagMapDelAt(RMAP, r & ~FOUND);
  store<u32>(ra(s), rFree, Q_NEXT);
  rFree = s;
}

/** Live order s down to qty (≤ its leaves), keeping its queue position. */
@inline export function bookReduce(s: u32, qty: u32): void {
  queueReduce<ReplayOrders>(s, qty);
}

/**
 * Live order s to the back of the level at price = k × tick on side sideIdx of instrument insIdx, with qty
 * (priority lost). The caller reads whatever it needs of the old level first: the unlink may free it.
 */
@inline export function bookMove(s: u32, insIdx: u32, sideIdx: u32, price: i64, k: i64, qty: u32): void {
  const o = ra(s);
  queueUnlink<ReplayOrders>(s);
  store<u32>(o, qty, Q_LEAVES);
  store<u32>(o, qty, Q_VISIBLE);
  queuePush<ReplayOrders>(levelFor(insIdx, sideIdx, price, k), s);
}

/** Empty both sides of an instrument (an R record): every order leaves the map and the pool. */
export function bookClear(insIdx: u32): void {
  for (let side: u32 = 0; side < 2; side++) {
    const sb = sideBlock(ia(insIdx), side);
    let lv = load<u32>(sb, S_BEST);
    while (lv != 0) {
      const a = la(lv);
      let s = load<u32>(a, L_HEAD);
      while (s != 0) {
        const o = ra(s);
        const n = load<u32>(o, Q_NEXT);
        tagMapDel(RMAP, load<u64>(o, Q_ID), s);
        store<u32>(o, 0, Q_LEVEL);
        store<u32>(o, rFree, Q_NEXT);
        rFree = s;
        s = n;
      }
      store<u32>(a, 0, L_HEAD);
      store<u32>(a, 0, L_COUNT);
      store<u64>(a, 0, L_VIS);
      store<u64>(a, 0, L_TOT);
      levelRemove(lv); // recomputes the side's best
      lv = load<u32>(sb, S_BEST);
    }
  }
}

/**
 * Every invariant of the replayed books, 0 when they hold: the engine's book checks on every instrument
 * (windows, far lists, best prices, level totals, queue links; checkBook) with this pool's records, and map
 * ↔ pool ↔ levels agreement. Codes as in assembly/matching/invariants.ts; 80+ for this pool.
 */
export function bookValidate(): u32 {
  if (RMAP == 0) return 0;
  resetBooksResting();
  for (let i: u32 = 1; i <= insCount; i++) {
    if (findInstrument(load<u32>(ia(i), I_ID)) != i) continue;
    const r = checkBook<ReplayOrders>(i);
    if (r != 0) return r;
  }
  const live = tagMapCount(RMAP);
  if (booksResting() != live) return 80;
  const n = tagMapSlots(RMAP);
  let seen: u32 = 0;
  for (let i: u32 = 0; i < n; i++) {
    const s = tagMapSlotAt(RMAP, i);
    if (s == 0) continue;
    seen++;
    if (s >= rHigh || load<u32>(ra(s), Q_LEVEL) == 0) return 81;
    const id = load<u64>(ra(s), Q_ID);
    if (!tagMapTagMatches(RMAP, i, id) || !tagMapReachable(RMAP, i) || bookFind(id) != s) return 82;
  }
  if (seen != live) return 83;
  // free list: slots not in any level, and every slot either live or free
  let free: u32 = 0;
  let f = rFree;
  while (f != 0) {
    if (f >= rHigh || load<u32>(ra(f), Q_LEVEL) != 0) return 84;
    free++;
    if (free > rHigh) return 84;
    f = load<u32>(ra(f), Q_NEXT);
  }
  if (free + live != rHigh - 1) return 85;
  return 0;
}
