// Event records (64 B, docs/abi.md) appended to the event area, which doubles when a batch needs room.
import { rawAlloc } from './memory';
import { EVT, evtCap, evtCount, evtOverflow, curCmd, curTs, eventSeq } from './state';
import { E_REJECTED } from './consts';

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
  store<u32>(p, <u32>type | (<u32>side << 8) | (<u32>reason << 16) | (<u32>otype << 24));
  store<u32>(p, insId, 4);
  store<u64>(p, orderId, 8);
  store<u64>(p, aux, 16);
  store<i64>(p, price, 24);
  store<u32>(p, qty, 32);
  store<u32>(p, leaves, 36);
  store<u32>(p, makerLeaves, 40);
  store<u32>(p, curCmd, 44);
  store<u64>(p, curTs, 48);
  eventSeq++;
  store<u64>(p, eventSeq, 56);
  evtCount++;
}

// rejects are off the hot path: keep them out of line
export function emitReject(reason: u8, insId: u32, orderId: u64): void {
  emit(E_REJECTED, 0, reason, 0, insId, orderId, 0, 0, 0, 0, 0);
}
