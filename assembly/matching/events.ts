// Event records (64 B, docs/abi.md) appended to the event area, which doubles when a batch needs room.
import { rawAlloc } from './memory';
import { EVT, evtCap, evtCount, evtOverflow, curCmd, curTs, eventSeq } from './state';
import { E_REJECTED } from './consts';
import {
  EF_TYPE, EF_REASON, EF_INS, EF_OID, EF_AUX, EF_PRICE, EF_QTY, EF_LEAVES, EF_MAKER_LEAVES, EF_CMD_INDEX, EF_TS, EF_SEQ,
} from './records';

export function eventsInit(cap: u32): bool {
  EVT = rawAlloc(<u64>cap << 6);
  if (EVT == 0) return false;
  evtCap = cap;
  evtCount = 0;
  evtOverflow = 0;
  return true;
}

function growEvents(): bool {
  if (evtCap >= 1 << 24) return false;
  const nc = evtCap << 1;
  const p = rawAlloc(<u64>nc << 6);
  if (p == 0) return false;
  memory.copy(p, EVT, <usize>evtCount << 6);
  EVT = p;
  evtCap = nc;
  return true;
}

@inline export function emit(
  type: u8, side: u8, reason: u8, otype: u8, insId: u32, orderId: u64, aux: u64,
  price: i64, qty: u32, leaves: u32, makerLeaves: u32,
): void {
  if (evtCount >= evtCap && !growEvents()) {
    evtOverflow = 1;
    eventSeq++;
    return;
  }
  const p = EVT + (<usize>evtCount << 6);
  store<u32>(p, <u32>type | (<u32>side << 8) | (<u32>reason << 16) | (<u32>otype << 24), EF_TYPE); // EF_TYPE..EF_OTYPE
  store<u32>(p, insId, EF_INS);
  store<u64>(p, orderId, EF_OID);
  store<u64>(p, aux, EF_AUX);
  store<i64>(p, price, EF_PRICE);
  store<u32>(p, qty, EF_QTY);
  store<u32>(p, leaves, EF_LEAVES);
  store<u32>(p, makerLeaves, EF_MAKER_LEAVES);
  store<u32>(p, curCmd, EF_CMD_INDEX);
  store<u64>(p, curTs, EF_TS);
  eventSeq++;
  store<u64>(p, eventSeq, EF_SEQ);
  evtCount++;
}

// rejects are off the hot path: keep them out of line
export function emitReject(reason: u8, insId: u32, orderId: u64): void {
  emit(E_REJECTED, 0, reason, 0, insId, orderId, 0, 0, 0, 0, 0);
}

/** The reason of the first REJECTED event among the last batch's n events, or 0 when none was rejected. */
export function firstRejectReason(n: u32): u8 {
  for (let i: u32 = 0; i < n; i++) {
    const p = EVT + (<usize>i << 6);
    if (load<u8>(p, EF_TYPE) == E_REJECTED) return load<u8>(p, EF_REASON);
  }
  return 0;
}
