// Instrument records: 256 bytes each, index 1..insCount (0 = null), looked up by id through INSMAP.
// Each record holds the definition, trading state, last trade, the two sides' price-level windows and the
// two stop lists.
import { rawAlloc } from './memory';
import { mapGet } from './idmap';
import { INSMAP } from './state';
import { NO_PRICE } from './consts';

export const I_ID: usize = 0; // u32
export const I_STATE: usize = 4; // u8
export const I_ALGO: usize = 5; // u8
// byte 6..7 unused (was a flag for books that opened crossed; §1 now uncrosses on every entry into OPEN)
export const I_TICK: usize = 8; // i64
export const I_REF: usize = 16; // i64 definition reference (NO_PRICE = none)
export const I_BAND: usize = 24; // u32 band ticks
export const I_PROT: usize = 28; // u32 protection ticks
export const I_MAXQ: usize = 32; // u32
export const I_LAST: usize = 40; // i64 last trade (NO_PRICE = none)
export const I_MAXTP: usize = 48; // i64 furthest multiple of the tick inside ±(2^53 − 1)
export const I_SIDE0: usize = 64; // bid side block (64 B), asks at 128
// side block fields (relative to the block)
export const S_BASE: usize = 0; // i64 tick index of window slot 0
export const S_SIZE: usize = 8; // u32 window size (power of two)
export const S_NWIN: usize = 12; // u32 levels in the window
export const S_SLOTS: usize = 16; // u32 ptr: u32[size] level index per tick
export const S_BITS: usize = 20; // u32 ptr: u64[size/64] occupancy bitmap
export const S_FAR: usize = 24; // u32 head of the far-level list (sorted best first)
export const S_BEST: usize = 28; // u32 best level (0 = side empty)
export const S_BESTP: usize = 32; // i64 best price (valid when S_BEST != 0)
export const S_NLVL: usize = 40; // u32 levels on this side
export const I_BSTOP_HEAD: usize = 192; // u32 buy stops, ascending stopPrice then seq
export const I_BSTOP_TAIL: usize = 196;
export const I_SSTOP_HEAD: usize = 200; // u32 sell stops, descending stopPrice then seq
export const I_SSTOP_TAIL: usize = 204;
export const I_NSTOP: usize = 208; // u32 untriggered stops
export const INS_BYTES: u32 = 256;

export let INS: usize = 0;
export let insCap: u32 = 0;
export let insCount: u32 = 0;

@inline export function ia(i: u32): usize {
  return INS + (<usize>i << 8);
}
@inline export function sideBlock(ins: usize, sideIdx: u32): usize {
  return ins + I_SIDE0 + (<usize>sideIdx << 6);
}

export function instrumentsInit(cap: u32): bool {
  let c: u32 = 16;
  while (c < cap + 1 && c < 1 << 20) c <<= 1;
  INS = rawAlloc(<u64>c << 8);
  if (INS == 0) return false;
  insCap = c;
  insCount = 0;
  return true;
}

/** A new zeroed instrument index, or 0 when memory cannot grow. */
export function allocInstrument(): u32 {
  if (insCount + 1 >= insCap) {
    if (insCap >= 1 << 20) return 0;
    const nc = insCap << 1;
    const p = rawAlloc(<u64>nc << 8);
    if (p == 0) return 0;
    memory.copy(p, INS, <usize>insCap << 8);
    INS = p;
    insCap = nc;
  }
  insCount++;
  return insCount;
}

@inline export function findInstrument(id: u32): u32 {
  return mapGet(INSMAP, <u64>id);
}

/** The §6 band reference: last trade if traded, else the definition's reference (NO_PRICE = none). */
@inline export function bandReference(ins: usize): i64 {
  const last = load<i64>(ins, I_LAST);
  return last != NO_PRICE ? last : load<i64>(ins, I_REF);
}

/** Both sides non-empty and the best bid at or above the best ask. */
@inline export function bookCrossed(ins: usize): bool {
  const b = sideBlock(ins, 0);
  const a = sideBlock(ins, 1);
  return load<u32>(b, S_BEST) != 0 && load<u32>(a, S_BEST) != 0 && load<i64>(b, S_BESTP) >= load<i64>(a, S_BESTP);
}
