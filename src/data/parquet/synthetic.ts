// Synthetic MBO for the parquet and cache tests and benchmarks: two instruments (ESH4 17077, about
// 90 % of the rows, and ESM4 5602), each a consistent book from the project's one MBO generator
// (src/generate/mbo-day.ts), merged by ts_recv into one batch, as a multi-instrument Databento file
// would hold them. Each stream starts with a clear (R, undefined price) and a snapshot.
// Deterministic for a seed.
import type { Column, ColumnBatch } from '../batch.js';
import { concatBatches } from '../dbn/concat.js';
import { sessionBatches } from '../../generate/mbo-day.js';

function stream(n: number, seed: number, instrumentId: number): ColumnBatch | undefined {
  if (n <= 0) return undefined;
  return concatBatches([...sessionBatches(n, { seed, instrumentId, batchSize: Math.max(1, Math.min(n, 1 << 20)) })]);
}

/** `n` MBO rows of two instruments; `startNs`, if given, moves the first ts_recv there. */
export function syntheticMbo(n: number, seed = 1, startNs?: bigint): ColumnBatch {
  const nb = Math.floor(n / 10);
  const a = stream(n - nb, seed, 17077);
  const b = stream(nb, seed + 0x9e37, 5602);
  const out = merge(a, b, n);
  if (startNs !== undefined && n > 0) {
    const recv = out.columns['ts_recv'] as BigUint64Array;
    const event = out.columns['ts_event'] as BigUint64Array;
    const shift = startNs - recv[0]!;
    for (let i = 0; i < n; i++) {
      recv[i] = recv[i]! + shift;
      event[i] = event[i]! + shift;
    }
  }
  return out;
}

/** Merge two ts_recv-sorted batches (a first on ties). */
function merge(a: ColumnBatch | undefined, b: ColumnBatch | undefined, n: number): ColumnBatch {
  if (!b) return a ?? empty();
  if (!a) return b;
  const ra = a.columns['ts_recv'] as BigUint64Array;
  const rb = b.columns['ts_recv'] as BigUint64Array;
  // the row order: from a (>= 0) or from b (-1 - index)
  const pick = new Int32Array(n);
  let i = 0, j = 0;
  for (let k = 0; k < n; k++) pick[k] = j >= b.length || (i < a.length && ra[i]! <= rb[j]!) ? i++ : -1 - j++;
  const columns: Record<string, Column> = {};
  for (const name of Object.keys(a.columns)) {
    const ca = a.columns[name]! as Uint8Array, cb = b.columns[name]! as Uint8Array;
    const out = new (ca.constructor as new (n: number) => Uint8Array)(n);
    for (let k = 0; k < n; k++) {
      const p = pick[k]!;
      out[k] = p >= 0 ? ca[p]! : cb[-1 - p]!;
    }
    columns[name] = out;
  }
  return { schema: 'mbo', length: n, columns };
}

function empty(): ColumnBatch {
  const columns: Record<string, Column> = {};
  for (const [name, C] of Object.entries(EMPTY)) columns[name] = new C(0);
  return { schema: 'mbo', length: 0, columns };
}

const EMPTY: Record<string, new (n: number) => Column> = {
  ts_event: BigUint64Array, ts_recv: BigUint64Array, rtype: Uint8Array, publisher_id: Uint16Array, instrument_id: Uint32Array,
  order_id: BigUint64Array, price: BigInt64Array, size: Uint32Array, flags: Uint8Array, channel_id: Uint8Array,
  action: Uint8Array, side: Uint8Array, ts_in_delta: Int32Array, sequence: Uint32Array,
};
