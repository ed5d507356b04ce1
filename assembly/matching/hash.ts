// Book hash (docs/matching-rules.md §10): FNV-1a 64 over a canonical little-endian byte stream of every
// instrument's state, resting orders in priority order and untriggered stops by order id.
import { oa, O_ID, O_PRICE, O_LEAVES, O_NEXT, O_SIDE, O_STOP } from './orders';
import {
  ia, insCount, sideBlock, findInstrument, I_ID, I_STATE, I_LAST, I_NSTOP, I_BSTOP_HEAD, I_SSTOP_HEAD, S_BEST,
} from './instruments';
import { la, L_HEAD, L_PRICE, nextLevel } from './levels';
import { Q_ID, Q_NEXT, Q_LEAVES, Q_VISIBLE, rec } from './queued';
import { getScratch } from './memory';

let h: u64 = 0;

@inline function hb(b: u32): void {
  h = (h ^ <u64>(b & 0xff)) * 0x100000001b3;
}
function h32(v: u32): void {
  hb(v);
  hb(v >> 8);
  hb(v >> 16);
  hb(v >> 24);
}
function h64(v: u64): void {
  h32(<u32>v);
  h32(<u32>(v >> 32));
}

/** Heapsort n 16-byte entries {key u64, value u32} by key. */
export function sortByKey(buf: usize, n: u32): void {
  if (n < 2) return;
  for (let i: i32 = <i32>(n >> 1) - 1; i >= 0; i--) siftKey(buf, <u32>i, n);
  for (let end: u32 = n - 1; end > 0; end--) {
    swapE(buf, 0, end);
    siftKey(buf, 0, end);
  }
}
@inline function keyAt(buf: usize, i: u32): u64 {
  return load<u64>(buf + (<usize>i << 4));
}
function swapE(buf: usize, i: u32, j: u32): void {
  const a = buf + (<usize>i << 4);
  const b = buf + (<usize>j << 4);
  const k = load<u64>(a);
  const v = load<u64>(a, 8);
  store<u64>(a, load<u64>(b));
  store<u64>(a, load<u64>(b, 8), 8);
  store<u64>(b, k);
  store<u64>(b, v, 8);
}
function siftKey(buf: usize, start: u32, n: u32): void {
  let i = start;
  while (true) {
    let c: u32 = 2 * i + 1;
    if (c >= n) return;
    if (c + 1 < n && keyAt(buf, c + 1) > keyAt(buf, c)) c++;
    if (keyAt(buf, i) >= keyAt(buf, c)) return;
    swapE(buf, i, c);
    i = c;
  }
}

// Resting orders of one side in priority order: id, price, leaves, visible each. The price is the level's
// (a resting order's price is its level's: invariant 56), so the walk needs only the queue prefix and serves
// any order pool P (queued.ts).
function hashSide<P>(ins: usize, sideIdx: u32): void {
  let lv = load<u32>(sideBlock(ins, sideIdx), S_BEST);
  while (lv != 0) {
    const price = load<i64>(la(lv), L_PRICE);
    let m = load<u32>(la(lv), L_HEAD);
    while (m != 0) {
      const o = rec<P>(m);
      h64(load<u64>(o, Q_ID));
      h64(<u64>price);
      h32(load<u32>(o, Q_LEAVES));
      h32(load<u32>(o, Q_VISIBLE));
      m = load<u32>(o, Q_NEXT);
    }
    lv = nextLevel(lv);
  }
  h32(0xffffffff);
}

function hashStops(ins: usize): void {
  const n = load<u32>(ins, I_NSTOP);
  if (n > 0) {
    const buf = getScratch(<u64>n << 4);
    let k: u32 = 0;
    if (buf != 0) {
      for (let list: u32 = 0; list < 2; list++) {
        let s = load<u32>(ins + (list == 0 ? I_BSTOP_HEAD : I_SSTOP_HEAD));
        while (s != 0 && k < n) {
          store<u64>(buf + (<usize>k << 4), load<u64>(oa(s), O_ID));
          store<u64>(buf + (<usize>k << 4), <u64>s, 8);
          k++;
          s = load<u32>(oa(s), O_NEXT);
        }
      }
      sortByKey(buf, k);
      for (let i: u32 = 0; i < k; i++) {
        const o = oa(<u32>load<u64>(buf + (<usize>i << 4), 8));
        h64(load<u64>(o, O_ID));
        hb(load<u8>(o, O_SIDE));
        h64(<u64>load<i64>(o, O_STOP));
        h64(<u64>load<i64>(o, O_PRICE));
        h32(load<u32>(o, O_LEAVES));
      }
    }
  }
  h32(0xffffffff);
}

/** The hash of every book whose resting orders live in pool P (stops are the engine's; the replay has none). */
export function computeBookHash<P>(): u64 {
  h = 0xcbf29ce484222325;
  // instruments in ascending id: repeated selection of the next id (instrument counts are small)
  let prev: u64 = 0;
  let first = true;
  while (true) {
    let best: u32 = 0;
    let bestId: u64 = 0;
    for (let i: u32 = 1; i <= insCount; i++) {
      const id = <u64>load<u32>(ia(i), I_ID);
      if ((first || id > prev) && (best == 0 || id < bestId) && findInstrument(<u32>id) == i) {
        best = i;
        bestId = id;
      }
    }
    if (best == 0) break;
    first = false;
    prev = bestId;
    const ins = ia(best);
    h32(<u32>bestId);
    hb(load<u8>(ins, I_STATE));
    h64(<u64>load<i64>(ins, I_LAST));
    hashSide<P>(ins, 0);
    hashSide<P>(ins, 1);
    hashStops(ins);
  }
  return h;
}
