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
// open, another into the 21:00 close). A latent price (a random walk plus fast mean-reverting noise) presses on
// the touch: orders there are pulled, aggressors take the rest, and the price ticks.
//
// Calibrated on the real ESH4 file's continuous trading, measured by src/data/mbo-mix.ts (docs/data-formats.md
// has the table; test/dbn/generator-mix.test.ts checks it): action shares A 33 %, C 32 %, M 19 %, T 5 %, F 11 %;
// 90 % of modifies move the price; six in ten trades and three in four adds are one lot; ~14 orders at the
// best, ~17 a level over the best five, ~800 thin levels a side, ~11,000 resting orders. Not a market model:
// no implied orders, icebergs or pre-open uncross.
import type { ColumnBatch } from '../data/batch.js';
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
// Calibration: measured on the real ESH4 file's continuous trading (23:00-24:00 UTC, src/data/mbo-mix.ts,
// docs/data-formats.md); the test/dbn/generator-mix.test.ts checks the result against those figures.
/** Resting orders the book hovers around (the real book held ~10,500 after the open). */
const TARGET_LIVE = 10_500;
/** Records per event on average (most events are one record; trades bring T, F and C/M records). */
const RECORDS_PER_EVENT = 1.28;
/** Event weights (the cancel weight is scaled by the book's size over its target, squared). */
const W_TRADE = 0.064, W_ADD = 0.45, W_CANCEL = 0.255, W_MODIFY = 0.238;
/** Where new orders rest: at the best 64 %, 1-4 ticks behind 4 %, else 5 + exponential(FAR_MEAN_TICKS) behind. */
const P_AT_BEST = 0.64, P_NEAR = 0.04, FAR_MEAN_TICKS = 200;
/** A spread wider than a tick is filled by the next add with this probability (improving adds). */
const P_FILL_GAP = 0.6;
/** How much more often an order at the best, or 1-4 ticks behind it, is cancelled or modified than one further away. */
const BEST_HAZARD = 240, NEAR_HAZARD = 40;
/** Under pressure: a cancel pulls an order at the pressed touch; a trade takes the whole level. */
const P_PULL = 0.5, P_SWEEP = 0.3, SWEEP_MAX_LOTS = 12;
/** Under pressure, an add that would join the pressed touch rests behind it instead. */
const P_SHUN = 0.35;
/** Modifies: 89 % move the price, 0.1 % add size, the rest cut size at the same price. */
const P_MODIFY_PRICE = 0.89, P_MODIFY_UP = 0.001;
/** Size of one lot: 75 % of adds, 66 % of aggressors (60 % of T records: sweeps print larger). */
const ADD_SIZE_ONE = 0.75, TRADE_SIZE_ONE = 0.66;
/** The latent price: the trend's standard deviation over the session, and the noise (AR(1) per event, std ~2 ticks). */
const DAY_STD_TICKS = 60, NOISE_KEEP = 0.98, NOISE_STEP = 0.4;


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
  yield* sessionBatches(total, opts);
}

/**
 * The generator itself, for any record count ≥ 1 (the adapters in src/data/dbn/synthetic.ts and
 * src/data/parquet/synthetic.ts make short streams for codec tests).
 */
export function* sessionBatches(total: number, opts: MboDayOptions = {}): Generator<ColumnBatch> {
  if (!Number.isSafeInteger(total) || total < 0) throw new Error(`records: found ${total}; need an integer ≥ 0`);
  if (total === 0) return;
  const rng = new Prng(opts.seed ?? 20231225);
  const date = opts.date ?? '2023-12-25';
  const day0 = Date.parse(`${date}T00:00:00Z`);
  if (!Number.isFinite(day0)) throw new Error(`date: found "${date}"; expected YYYY-MM-DD`);
  const instrumentId = opts.instrumentId ?? 17077;
  const out = new BatchOut(opts.batchSize ?? 65_536, instrumentId);
  const book = new BookSim();
  // The book's size: a real day's ~10,500 resting orders, scaled down for short streams so that
  // the snapshot stays a small part of them and the live mix is the same at any length.
  const targetLive = Math.max(50, Math.min(TARGET_LIVE, Math.round(total / 25)));
  // times are float ns relative to the pre-open start (exact to far below 1 ns), made absolute as bigint on output
  const base = BigInt(day0) * 1_000_000n + BigInt(22 * HOUR);
  const openTs = HOUR;
  const sessionEnd = openTs + 23 * HOUR;
  // events per second at activity 1, so that the session holds about `total` records
  let profileSum = 0;
  for (let m = 0; m < 24 * 60; m++) profileSum += activity(((22 + m / 60) % 24));
  const events = total / RECORDS_PER_EVENT;
  const baseRate = events / (profileSum * 60);
  // The latent price: a random walk (the day's trend: a standard deviation of ~60 ticks = 15
  // points over the session) plus fast mean-reverting noise (order-flow pressure, ~2 ticks),
  // which makes the touch flicker nearly as often as the real book's.
  const sigma = DAY_STD_TICKS / Math.sqrt(events);

  let nextId = 6_413_000_000_000n;
  let seq = 1000;
  let written = 0;
  let t = 0;
  let lastRecv = 0n;
  let trend = 4800 * 4 + 0.5; // ticks
  let noise = 0;
  let fair = trend;
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
  /** 1 + a geometric count with the given mean of the extra part. */
  const geometric = (mean: number) => 1 + Math.floor(Math.log(1 - rng.float()) / Math.log(1 - 1 / mean));
  /** Resting order sizes: mostly one lot (three in four on the real day), a tail of larger ones. */
  const orderSize = () => (rng.chance(ADD_SIZE_ONE) ? 1 : rng.chance(0.03) ? 10 + rng.int(90) : 1 + geometric(2.6));
  /** Aggressor sizes: six in ten one lot, median 1, mean ~3.3, a few blocks. */
  const tradeSize = () => (rng.chance(TRADE_SIZE_ONE) ? 1 : rng.chance(0.04) ? 15 + rng.int(75) : 1 + geometric(3.8));

  // ---- snapshot: R, then the resting book (SNAPSHOT flag; LAST on the final record) ----
  seq++;
  emit(t, R, N, 0n, null, 0, F_SNAPSHOT);
  const snap: Order[] = [];
  const mid = Math.floor(fair);
  // the steady book's shape: ~15 orders a level over the best five, the rest far (a thin tail)
  const nearPerLevel = Math.max(1, Math.round((15 * targetLive) / TARGET_LIVE));
  for (let k = 0; k < targetLive; k++) {
    const side = (k & 1) as 0 | 1;
    const d = k < 10 * nearPerLevel ? Math.floor(k / 2 / nearPerLevel) : farDistance();
    const o: Order = { id: nextId++, side, price: side === 0 ? mid - d : mid + 1 + d, size: orderSize(), pos: 0 };
    book.add(o);
    snap.push(o);
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
    const bb = book.best[0];
    const ba = book.best[1];
    const twoSided = !Number.isNaN(bb) && !Number.isNaN(ba);
    const bookMid = twoSided ? (bb + ba) / 2 : fair;
    trend += (rng.float() - 0.5) * 3.46 * sigma * Math.sqrt(act) + (bookMid - trend) * 0.0005;
    noise = noise * NOISE_KEEP + (rng.float() - 0.5) * 3.46 * NOISE_STEP;
    fair = trend + noise;
    seq++;
    // Pressure: the latent price has moved through a touch. Orders there are pulled, aggressors
    // take what is left, and adds stop joining it, until the level is gone and the price ticks.
    const pressure: -1 | 0 | 1 = !twoSided ? 0 : fair > ba + 0.5 ? 1 : fair < bb - 0.5 ? -1 : 0;
    // the action mix; the cancel weight grows with the book so its size stays near the target
    const crowd = book.live.length / targetLive;
    const wTrade = open && twoSided ? W_TRADE : 0;
    const wCancel = W_CANCEL * crowd * crowd;
    const u = rng.float() * (wTrade + W_ADD + wCancel + W_MODIFY);
    if (u < wTrade) trade(t, pressure);
    else if (u < wTrade + W_ADD || book.live.length < 20) addOrder(t, pressure, open);
    else if (u < wTrade + W_ADD + wCancel) cancel(t, pressure);
    else modify(t);
    if (ready.length > 0) yield* ready.splice(0);
  }
  if (out.n > 0) yield out.take();

  // -- helpers (closures over the state above) --

  /** Ticks behind the best for a new resting order: mostly at the best, a long tail far away. */
  function restingDistance(): number {
    const r = rng.float();
    if (r < P_AT_BEST) return 0;
    if (r < P_AT_BEST + P_NEAR) return 1 + rng.int(4);
    return farDistance();
  }

  function farDistance(): number {
    return Math.min(5 + Math.floor(-Math.log(1 - rng.float()) * FAR_MEAN_TICKS), 3000);
  }

  /**
   * The order a cancel or modify acts on. Each order at a best price is picked BEST_HAZARD times
   * as often as an order away from the touch, each order 1-4 ticks behind NEAR_HAZARD times:
   * fast quoting at the touch, patient orders far away. This keeps the real book's shape (about 13
   * orders at the best, 20 a level just behind it, hundreds of thin levels further out).
   */
  function pickForChange(): Order {
    let best = 0;
    let near = 0;
    const qs: Order[][] = [];
    for (const side of [0, 1] as const) {
      const b = book.best[side];
      if (Number.isNaN(b)) continue;
      for (let d = 0; d < 5; d++) {
        const q = book.levels[side].get(side === 0 ? b - d : b + d);
        if (!q) continue;
        qs.push(q);
        if (d === 0) best += q.length;
        else near += q.length;
      }
    }
    const wBest = BEST_HAZARD * best;
    const wNear = NEAR_HAZARD * near;
    const x = rng.float() * (wBest + wNear + book.live.length);
    if (x < wBest + wNear) {
      const atBest = x < wBest;
      let k = rng.int(atBest ? best : near);
      for (const q of qs) {
        const isBest = q[0]!.price === book.best[q[0]!.side];
        if (isBest !== atBest) continue;
        if (k < q.length) return q[k]!;
        k -= q.length;
      }
    }
    return book.live[rng.int(book.live.length)]!;
  }

  function reduce(o: Order, size: number): void {
    o.size = size; // in place: keeps priority
  }

  /** A resting price on `side`, never crossing the opposite best. */
  function passivePrice(side: 0 | 1, pressure: number): number {
    const bb = book.best[0], ba = book.best[1];
    const own = book.best[side];
    let p: number;
    if (!Number.isNaN(bb) && !Number.isNaN(ba) && ba - bb > 1 && rng.chance(P_FILL_GAP)) {
      p = side === 0 ? bb + 1 : ba - 1; // improve the best: fill the gap a cleared level left
    } else {
      let d = restingDistance();
      // under pressure, nobody joins the level about to go
      if (d === 0 && ((pressure > 0 && side === 1) || (pressure < 0 && side === 0)) && rng.chance(P_SHUN)) d = 1 + rng.int(3);
      const ref = Number.isNaN(own) ? (side === 0 ? Math.floor(fair) : Math.ceil(fair)) : own;
      p = side === 0 ? ref - d : ref + d;
    }
    const opp = book.best[side === 0 ? 1 : 0];
    if (!Number.isNaN(opp)) {
      if (side === 0 && p >= opp) p = opp - 1;
      if (side === 1 && p <= opp) p = opp + 1;
    }
    return p;
  }

  function addOrder(ts: number, pressure: number, open: boolean) {
    const side = (rng.chance(0.5) ? 0 : 1) as 0 | 1;
    // in the pre-open nearly every add rests far from the (indicative) touch, as on the real day
    let price = passivePrice(side, pressure);
    if (!open && rng.chance(0.95)) {
      const own = book.best[side];
      if (!Number.isNaN(own)) price = side === 0 ? Math.min(price, own - farDistance()) : Math.max(price, own + farDistance());
    }
    const o: Order = { id: nextId++, side, price, size: orderSize(), pos: 0 };
    book.add(o);
    emit(ts, A, side === 0 ? BID : ASK, o.id, o.price, o.size, F_LAST);
  }

  function cancel(ts: number, pressure: number) {
    let o: Order | undefined;
    if (pressure !== 0 && rng.chance(P_PULL)) {
      const side = pressure > 0 ? 1 : 0;
      const q = book.levels[side].get(book.best[side]);
      if (q && q.length > 0) o = q[rng.int(q.length)]!;
    }
    o ??= pickForChange();
    // CME cancels are whole orders; a smaller size is a modify
    emit(ts, C, o.side === 0 ? BID : ASK, o.id, o.price, o.size, F_LAST);
    book.remove(o);
  }

  function modify(ts: number) {
    let o = pickForChange();
    const r = rng.float();
    if (r >= P_MODIFY_PRICE && r < 1 - P_MODIFY_UP) {
      // a size cut at the same price (keeps priority): needs an order of more than one lot
      for (let tries = 0; o.size === 1 && tries < 8; tries++) o = pickForChange();
      if (o.size > 1) {
        reduce(o, 1 + rng.int(o.size - 1));
        emit(ts, M, o.side === 0 ? BID : ASK, o.id, o.price, o.size, F_LAST);
        return;
      }
    }
    const s = o.side === 0 ? BID : ASK;
    // a new price (or, rarely, more size): loses priority, back of the queue at the new price
    let np = o.price;
    let ns = o.size;
    if (r >= 1 - P_MODIFY_UP) ns = o.size + 1 + rng.int(5);
    else {
      np = passivePrice(o.side, 0);
      if (np === o.price) np += o.side === 0 ? -1 : 1;
    }
    book.remove(o);
    const moved: Order = { id: o.id, side: o.side, price: np, size: ns, pos: 0 };
    book.add(moved);
    emit(ts, M, s, o.id, np, ns, F_LAST);
  }

  function trade(ts: number, pressure: number) {
    // the aggressor leans towards the latent price; under pressure it takes what is left at the touch
    const mid2 = (book.best[0] + book.best[1]) / 2;
    const buy = pressure !== 0 && rng.chance(0.9) ? pressure > 0 : rng.chance(1 / (1 + Math.exp(-2.5 * (fair - mid2))));
    const makerSide = (buy ? 1 : 0) as 0 | 1;
    let want = tradeSize();
    if (pressure === (buy ? 1 : -1) && rng.chance(P_SWEEP)) {
      // what the pulls left at the pressed touch goes in one trade, if it is small
      let lot = 0;
      for (const o of book.levels[makerSide].get(book.best[makerSide])!) lot += o.size;
      if (lot <= SWEEP_MAX_LOTS) want = Math.max(want, lot);
    }
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
  // imported here: the generator itself (used by codec tests) needs no DBN writer
  const { writeDbn } = await import('../data/dbn/index.js');
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
