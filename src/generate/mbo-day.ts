// Synthetic full-day ES MBO (`contango generate mbo-day`): a consistent Databento MBO stream for one CME Globex
// session, for replay benchmarks and tests. Deterministic for a seed. The generator keeps its own book (FIFO
// queues per price level) so every record is valid under Databento's semantics: cancels and modifies name live
// orders with sizes they have, trades consume the opposite queue in FIFO order and are followed by the F
// records of the makers and the C (filled) / M (partly filled, new size) records that change the book, the
// book never crosses outside the pre-open, and the last record of each event carries LAST.
//
// Session (UTC, ES in winter): snapshot (R, then A records with SNAPSHOT) at 22:00; pre-open 22:00–23:00 (adds,
// cancels, modifies; no trades); continuous trading 23:00 → 22:00 next day with a 21:15–21:30 quiet spell
// omitted for simplicity. Activity follows an intraday profile (quiet overnight, a peak at the 14:30 US cash
// open, another into the 21:00 close). A latent fair price does a random walk whose volatility follows the same
// profile; aggressors lean towards it and passive orders are placed around it, so prices trend and mean-revert
// like a real book rather than jitter. Action mix near the real ESH4 day: A ≈ 42 %, C ≈ 26 %, M ≈ 18 %,
// T ≈ 4 %, F ≈ 9 %. Not calibrated microstructure: see docs/replay.md.
import type { ColumnBatch } from '../data/batch.js';
import { writeDbn } from '../data/dbn/index.js';
import { Prng } from '../testing/prng.js';

export const ES_TICK = 250_000_000n; // 0.25 index points in 1e-9 units
const NS = 1_000_000_000;
const HOUR = 3600 * NS;

export interface MboDayOptions {
  /** Records to write (default 10,000,000: about a real ES day). */
  records?: number;
  seed?: number;
  /** Session date: the day the session opens (the evening before the trade date), YYYY-MM-DD. */
  date?: string;
  instrumentId?: number;
  /** Rows per batch handed to the writer. */
  batchSize?: number;
}

interface Order {
  id: bigint;
  side: 0 | 1; // 0 bid, 1 ask
  price: number; // ticks
  size: number;
  pos: number; // index in `live`
}

const A = 65, C = 67, M = 77, R = 82, T = 84, F = 70, N = 78, BID = 66, ASK = 65;
const F_LAST = 0x80, F_SNAPSHOT = 0x20;
/** Resting orders the book hovers around (the real ESH4 file ends its day with about 11,000). */
const TARGET_LIVE = 9_000;
/** Records per event on average (most events are one record; trades bring T, F and C/M records). */
const RECORDS_PER_EVENT = 1.3;

/** Intraday activity weight at a UTC time of day (hours), relative to the overnight level. */
export function activity(hourUtc: number): number {
  const bump = (c: number, w: number, h: number) => h * Math.exp(-0.5 * ((hourUtc - c) / w) ** 2);
  return 1 + bump(14.6, 0.6, 9) + bump(15.5, 2.5, 4) + bump(20.9, 0.35, 6) + bump(8, 1.2, 1.5) + bump(23.05, 0.1, 3);
}

class BookSim {
  readonly levels: [Map<number, Order[]>, Map<number, Order[]>] = [new Map(), new Map()];
  readonly byId = new Map<bigint, Order>();
  readonly live: Order[] = [];
  best: [number, number] = [NaN, NaN]; // best bid, best ask (NaN = empty)

  add(o: Order): void {
    const lv = this.levels[o.side];
    let q = lv.get(o.price);
    if (!q) lv.set(o.price, (q = []));
    q.push(o);
    o.pos = this.live.length;
    this.live.push(o);
    this.byId.set(o.id, o);
    const b = this.best[o.side];
    if (Number.isNaN(b) || (o.side === 0 ? o.price > b : o.price < b)) this.best[o.side] = o.price;
  }

  remove(o: Order): void {
    const q = this.levels[o.side].get(o.price)!;
    q.splice(q.indexOf(o), 1);
    if (q.length === 0) {
      this.levels[o.side].delete(o.price);
      if (this.best[o.side] === o.price) this.rescan(o.side, o.price);
    }
    const last = this.live.pop()!;
    if (last !== o) {
      this.live[o.pos] = last;
      last.pos = o.pos;
    }
    this.byId.delete(o.id);
  }

  private rescan(side: 0 | 1, from: number): void {
    const lv = this.levels[side];
    if (lv.size === 0) {
      this.best[side] = NaN;
      return;
    }
    const step = side === 0 ? -1 : 1;
    for (let p = from + step, k = 0; k < 4096; p += step, k++) {
      if (lv.has(p)) {
        this.best[side] = p;
        return;
      }
    }
    let b = NaN; // far away: full scan
    for (const p of lv.keys()) if (Number.isNaN(b) || (side === 0 ? p > b : p < b)) b = p;
    this.best[side] = b;
  }
}

/** Column buffers for one batch; `row()` appends a record. */
class BatchOut {
  n = 0;
  cols!: {
    ts_event: BigUint64Array; ts_recv: BigUint64Array; rtype: Uint8Array; publisher_id: Uint16Array; instrument_id: Uint32Array;
    order_id: BigUint64Array; price: BigInt64Array; size: Uint32Array; flags: Uint8Array; channel_id: Uint8Array;
    action: Uint8Array; side: Uint8Array; ts_in_delta: Int32Array; sequence: Uint32Array;
  };
  constructor(readonly cap: number, private readonly instrumentId: number) {
    this.reset();
  }
  reset(): void {
    const c = this.cap;
    this.n = 0;
    this.cols = {
      ts_event: new BigUint64Array(c), ts_recv: new BigUint64Array(c), rtype: new Uint8Array(c).fill(0xa0),
      publisher_id: new Uint16Array(c).fill(1), instrument_id: new Uint32Array(c).fill(this.instrumentId),
      order_id: new BigUint64Array(c), price: new BigInt64Array(c), size: new Uint32Array(c), flags: new Uint8Array(c),
      channel_id: new Uint8Array(c), action: new Uint8Array(c), side: new Uint8Array(c), ts_in_delta: new Int32Array(c),
      sequence: new Uint32Array(c),
    };
  }
  row(tsEvent: bigint, tsRecv: bigint, action: number, side: number, id: bigint, price: bigint, size: number, flags: number, seq: number): void {
    const c = this.cols;
    const i = this.n++;
    c.ts_event[i] = tsEvent;
    c.ts_recv[i] = tsRecv;
    c.order_id[i] = id;
    c.price[i] = price;
    c.size[i] = size;
    c.flags[i] = flags;
    c.action[i] = action;
    c.side[i] = side;
    c.ts_in_delta[i] = Number(tsRecv - tsEvent);
    c.sequence[i] = seq >>> 0;
  }
  take(): ColumnBatch {
    const n = this.n;
    const columns: ColumnBatch['columns'] = {};
    for (const [k, v] of Object.entries(this.cols)) columns[k] = n === this.cap ? v : v.slice(0, n);
    this.reset();
    return { schema: 'mbo', length: n, columns };
  }
}

/** The records of one synthetic ES session, in batches. */
export function* mboDayBatches(opts: MboDayOptions = {}): Generator<ColumnBatch> {
  const total = opts.records ?? 10_000_000;
  if (!Number.isSafeInteger(total) || total < 100) throw new Error(`records: found ${total}; need an integer ≥ 100`);
  const rng = new Prng(opts.seed ?? 20231225);
  const date = opts.date ?? '2023-12-25';
  const day0 = Date.parse(`${date}T00:00:00Z`);
  if (!Number.isFinite(day0)) throw new Error(`date: found "${date}"; expected YYYY-MM-DD`);
  const instrumentId = opts.instrumentId ?? 17077;
  const out = new BatchOut(opts.batchSize ?? 65_536, instrumentId);
  const book = new BookSim();
  // times are float ns relative to the pre-open start (exact to far below 1 ns), made absolute as bigint on output
  const base = BigInt(day0) * 1_000_000n + BigInt(22 * HOUR);
  const openTs = HOUR;
  const sessionEnd = openTs + 23 * HOUR;
  // events per second at activity 1, so that the session holds about `total` records
  let profileSum = 0;
  for (let m = 0; m < 24 * 60; m++) profileSum += activity(((22 + m / 60) % 24));
  const baseRate = total / RECORDS_PER_EVENT / (profileSum * 60);
  // latent-price volatility per event at activity 1: a session range of roughly 100 ticks (25 points)
  const sigma = 25 / Math.sqrt(total / RECORDS_PER_EVENT);

  let nextId = 6_413_000_000_000n;
  let seq = 1000;
  let written = 0;
  let t = 0;
  let lastRecv = 0n;
  let fair = 4800 * 4 + 0.5; // latent fair price in ticks
  const tsOf = (x: number) => base + BigInt(Math.round(x));

  const ready: ColumnBatch[] = [];
  const emit = (tsE: number, action: number, side: number, id: bigint, priceTicks: number | null, size: number, flags: number): void => {
    const te = tsOf(tsE);
    // captured a few µs after the matching engine, in order (the file is sorted by ts_recv)
    let tr = te + BigInt(2_000 + rng.int(20_000));
    if (tr < lastRecv) tr = lastRecv;
    lastRecv = tr;
    out.row(te, tr, action, side, id, priceTicks === null ? 0x7fff_ffff_ffff_ffffn : BigInt(priceTicks) * ES_TICK, size, flags, seq);
    written++;
    if (out.n === out.cap) ready.push(out.take());
  };
  const geometric = (mean: number) => 1 + Math.floor(Math.log(1 - rng.float()) / Math.log(1 - 1 / mean));
  const orderSize = () => (rng.chance(0.03) ? 10 + rng.int(90) : Math.min(geometric(2.5), 50));

  // ---- snapshot: R, then the resting book (SNAPSHOT flag; LAST on the final record) ----
  seq++;
  emit(t, R, N, 0n, null, 0, F_SNAPSHOT);
  const snap: Order[] = [];
  const mid = Math.floor(fair);
  for (let d = 0; d < 120; d++) {
    for (const side of [0, 1] as const) {
      const k = d < 10 ? 6 + rng.int(12) : rng.chance(0.6) ? 1 + rng.int(4) : 0;
      for (let j = 0; j < k; j++) {
        const o: Order = { id: nextId++, side, price: side === 0 ? mid - d : mid + 1 + d, size: orderSize(), pos: 0 };
        book.add(o);
        snap.push(o);
      }
    }
  }
  for (let i = 0; i < snap.length && written < total; i++) {
    const o = snap[i]!;
    emit(t, A, o.side === 0 ? BID : ASK, o.id, o.price, o.size, F_SNAPSHOT | (i === snap.length - 1 ? F_LAST : 0));
  }
  yield* ready.splice(0);

  // ---- live events ----
  while (written < total) {
    const hour = (22 + t / HOUR) % 24;
    const act = activity(hour);
    t += (-Math.log(1 - rng.float()) / (baseRate * act)) * NS;
    if (t >= sessionEnd) t = sessionEnd - 1; // out of session time: pile up at the end (only when records > a day's worth)
    const open = t >= openTs;
    // the latent price: volatility scales with activity (per event), a slight pull back to the book's mid
    const bb = book.best[0];
    const ba = book.best[1];
    const bookMid = Number.isNaN(bb) || Number.isNaN(ba) ? fair : (bb + ba) / 2;
    fair += (rng.float() - 0.5) * 3.46 * sigma * Math.sqrt(act) + (bookMid - fair) * 0.0005;
    seq++;
    // the action mix; the cancel weight grows with the book so its size stays near TARGET_LIVE orders
    const crowd = book.live.length / TARGET_LIVE;
    const wTrade = open && !Number.isNaN(bb) && !Number.isNaN(ba) ? 0.032 : 0;
    const wAdd = 0.44;
    const wCancel = 0.26 * crowd * crowd;
    const wModify = 0.18;
    const u = rng.float() * (wTrade + wAdd + wCancel + wModify);
    if (wTrade > 0 && (fair > ba + 0.5 || fair < bb - 0.5) && rng.chance(0.25)) {
      // the latent price has moved through the touch: most resting orders there are pulled, then an
      // aggressor takes what is left and the price ticks
      const buy = fair > ba + 0.5;
      const q = book.levels[buy ? 1 : 0].get(buy ? ba : bb)!;
      if (q.length > 3) {
        const o = q[rng.int(q.length)]!;
        emit(t, C, o.side === 0 ? BID : ASK, o.id, o.price, o.size, F_LAST);
        book.remove(o);
      } else {
        let lot = 0;
        for (const o of q) lot += o.size;
        trade(t, buy, lot);
      }
    } else if (u < wTrade) {
      trade(t);
    } else if (u < wTrade + wAdd || book.live.length < 200) {
      addOrder(t);
    } else if (u < wTrade + wAdd + wCancel) {
      const o = pickLive();
      if (rng.chance(0.9) || o.size === 1) {
        emit(t, C, o.side === 0 ? BID : ASK, o.id, o.price, o.size, F_LAST);
        book.remove(o);
      } else {
        const cut = 1 + rng.int(o.size - 1);
        emit(t, C, o.side === 0 ? BID : ASK, o.id, o.price, cut, F_LAST);
        reduce(o, o.size - cut);
      }
    } else {
      modify(t);
    }
    if (ready.length > 0) yield* ready.splice(0);
  }
  if (out.n > 0) yield out.take();

  // -- helpers (closures over the state above) --
  function pickLive(): Order {
    // cancels and modifies favour orders near the touch: pick the closer of two random orders
    const a = book.live[rng.int(book.live.length)]!;
    const b = book.live[rng.int(book.live.length)]!;
    const dist = (o: Order) => Math.abs(o.price - fair);
    return dist(a) <= dist(b) ? a : b;
  }

  function reduce(o: Order, size: number): void {
    o.size = size; // in place: keeps priority
  }

  /** A passive price for a new order on `side`, never crossing the opposite best. */
  function passivePrice(side: 0 | 1): number {
    const d = Math.min(geometric(3.5) - 1, 200);
    let p = side === 0 ? Math.floor(fair) - d : Math.ceil(fair) + d;
    const opp = book.best[side === 0 ? 1 : 0];
    if (!Number.isNaN(opp)) {
      if (side === 0 && p >= opp) p = opp - 1;
      if (side === 1 && p <= opp) p = opp + 1;
    }
    return p;
  }

  function addOrder(ts: number) {
    const side = (rng.chance(0.5) ? 0 : 1) as 0 | 1;
    const o: Order = { id: nextId++, side, price: passivePrice(side), size: orderSize(), pos: 0 };
    book.add(o);
    emit(ts, A, side === 0 ? BID : ASK, o.id, o.price, o.size, F_LAST);
  }

  function modify(ts: number) {
    const o = pickLive();
    const s = o.side === 0 ? BID : ASK;
    const r = rng.float();
    if (r < 0.55 && o.size > 1) {
      reduce(o, 1 + rng.int(o.size - 1)); // keeps priority
      emit(ts, M, s, o.id, o.price, o.size, F_LAST);
      return;
    }
    // size up, or a new price: loses priority (back of the queue at the new price)
    let np = o.price;
    let ns = o.size;
    if (r < 0.75) ns = o.size + 1 + rng.int(5);
    else np = passivePrice(o.side);
    book.remove(o);
    const moved: Order = { id: o.id, side: o.side, price: np, size: ns, pos: 0 };
    book.add(moved);
    emit(ts, M, s, o.id, np, ns, F_LAST);
  }

  function trade(ts: number, sweepBuy?: boolean, sweepQty?: number) {
    // the aggressor leans towards the latent price
    const mid2 = (book.best[0] + book.best[1]) / 2;
    const pBuy = 1 / (1 + Math.exp(-2.5 * (fair - mid2)));
    const buy = sweepBuy ?? rng.chance(pBuy);
    const makerSide = (buy ? 1 : 0) as 0 | 1;
    let want = sweepQty ?? (rng.chance(0.01) ? 10 + rng.int(30) : geometric(2.5));
    const aggressor = nextId++;
    const fills: { o: Order; q: number }[] = [];
    const prints: { price: number; q: number }[] = [];
    // walk the opposite side FIFO, at most a few levels
    for (let lvls = 0; want > 0 && lvls < 4; lvls++) {
      const p = book.best[makerSide];
      if (Number.isNaN(p)) break;
      const q = book.levels[makerSide].get(p)!;
      let printed = 0;
      for (let k = 0; k < q.length && want > 0; k++) {
        const o = q[k]!;
        const x = Math.min(o.size, want);
        fills.push({ o, q: x });
        want -= x;
        printed += x;
      }
      prints.push({ price: p, q: printed });
      // apply this level's fills to the book so the next level becomes best
      for (const f of fills) if (f.o.price === p) {
        if (f.q === f.o.size) book.remove(f.o);
        else f.o.size -= f.q;
      }
      if (want > 0 && book.best[makerSide] === p) break; // level not exhausted (cannot happen) — safety
    }
    const aSide = buy ? BID : ASK;
    const mSide = makerSide === 0 ? BID : ASK;
    for (const pr of prints) emit(ts, T, aSide, aggressor, pr.price, pr.q, 0);
    for (const f of fills) emit(ts, F, mSide, f.o.id, f.o.price, f.q, 0);
    for (let k = 0; k < fills.length; k++) {
      const f = fills[k]!;
      const last = k === fills.length - 1 ? F_LAST : 0;
      if (book.byId.get(f.o.id) === f.o) emit(ts, M, mSide, f.o.id, f.o.price, f.o.size, last);
      else emit(ts, C, mSide, f.o.id, f.o.price, f.q, last);
    }
  }
}

/** Write the session to a DBN file (uncompressed DBN v3). */
export async function writeMboDay(file: string, opts: MboDayOptions = {}): Promise<{ records: number; bytes: number }> {
  const date = opts.date ?? '2023-12-25';
  const start = BigInt(Date.parse(`${date}T22:00:00Z`)) * 1_000_000n;
  return writeDbn(file, {
    dataset: 'GLBX.MDP3',
    schema: 'mbo',
    start,
    end: start + 24n * 3_600_000_000_000n,
    stype_in: 'raw_symbol',
    stype_out: 'instrument_id',
    symbols: ['ESH4'],
  }, mboDayBatches(opts));
}
