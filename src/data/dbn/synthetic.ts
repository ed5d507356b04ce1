// Deterministic synthetic MBO batches for benchmarks and writer tests: an ES-like book (tick 0.25
// = 250,000,000 price units) whose mid drifts by random ticks, with an action mix close to the real
// ESH4 day (A 42 %, C 26 %, M 18 %, T 4 %, F 9 %), increasing order ids, non-decreasing ts_recv
// and ts_event a few microseconds earlier. Not a market simulator: it exists to give the decoder
// realistic bytes (varied values, real field widths), not realistic microstructure.
import type { ColumnBatch } from '../batch.js';
import { Flags } from './enums.js';

const TICK = 250_000_000n;

/** xorshift32: small, fast, deterministic. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 0x9e3779b9;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 0x1_0000_0000;
  };
}

export interface SyntheticMboOptions {
  records: number;
  batchSize?: number;
  seed?: number;
  instrumentId?: number;
  /** First ts_recv, ns. */
  start?: bigint;
}

export function* syntheticMboBatches(opts: SyntheticMboOptions): Generator<ColumnBatch> {
  const total = opts.records;
  const batchSize = opts.batchSize ?? 65_536;
  const rand = rng(opts.seed ?? 1);
  const instrumentId = opts.instrumentId ?? 17077;
  let ts = opts.start ?? 1_703_462_400_000_000_000n; // 2023-12-25T00:00:00Z
  let midTicks = 19_200n; // 4800.00
  let orderId = 6_000_000_000_000n;
  let seq = 100_000;
  const A = 65, C = 67, M = 77, T = 84, F = 70, B = 66, ASK = 65;
  for (let done = 0; done < total; ) {
    const n = Math.min(batchSize, total - done);
    const cols = {
      rtype: new Uint8Array(n).fill(0xa0),
      publisher_id: new Uint16Array(n).fill(1),
      instrument_id: new Uint32Array(n).fill(instrumentId),
      ts_event: new BigUint64Array(n),
      order_id: new BigUint64Array(n),
      price: new BigInt64Array(n),
      size: new Uint32Array(n),
      flags: new Uint8Array(n),
      channel_id: new Uint8Array(n),
      action: new Uint8Array(n),
      side: new Uint8Array(n),
      ts_recv: new BigUint64Array(n),
      ts_in_delta: new Int32Array(n),
      sequence: new Uint32Array(n),
    };
    for (let i = 0; i < n; i++) {
      const u = rand();
      const action = u < 0.42 ? A : u < 0.68 ? C : u < 0.86 ? M : u < 0.9 ? T : F;
      const bid = rand() < 0.5;
      if (rand() < 0.01) midTicks += rand() < 0.5 ? -1n : 1n;
      const depth = BigInt(Math.floor(rand() * 10));
      const px = bid ? midTicks - 1n - depth : midTicks + 1n + depth;
      ts += BigInt(Math.floor(rand() * 20_000));
      const delta = 1_000 + Math.floor(rand() * 20_000);
      if (action === A) orderId += 1n + BigInt(Math.floor(rand() * 50));
      cols.ts_recv[i] = ts;
      cols.ts_event[i] = ts - BigInt(delta) - 5_000n;
      cols.ts_in_delta[i] = delta;
      cols.order_id[i] = action === T ? 0n : orderId - BigInt(Math.floor(rand() * 1000));
      cols.price[i] = px * TICK;
      cols.size[i] = 1 + Math.floor(rand() * rand() * 60);
      cols.flags[i] = rand() < 0.6 ? Flags.LAST : 0;
      cols.action[i] = action;
      cols.side[i] = action === T ? (bid ? B : ASK) : bid ? B : ASK;
      cols.sequence[i] = seq;
      if (rand() < 0.7) seq++;
    }
    done += n;
    yield { schema: 'mbo', length: n, columns: cols };
  }
}
