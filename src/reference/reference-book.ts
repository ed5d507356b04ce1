// The TypeScript reference order book: docs/matching-rules.md written out as plainly as possible, so that
// the WebAssembly engine (src/core/engine.ts) can be held to it by the differential test
// (test/differential/). Clarity over speed: Maps, sorted arrays, linear scans where the rules are linear.
import {
  ALL_INSTRUMENTS,
  CancelReason,
  CommandType,
  ExpireReason,
  NO_PRICE,
  OrderFlags,
  OrderType,
  RejectReason,
  Side,
  TimeInForce,
  TradingState,
  type BookCommand,
  type BookEvent,
  type DefineInstrument,
  type EndSession,
  type Level,
  type MassCancel,
  type Modify,
  type NewOrder,
  type OrderBookEngine,
  type OrderState,
  type SetState,
  type TopOfBook,
} from '../core/types.js';
import { Fnv1a64 } from './book-hash.js';
import { EventSink } from './events.js';
import { RefInstrument } from './instrument.js';
import { enteringVisible, type RefOrder } from './order.js';
import { crosses, protectionLimit } from './prices.js';
import { findOpeningPrice } from './uncross.js';
import { validateDefinition, validateModify, validateNewOrder } from './validation.js';

const isStopType = (t: OrderType) => t === OrderType.Stop || t === OrderType.StopLimit;

export class ReferenceBook implements OrderBookEngine {
  private readonly instruments = new Map<number, RefInstrument>();
  /** Every live order (resting, untriggered stop, or elected and waiting in the trigger queue). */
  private readonly orders = new Map<bigint, RefOrder>();
  /** Live GTD orders, and a lower bound of their earliest expireTs (undefined: none). */
  private readonly gtd = new Set<RefOrder>();
  private nextExpiry: bigint | undefined = undefined;
  private clock = 0n;
  /** Acceptance sequence (§9). */
  private acceptSeq = 0;
  /** Elected stops waiting to enter (§5). Empty between commands. */
  private readonly triggerQueue: RefOrder[] = [];
  private readonly events = new EventSink();

  process(commands: readonly BookCommand[]): BookEvent[] {
    const out: BookEvent[] = [];
    this.events.out = out;
    for (let i = 0; i < commands.length; i++) {
      const cmd = commands[i]!;
      this.events.cmdIndex = i;
      this.events.ts = cmd.ts;
      this.advanceClock(cmd.ts);
      this.dispatch(cmd);
    }
    this.events.out = [];
    return out;
  }

  private dispatch(cmd: BookCommand): void {
    switch (cmd.type) {
      case CommandType.DefineInstrument:
        return this.defineInstrument(cmd);
      case CommandType.NewOrder:
        return this.newOrder(cmd);
      case CommandType.Cancel:
        return this.cancel(cmd.orderId);
      case CommandType.Modify:
        return this.modify(cmd);
      case CommandType.MassCancel:
        return this.massCancel(cmd);
      case CommandType.SetState:
        return this.setState(cmd);
      case CommandType.EndSession:
        return this.endSession(cmd);
      case CommandType.AdvanceTime:
        return; // the time advance above is all it does
      default:
        // a record of unknown type carries no fields the binary encoder writes: instrument and order 0
        this.events.rejected(RejectReason.UnknownCommand, 0, 0n);
    }
  }

  // ---- §1 instruments and trading states -------------------------------------------------------------

  private defineInstrument(cmd: DefineInstrument): void {
    const reason = validateDefinition(cmd, this.instruments.has(cmd.instrumentId));
    if (reason !== 0) return this.events.rejected(reason, cmd.instrumentId, 0n);
    this.instruments.set(cmd.instrumentId, new RefInstrument(cmd));
    this.events.instrumentDefined(cmd.instrumentId, cmd.referencePrice);
  }

  private setState(cmd: SetState): void {
    const inst = this.instruments.get(cmd.instrumentId);
    if (inst === undefined) return this.events.rejected(RejectReason.UnknownInstrument, cmd.instrumentId, 0n);
    if (!(cmd.state >= TradingState.PreOpen && cmd.state <= TradingState.Halted)) {
      return this.events.rejected(RejectReason.InvalidState, cmd.instrumentId, 0n);
    }
    const from = inst.state;
    inst.state = cmd.state as TradingState;
    this.events.stateChanged(inst.id, cmd.state);
    // §1/§7: any transition into OPEN (from PREOPEN or HALTED) runs the opening uncross; uncross() does
    // nothing when the book is not crossed.
    if (from !== TradingState.Open && inst.state === TradingState.Open) {
      this.uncross(inst);
      this.drainTriggers();
    }
  }

  // ---- §2, §3 new orders ---------------------------------------------------------------------------

  private newOrder(cmd: NewOrder): void {
    const inst = this.instruments.get(cmd.instrumentId);
    const reason = validateNewOrder(cmd, inst, this.orders.has(cmd.orderId), this.clock);
    if (reason !== 0 || inst === undefined) {
      return this.events.rejected(reason, cmd.instrumentId, cmd.orderId);
    }
    const order: RefOrder = {
      id: cmd.orderId,
      instrumentId: inst.id,
      side: cmd.side,
      orderType: cmd.orderType,
      tif: cmd.tif,
      price: this.entryLimit(inst, cmd),
      stopPrice: isStopType(cmd.orderType) ? cmd.stopPrice : 0,
      leaves: cmd.qty,
      visible: 0,
      displayQty: cmd.displayQty,
      account: cmd.account,
      smpId: cmd.smpId,
      flags: cmd.flags,
      expireTs: cmd.tif === TimeInForce.GTD ? cmd.expireTs : 0n,
      seq: ++this.acceptSeq,
      status: 'resting',
    };
    this.events.accepted(order);

    if (isStopType(order.orderType)) {
      order.status = 'stop';
      inst.stops.set(order.id, order);
      this.track(order);
      return;
    }
    if (inst.state === TradingState.Open) {
      // §4: fill-or-kill and minimum quantity are decided before touching the book
      const need = order.tif === TimeInForce.FOK ? order.leaves : cmd.minQty;
      if (need > 0 && this.reachableQty(inst, order, need) < need) {
        const why = order.tif === TimeInForce.FOK ? CancelReason.FokNotFilled : CancelReason.MinQtyNotMet;
        return this.events.cancelled(order, why, order.leaves);
      }
      this.match(inst, order);
    }
    this.finishAggressor(inst, order);
    this.drainTriggers();
  }

  /** The limit in force at entry (§3); for a STOP, its would-be protection limit. */
  private entryLimit(inst: RefInstrument, cmd: NewOrder): number {
    switch (cmd.orderType) {
      case OrderType.MarketLimit:
        return inst.opposite(cmd.side).best()!.price;
      case OrderType.Market:
        return protectionLimit(cmd.side, inst.opposite(cmd.side).best()!.price, inst.protectionTicks, inst.tickSize);
      case OrderType.Stop:
        return protectionLimit(cmd.side, cmd.stopPrice, inst.protectionTicks, inst.tickSize);
      default:
        return cmd.price; // LIMIT, STOP_LIMIT
    }
  }

  // ---- §4 continuous matching ----------------------------------------------------------------------

  /**
   * Liquidity the aggressor could take at its limit, walking the opposite side in priority order
   * (total leaves, hidden included; its own smpId skipped under cancel-resting, ending the walk under
   * cancel-aggressing). Stops counting once `need` is reached.
   */
  private reachableQty(inst: RefInstrument, agg: RefOrder, need: number): number {
    const cancelAggressor = (agg.flags & OrderFlags.SmpCancelAggressor) !== 0;
    let sum = 0;
    for (const level of inst.opposite(agg.side).levels) {
      if (!crosses(agg.side, agg.price, level.price)) break;
      for (const resting of level.queue) {
        if (agg.smpId !== 0 && resting.smpId === agg.smpId) {
          if (cancelAggressor) return sum;
          continue;
        }
        sum += resting.leaves;
        if (sum >= need) return sum;
      }
    }
    return sum;
  }

  /** Matches `agg` (not in the book) against the opposite side while it crosses (§4 steps 1–5). */
  private match(inst: RefInstrument, agg: RefOrder): void {
    const book = inst.opposite(agg.side);
    while (agg.leaves > 0) {
      const level = book.best();
      if (level === undefined || !crosses(agg.side, agg.price, level.price)) return;
      const maker = level.queue[0]!;
      if (agg.smpId !== 0 && maker.smpId === agg.smpId) {
        if ((agg.flags & OrderFlags.SmpCancelAggressor) !== 0) {
          this.events.cancelled(agg, CancelReason.SelfMatch, agg.leaves);
          agg.leaves = 0;
          return;
        }
        this.removeLive(maker);
        this.events.cancelled(maker, CancelReason.SelfMatch, maker.leaves);
        continue;
      }
      const qty = Math.min(agg.leaves, maker.visible);
      agg.leaves -= qty;
      maker.leaves -= qty;
      maker.visible -= qty;
      this.events.fill(agg, maker, level.price, qty);
      if (maker.leaves === 0) {
        this.removeLive(maker);
      } else if (maker.visible === 0) {
        // iceberg refill: a new slice, at the back of the level (priority lost)
        maker.visible = enteringVisible(maker);
        level.queue.shift();
        level.queue.push(maker);
      }
      this.trade(inst, level.price);
    }
  }

  /** After matching: the remainder rests (DAY/GTC/GTD) or is cancelled (FAK, FOK); a done order dies. */
  private finishAggressor(inst: RefInstrument, agg: RefOrder): void {
    const tracked = this.orders.get(agg.id) === agg;
    if (agg.leaves === 0) {
      if (tracked) this.untrack(agg);
      return;
    }
    if (agg.tif === TimeInForce.FAK || agg.tif === TimeInForce.FOK) {
      if (tracked) this.untrack(agg);
      this.events.cancelled(agg, CancelReason.FakRemainder, agg.leaves);
      agg.leaves = 0;
      return;
    }
    agg.status = 'resting';
    agg.visible = enteringVisible(agg);
    inst.side(agg.side).pushBack(agg);
    if (!tracked) this.track(agg);
  }

  // ---- §5 stops ------------------------------------------------------------------------------------

  /** A trade at `price`: last trade and band reference move, stops at or through it are elected. */
  private trade(inst: RefInstrument, price: number): void {
    inst.lastTrade = price;
    const buys: RefOrder[] = [];
    const sells: RefOrder[] = [];
    for (const stop of inst.stops.values()) {
      if (stop.side === Side.Buy ? price >= stop.stopPrice : price <= stop.stopPrice) {
        (stop.side === Side.Buy ? buys : sells).push(stop);
      }
    }
    if (buys.length === 0 && sells.length === 0) return;
    buys.sort((a, b) => a.stopPrice - b.stopPrice || a.seq - b.seq);
    sells.sort((a, b) => b.stopPrice - a.stopPrice || a.seq - b.seq);
    for (const stop of [...buys, ...sells]) {
      inst.stops.delete(stop.id);
      this.triggerQueue.push(stop);
    }
  }

  /** Elected stops enter front to back as limit orders (no band, FOK or minQty checks). */
  private drainTriggers(): void {
    while (this.triggerQueue.length > 0) {
      const stop = this.triggerQueue.shift()!;
      const inst = this.instruments.get(stop.instrumentId)!;
      stop.status = 'resting';
      this.events.triggered(stop);
      this.match(inst, stop);
      this.finishAggressor(inst, stop);
    }
  }

  // ---- §7 opening uncross --------------------------------------------------------------------------

  private uncross(inst: RefInstrument): void {
    const opening = findOpeningPrice(inst);
    if (opening === undefined) return;
    let toMatch = opening.matched;
    const traded = new Set<RefOrder>();
    while (toMatch > 0) {
      const bid = inst.bids.best()!.queue[0]!;
      const ask = inst.asks.best()!.queue[0]!;
      const qty = Math.min(bid.leaves, ask.leaves, toMatch);
      toMatch -= qty;
      bid.leaves -= qty;
      ask.leaves -= qty;
      bid.visible = Math.min(bid.visible, bid.leaves);
      ask.visible = Math.min(ask.visible, ask.leaves);
      traded.add(bid);
      traded.add(ask);
      this.events.uncrossFill(bid, ask, opening.price, qty);
      if (bid.leaves === 0) this.removeLive(bid);
      if (ask.leaves === 0) this.removeLive(ask);
      this.trade(inst, opening.price);
    }
    for (const o of traded) if (o.leaves > 0) o.visible = enteringVisible(o);
  }

  // ---- §8 cancel, modify, mass cancel --------------------------------------------------------------

  private cancel(orderId: bigint): void {
    const order = this.orders.get(orderId);
    if (order === undefined) return this.events.rejected(RejectReason.UnknownOrder, 0, orderId);
    this.removeLive(order);
    this.events.cancelled(order, CancelReason.User, order.leaves);
  }

  private modify(cmd: Modify): void {
    const order = this.orders.get(cmd.orderId);
    if (order === undefined) return this.events.rejected(RejectReason.UnknownOrder, 0, cmd.orderId);
    const inst = this.instruments.get(order.instrumentId)!;
    const reason = validateModify(cmd, order, inst);
    if (reason !== 0) return this.events.rejected(reason, 0, cmd.orderId);

    if (order.status === 'stop') {
      order.stopPrice = cmd.stopPrice;
      order.price =
        order.orderType === OrderType.StopLimit
          ? cmd.price
          : protectionLimit(order.side, cmd.stopPrice, inst.protectionTicks, inst.tickSize);
      order.leaves = cmd.qty;
      order.seq = ++this.acceptSeq; // re-sequenced for election ties
      return this.events.modified(order);
    }
    if (cmd.price === order.price && cmd.qty <= order.leaves) {
      // Globex: same price, quantity down (or unchanged) keeps queue priority
      order.leaves = cmd.qty;
      order.visible = Math.min(order.visible, cmd.qty);
      return this.events.modified(order);
    }
    // price change or quantity up: leaves the level, re-enters at the back (matching first in OPEN)
    inst.side(order.side).remove(order);
    order.price = cmd.price;
    order.leaves = cmd.qty;
    order.visible = 0;
    order.seq = ++this.acceptSeq;
    this.events.modified(order);
    if (inst.state === TradingState.Open) this.match(inst, order);
    this.finishAggressor(inst, order);
    this.drainTriggers();
  }

  private massCancel(cmd: MassCancel): void {
    if (cmd.instrumentId !== ALL_INSTRUMENTS && !this.instruments.has(cmd.instrumentId)) {
      return this.events.rejected(RejectReason.UnknownInstrument, cmd.instrumentId, 0n);
    }
    const doomed = this.liveBySeq(
      (o) => o.account === cmd.account && (cmd.instrumentId === ALL_INSTRUMENTS || o.instrumentId === cmd.instrumentId),
    );
    for (const order of doomed) {
      this.removeLive(order);
      this.events.cancelled(order, CancelReason.MassCancel, order.leaves);
    }
  }

  // ---- §9 time, expiry, sessions -------------------------------------------------------------------

  private advanceClock(ts: bigint): void {
    if (ts <= this.clock) return;
    this.clock = ts;
    if (this.nextExpiry === undefined || this.nextExpiry > ts) return;
    const due = [...this.gtd].filter((o) => o.expireTs <= ts);
    due.sort((a, b) => (a.expireTs < b.expireTs ? -1 : a.expireTs > b.expireTs ? 1 : a.seq - b.seq));
    for (const order of due) {
      this.removeLive(order);
      this.events.expired(order, ExpireReason.GTD);
    }
    this.nextExpiry = undefined;
    for (const o of this.gtd) if (this.nextExpiry === undefined || o.expireTs < this.nextExpiry) this.nextExpiry = o.expireTs;
  }

  private endSession(cmd: EndSession): void {
    if (cmd.instrumentId !== ALL_INSTRUMENTS && !this.instruments.has(cmd.instrumentId)) {
      return this.events.rejected(RejectReason.UnknownInstrument, cmd.instrumentId, 0n);
    }
    const doomed = this.liveBySeq(
      (o) => o.tif === TimeInForce.Day && (cmd.instrumentId === ALL_INSTRUMENTS || o.instrumentId === cmd.instrumentId),
    );
    for (const order of doomed) {
      this.removeLive(order);
      this.events.expired(order, ExpireReason.Day);
    }
  }

  // ---- bookkeeping of live orders ------------------------------------------------------------------

  private liveBySeq(pick: (o: RefOrder) => boolean): RefOrder[] {
    return [...this.orders.values()].filter(pick).sort((a, b) => a.seq - b.seq);
  }

  private track(order: RefOrder): void {
    this.orders.set(order.id, order);
    if (order.tif === TimeInForce.GTD) {
      this.gtd.add(order);
      if (this.nextExpiry === undefined || order.expireTs < this.nextExpiry) this.nextExpiry = order.expireTs;
    }
  }

  private untrack(order: RefOrder): void {
    this.orders.delete(order.id);
    this.gtd.delete(order); // nextExpiry stays a valid lower bound
  }

  /** Takes a live order off its book (level or stop book) and out of the live set. */
  private removeLive(order: RefOrder): void {
    const inst = this.instruments.get(order.instrumentId)!;
    if (order.status === 'stop') inst.stops.delete(order.id);
    else inst.side(order.side).remove(order);
    this.untrack(order);
  }

  // ---- queries -------------------------------------------------------------------------------------

  top(instrumentId: number): TopOfBook | null {
    const inst = this.instruments.get(instrumentId);
    if (inst === undefined) return null;
    const bid = inst.bids.best();
    const ask = inst.asks.best();
    const visible = (queue: readonly RefOrder[]) => queue.reduce((s, o) => s + o.visible, 0);
    return {
      bidPrice: bid?.price ?? null,
      bidQty: bid ? visible(bid.queue) : 0,
      bidOrders: bid?.queue.length ?? 0,
      askPrice: ask?.price ?? null,
      askQty: ask ? visible(ask.queue) : 0,
      askOrders: ask?.queue.length ?? 0,
      state: inst.state,
    };
  }

  depth(instrumentId: number, side: Side.Buy | Side.Sell, levels: number): Level[] {
    const inst = this.instruments.get(instrumentId);
    if (inst === undefined) return [];
    return inst
      .side(side)
      .levels.slice(0, Math.max(0, levels))
      .map((level) => ({
        price: level.price,
        visibleQty: level.queue.reduce((s, o) => s + o.visible, 0),
        totalQty: level.queue.reduce((s, o) => s + o.leaves, 0),
        orders: level.queue.length,
      }));
  }

  orderState(orderId: bigint): OrderState | null {
    const o = this.orders.get(orderId);
    if (o === undefined) return null;
    return {
      orderId: o.id,
      instrumentId: o.instrumentId,
      side: o.side,
      orderType: o.orderType,
      tif: o.tif,
      price: o.price,
      stopPrice: o.stopPrice,
      leaves: o.leaves,
      visible: o.status === 'stop' ? 0 : o.visible,
      displayQty: o.displayQty,
      account: o.account,
      smpId: o.smpId,
      flags: o.flags,
      expireTs: o.expireTs,
      status: o.status,
    };
  }

  /** §10: FNV-1a 64 over every instrument's state, resting orders and untriggered stops. */
  bookHash(): bigint {
    const h = new Fnv1a64();
    const ids = [...this.instruments.keys()].sort((a, b) => a - b);
    for (const id of ids) {
      const inst = this.instruments.get(id)!;
      h.u32(id);
      h.u8(inst.state);
      h.i64(inst.lastTrade ?? NO_PRICE);
      for (const book of [inst.bids, inst.asks]) {
        for (const o of book.orders()) {
          h.u64(o.id);
          h.i64(o.price);
          h.u32(o.leaves);
          h.u32(o.visible);
        }
        h.u32(0xffffffff);
      }
      const stops = [...inst.stops.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      for (const s of stops) {
        h.u64(s.id);
        h.u8(s.side);
        h.i64(s.stopPrice);
        h.i64(s.price);
        h.u32(s.leaves);
      }
      h.u32(0xffffffff);
    }
    return h.digest();
  }

  /** Every resting order of one side of an instrument, in priority order (for tests and debugging). */
  restingOrders(instrumentId: number, side: Side.Buy | Side.Sell): OrderState[] {
    const inst = this.instruments.get(instrumentId);
    if (inst === undefined) return [];
    return [...inst.side(side).orders()].map((o) => this.orderState(o.id)!);
  }

  liveOrders(): number {
    return this.orders.size;
  }

  reset(): void {
    this.instruments.clear();
    this.orders.clear();
    this.gtd.clear();
    this.nextExpiry = undefined;
    this.clock = 0n;
    this.acceptSeq = 0;
    this.triggerQueue.length = 0;
    this.events.reset();
  }
}
