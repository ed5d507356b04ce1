// The own-order queue model (docs/replay.md "Own orders"): a strategy's orders live beside the replayed book,
// never inside it (they do not change what the exchange reported: no market impact). A resting own order
// remembers the real orders ahead of it when it arrived (ids and quantities, in queue order); the replay
// tells it what happens to them:
//   - a cancel (C) of an order ahead reduces what is ahead by the quantity removed;
//   - a modify (M) of an order ahead: a price change or a size increase sends that order behind us (it is no
//     longer ahead); a size decrease reduces what is ahead;
//   - a trade (T) on our side of the book consumes the queue in FIFO order: first what is ahead of us, then
//     us; a trade at a price worse than ours (for the aggressor) means the aggressor went through our price,
//     so we fill first, up to its size;
//   - a clear (R) empties the queue ahead.
// The quantity ahead only ever decreases (min of what the trade consumed and what the book says), so the F/C
// records that follow a trade never count the same consumption twice.

export type OwnSide = 1 | -1; // 1 buy, -1 sell
export type OwnType = 'limit' | 'market' | 'stop';

export interface OwnOrder {
  id: number;
  instrumentId: number;
  side: OwnSide;
  type: OwnType;
  /** limit price (1e-9 units); for stops the trigger price */
  price: bigint;
  qty: number;
  leaves: number;
  status: 'pending' | 'resting' | 'stop' | 'done';
  /** order of arrival at the exchange (time priority among own orders) */
  seq: number;
  /** real orders ahead, in queue order: id → quantity still ahead */
  ahead: Map<bigint, number>;
  aheadQty: number;
  /** queue position when it arrived (quantity ahead) */
  aheadAtArrival: number;
}

export type FillLiquidity = 'queue' | 'through' | 'taker';

export interface OwnFill {
  orderId: number;
  instrumentId: number;
  side: OwnSide;
  qty: number;
  price: bigint;
  /** matching-engine time of the fill */
  exchangeTs: bigint;
  /** when the strategy hears of it (exchangeTs + market-data latency) */
  reportTs: bigint;
  liquidity: FillLiquidity;
  leaves: number;
}

/** What the queue model needs from the replayed book. */
export interface BookView {
  /** resting real orders at a price, in queue order */
  levelOrders(instrumentId: number, side: OwnSide, price: bigint): { ids: BigUint64Array; leaves: Uint32Array };
  /** best levels of one side, best first (price, visible quantity) */
  levels(instrumentId: number, side: OwnSide, n: number): { price: bigint; qty: number }[];
}

export class OwnOrderQueues {
  /** live own orders by id */
  readonly orders = new Map<number, OwnOrder>();
  /** real order id → own orders that have it ahead */
  private readonly aheadIndex = new Map<bigint, Set<OwnOrder>>();
  private seq = 0;

  constructor(private readonly onFill: (f: Omit<OwnFill, 'reportTs'>) => void) {}

  get liveCount(): number {
    return this.orders.size;
  }

  /** Is this real order ahead of some own order? (cheap check for the replay loop) */
  isAhead(id: bigint): boolean {
    return this.aheadIndex.has(id);
  }

  hasLive(instrumentId: number): boolean {
    for (const o of this.orders.values()) if (o.instrumentId === instrumentId) return true;
    return false;
  }

  /** An own order reaches the matching engine at ts. */
  arrive(o: OwnOrder, ts: bigint, book: BookView): void {
    o.seq = ++this.seq;
    if (o.type === 'stop') {
      o.status = 'stop';
      this.orders.set(o.id, o);
      return;
    }
    // marketable part: takes the displayed liquidity (which stays in the replayed book: no impact)
    this.take(o, ts, book);
    if (o.leaves === 0) {
      o.status = 'done';
      return;
    }
    if (o.type === 'market') {
      o.status = 'done'; // the remainder of a market order beyond the visible book is cancelled
      return;
    }
    o.status = 'resting';
    const lv = book.levelOrders(o.instrumentId, o.side, o.price);
    o.ahead = new Map();
    o.aheadQty = 0;
    for (let i = 0; i < lv.ids.length; i++) {
      const id = lv.ids[i]!;
      o.ahead.set(id, lv.leaves[i]!);
      o.aheadQty += lv.leaves[i]!;
      let set = this.aheadIndex.get(id);
      if (!set) this.aheadIndex.set(id, (set = new Set()));
      set.add(o);
    }
    o.aheadAtArrival = o.aheadQty;
    this.orders.set(o.id, o);
  }

  /** Fill against the opposite side's visible levels up to the order's limit (market: any price). */
  private take(o: OwnOrder, ts: bigint, book: BookView): void {
    const opp = (o.side === 1 ? -1 : 1) as OwnSide;
    const levels = book.levels(o.instrumentId, opp, 64);
    for (const l of levels) {
      if (o.leaves === 0) break;
      if (o.type !== 'market' && (o.side === 1 ? l.price > o.price : l.price < o.price)) break;
      const q = Math.min(o.leaves, l.qty);
      if (q <= 0) continue;
      o.leaves -= q;
      this.onFill({ orderId: o.id, instrumentId: o.instrumentId, side: o.side, qty: q, price: l.price, exchangeTs: ts, liquidity: 'taker', leaves: o.leaves });
    }
  }

  /** Cancel request reaching the exchange; true if something was cancelled. */
  cancel(id: number): boolean {
    const o = this.orders.get(id);
    if (!o) return false;
    this.retire(o);
    return true;
  }

  private retire(o: OwnOrder): void {
    o.status = 'done';
    this.orders.delete(o.id);
    for (const id of o.ahead.keys()) this.dropAhead(id, o);
    o.ahead.clear();
    o.aheadQty = 0;
  }

  private dropAhead(id: bigint, o: OwnOrder): void {
    const set = this.aheadIndex.get(id);
    if (!set) return;
    set.delete(o);
    if (set.size === 0) this.aheadIndex.delete(id);
  }

  private setAhead(o: OwnOrder, id: bigint, q: number): void {
    const cur = o.ahead.get(id);
    if (cur === undefined) return;
    const nq = Math.max(0, Math.min(cur, q));
    o.aheadQty -= cur - nq;
    if (nq === 0) {
      o.ahead.delete(id);
      this.dropAhead(id, o);
    } else o.ahead.set(id, nq);
  }

  /** C record: `size` removed from a real order. */
  onCancel(id: bigint, size: number): void {
    const set = this.aheadIndex.get(id);
    if (!set) return;
    for (const o of [...set]) this.setAhead(o, id, (o.ahead.get(id) ?? 0) - size);
  }

  /**
   * M record, seen BEFORE the book applies it: `leavesBefore` is the real order's size in the book now.
   * A price change or a size increase loses priority (the order goes behind us).
   */
  onModify(id: bigint, price: bigint, size: number, leavesBefore: number): void {
    const set = this.aheadIndex.get(id);
    if (!set) return;
    for (const o of [...set]) {
      if (price !== o.price || size > leavesBefore) this.setAhead(o, id, 0);
      else this.setAhead(o, id, size);
    }
  }

  /** R record: the instrument's book is cleared; nothing is ahead any more. */
  onClear(instrumentId: number): void {
    for (const o of this.orders.values()) {
      if (o.instrumentId !== instrumentId) continue;
      for (const id of o.ahead.keys()) this.dropAhead(id, o);
      o.ahead.clear();
      o.aheadQty = 0;
    }
  }

  /**
   * T record: an aggressor on `aggressor` side ('B' 66 buy, 'A' 65 sell, 'N' none) traded `size` at `price`.
   * Stops are elected first (a trade at or through the trigger), then resting own orders fill.
   */
  onTrade(instrumentId: number, aggressor: number, price: bigint, size: number, ts: bigint, book: BookView): void {
    const hitsBuys = aggressor === 65 || aggressor === 78;
    const hitsSells = aggressor === 66 || aggressor === 78;
    const candidates: OwnOrder[] = [];
    const stops: OwnOrder[] = [];
    for (const o of this.orders.values()) {
      if (o.instrumentId !== instrumentId) continue;
      if (o.status === 'stop') {
        if (o.side === 1 ? price >= o.price : price <= o.price) stops.push(o);
        continue;
      }
      if (o.side === 1 && hitsBuys && o.price >= price) candidates.push(o);
      else if (o.side === -1 && hitsSells && o.price <= price) candidates.push(o);
    }
    // per side (an auction trade without aggressor reaches both), best price first, then time priority
    for (const side of [1, -1] as const) {
      const cs = candidates.filter((o) => o.side === side);
      cs.sort((a, b) => (a.price !== b.price ? (side === 1 ? (a.price > b.price ? -1 : 1) : a.price < b.price ? -1 : 1) : a.seq - b.seq));
      this.allocate(cs, instrumentId, price, size, ts);
    }
    for (const s of stops.sort((a, b) => a.seq - b.seq)) {
      this.orders.delete(s.id);
      s.type = 'market';
      s.status = 'pending';
      this.arrive(s, ts, book);
    }
  }

  /** Share one trade's size among candidate own orders (sorted by priority). */
  private allocate(cs: OwnOrder[], instrumentId: number, price: bigint, size: number, ts: bigint): void {
    let rest = size;
    for (const o of cs) {
      if (rest <= 0) break;
      let reach = rest;
      let liquidity: FillLiquidity = 'through';
      if (o.price === price) {
        // at the trade's price: FIFO, what is ahead of us goes first
        liquidity = 'queue';
        let take = Math.min(rest, o.aheadQty);
        reach = rest - take;
        for (const [id, q] of o.ahead) {
          if (take <= 0) break;
          const x = Math.min(q, take);
          this.setAhead(o, id, q - x);
          take -= x;
        }
        if (reach <= 0) continue; // the trade ended before reaching us
      }
      const q = Math.min(o.leaves, reach);
      o.leaves -= q;
      rest -= q;
      this.onFill({ orderId: o.id, instrumentId, side: o.side, qty: q, price: o.price, exchangeTs: ts, liquidity, leaves: o.leaves });
      if (o.leaves === 0) this.retire(o);
    }
  }
}
