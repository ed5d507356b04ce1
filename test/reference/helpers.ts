// Small builders and a compact event notation for the hand-worked examples of the reference book tests.
import {
  CommandType,
  EventType,
  OrderType,
  Side,
  TimeInForce,
  TradingState,
  type BookCommand,
  type BookEvent,
  type DefineInstrument,
  type NewOrder,
  type OrderBookEngine,
} from '../../src/core/types.js';
import { CANCEL_REASON_NAMES, EXPIRE_REASON_NAMES, REJECT_REASON_NAMES, nameOf } from '../../src/io/names.js';
import { ReferenceBook } from '../../src/reference/index.js';

/** Instrument 1: tick 1, reference 100, no band, protection 5 ticks, max qty 1000, OPEN. */
export function instrument(over: Partial<DefineInstrument> = {}): DefineInstrument {
  return {
    type: CommandType.DefineInstrument,
    instrumentId: 1,
    tickSize: 1,
    referencePrice: 100,
    bandTicks: 0,
    protectionTicks: 5,
    maxOrderQty: 1000,
    matchAlgorithm: 0,
    state: TradingState.Open,
    ts: 0n,
    ...over,
  };
}

export function order(over: Partial<NewOrder> & Pick<NewOrder, 'orderId'>): NewOrder {
  return {
    type: CommandType.NewOrder,
    instrumentId: 1,
    side: Side.Buy,
    orderType: OrderType.Limit,
    tif: TimeInForce.Day,
    price: 0,
    stopPrice: 0,
    qty: 1,
    minQty: 0,
    displayQty: 0,
    account: 1,
    smpId: 0,
    flags: 0,
    expireTs: 0n,
    ts: 0n,
    ...over,
  };
}

export const buy = (id: number, qty: number, price: number, over: Partial<NewOrder> = {}) =>
  order({ orderId: BigInt(id), side: Side.Buy, qty, price, ...over });
export const sell = (id: number, qty: number, price: number, over: Partial<NewOrder> = {}) =>
  order({ orderId: BigInt(id), side: Side.Sell, qty, price, ...over });
export const cancel = (id: number, ts = 0n): BookCommand => ({ type: CommandType.Cancel, orderId: BigInt(id), ts });
export const modify = (id: number, price: number, qty: number, stopPrice = 0, ts = 0n): BookCommand => ({
  type: CommandType.Modify, orderId: BigInt(id), price, stopPrice, qty, ts,
});
export const setState = (state: number, instrumentId = 1, ts = 0n): BookCommand => ({
  type: CommandType.SetState, instrumentId, state, ts,
});

const sideName = (s: Side) => (s === Side.Buy ? 'BUY' : s === Side.Sell ? 'SELL' : '-');

/**
 * One event in a compact notation that shows the fields a rule is about:
 *   ACCEPTED #1 BUY 5 @ 100          FILL #3 x #1 5 @ 100 (taker 0 left, maker 2 left)
 *   CANCELLED #1 USER 5 @ 100        REJECTED #1 INVALID_QUANTITY
 */
export function fmt(e: BookEvent): string {
  const id = `#${e.orderId}`;
  switch (e.type) {
    case EventType.Accepted:
      return `ACCEPTED ${id} ${sideName(e.side)} ${e.qty} @ ${e.price}${e.aux !== 0n ? ` stop ${e.aux}` : ''}`;
    case EventType.Rejected:
      return `REJECTED ${id} ${nameOf(REJECT_REASON_NAMES, e.reason)}`;
    case EventType.Fill:
      return `FILL ${id} x #${e.aux} ${e.qty} @ ${e.price} (taker ${e.leaves} left, maker ${e.makerLeaves} left)`;
    case EventType.Cancelled:
      return `CANCELLED ${id} ${nameOf(CANCEL_REASON_NAMES, e.reason)} ${e.qty} @ ${e.price}`;
    case EventType.Triggered:
      return `TRIGGERED ${id} ${e.qty} @ ${e.price} stop ${e.aux}`;
    case EventType.Expired:
      return `EXPIRED ${id} ${nameOf(EXPIRE_REASON_NAMES, e.reason)} ${e.qty} @ ${e.price}`;
    case EventType.Modified:
      return `MODIFIED ${id} ${e.qty} @ ${e.price}${e.aux !== 0n ? ` stop ${e.aux}` : ''}`;
    case EventType.InstrumentDefined:
      return `INSTRUMENT_DEFINED ${e.instrumentId} ref ${e.price}`;
    case EventType.StateChanged:
      return `STATE_CHANGED ${e.instrumentId} ${TradingState[Number(e.aux)]}`;
    default:
      return `? ${JSON.stringify(e, (_k, v) => (typeof v === 'bigint' ? String(v) : v))}`;
  }
}

/**
 * With MIRROR_ENGINE=1 every Session also drives the WebAssembly engine with the same commands and throws
 * when its events or book hash differ: the hand-worked examples become engine tests too.
 */
const mirror: OrderBookEngine | undefined =
  process.env.MIRROR_ENGINE === '1' ? new (await import('../../src/core/engine.js')).WasmEngine({ build: 'debug' }) : undefined;

const show = (v: unknown) => JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? String(x) : x));

/** A reference book with instrument 1 defined (override its definition as needed). */
export class Session {
  readonly book = new ReferenceBook();
  lastEvents: BookEvent[] = [];

  constructor(def: Partial<DefineInstrument> | null = {}) {
    mirror?.reset();
    if (def !== null) this.run(instrument(def));
  }

  /** Runs commands; returns their events in the compact notation. */
  run(...commands: BookCommand[]): string[] {
    this.lastEvents = this.book.process(commands);
    if (mirror !== undefined) {
      const theirs = mirror.process(commands);
      if (show(theirs) !== show(this.lastEvents) || mirror.bookHash() !== this.book.bookHash()) {
        throw new Error(`engine disagrees:\n reference ${this.lastEvents.map(fmt).join(' | ')}\n engine    ${theirs.map(fmt).join(' | ')}\n${show(this.lastEvents)}\n${show(theirs)}`);
      }
    }
    return this.lastEvents.map(fmt);
  }

  /** Drops everything (both books when mirroring). */
  reset(): void {
    this.book.reset();
    mirror?.reset();
  }

  /** Resting orders of one side in priority order as "id:leaves/visible@price". */
  queue(side: Side.Buy | Side.Sell, instrumentId = 1): string[] {
    return this.book.restingOrders(instrumentId, side).map((o) => `${o.orderId}:${o.leaves}/${o.visible}@${o.price}`);
  }
}
