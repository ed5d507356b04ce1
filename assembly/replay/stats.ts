// Per-instrument replay counters: a table of 256-byte rows (u64 fields RS_*) indexed by the engine's
// instrument index, read by the host (src/replay/kernel.ts mirrors the field numbers; test/replay pins them).
import { rawAlloc } from '../matching/memory';

export const RS_RECORDS: u32 = 0;
export const RS_ADDS: u32 = 1;
export const RS_CANCELS: u32 = 2;
export const RS_MODIFIES: u32 = 3;
export const RS_CLEARS: u32 = 4;
export const RS_TRADES: u32 = 5;
export const RS_FILLS: u32 = 6;
export const RS_NONE: u32 = 7;
export const RS_UNKNOWN_CANCEL: u32 = 8;
export const RS_UNKNOWN_MODIFY: u32 = 9;
export const RS_NEGATIVE_SIZE: u32 = 10;
export const RS_OTHER_REJECT: u32 = 11;
export const RS_LAST: u32 = 12;
export const RS_CROSSED_PREOPEN: u32 = 13;
export const RS_CROSSED_OUTSIDE: u32 = 14;
export const RS_FIRST_CROSSED_OUTSIDE_TS: u32 = 15; // ts_event
export const RS_LAST_CROSSED_OUTSIDE_TS: u32 = 16;
export const RS_PREOPEN: u32 = 17; // flag set by the host
export const RS_DUPLICATE_ADD: u32 = 18;
export const RS_ZERO_SIZE: u32 = 19;
export const RS_BAD_PRICE: u32 = 20;
export const RS_BAD_SIDE: u32 = 21;
export const RS_MISMATCH: u32 = 22; // C whose price or side differs from the resting order's
export const RS_SIDE_CHANGE: u32 = 23; // M that changes side (applied as cancel + add)
export const RS_UNKNOWN_ACTION: u32 = 24;
export const RS_TOB_ADD: u32 = 25; // adds with the TOB flag (top-of-book venues; not CME)
export const RS_CROSSED_NOW: u32 = 26; // 1 when the book was crossed at the last LAST record
export const RS_FIRST_TS: u32 = 27; // ts_recv
export const RS_LAST_TS: u32 = 28;
export const RS_SNAPSHOT: u32 = 29; // records with the SNAPSHOT flag
export const RS_FIRST_CROSSED_OUTSIDE_IDX: u32 = 30; // host-relative record index (replayBase + i)
export const STAT_BYTES: u32 = 256;

export let STATS: usize = 0;
export let statsCap: u32 = 0; // instrument indices covered

export function statsInit(): bool {
  statsCap = 64;
  STATS = rawAlloc(<u64>statsCap * STAT_BYTES);
  return STATS != 0;
}

/** Room for instrument index idx (grows the table; false when memory cannot grow). */
export function ensureStats(idx: u32): bool {
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

/** Row of instrument index idx (valid until the table grows). */
@inline export function statsRow(idx: u32): usize {
  return STATS + <usize>idx * STAT_BYTES;
}
@inline export function sinc(row: usize, f: u32): void {
  const p = row + (<usize>f << 3);
  store<u64>(p, load<u64>(p) + 1);
}
@inline export function sset(row: usize, f: u32, v: u64): void {
  store<u64>(row + (<usize>f << 3), v);
}
@inline export function sget(row: usize, f: u32): u64 {
  return load<u64>(row + (<usize>f << 3));
}
