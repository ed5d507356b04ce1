// Hand-built MBO sequences for the replay tests: one record per line, Databento semantics.
import type { ColumnBatch } from '../../src/data/batch.js';
import { UNDEF_PRICE } from '../../src/data/batch.js';

export interface Rec {
  ts: bigint; // ts_event (= ts_recv)
  action: 'A' | 'C' | 'M' | 'R' | 'T' | 'F' | 'N';
  side: 'B' | 'A' | 'N';
  id?: bigint;
  price?: bigint; // ticks of TICK
  size?: number;
  flags?: number; // default LAST
  instrument?: number;
}

export const TICK = 250_000_000n; // 0.25
export const INS = 1;

export function mbo(recs: readonly Rec[]): ColumnBatch {
  const n = recs.length;
  const c = {
    ts_event: new BigUint64Array(n),
    ts_recv: new BigUint64Array(n),
    rtype: new Uint8Array(n).fill(0xa0),
    publisher_id: new Uint16Array(n).fill(1),
    instrument_id: new Uint32Array(n),
    order_id: new BigUint64Array(n),
    price: new BigInt64Array(n),
    size: new Uint32Array(n),
    flags: new Uint8Array(n),
    channel_id: new Uint8Array(n),
    action: new Uint8Array(n),
    side: new Uint8Array(n),
    ts_in_delta: new Int32Array(n),
    sequence: new Uint32Array(n),
  };
  recs.forEach((r, i) => {
    c.ts_event[i] = r.ts;
    c.ts_recv[i] = r.ts;
    c.instrument_id[i] = r.instrument ?? INS;
    c.order_id[i] = r.id ?? 0n;
    c.price[i] = r.price === undefined ? UNDEF_PRICE : r.price * TICK;
    c.size[i] = r.size ?? 0;
    c.flags[i] = r.flags ?? 0x80;
    c.action[i] = r.action.charCodeAt(0);
    c.side[i] = r.side.charCodeAt(0);
    c.sequence[i] = i;
  });
  return { schema: 'mbo', length: n, columns: c };
}
