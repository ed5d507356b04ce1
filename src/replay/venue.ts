// QueueVenue: own orders against a replayed MBO book, behind the backtester's OrderVenue seam
// (src/backtest/execution.ts). The replay runs in the WebAssembly kernel in stretches; it stops at the
// records that concern own orders (trades of their instrument, cancels/modifies of real orders ahead of them,
// clears), where the queue model (./own-orders.ts) looks at them before the book applies them, and at the
// arrival times of own orders and cancels (send time + order-entry latency). Fills reach the strategy after
// the market-data latency. Deterministic: same data, same orders, same seeds → same fills.
import type { ColumnBatch } from '../data/batch.js';
import type { OrderVenue, VenueFill } from '../backtest/execution.js';
import { Side } from '../core/types.js';
import { DEFAULT_CHUNK_ROWS, ReplayKernel, STOP, mboColumns, type MboColumns } from './kernel.js';
import { instrumentFor, type ReplayInstrument } from './definitions.js';
import { constantLatency, FifoLink, type LatencyModel } from './latency.js';
import { OwnOrderQueues, type BookView, type OwnFill, type OwnOrder, type OwnSide, type OwnType } from './own-orders.js';

const NO_STOP = 0xffff_ffff_ffff_ffffn;
const A_TRADE = 84;
const A_CANCEL = 67;
const A_MODIFY = 77;
const A_CLEAR = 82;
const EMPTY: OwnFill[] = [];

export interface QueueVenueOptions {
  /** Instrument of orders submitted without one (OrderVenue): default the first instrument in the data. */
  instrumentId?: number;
  /** Tick (1e-9 units) for OrderVenue's tick prices; default the instrument's replay tick. */
  tickSize?: bigint;
  definitions?: Map<number, ReplayInstrument>;
  /** Tick for instruments without a definition (else inferred from prices). */
  tick?: bigint;
  /** Strategy → matching engine (new orders and cancels). Default 0. */
  entryLatency?: LatencyModel;
  /** Matching engine → strategy (fill reports). Default 0. */
  marketDataLatency?: LatencyModel;
  chunkRows?: number;
}

export interface OwnOrderRequest {
  id: number;
  instrumentId?: number;
  side: OwnSide;
  qty: number;
  type: OwnType;
  /** limit price, or stop trigger, in 1e-9 units (not used by market orders) */
  price?: bigint;
}

type Action = { at: bigint; kind: 'new'; order: OwnOrder } | { at: bigint; kind: 'cancel'; id: number };

export class QueueVenue implements OrderVenue {
  readonly kernel: ReplayKernel;
  readonly queues: OwnOrderQueues;
  readonly instruments = new Map<number, ReplayInstrument>();
  /** the strategy's clock: the last time passed to advanceTo */
  now = 0n;
  private readonly entry: FifoLink;
  private readonly md: FifoLink;
  private readonly actions: Action[] = [];
  private readonly pending: OwnFill[] = [];
  private readonly iter: Iterator<ColumnBatch>;
  private batch: ColumnBatch | undefined;
  private cols: MboColumns | undefined;
  private from = 0;
  private m = 0;
  private i = 0;
  private prevLast = true;
  private exhausted = false;
  private readonly view: BookView;
  private readonly known = new Set<number>();
  // nextRelevant's cache (see there)
  private arrivals = 0;
  private relBatch: ColumnBatch | undefined;
  private relFrom = -1;
  private relVersion = -1;
  private relAt = -1;
  private relEnd = -1;

  constructor(batches: Iterable<ColumnBatch>, private readonly opts: QueueVenueOptions = {}) {
    this.kernel = new ReplayKernel(opts.chunkRows ?? DEFAULT_CHUNK_ROWS);
    this.entry = new FifoLink(opts.entryLatency ?? constantLatency(0));
    this.md = new FifoLink(opts.marketDataLatency ?? constantLatency(0));
    this.iter = batches[Symbol.iterator]();
    this.queues = new OwnOrderQueues((f) => this.pending.push({ ...f, reportTs: this.md.next(f.exchangeTs) }));
    this.view = {
      levelOrders: (ins, side, price) => this.kernel.levelOrders(ins, side === 1 ? Side.Buy : Side.Sell, price),
      levels: (ins, side, n) =>
        this.kernel.depth(ins, side === 1 ? Side.Buy : Side.Sell, n).map((l) => ({ price: BigInt(l.price), qty: l.visibleQty })),
    };
  }

  // ---- own orders -----------------------------------------------------------------------------------------

  /** Send an own order at strategy time `at` (default now); it reaches the exchange after the entry latency. */
  send(req: OwnOrderRequest, at: bigint = this.now): bigint {
    if (!Number.isSafeInteger(req.qty) || req.qty <= 0) throw new Error(`own order ${req.id}: quantity ${req.qty} must be a positive integer`);
    if (req.type !== 'market' && req.price === undefined) throw new Error(`own order ${req.id}: a ${req.type} order needs a price`);
    const order: OwnOrder = {
      id: req.id,
      instrumentId: req.instrumentId ?? -1,
      side: req.side,
      type: req.type,
      price: req.price ?? 0n,
      qty: req.qty,
      leaves: req.qty,
      status: 'pending',
      seq: 0,
      ahead: new Map(),
      aheadQty: 0,
      aheadAtArrival: 0,
    };
    const arrival = this.entry.next(at);
    this.actions.push({ at: arrival, kind: 'new', order });
    return arrival;
  }

  /** Send a cancel at strategy time `at`; it takes effect when it reaches the exchange (if still live then). */
  sendCancel(id: number, at: bigint = this.now): bigint {
    const arrival = this.entry.next(at);
    this.actions.push({ at: arrival, kind: 'cancel', id });
    return arrival;
  }

  /** Quantity ahead of a resting own order now (and when it arrived), or null. */
  queuePosition(id: number): { ahead: number; aheadAtArrival: number; leaves: number } | null {
    const o = this.queues.orders.get(id);
    return o && o.status === 'resting' ? { ahead: o.aheadQty, aheadAtArrival: o.aheadAtArrival, leaves: o.leaves } : null;
  }

  /** Replay the market to exchange time ts, applying own actions due by then; fills reported by ts. */
  advanceOwn(ts: bigint): OwnFill[] {
    for (;;) {
      const a = this.actions[0];
      if (a === undefined || a.at > ts) break;
      this.replayUntil(a.at);
      this.actions.shift();
      if (a.kind === 'new') {
        if (a.order.instrumentId === -1) a.order.instrumentId = this.defaultInstrument(a.order.id);
        this.arrivals++;
        this.queues.arrive(a.order, a.at, this.view);
      } else this.queues.cancel(a.id);
    }
    this.replayUntil(ts);
    if (ts > this.now) this.now = ts;
    const out: OwnFill[] = [];
    const keep: OwnFill[] = [];
    for (const f of this.pending) (f.reportTs <= ts ? out : keep).push(f);
    this.pending.length = 0;
    this.pending.push(...keep);
    return out.sort((x, y) => (x.reportTs < y.reportTs ? -1 : x.reportTs > y.reportTs ? 1 : 0));
  }

  // ---- driving a backtest (src/backtest/l3-engine.ts) --------------------------------------------------------

  /** True once every record has been replayed. */
  get done(): boolean {
    return this.exhausted && !(this.cols && this.i < this.m) && !(this.cols && this.from + this.m < this.batch!.length);
  }

  /**
   * Replay to the next book update of `instrumentId` (just after a LAST record of it) with ts_event ≤ limit,
   * applying own orders and cancels that arrive on the way. Returns that record's ts_event, or null when
   * `limit` was reached (everything up to it replayed) or the data ended. Fills generated on the way wait in
   * `takeFills()`.
   */
  nextUpdate(instrumentId: number, limit: bigint): bigint | null {
    for (;;) {
      const a = this.actions[0];
      const stop = a !== undefined && a.at < limit ? a.at : limit;
      const te = this.replay(stop, instrumentId);
      if (te !== null) {
        if (te > this.now) this.now = te;
        return te;
      }
      if (a === undefined || a.at > limit) break;
      this.applyAction();
    }
    if (limit > this.now) this.now = limit;
    return null;
  }

  /** Replay to exchange time `ts` (own actions due by then applied), leaving fills in `takeFills()`. */
  advanceExchange(ts: bigint): void {
    for (;;) {
      const a = this.actions[0];
      if (a === undefined || a.at > ts) break;
      this.replayUntil(a.at);
      this.applyAction();
    }
    this.replayUntil(ts);
    if (ts > this.now) this.now = ts;
  }

  /** Every own fill generated so far and not yet taken, in generation (exchange-time) order. */
  takeFills(): readonly OwnFill[] {
    if (this.pending.length === 0) return EMPTY;
    return this.pending.splice(0);
  }

  /**
   * When a market-data message sent at exchange time `ts` reaches the strategy: the same FIFO link as fill
   * reports, so a book update never overtakes a fill report generated before it (and vice versa).
   */
  marketDataArrival(ts: bigint): bigint {
    return this.md.next(ts);
  }

  /** True while an own order is pending arrival or resting (exchange's view). */
  isLive(id: number): boolean {
    if (this.queues.orders.has(id)) return true;
    for (const a of this.actions) if (a.kind === 'new' && a.order.id === id) return true;
    return false;
  }

  /** The replay tick of the venue's instrument (1e-9 units). */
  get tickUnits(): bigint {
    return this.tick();
  }

  private applyAction(): void {
    const a = this.actions.shift()!;
    if (a.kind === 'new') {
      if (a.order.instrumentId === -1) a.order.instrumentId = this.defaultInstrument(a.order.id);
      this.arrivals++;
      this.queues.arrive(a.order, a.at, this.view);
    } else this.queues.cancel(a.id);
  }

  // ---- OrderVenue (prices in ticks) ------------------------------------------------------------------------

  submit(order: { id: number; side: 1 | -1; qty: number; type: 'market' | 'limit' | 'stop'; price?: number }): void {
    let price: bigint | undefined;
    if (order.type !== 'market') {
      if (order.price === undefined || !Number.isSafeInteger(order.price)) throw new Error(`order ${order.id}: price ${order.price} is not an integer number of ticks`);
      price = BigInt(order.price) * this.tick();
    }
    this.send({ id: order.id, side: order.side, qty: order.qty, type: order.type, price, instrumentId: this.opts.instrumentId });
  }

  cancel(id: number): boolean {
    const live = this.queues.orders.has(id) || this.actions.some((a) => a.kind === 'new' && a.order.id === id);
    if (live) this.sendCancel(id);
    return live;
  }

  advanceTo(ts: bigint): readonly VenueFill[] {
    const t = this.tick();
    return this.advanceOwn(ts).map((f) => ({
      orderId: f.orderId,
      side: f.side,
      qty: f.qty,
      price: Number(f.price / t),
      ts: f.reportTs,
      maker: f.liquidity !== 'taker',
    }));
  }

  private tick(): bigint {
    if (this.opts.tickSize !== undefined) return this.opts.tickSize;
    const id = this.opts.instrumentId ?? [...this.instruments.keys()][0];
    const ins = id !== undefined ? this.instruments.get(id) ?? this.opts.definitions?.get(id) : undefined;
    if (ins) return ins.tickSize;
    if (this.opts.tick !== undefined) return this.opts.tick;
    throw new Error('QueueVenue: tick size unknown before the first record; pass tickSize (or definitions) in the options');
  }

  private defaultInstrument(orderId: number): number {
    const id = this.opts.instrumentId ?? [...this.instruments.keys()][0];
    if (id === undefined) throw new Error(`own order ${orderId}: no instrument given and none seen in the data yet`);
    return id;
  }

  // ---- the replay with stops ---------------------------------------------------------------------------------

  private load(): void {
    this.m = Math.min(this.kernel.capacity, this.batch!.length - this.from);
    this.kernel.load(this.cols!, this.from, this.m, this.from);
    this.i = 0;
  }

  /** True when a row is ready at this.i of the loaded chunk. */
  private ensureRow(): boolean {
    for (;;) {
      if (this.cols && this.i < this.m) return true;
      if (this.cols && this.from + this.m < this.batch!.length) {
        this.from += this.m;
        this.load();
        continue;
      }
      if (this.exhausted) return false;
      const n = this.iter.next();
      if (n.done) {
        this.exhausted = true;
        return false;
      }
      const b = n.value;
      this.batch = b;
      this.cols = mboColumns(b, 'QueueVenue');
      this.from = 0;
      this.load();
    }
  }

  private define(row: number): void {
    const c = this.cols!;
    const g = this.from + row;
    const id = c.instrument_id[g]!;
    const ins = instrumentFor(id, c.instrument_id, c.price, g, this.from + this.m, this.opts.definitions, this.opts.tick);
    this.kernel.define(ins, c.ts_event[g]!);
    this.instruments.set(id, ins);
    this.known.add(id);
  }

  /**
   * The first row in [i, end) that the queue model must see, or end. The answer is cached per chunk until an
   * own order arrives (only arrivals add instruments or ids to watch; fills and cancels only remove them, so a
   * cached row stays a safe lower bound): stepping event by event must not rescan the chunk each time.
   */
  private nextRelevant(i: number, end: number): number {
    if (this.queues.liveCount === 0) return end;
    if (this.relBatch === this.batch && this.relFrom === this.from && this.relVersion === this.arrivals && this.relAt >= i && this.relEnd === end) {
      return this.relAt;
    }
    const j = this.scanRelevant(i, end);
    this.relBatch = this.batch;
    this.relFrom = this.from;
    this.relVersion = this.arrivals;
    this.relAt = j;
    this.relEnd = end;
    return j;
  }

  private scanRelevant(i: number, end: number): number {
    const c = this.cols!;
    const live = new Set<number>();
    for (const o of this.queues.orders.values()) live.add(o.instrumentId);
    for (let k = i; k < end; k++) {
      const g = this.from + k;
      const a = c.action[g]!;
      if (a === A_TRADE || a === A_CLEAR) {
        if (live.has(c.instrument_id[g]!)) return k;
      } else if (a === A_CANCEL || a === A_MODIFY) {
        if (this.queues.isAhead(c.order_id[g]!)) return k;
      }
    }
    return end;
  }

  /** Replay every record up to exchange time `limit` (stops before the first event starting after it). */
  private replayUntil(limit: bigint): void {
    this.replay(limit, -1);
  }

  /**
   * Replay up to exchange time `limit`; with `lastOf` ≥ 0, stop early just after a LAST record of that
   * instrument (the book is consistent there) and return that record's ts_event. Null: `limit` reached, or
   * the data ended (see `exhausted`).
   */
  private replay(limit: bigint, lastOf: number): bigint | null {
    const stopEv = limit + 1n;
    const atLast = lastOf >= 0;
    while (this.ensureRow()) {
      const c = this.cols!;
      const j = this.nextRelevant(this.i, this.m);
      if (j > this.i) {
        const r = this.kernel.run(this.i, j, NO_STOP, stopEv, atLast);
        if (r > this.i) this.prevLast = (c.flags[this.from + r - 1]! & 0x80) !== 0;
        this.i = r;
        const st = this.kernel.status;
        if (st === STOP.unknownInstrument) {
          this.define(r);
          continue;
        }
        if (st === STOP.stopTs) return null;
        if (st === STOP.afterLast) {
          const g = this.from + r - 1;
          if (c.instrument_id[g] === lastOf) return c.ts_event[g]!;
          continue;
        }
        if (j === this.m) continue;
      }
      // row j concerns own orders: look at it before the book applies it
      const g = this.from + this.i;
      if (this.prevLast && c.ts_event[g]! >= stopEv) return null;
      const ins = c.instrument_id[g]!;
      if (!this.known.has(ins)) this.define(this.i);
      const a = c.action[g]!;
      if (a === A_TRADE) this.queues.onTrade(ins, c.side[g]!, c.price[g]!, c.size[g]!, c.ts_event[g]!, this.view);
      else if (a === A_CANCEL) this.queues.onCancel(c.order_id[g]!, c.size[g]!);
      else if (a === A_MODIFY) {
        const id = c.order_id[g]!;
        this.queues.onModify(id, c.price[g]!, c.size[g]!, this.kernel.orderLeaves(id));
      } else if (a === A_CLEAR) this.queues.onClear(ins);
      this.i = this.kernel.run(this.i, this.i + 1, NO_STOP, NO_STOP, false);
      this.prevLast = (c.flags[g]! & 0x80) !== 0;
      if (atLast && this.prevLast && ins === lastOf) return c.ts_event[g]!;
    }
    return null;
  }
}
