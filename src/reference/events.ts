// Builds the event records of docs/abi.md "Event record" with the field conventions of
// docs/matching-rules.md (every field present, 0 when unused). The sink stamps cmdIndex, ts and seq.
import { EventType, OrderType, Side, type BookEvent } from '../core/types.js';
import type { RefOrder } from './order.js';

const stopAux = (o: RefOrder): bigint =>
  o.orderType === OrderType.Stop || o.orderType === OrderType.StopLimit ? BigInt(o.stopPrice) : 0n;

export class EventSink {
  out: BookEvent[] = [];
  cmdIndex = 0;
  ts = 0n;
  private seq = 0n;

  reset(): void {
    this.out = [];
    this.seq = 0n;
  }

  private push(
    type: EventType,
    side: Side,
    reason: number,
    orderType: number,
    instrumentId: number,
    orderId: bigint,
    aux: bigint,
    price: number,
    qty: number,
    leaves: number,
    makerLeaves: number,
  ): void {
    this.seq += 1n;
    this.out.push({
      type, side, reason, orderType, instrumentId, orderId, aux, price, qty, leaves, makerLeaves,
      cmdIndex: this.cmdIndex, ts: this.ts, seq: this.seq,
    });
  }

  instrumentDefined(instrumentId: number, referencePrice: number | undefined): void {
    this.push(EventType.InstrumentDefined, Side.None, 0, 0, instrumentId, 0n, 0n, referencePrice ?? 0, 0, 0, 0);
  }

  stateChanged(instrumentId: number, state: number): void {
    this.push(EventType.StateChanged, Side.None, 0, 0, instrumentId, 0n, BigInt(state), 0, 0, 0, 0);
  }

  rejected(reason: number, instrumentId: number, orderId: bigint): void {
    this.push(EventType.Rejected, Side.None, reason, 0, instrumentId, orderId, 0n, 0, 0, 0, 0);
  }

  accepted(o: RefOrder): void {
    this.push(EventType.Accepted, o.side, 0, o.orderType, o.instrumentId, o.id, stopAux(o), o.price, o.leaves, o.leaves, 0);
  }

  modified(o: RefOrder): void {
    this.push(EventType.Modified, o.side, 0, o.orderType, o.instrumentId, o.id, stopAux(o), o.price, o.leaves, o.leaves, 0);
  }

  triggered(o: RefOrder): void {
    this.push(EventType.Triggered, o.side, 0, o.orderType, o.instrumentId, o.id, stopAux(o), o.price, o.leaves, o.leaves, 0);
  }

  /** CANCELLED of `qty` (the leaves removed) at the order's limit in force. */
  cancelled(o: RefOrder, reason: number, qty: number): void {
    this.push(EventType.Cancelled, o.side, reason, o.orderType, o.instrumentId, o.id, 0n, o.price, qty, 0, 0);
  }

  expired(o: RefOrder, reason: number): void {
    this.push(EventType.Expired, o.side, reason, o.orderType, o.instrumentId, o.id, 0n, o.price, o.leaves, 0, 0);
  }

  /** Continuous-matching fill: taker = the aggressor, maker = the resting order. */
  fill(taker: RefOrder, maker: RefOrder, price: number, qty: number): void {
    this.push(EventType.Fill, taker.side, 0, taker.orderType, taker.instrumentId, taker.id, maker.id, price, qty, taker.leaves, maker.leaves);
  }

  /** Opening-uncross fill: no aggressor (side 0, orderType 0); orderId = the bid, aux = the ask. */
  uncrossFill(bid: RefOrder, ask: RefOrder, price: number, qty: number): void {
    this.push(EventType.Fill, Side.None, 0, 0, bid.instrumentId, bid.id, ask.id, price, qty, bid.leaves, ask.leaves);
  }
}
