// The MBO replay's WebAssembly exports (docs/replay.md "How it runs"; host side: src/replay/kernel.ts).
// One engine instance replays: instruments are defined through the engine's DEFINE_INSTRUMENT command and kept
// in PREOPEN (orders rest without matching, so the book holds exactly what the exchange reported); records go
// to the direct backend (the replay's own order store, default) or, for tests and comparisons, to the
// reference backend (every record an engine command). Pick the backend before the first record.
import { rawAlloc } from '../matching/memory';
import { findInstrument, ia } from '../matching/instruments';
import { levelFind, la, L_HEAD } from '../matching/levels';
import { querySideTotals } from '../matching/queries';
import { computeBookHash } from '../matching/hash';
import { checkInvariants } from '../matching/invariants';
import { mapCount, mapGet } from '../matching/idmap';
import { ORDMAP } from '../matching/state';
import { EngineOrders } from '../matching/orders';
import { Q_ID, Q_NEXT, Q_LEAVES, rec } from '../matching/queued';
import { inputInit, inputColumn, IN_CAP } from './input';
import { STATS, statsCap, statsInit, ensureStats, statsRow, sset, RS_PREOPEN } from './stats';
import { bookInit, bookLive, bookFind, bookLeaves, bookValidate, ReplayOrders } from './book';
import { replayRows, kernelReset, setBase, status } from './kernel';
import { ReplayBook } from './fast';
import { EngineBook } from './commands';

let fast: bool = true;
let LVLOUT: usize = 0; // query output: level orders, book counts
let lvlOutCap: u32 = 0;

/**
 * Allocate the input columns for `cap` rows, the stats table and the replay's order store (pre-sized for
 * `orders`; it grows). Call after the engine's init/reset (which rewind the allocator). Returns the address
 * of the first column, 0 when memory cannot grow.
 */
export function replayInit(cap: u32, orders: u32): usize {
  const p = inputInit(cap);
  lvlOutCap = 4096;
  LVLOUT = rawAlloc(<u64>lvlOutCap * 16);
  if (p == 0 || LVLOUT == 0 || !statsInit() || !bookInit(orders)) return 0;
  kernelReset();
  fast = true;
  return p;
}

/** Input column k: 0 action, 1 side, 2 flags, 3 instrument_id, 4 size, 5 order_id, 6 price, 7 ts_recv, 8 ts_event. */
export function replayColumn(k: u32): usize {
  return inputColumn(k);
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
  setBase(b);
}
/** Whether the instrument is in its pre-open (crossed books there are expected, not errors). */
export function replaySetPreopen(insId: u32, on: u32): void {
  const idx = findInstrument(insId);
  if (idx == 0 || !ensureStats(idx)) return;
  sset(statsRow(idx), RS_PREOPEN, on != 0 ? 1 : 0);
}

/**
 * 1: the direct backend (default); 0: every record through the engine's batch loop (reference). Returns 1,
 * or 0 (nothing changed) once either backend holds orders: a level's queue holds slots of one store only.
 */
export function replaySetFast(on: u32): u32 {
  if (bookLive() != 0 || mapCount(ORDMAP) != 0) return 0;
  fast = on != 0;
  return 1;
}

/** Apply input rows [start, end); see replayRows (kernel.ts). Returns the row to resume from. */
export function replayMbo(start: u32, end: u32, stopTs: u64, stopEventTs: u64, stopAtLast: u32): u32 {
  return fast
    ? replayRows<ReplayBook>(start, end, stopTs, stopEventTs, stopAtLast)
    : replayRows<EngineBook>(start, end, stopTs, stopEventTs, stopAtLast);
}

function levelOrders<P>(lv: u32): u32 {
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
    const o = rec<P>(s);
    const q = LVLOUT + (<usize>n << 4);
    store<u64>(q, load<u64>(o, Q_ID), 0);
    store<u32>(q, load<u32>(o, Q_LEAVES), 8);
    store<u32>(q, 0, 12);
    n++;
    s = load<u32>(o, Q_NEXT);
  }
  return n;
}

/**
 * The orders resting at one price (side 1 bids, 2 asks) in queue order, written as 16-byte records
 * (orderId u64, leaves u32, 0 u32) at replayLevelOut(). Returns the count (the area grows to hold them), or
 * 0 for an empty level or an unknown instrument. Used by the own-order queue model.
 */
export function replayLevelOrders(insId: u32, side: u32, price: i64): u32 {
  const idx = findInstrument(insId);
  if (idx == 0 || (side != 1 && side != 2)) return 0;
  const lv = levelFind(idx, side - 1, price);
  if (lv == 0) return 0;
  return fast ? levelOrders<ReplayOrders>(lv) : levelOrders<EngineOrders>(lv);
}

export function replayLevelOut(): usize {
  return LVLOUT;
}

/**
 * Whole-book counts of an instrument at replayLevelOut(): per side (bids then asks) levels u32, orders u32,
 * total quantity u64 (16 bytes a side). Returns 1, or 0 for an unknown instrument.
 */
export function replayBookCounts(insId: u32): u32 {
  return querySideTotals(insId, LVLOUT);
}

/** Open quantity of a live replayed order, 0 when the id is not live. */
export function replayOrderLeaves(id: u64): u32 {
  if (fast) {
    const s = bookFind(id);
    return s == 0 ? 0 : bookLeaves(s);
  }
  const s = mapGet(ORDMAP, id);
  return s == 0 ? 0 : load<u32>(rec<EngineOrders>(s), Q_LEAVES);
}

/** Live replayed orders. */
export function replayLiveOrders(): u32 {
  return fast ? bookLive() : mapCount(ORDMAP);
}

/**
 * The book hash of docs/matching-rules.md §10 over the replayed books: the same value for the same books
 * whichever backend built them (the engine's bookHash() covers only engine orders).
 */
export function replayBookHash(): u64 {
  return fast ? computeBookHash<ReplayOrders>() : computeBookHash<EngineOrders>();
}

/** 0 when every invariant of the replayed books holds, else the first violation's code. */
export function replayValidate(): u32 {
  return fast ? bookValidate() : checkInvariants();
}
