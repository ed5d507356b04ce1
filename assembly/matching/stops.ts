// Stop book: per instrument two intrusive sorted lists (through O_NEXT/O_PREV), in election order —
// buy stops by ascending stopPrice then acceptance sequence, sell stops by descending stopPrice then
// sequence (docs/matching-rules.md §5). A trade at price P elects the buy-list prefix with stopPrice ≤ P,
// then the sell-list prefix with stopPrice ≥ P, onto the engine-wide trigger queue, which the command
// drains after its own order has finished.
import { oa, O_NEXT, O_PREV, O_STOP, O_SEQ, O_SIDE, O_STATUS } from './orders';
import { I_BSTOP_HEAD, I_BSTOP_TAIL, I_SSTOP_HEAD, I_SSTOP_TAIL, I_NSTOP } from './instruments';
import { tqHead, tqTail } from './state';
import { BUY, ST_TRIGGERED } from './consts';

/** Does order e come after order s in this side's election order? */
@inline function after(buy: bool, e: u32, s: u32): bool {
  const ep = load<i64>(oa(e), O_STOP);
  const sp = load<i64>(oa(s), O_STOP);
  if (ep != sp) return buy ? ep > sp : ep < sp;
  return load<u64>(oa(e), O_SEQ) > load<u64>(oa(s), O_SEQ);
}

export function stopInsert(ins: usize, s: u32): void {
  const buy = load<u8>(oa(s), O_SIDE) == BUY;
  const hOff: usize = buy ? I_BSTOP_HEAD : I_SSTOP_HEAD;
  const tOff: usize = buy ? I_BSTOP_TAIL : I_SSTOP_TAIL;
  // walk back from the tail: new stops usually have the highest sequence
  let e = load<u32>(ins + tOff);
  while (e != 0 && after(buy, e, s)) e = load<u32>(oa(e), O_PREV);
  // insert after e (or at head when e = 0)
  const n = e != 0 ? load<u32>(oa(e), O_NEXT) : load<u32>(ins + hOff);
  store<u32>(oa(s), e, O_PREV);
  store<u32>(oa(s), n, O_NEXT);
  if (e != 0) store<u32>(oa(e), s, O_NEXT);
  else store<u32>(ins + hOff, s);
  if (n != 0) store<u32>(oa(n), s, O_PREV);
  else store<u32>(ins + tOff, s);
  store<u32>(ins, load<u32>(ins, I_NSTOP) + 1, I_NSTOP);
}

export function stopRemove(ins: usize, s: u32): void {
  const buy = load<u8>(oa(s), O_SIDE) == BUY;
  const hOff: usize = buy ? I_BSTOP_HEAD : I_SSTOP_HEAD;
  const tOff: usize = buy ? I_BSTOP_TAIL : I_SSTOP_TAIL;
  const n = load<u32>(oa(s), O_NEXT);
  const p = load<u32>(oa(s), O_PREV);
  if (n != 0) store<u32>(oa(n), p, O_PREV);
  else store<u32>(ins + tOff, p);
  if (p != 0) store<u32>(oa(p), n, O_NEXT);
  else store<u32>(ins + hOff, n);
  store<u32>(ins, load<u32>(ins, I_NSTOP) - 1, I_NSTOP);
}

function enqueue(s: u32): void {
  store<u8>(oa(s), ST_TRIGGERED, O_STATUS);
  store<u32>(oa(s), 0, O_NEXT);
  if (tqTail != 0) store<u32>(oa(tqTail), s, O_NEXT);
  else tqHead = s;
  tqTail = s;
}

/** A trade at price elects stops (call only when I_NSTOP > 0). */
export function electStops(ins: usize, price: i64): void {
  let s = load<u32>(ins, I_BSTOP_HEAD);
  while (s != 0 && load<i64>(oa(s), O_STOP) <= price) {
    stopRemove(ins, s);
    enqueue(s);
    s = load<u32>(ins, I_BSTOP_HEAD);
  }
  s = load<u32>(ins, I_SSTOP_HEAD);
  while (s != 0 && load<i64>(oa(s), O_STOP) >= price) {
    stopRemove(ins, s);
    enqueue(s);
    s = load<u32>(ins, I_SSTOP_HEAD);
  }
}

export function dequeueTriggered(): u32 {
  const s = tqHead;
  if (s != 0) {
    tqHead = load<u32>(oa(s), O_NEXT);
    if (tqHead == 0) tqTail = 0;
  }
  return s;
}
