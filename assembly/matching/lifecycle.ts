// Order life cycle bookkeeping outside the price levels: the acceptance sequence, the GTD expiry heap keyed
// by (expireTs, seq) with positions stored in the order so cancels remove in O(log n), and retirement.
// (Mass cancel and session expiry, which need acceptance order, scan the pool and sort: they are rare, and
// keeping a sequence-ordered list would cost every modify three more cache lines.)
import { oa, HEAP, O_ID, O_SEQ, O_EXPIRE, O_HPOS, O_TIF, freeOrder } from './orders';
import { mapDel } from './idmap';
import { ORDMAP, heapSize, acceptSeq } from './state';
import { TIF_GTD } from './consts';

/** Give s the next acceptance sequence. */
export function seqAppend(s: u32): void {
  acceptSeq++;
  store<u64>(oa(s), acceptSeq, O_SEQ);
}

/** Priority-losing modify: new sequence, heap key updated. */
@inline export function seqRenew(s: u32): void {
  acceptSeq++;
  const o = oa(s);
  store<u64>(o, acceptSeq, O_SEQ);
  if (load<u8>(o, O_TIF) == TIF_GTD) siftDown(load<u32>(o, O_HPOS));
}

// ---- GTD heap ---------------------------------------------------------------------------------------------

@inline function hget(i: u32): u32 {
  return load<u32>(HEAP + (<usize>i << 2));
}
@inline function hset(i: u32, s: u32): void {
  store<u32>(HEAP + (<usize>i << 2), s);
  store<u32>(oa(s), i, O_HPOS);
}
@inline export function heapLess(a: u32, b: u32): bool {
  const ea = load<u64>(oa(a), O_EXPIRE);
  const eb = load<u64>(oa(b), O_EXPIRE);
  return ea < eb || (ea == eb && load<u64>(oa(a), O_SEQ) < load<u64>(oa(b), O_SEQ));
}
function siftUp(pos: u32): void {
  const s = hget(pos);
  let i = pos;
  while (i > 1) {
    const p = i >> 1;
    const ps = hget(p);
    if (!heapLess(s, ps)) break;
    hset(i, ps);
    i = p;
  }
  hset(i, s);
}
function siftDown(pos: u32): void {
  const s = hget(pos);
  let i = pos;
  while (true) {
    let c = i << 1;
    if (c > heapSize) break;
    if (c + 1 <= heapSize && heapLess(hget(c + 1), hget(c))) c++;
    const cs = hget(c);
    if (!heapLess(cs, s)) break;
    hset(i, cs);
    i = c;
  }
  hset(i, s);
}
export function heapPush(s: u32): void {
  heapSize++;
  hset(heapSize, s);
  siftUp(heapSize);
}
export function heapRemove(s: u32): void {
  const pos = load<u32>(oa(s), O_HPOS);
  if (pos == 0) return;
  store<u32>(oa(s), 0, O_HPOS);
  const last = hget(heapSize);
  heapSize--;
  if (pos <= heapSize && last != s) {
    hset(pos, last);
    siftUp(pos);
    siftDown(load<u32>(oa(last), O_HPOS));
  }
}
export function heapTop(): u32 {
  return heapSize > 0 ? hget(1) : 0;
}
export function heapAt(i: u32): u32 {
  return hget(i);
}

/** The order is dead: drop it from the id map, sequence list and heap, free its slot. */
export function retire(s: u32): void {
  const o = oa(s);
  mapDel(ORDMAP, load<u64>(o, O_ID));
  if (load<u8>(o, O_TIF) == TIF_GTD) heapRemove(s);
  freeOrder(s);
}
