// The replay's input: MBO columns for up to IN_CAP rows in linear memory, written by the host (one typed-array
// copy per column per chunk, src/replay/kernel.ts load()). Column k: 0 action u8, 1 side u8, 2 flags u8,
// 3 instrument_id u32, 4 size u32, 5 order_id u64, 6 price i64, 7 ts_recv u64, 8 ts_event u64.
import { rawAlloc } from '../matching/memory';

export let IN_CAP: u32 = 0;
export let P_ACTION: usize = 0;
export let P_SIDE: usize = 0;
export let P_FLAGS: usize = 0;
export let P_INS: usize = 0;
export let P_SIZE: usize = 0;
export let P_OID: usize = 0;
export let P_PRICE: usize = 0;
export let P_TS: usize = 0; // ts_recv: output times
export let P_TSE: usize = 0; // ts_event: pre-open boundaries (exchange time)

function align8(n: u64): u64 {
  return (n + 7) & ~(<u64>7);
}

/** Allocate the columns for cap rows; returns the first column's address, 0 when memory cannot grow. */
export function inputInit(cap: u32): usize {
  const a = align8(<u64>cap);
  const w4 = align8(<u64>cap * 4);
  const w8 = <u64>cap * 8;
  const p = rawAlloc(3 * a + 2 * w4 + 4 * w8);
  if (p == 0) return 0;
  IN_CAP = cap;
  P_ACTION = p;
  P_SIDE = P_ACTION + <usize>a;
  P_FLAGS = P_SIDE + <usize>a;
  P_INS = P_FLAGS + <usize>a;
  P_SIZE = P_INS + <usize>w4;
  P_OID = P_SIZE + <usize>w4;
  P_PRICE = P_OID + <usize>w8;
  P_TS = P_PRICE + <usize>w8;
  P_TSE = P_TS + <usize>w8;
  return p;
}

/** ts_recv of input row i. */
@inline export function rowTs(i: u32): u64 {
  return load<u64>(P_TS + (<usize>i << 3));
}

export function inputColumn(k: u32): usize {
  if (k == 0) return P_ACTION;
  if (k == 1) return P_SIDE;
  if (k == 2) return P_FLAGS;
  if (k == 3) return P_INS;
  if (k == 4) return P_SIZE;
  if (k == 5) return P_OID;
  if (k == 6) return P_PRICE;
  if (k == 7) return P_TS;
  return P_TSE;
}
