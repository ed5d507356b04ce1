// Price levels. Per instrument and side, a dense window of level indices addressed by tick offset
// (slots[k − base], k = price / tick) plus an occupancy bitmap, so finding a level is one load and finding
// the next non-empty level is a bitmap scan (64 ticks per word). The window grows (doubling, up to MAX_WIN
// ticks) and re-centres when a price falls outside it; levels whose prices the window cannot reach (a book
// spread over more than MAX_WIN ticks) live in a per-side "far" list sorted best first. Invariant: a far
// level's price is always outside the window range. Each level holds an intrusive doubly-linked FIFO queue
// of orders and its visible/total quantities as u64. The queue operations are generic over the order pool
// (queued.ts): the engine's orders and the replay's orders rest in the same kind of level.
import { EngineOrders, oa, O_NEXT, O_PREV, O_LEVEL } from './orders';
import { Q_NEXT, Q_PREV, Q_LEVEL, Q_LEAVES, Q_VISIBLE, rec } from './queued';
import {
  ia, sideBlock, I_TICK, S_BASE, S_SIZE, S_NWIN, S_SLOTS, S_BITS, S_FAR, S_BEST, S_BESTP, S_NLVL,
} from './instruments';
import { rawAlloc, getScratch } from './memory';

export const L_PRICE: usize = 0; // i64
export const L_VIS: usize = 8; // u64 sum of visible
export const L_TOT: usize = 16; // u64 sum of leaves
export const L_HEAD: usize = 24; // u32
export const L_TAIL: usize = 28; // u32
export const L_COUNT: usize = 32; // u32 orders
export const L_FNEXT: usize = 36; // u32 far list / free list
export const L_FPREV: usize = 40; // u32
export const L_INFAR: usize = 44; // u8
export const L_SIDE: usize = 45; // u8 side index (0 bids, 1 asks)
export const L_INS: usize = 48; // u32 instrument index
export const L_K: usize = 56; // i64 tick index = price / tick (saves a division on removal and iteration)

export const MIN_WIN: u32 = 256;
export const MAX_WIN: u32 = 1 << 16;

// Level pool: 64-byte records. Every order pool reserves one level per order slot it can hold (levels ≤
// resting orders), so allocating a level for an order that has a slot never fails.
export let LVL: usize = 0;
let lvlCap: u32 = 0; // records allocated
let lvlNeed: u32 = 0; // records reserved by the order pools
let lvlHigh: u32 = 1;
let lvlFree: u32 = 0;

// One-entry memo of price / tick: a modify checks the tick (p % tick) and then looks the level up (p / tick)
// for the same price; i64 division is the most expensive instruction on the hot path.
let memoP: i64 = 0;
let memoTick: i64 = 1;
let memoK: i64 = 0;
/** price / tick (exact when price is on tick), memoised for the last (price, tick). */
@inline export function tickIndex(price: i64, tick: i64): i64 {
  if (price != memoP || tick != memoTick) {
    memoP = price;
    memoTick = tick;
    memoK = price / tick;
  }
  return memoK;
}

@inline export function la(lv: u32): usize {
  return LVL + (<usize>lv << 6);
}

export function levelsReset(): void {
  LVL = 0;
  lvlCap = 0;
  lvlNeed = 1; // record 0 is the null level
  lvlHigh = 1;
  lvlFree = 0;
}

/** An order pool grew by n slots: make room for n more levels (false when memory cannot grow). */
export function levelsReserve(n: u32): bool {
  const need = <u64>lvlNeed + <u64>n;
  if (need > 0xffffffff) return false;
  if (need > <u64>lvlCap) {
    let c: u64 = lvlCap < 1024 ? 1024 : <u64>lvlCap;
    while (c < need) c <<= 1;
    const p = rawAlloc(c << 6);
    if (p == 0) return false;
    if (lvlCap > 0) memory.copy(p, LVL, <usize>lvlCap << 6);
    LVL = p;
    lvlCap = <u32>c;
  }
  lvlNeed = <u32>need;
  return true;
}
export function levelsHigh(): u32 {
  return lvlHigh;
}

/** Allocate both sides' initial windows of a new instrument. */
export function windowsInit(ins: usize): bool {
  for (let s: u32 = 0; s < 2; s++) {
    const sb = sideBlock(ins, s);
    const slots = rawAlloc(<u64>MIN_WIN << 2);
    const bits = rawAlloc(<u64>MIN_WIN >> 3);
    if (slots == 0 || bits == 0) return false;
    store<i64>(sb, 0, S_BASE);
    store<u32>(sb, MIN_WIN, S_SIZE);
    store<u32>(sb, 0, S_NWIN);
    store<u32>(sb, <u32>slots, S_SLOTS);
    store<u32>(sb, <u32>bits, S_BITS);
    store<u32>(sb, 0, S_FAR);
    store<u32>(sb, 0, S_BEST);
    store<u32>(sb, 0, S_NLVL);
  }
  return true;
}

/** Is price a better than price b on this side (bids: higher, asks: lower)? */
@inline export function better(sideIdx: u32, a: i64, b: i64): bool {
  return sideIdx == 0 ? a > b : a < b;
}

// ---- bitmap helpers --------------------------------------------------------------------------------

@inline function bitSet(bits: usize, i: i32): void {
  const p = bits + (<usize>(i >> 6) << 3);
  store<u64>(p, load<u64>(p) | (<u64>1 << <u64>(i & 63)));
}
@inline function bitClr(bits: usize, i: i32): void {
  const p = bits + (<usize>(i >> 6) << 3);
  store<u64>(p, load<u64>(p) & ~(<u64>1 << <u64>(i & 63)));
}
/** Highest set index ≤ i, or −1. */
export function highestUpTo(bits: usize, i: i32): i32 {
  if (i < 0) return -1;
  let w = i >> 6;
  let word = load<u64>(bits + (<usize>w << 3)) & (<u64>-1 >> <u64>(63 - (i & 63)));
  while (true) {
    if (word != 0) return (w << 6) + 63 - <i32>clz<u64>(word);
    if (w == 0) return -1;
    w--;
    word = load<u64>(bits + (<usize>w << 3));
  }
  return -1;
}
/** Lowest set index ≥ i (i ≥ 0), or −1. */
export function lowestFrom(bits: usize, size: u32, i: i32): i32 {
  const nw = <i32>(size >> 6);
  let w = i >> 6;
  if (w >= nw) return -1;
  let word = load<u64>(bits + (<usize>w << 3)) & (<u64>-1 << <u64>(i & 63));
  while (true) {
    if (word != 0) return (w << 6) + <i32>ctz<u64>(word);
    w++;
    if (w >= nw) return -1;
    word = load<u64>(bits + (<usize>w << 3));
  }
  return -1;
}

// ---- far list (sorted best first) --------------------------------------------------------------------

function farFind(sb: usize, sideIdx: u32, price: i64): u32 {
  let f = load<u32>(sb, S_FAR);
  while (f != 0) {
    const fp = load<i64>(la(f), L_PRICE);
    if (fp == price) return f;
    if (!better(sideIdx, fp, price)) return 0;
    f = load<u32>(la(f), L_FNEXT);
  }
  return 0;
}

function farInsert(sb: usize, sideIdx: u32, lv: u32): void {
  const p = load<i64>(la(lv), L_PRICE);
  let prev: u32 = 0;
  let f = load<u32>(sb, S_FAR);
  while (f != 0 && better(sideIdx, load<i64>(la(f), L_PRICE), p)) {
    prev = f;
    f = load<u32>(la(f), L_FNEXT);
  }
  const a = la(lv);
  store<u32>(a, f, L_FNEXT);
  store<u32>(a, prev, L_FPREV);
  store<u8>(a, 1, L_INFAR);
  if (f != 0) store<u32>(la(f), lv, L_FPREV);
  if (prev != 0) store<u32>(la(prev), lv, L_FNEXT);
  else store<u32>(sb, lv, S_FAR);
}

function farUnlink(sb: usize, lv: u32): void {
  const a = la(lv);
  const n = load<u32>(a, L_FNEXT);
  const p = load<u32>(a, L_FPREV);
  if (n != 0) store<u32>(la(n), p, L_FPREV);
  if (p != 0) store<u32>(la(p), n, L_FNEXT);
  else store<u32>(sb, n, S_FAR);
  store<u8>(a, 0, L_INFAR);
}

// ---- window management ---------------------------------------------------------------------------------

/** Move the window to [newBase, newBase + newSize); far levels now in range move in. False on no memory. */
function setWindow(ins: usize, sb: usize, newBase: i64, newSize: u32): bool {
  const tick = load<i64>(ins, I_TICK);
  const size = load<u32>(sb, S_SIZE);
  let slots = <usize>load<u32>(sb, S_SLOTS);
  let bits = <usize>load<u32>(sb, S_BITS);
  const nwin = load<u32>(sb, S_NWIN);
  let tmp: usize = 0;
  if (nwin > 0) {
    tmp = getScratch(<u64>nwin << 2);
    if (tmp == 0) return false;
    let n: u32 = 0;
    let i = lowestFrom(bits, size, 0);
    while (i >= 0) {
      store<u32>(tmp + (<usize>n << 2), load<u32>(slots + (<usize>i << 2)));
      n++;
      i = i + 1 < <i32>size ? lowestFrom(bits, size, i + 1) : -1;
    }
  }
  if (newSize != size) {
    const ns = rawAlloc(<u64>newSize << 2);
    if (ns == 0) return false;
    const nb = rawAlloc(<u64>newSize >> 3);
    if (nb == 0) return false;
    slots = ns;
    bits = nb;
    store<u32>(sb, <u32>slots, S_SLOTS);
    store<u32>(sb, <u32>bits, S_BITS);
    store<u32>(sb, newSize, S_SIZE);
  } else if (nwin > 0) {
    memory.fill(slots, 0, <usize>size << 2);
    memory.fill(bits, 0, <usize>size >> 3);
  }
  store<i64>(sb, newBase, S_BASE);
  for (let j: u32 = 0; j < nwin; j++) {
    const lv = load<u32>(tmp + (<usize>j << 2));
    const off = <i32>(load<i64>(la(lv), L_K) - newBase);
    store<u32>(slots + (<usize>off << 2), lv);
    bitSet(bits, off);
  }
  let moved: u32 = 0;
  let f = load<u32>(sb, S_FAR);
  while (f != 0) {
    const nx = load<u32>(la(f), L_FNEXT);
    const off = load<i64>(la(f), L_K) - newBase;
    if (off >= 0 && off < <i64>newSize) {
      farUnlink(sb, f);
      store<u32>(slots + (<usize>off << 2), f);
      bitSet(bits, <i32>off);
      moved++;
    }
    f = nx;
  }
  store<u32>(sb, nwin + moved, S_NWIN);
  return true;
}

/** Try to make the window cover tick index k (grow and/or re-centre). */
function fitWindow(ins: usize, sb: usize, k: i64): bool {
  const size = load<u32>(sb, S_SIZE);
  const nwin = load<u32>(sb, S_NWIN);
  if (nwin == 0) return setWindow(ins, sb, k - <i64>(size >> 1), size);
  const base = load<i64>(sb, S_BASE);
  const bits = <usize>load<u32>(sb, S_BITS);
  const lo = base + <i64>lowestFrom(bits, size, 0);
  const hi = base + <i64>highestUpTo(bits, <i32>size - 1);
  const nlo = k < lo ? k : lo;
  const nhi = k > hi ? k : hi;
  const span = nhi - nlo + 1;
  if (span > <i64>MAX_WIN) return false;
  let ns = size;
  while (<i64>ns < span * 2 && ns < MAX_WIN) ns <<= 1;
  return setWindow(ins, sb, nlo - (<i64>ns - span) / 2, ns);
}

// ---- levels --------------------------------------------------------------------------------------------

function newLevel(insIdx: u32, sideIdx: u32, price: i64, k: i64): u32 {
  let lv = lvlFree;
  if (lv != 0) lvlFree = load<u32>(la(lv), L_FNEXT);
  else lv = lvlHigh++;
  const a = la(lv);
  store<i64>(a, price, L_PRICE);
  store<u64>(a, 0, L_VIS);
  store<u64>(a, 0, L_TOT);
  store<u32>(a, 0, L_HEAD);
  store<u32>(a, 0, L_TAIL);
  store<u32>(a, 0, L_COUNT);
  store<u32>(a, 0, L_FNEXT);
  store<u32>(a, 0, L_FPREV);
  store<u8>(a, 0, L_INFAR);
  store<u8>(a, <u8>sideIdx, L_SIDE);
  store<u32>(a, insIdx, L_INS);
  store<i64>(a, k, L_K);
  return lv;
}

/** The level at price on this side, created if missing. */
@inline export function levelGetOrCreate(insIdx: u32, sideIdx: u32, price: i64): u32 {
  return levelGetOrCreateK(insIdx, sideIdx, price, tickIndex(price, load<i64>(ia(insIdx), I_TICK)));
}

/** The level at an existing window slot for tick index k (one load: the common case), or 0. */
@inline export function levelInWindow(sb: usize, k: i64): u32 {
  const off = k - load<i64>(sb, S_BASE);
  if (<u64>off >= <u64>load<u32>(sb, S_SIZE)) return 0;
  return load<u32>(<usize>load<u32>(sb, S_SLOTS) + (<usize>off << 2));
}

/** levelGetOrCreate out of line, for callers that try levelInWindow first. */
export function levelGetOrCreateSlow(insIdx: u32, sideIdx: u32, price: i64, k: i64): u32 {
  return levelGetOrCreateK(insIdx, sideIdx, price, k);
}

/** The level at price (= k × tick) on this side, created if missing. */
@inline export function levelGetOrCreateK(insIdx: u32, sideIdx: u32, price: i64, k: i64): u32 {
  const ins = ia(insIdx);
  const sb = sideBlock(ins, sideIdx);
  let off = k - load<i64>(sb, S_BASE);
  let lv: u32 = 0;
  if (<u64>off < <u64>load<u32>(sb, S_SIZE)) {
    lv = load<u32>(<usize>load<u32>(sb, S_SLOTS) + (<usize>off << 2));
    if (lv != 0) return lv;
  } else {
    lv = farFind(sb, sideIdx, price);
    if (lv != 0) return lv;
    if (fitWindow(ins, sb, k)) {
      off = k - load<i64>(sb, S_BASE);
    } else {
      lv = newLevel(insIdx, sideIdx, price, k);
      farInsert(sb, sideIdx, lv);
    }
  }
  if (lv == 0) {
    lv = newLevel(insIdx, sideIdx, price, k);
    store<u32>(<usize>load<u32>(sb, S_SLOTS) + (<usize>off << 2), lv);
    bitSet(<usize>load<u32>(sb, S_BITS), <i32>off);
    store<u32>(sb, load<u32>(sb, S_NWIN) + 1, S_NWIN);
  }
  store<u32>(sb, load<u32>(sb, S_NLVL) + 1, S_NLVL);
  const best = load<u32>(sb, S_BEST);
  if (best == 0 || better(sideIdx, price, load<i64>(sb, S_BESTP))) {
    store<u32>(sb, lv, S_BEST);
    store<i64>(sb, price, S_BESTP);
  }
  return lv;
}

/** The level at price on this side, or 0 when there is none (or the price is off the tick). */
export function levelFind(insIdx: u32, sideIdx: u32, price: i64): u32 {
  const ins = ia(insIdx);
  const sb = sideBlock(ins, sideIdx);
  const tick = load<i64>(ins, I_TICK);
  const k = tickIndex(price, tick);
  if (k * tick != price) return 0;
  const lv = levelInWindow(sb, k);
  // 0: k is outside the window, or its window slot is empty; a far level's price is always outside the window
  // range, so in the second case farFind finds nothing either (it stops at the first far level not better)
  return lv != 0 ? lv : farFind(sb, sideIdx, price);
}

/** Best level of the window part (searching from hint towards worse prices), or 0. */
function windowBest(sb: usize, sideIdx: u32, hint: i32): u32 {
  if (load<u32>(sb, S_NWIN) == 0) return 0;
  const size = load<u32>(sb, S_SIZE);
  const bits = <usize>load<u32>(sb, S_BITS);
  let i: i32;
  if (sideIdx == 0) i = highestUpTo(bits, hint >= 0 ? hint : <i32>size - 1);
  else i = lowestFrom(bits, size, hint >= 0 ? hint : 0);
  return i >= 0 ? load<u32>(<usize>load<u32>(sb, S_SLOTS) + (<usize>i << 2)) : 0;
}

function setBest(sb: usize, sideIdx: u32, wb: u32): void {
  const fb = load<u32>(sb, S_FAR);
  let b = wb;
  if (fb != 0 && (b == 0 || better(sideIdx, load<i64>(la(fb), L_PRICE), load<i64>(la(b), L_PRICE)))) b = fb;
  store<u32>(sb, b, S_BEST);
  store<i64>(sb, b != 0 ? load<i64>(la(b), L_PRICE) : 0, S_BESTP);
}

/** Remove an empty level from its side and free it. */
export function levelRemove(lv: u32): void {
  const a = la(lv);
  const ins = ia(load<u32>(a, L_INS));
  const sideIdx = <u32>load<u8>(a, L_SIDE);
  const sb = sideBlock(ins, sideIdx);
  let hint: i32 = -1;
  if (load<u8>(a, L_INFAR) != 0) {
    farUnlink(sb, lv);
  } else {
    const off = <i32>(load<i64>(a, L_K) - load<i64>(sb, S_BASE));
    store<u32>(<usize>load<u32>(sb, S_SLOTS) + (<usize>off << 2), 0);
    bitClr(<usize>load<u32>(sb, S_BITS), off);
    store<u32>(sb, load<u32>(sb, S_NWIN) - 1, S_NWIN);
    hint = off;
  }
  store<u32>(sb, load<u32>(sb, S_NLVL) - 1, S_NLVL);
  if (load<u32>(sb, S_BEST) == lv) setBest(sb, sideIdx, windowBest(sb, sideIdx, hint));
  store<u32>(a, lvlFree, L_FNEXT);
  lvlFree = lv;
}

/** The next worse non-empty level after lv on its side, or 0. */
export function nextLevel(lv: u32): u32 {
  const a = la(lv);
  const ins = ia(load<u32>(a, L_INS));
  const sideIdx = <u32>load<u8>(a, L_SIDE);
  const sb = sideBlock(ins, sideIdx);
  const p = load<i64>(a, L_PRICE);
  let wc: u32 = 0;
  if (load<u32>(sb, S_NWIN) > 0) {
    const size = load<u32>(sb, S_SIZE);
    const bits = <usize>load<u32>(sb, S_BITS);
    const off = load<i64>(a, L_K) - load<i64>(sb, S_BASE);
    let i: i32 = -1;
    if (sideIdx == 0) {
      if (off >= <i64>size) i = highestUpTo(bits, <i32>size - 1);
      else if (off > 0) i = highestUpTo(bits, <i32>off - 1);
    } else {
      if (off < 0) i = lowestFrom(bits, size, 0);
      else if (off + 1 < <i64>size) i = lowestFrom(bits, size, <i32>off + 1);
    }
    if (i >= 0) wc = load<u32>(<usize>load<u32>(sb, S_SLOTS) + (<usize>i << 2));
  }
  let fc: u32 = 0;
  if (load<u8>(a, L_INFAR) != 0) {
    fc = load<u32>(a, L_FNEXT);
  } else {
    fc = load<u32>(sb, S_FAR);
    while (fc != 0 && !better(sideIdx, p, load<i64>(la(fc), L_PRICE))) fc = load<u32>(la(fc), L_FNEXT);
  }
  if (wc == 0) return fc;
  if (fc == 0) return wc;
  return better(sideIdx, load<i64>(la(fc), L_PRICE), load<i64>(la(wc), L_PRICE)) ? fc : wc;
}

// ---- order queues (generic over the order pool P, see queued.ts) -------------------------------------------

/** Append order s of pool P (leaves/visible already set) at the back of level lv. */
@inline export function queuePush<P>(lv: u32, s: u32): void {
  const a = la(lv);
  const o = rec<P>(s);
  const tail = load<u32>(a, L_TAIL);
  store<u32>(o, tail, Q_PREV);
  store<u32>(o, 0, Q_NEXT);
  store<u32>(o, lv, Q_LEVEL);
  if (tail != 0) store<u32>(rec<P>(tail), s, Q_NEXT);
  else store<u32>(a, s, L_HEAD);
  store<u32>(a, s, L_TAIL);
  store<u32>(a, load<u32>(a, L_COUNT) + 1, L_COUNT);
  store<u64>(a, load<u64>(a, L_VIS) + <u64>load<u32>(o, Q_VISIBLE), L_VIS);
  store<u64>(a, load<u64>(a, L_TOT) + <u64>load<u32>(o, Q_LEAVES), L_TOT);
}

/** Take order s of pool P out of its level (subtracting its leaves/visible); frees the level when empty. */
@inline export function queueUnlink<P>(s: u32): void {
  const o = rec<P>(s);
  const lv = load<u32>(o, Q_LEVEL);
  const a = la(lv);
  const n = load<u32>(o, Q_NEXT);
  const p = load<u32>(o, Q_PREV);
  if (n != 0) store<u32>(rec<P>(n), p, Q_PREV);
  else store<u32>(a, p, L_TAIL);
  if (p != 0) store<u32>(rec<P>(p), n, Q_NEXT);
  else store<u32>(a, n, L_HEAD);
  const c = load<u32>(a, L_COUNT) - 1;
  store<u32>(a, c, L_COUNT);
  store<u64>(a, load<u64>(a, L_VIS) - <u64>load<u32>(o, Q_VISIBLE), L_VIS);
  store<u64>(a, load<u64>(a, L_TOT) - <u64>load<u32>(o, Q_LEAVES), L_TOT);
  store<u32>(o, 0, Q_LEVEL);
  if (c == 0) levelRemove(lv);
}

/** Resting order s of pool P down to qty (≤ its leaves) in place, keeping its queue position. */
@inline export function queueReduce<P>(s: u32, qty: u32): void {
  const o = rec<P>(s);
  const leaves = load<u32>(o, Q_LEAVES);
  const vis = load<u32>(o, Q_VISIBLE);
  const nv = vis < qty ? vis : qty;
  const a = la(load<u32>(o, Q_LEVEL));
  store<u64>(a, load<u64>(a, L_TOT) - <u64>(leaves - qty), L_TOT);
  store<u64>(a, load<u64>(a, L_VIS) - <u64>(vis - nv), L_VIS);
  store<u32>(o, qty, Q_LEAVES);
  store<u32>(o, nv, Q_VISIBLE);
}

/** Append engine order s (leaves/visible already set) at the back of level lv. */
@inline export function pushBack(lv: u32, s: u32): void {
  queuePush<EngineOrders>(lv, s);
}

/** Take engine order s out of its level (subtracting its current leaves/visible); frees the level when empty. */
@inline export function unlinkOrder(s: u32): void {
  queueUnlink<EngineOrders>(s);
}

/** Move order s (the head of its level) to the back, keeping totals (iceberg refill). */
export function moveToBack(s: u32): void {
  const o = oa(s);
  const lv = load<u32>(o, O_LEVEL);
  const a = la(lv);
  if (load<u32>(a, L_TAIL) == s) return;
  const n = load<u32>(o, O_NEXT);
  const p = load<u32>(o, O_PREV);
  store<u32>(oa(n), p, O_PREV);
  if (p != 0) store<u32>(oa(p), n, O_NEXT);
  else store<u32>(a, n, L_HEAD);
  const tail = load<u32>(a, L_TAIL);
  store<u32>(oa(tail), s, O_NEXT);
  store<u32>(o, tail, O_PREV);
  store<u32>(o, 0, O_NEXT);
  store<u32>(a, s, L_TAIL);
}
