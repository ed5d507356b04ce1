// Synthetic MBO batches for the parquet and cache tests and benchmarks: deterministic (seeded),
// fast to build in memory, with the value ranges real CME data has (ES-like prices on a 0.25 tick,
// nanosecond timestamps, a realistic action mix, R records with an undefined price). Not the
// project's market generator: no book consistency is attempted.
import type { ColumnBatch } from '../batch.js';
import { UNDEF_PRICE } from '../batch.js';

/** xorshift32: tiny, deterministic. */
function rng(seed: number) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
}

const ACTIONS = 'AAAAACCCCMMMTFF'; // rough mix of a CME MBO day
const TICK = 250_000_000n; // 0.25 in 1e-9 units

export function syntheticMbo(n: number, seed = 1, startNs = 1_703_462_400_000_000_000n): ColumnBatch {
  const r = rng(seed);
  const ts_recv = new BigUint64Array(n);
  const ts_event = new BigUint64Array(n);
  const rtype = new Uint8Array(n).fill(0xa0);
  const publisher_id = new Uint16Array(n).fill(1);
  const instrument_id = new Uint32Array(n);
  const action = new Uint8Array(n);
  const side = new Uint8Array(n);
  const price = new BigInt64Array(n);
  const size = new Uint32Array(n);
  const channel_id = new Uint8Array(n);
  const order_id = new BigUint64Array(n);
  const flags = new Uint8Array(n);
  const ts_in_delta = new Int32Array(n);
  const sequence = new Uint32Array(n);
  let t = startNs;
  let mid = 4_800_000_000_000n; // 4800.00
  for (let i = 0; i < n; i++) {
    t += BigInt(1 + Math.floor(r() * 20_000));
    ts_recv[i] = t;
    ts_event[i] = t - BigInt(1000 + Math.floor(r() * 5000));
    instrument_id[i] = r() < 0.9 ? 17077 : 5602;
    const a = i === 0 ? 'R' : ACTIONS[Math.floor(r() * ACTIONS.length)]!;
    action[i] = a.charCodeAt(0);
    side[i] = a === 'R' ? 78 : r() < 0.5 ? 66 : 65;
    if (r() < 0.01) mid += r() < 0.5 ? TICK : -TICK;
    price[i] = a === 'R' ? UNDEF_PRICE : mid + BigInt(Math.floor(r() * 40) - 20) * TICK;
    size[i] = 1 + Math.floor(r() * 50);
    channel_id[i] = 13;
    order_id[i] = a === 'R' ? 0n : 6_400_000_000_000n + BigInt(Math.floor(r() * 1e9));
    flags[i] = r() < 0.3 ? 0x80 : 0;
    ts_in_delta[i] = 10_000 + Math.floor(r() * 10_000);
    sequence[i] = 1_000_000 + i;
  }
  return {
    schema: 'mbo',
    length: n,
    columns: { ts_recv, ts_event, rtype, publisher_id, instrument_id, action, side, price, size, channel_id, order_id, flags, ts_in_delta, sequence },
  };
}
