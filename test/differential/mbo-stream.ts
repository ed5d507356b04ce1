// Random Databento MBO streams for the replay differential test: several instruments with their own ticks,
// adds (fresh, duplicate and reused ids; off-tick, undefined, out-of-range and far-away prices; zero and huge
// sizes; no side), cancels (full, partial, more than the leaves, zero, unknown id, wrong price or side),
// modifies (same-price decrease and increase, price changes, side changes, unknown ids, size 0, bad prices),
// clears followed by snapshots, trades/fills/none, unknown actions, events of several records (LAST only on
// the last one), TOB flags. A shadow of the live orders (approximate: it is only there to pick plausible
// targets) keeps the books around a target size. Deterministic for a seed.
import type { ColumnBatch } from '../../src/data/batch.js';
import { UNDEF_PRICE } from '../../src/data/batch.js';
import { Prng, WeightTable } from '../../src/testing/prng.js';

export interface StreamInstrument {
  id: number;
  tick: bigint;
  /** centre of the price range, in ticks */
  mid: number;
}

export interface StreamOptions {
  records: number;
  seed: number;
  instruments: readonly StreamInstrument[];
  /** live orders per instrument the shadow aims at */
  targetLive?: number;
  /** batch sizes are drawn in [1, maxBatch] */
  maxBatch?: number;
}

interface Shadow {
  id: bigint;
  ins: number; // index into instruments
  side: number; // 66 B / 65 A
  price: bigint;
  size: number;
  pos: number;
}

const A = 65, C = 67, M = 77, R = 82, T = 84, F = 70, N = 78, B = 66;
const LAST = 0x80, TOB = 0x40, SNAPSHOT = 0x20;

class Out {
  n = 0;
  readonly c;
  constructor(readonly cap: number) {
    this.c = {
      ts_event: new BigUint64Array(cap), ts_recv: new BigUint64Array(cap), rtype: new Uint8Array(cap).fill(0xa0),
      publisher_id: new Uint16Array(cap).fill(1), instrument_id: new Uint32Array(cap), order_id: new BigUint64Array(cap),
      price: new BigInt64Array(cap), size: new Uint32Array(cap), flags: new Uint8Array(cap), channel_id: new Uint8Array(cap),
      action: new Uint8Array(cap), side: new Uint8Array(cap), ts_in_delta: new Int32Array(cap), sequence: new Uint32Array(cap),
    };
  }
  push(ts: bigint, ins: number, action: number, side: number, id: bigint, price: bigint, size: number, flags: number): void {
    const c = this.c;
    const i = this.n++;
    c.ts_event[i] = ts;
    c.ts_recv[i] = ts + 1000n;
    c.instrument_id[i] = ins;
    c.action[i] = action;
    c.side[i] = side;
    c.order_id[i] = id;
    c.price[i] = price;
    c.size[i] = size >>> 0;
    c.flags[i] = flags;
    c.sequence[i] = i;
  }
  batch(): ColumnBatch {
    const cols: Record<string, BigUint64Array | BigInt64Array | Uint8Array | Uint16Array | Uint32Array | Int32Array> = {};
    for (const [k, v] of Object.entries(this.c)) cols[k] = v.subarray(0, this.n);
    return { schema: 'mbo', length: this.n, columns: cols };
  }
}

type Kind =
  | 'add' | 'addDup' | 'addReuse' | 'cancelFull' | 'cancelPart' | 'cancelOver' | 'cancelZero' | 'cancelUnknown'
  | 'cancelMismatch' | 'modDown' | 'modUp' | 'modMove' | 'modSide' | 'modUnknown' | 'modZero' | 'modBadPrice'
  | 'clear' | 'trade' | 'fill' | 'none' | 'unknownAction';

const KINDS = new WeightTable<Kind>({
  add: 300, addDup: 8, addReuse: 8, cancelFull: 130, cancelPart: 70, cancelOver: 8, cancelZero: 4, cancelUnknown: 15,
  cancelMismatch: 8, modDown: 50, modUp: 30, modMove: 80, modSide: 8, modUnknown: 15, modZero: 6, modBadPrice: 5,
  clear: 0.6, trade: 25, fill: 25, none: 5, unknownAction: 2,
});

/** Batches of a random MBO stream with `records` rows in all. */
export function* randomMboBatches(opts: StreamOptions): Generator<ColumnBatch> {
  const rng = new Prng(opts.seed);
  const target = opts.targetLive ?? 1500;
  const maxBatch = opts.maxBatch ?? 5000;
  const insts = opts.instruments;
  const live: Shadow[][] = insts.map(() => []);
  const byId = new Map<bigint, Shadow>();
  const dead: bigint[] = [];
  let nextId = 1_000_000_000_000n + BigInt(rng.int(1_000_000)) * 4096n;
  let ts = 1_700_000_000_000_000_000n;
  let left = opts.records;

  const rm = (o: Shadow) => {
    const l = live[o.ins]!;
    const last = l.pop()!;
    if (last !== o) {
      l[o.pos] = last;
      last.pos = o.pos;
    }
    byId.delete(o.id);
    if (dead.length < 4096) dead.push(o.id);
    else dead[rng.int(dead.length)] = o.id;
  };
  const put = (o: Shadow) => {
    o.pos = live[o.ins]!.length;
    live[o.ins]!.push(o);
    byId.set(o.id, o);
  };
  const priceNear = (k: number, side: number): bigint => {
    const ins = insts[k]!;
    const r = rng.float();
    let t: number;
    if (r < 0.02) t = ins.mid + (rng.chance(0.5) ? 1 : -1) * rng.range(70_000, 200_000); // beyond a full window
    else if (r < 0.05) t = ins.mid + rng.range(-3000, 3000);
    else t = ins.mid + (side === B ? -rng.int(60) : rng.int(60)) + rng.range(-5, 5); // some crossing
    return BigInt(t) * ins.tick;
  };
  const badPrice = (k: number): bigint => {
    const r = rng.int(3);
    if (r === 0) return UNDEF_PRICE;
    if (r === 1) return (rng.chance(0.5) ? 1n : -1n) * (1n << 60n);
    return priceNear(k, B) + (insts[k]!.tick > 1n ? 1n : 0n) + (insts[k]!.tick > 1n ? 0n : 1n << 62n); // off tick
  };
  const sizeOf = () => (rng.chance(0.01) ? 0 : rng.chance(0.003) ? 1_000_000_001 + rng.int(1000) : rng.range(1, 40));
  const pickLive = (k: number): Shadow | undefined => {
    const l = live[k]!;
    return l.length === 0 ? undefined : l[rng.int(l.length)];
  };

  while (left > 0) {
    const n = Math.min(left, rng.range(1, maxBatch));
    const out = new Out(n + 400); // a snapshot may overshoot the batch a little
    while (out.n < n) {
      // one event: 1–4 records, LAST on the last
      const k = rng.int(insts.length);
      const ins = insts[k]!;
      const evLen = rng.chance(0.7) ? 1 : rng.range(2, 4);
      ts += BigInt(1 + rng.int(1000));
      for (let e = 0; e < evLen && out.n < n; e++) {
        const flags = e === evLen - 1 || out.n === n - 1 ? LAST : 0;
        const l = live[k]!;
        let kind = rng.weighted(KINDS);
        // keep the book near its target size
        if (kind.startsWith('cancel') && l.length < target / 2 && rng.chance(0.5)) kind = 'add';
        if (kind === 'add' && l.length > target * 1.5 && rng.chance(0.5)) kind = 'cancelFull';
        const side = rng.chance(0.5) ? B : A;
        switch (kind) {
          case 'add':
          case 'addReuse': {
            const id = kind === 'addReuse' && dead.length > 0 ? dead[rng.int(dead.length)]! : nextId++;
            const sd = rng.chance(0.005) ? N : side;
            const price = rng.chance(0.01) ? badPrice(k) : priceNear(k, side);
            const size = sizeOf();
            out.push(ts, ins.id, A, sd, id, price, size, flags | (rng.chance(0.005) ? TOB : 0));
            if (!byId.has(id) && sd !== N && size > 0 && size <= 1e9 && price !== UNDEF_PRICE) {
              put({ id, ins: k, side, price, size, pos: 0 });
            }
            break;
          }
          case 'addDup': {
            const o = pickLive(k);
            out.push(ts, ins.id, A, side, o?.id ?? nextId++, priceNear(k, side), rng.range(1, 9), flags);
            break;
          }
          case 'cancelFull':
          case 'cancelPart':
          case 'cancelOver':
          case 'cancelZero':
          case 'cancelMismatch': {
            const o = pickLive(k);
            if (!o) {
              out.push(ts, ins.id, C, side, nextId + 77n, priceNear(k, side), 1, flags);
              break;
            }
            let size = o.size;
            if (kind === 'cancelPart') size = o.size > 1 ? rng.range(1, o.size - 1) : 1;
            else if (kind === 'cancelOver') size = o.size + rng.range(1, 5);
            else if (kind === 'cancelZero') size = 0;
            const price = kind === 'cancelMismatch' && rng.chance(0.5) ? o.price + ins.tick : o.price;
            const sd = kind === 'cancelMismatch' && price === o.price ? (o.side === B ? A : B) : o.side;
            out.push(ts, ins.id, C, sd, o.id, price, size, flags);
            if (size >= o.size) rm(o);
            else if (size > 0) o.size -= size;
            break;
          }
          case 'cancelUnknown':
            out.push(ts, ins.id, C, side, nextId + 1_000_000n + BigInt(rng.int(1000)), priceNear(k, side), rng.range(1, 5), flags);
            break;
          case 'modDown':
          case 'modUp':
          case 'modMove':
          case 'modSide':
          case 'modZero':
          case 'modBadPrice': {
            const o = pickLive(k);
            if (!o) break;
            let price = o.price;
            let size = o.size;
            let sd = o.side;
            if (kind === 'modDown') size = o.size > 1 ? rng.range(1, o.size - 1) : 1;
            else if (kind === 'modUp') size = o.size + rng.range(1, 10);
            else if (kind === 'modMove') {
              price = priceNear(k, o.side);
              size = rng.chance(0.3) ? o.size : rng.range(1, 40);
            } else if (kind === 'modSide') {
              sd = o.side === B ? A : B;
              price = priceNear(k, sd);
            } else if (kind === 'modZero') size = 0;
            else price = badPrice(k);
            out.push(ts, ins.id, M, sd, o.id, price, size, flags);
            if (kind === 'modZero') rm(o);
            else if (kind !== 'modBadPrice') {
              o.price = price;
              o.size = size;
              o.side = sd;
            }
            break;
          }
          case 'modUnknown': {
            const id = nextId++;
            const price = priceNear(k, side);
            const size = rng.range(1, 30);
            out.push(ts, ins.id, M, side, id, price, size, flags);
            put({ id, ins: k, side, price, size, pos: 0 });
            break;
          }
          case 'clear': {
            // R, then a snapshot of fresh adds; LAST on the snapshot's last record only
            out.push(ts, ins.id, R, N, 0n, UNDEF_PRICE, 0, 0);
            for (const o of [...l]) rm(o);
            const m = rng.range(0, 300);
            for (let j = 0; j < m; j++) {
              const sd = rng.chance(0.5) ? B : A;
              const id = nextId++;
              const price = priceNear(k, sd);
              const size = rng.range(1, 30);
              out.push(ts, ins.id, A, sd, id, price, size, SNAPSHOT | (j === m - 1 ? LAST : 0));
              put({ id, ins: k, side: sd, price, size, pos: 0 });
            }
            if (m === 0) out.c.flags[out.n - 1] = LAST;
            e = evLen; // the snapshot ends the event
            break;
          }
          case 'trade':
            out.push(ts, ins.id, T, rng.pick([A, B, N]), 0n, priceNear(k, side), rng.range(1, 9), flags);
            break;
          case 'fill': {
            const o = pickLive(k);
            out.push(ts, ins.id, F, o?.side ?? side, o?.id ?? 0n, o?.price ?? priceNear(k, side), 1, flags);
            break;
          }
          case 'none':
            out.push(ts, ins.id, N, N, 0n, UNDEF_PRICE, 0, flags);
            break;
          case 'unknownAction':
            out.push(ts, ins.id, rng.pick([0, 88, 90]), side, nextId, priceNear(k, side), 1, flags);
            break;
        }
      }
    }
    left -= out.n;
    yield out.batch();
  }
}
