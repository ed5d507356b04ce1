// Order life cycle bookkeeping outside the price levels: the id map, the acceptance-sequence list (oldest
// first; mass cancel and session expiry walk it), the GTD expiry heap keyed by (expireTs, seq) with
// positions stored in the order so cancels remove in O(log n), and order retirement.
import { oa, HEAP, O_ID, O_SEQ, O_GNEXT, O_GPREV, O_EXPIRE, O_HPOS, O_TIF, freeOrder } from './orders';
import { mapDel } from './idmap';
import { ORDMAP, gHead, gTail, heapSize, acceptSeq } from './state';
import { TIF_GTD } from './consts';

/** Give s the next acceptance sequence and append it to the sequence list. */
export function seqAppend(s: u32): void {
  acceptSeq++;
  const o = oa(s);
  store<u64>(o, acceptSeq, O_SEQ);
  store<u32>(o, 0, O_GNEXT);
  store<u32>(o, gTail, O_GPREV);
  if (gTail != 0) store<u32>(oa(gTail), s, O_GNEXT);
  else gHead = s;
  gTail = s;
}

export function seqUnlink(s: u32): void {
  const o = oa(s);
  const n = load<u32>(o, O_GNEXT);
  const p = load<u32>(o, O_GPREV);
  if (n != 0) store<u32>(oa(n), p, O_GPREV);
  else gTail = p;
  if (p != 0) store<u32>(oa(p), n, O_GNEXT);
  else gHead = n;
}

/** Priority-losing modify: new sequence, back of the list, heap key updated. */
export function seqRenew(s: u32): void {
  seqUnlink(s);
  seqAppend(s);
  const pos = load<u32>(oa(s), O_HPOS);
  if (pos != 0) siftDown(pos);
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
  seqUnlink(s);
  if (load<u8>(o, O_TIF) == TIF_GTD) heapRemove(s);
  freeOrder(s);
}
