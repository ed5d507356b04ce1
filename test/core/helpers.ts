// Command builders and a checked engine for the core tests: every command is run through the debug build
// and validateInternalState() is asserted after each one (exchange-core style).
import { expect } from 'vitest';
import { WasmEngine } from '../../src/core/engine.js';
import {
  CommandType,
  OrderType,
  Side,
  TimeInForce,
  TradingState,
  type BookCommand,
  type BookEvent,
  type DefineInstrument,
  type NewOrder,
} from '../../src/core/types.js';

export function define(instrumentId = 1, o: Partial<DefineInstrument> = {}): DefineInstrument {
  return {
    type: CommandType.DefineInstrument,
    instrumentId,
    tickSize: 1,
    bandTicks: 0,
    protectionTicks: 5,
    maxOrderQty: 1_000_000,
    matchAlgorithm: 0,
    state: TradingState.Open,
    ts: 0n,
    ...o,
  };
}

export function order(orderId: number | bigint, side: Side, price: number, qty: number, o: Partial<NewOrder> = {}): NewOrder {
  return {
    type: CommandType.NewOrder,
    instrumentId: 1,
    orderId: BigInt(orderId),
    side,
    orderType: OrderType.Limit,
    tif: TimeInForce.GTC,
    price,
    stopPrice: 0,
    qty,
    minQty: 0,
    displayQty: 0,
    account: 0,
    smpId: 0,
    flags: 0,
    expireTs: 0n,
    ts: 0n,
    ...o,
  };
}
export const buy = (id: number | bigint, price: number, qty: number, o: Partial<NewOrder> = {}) =>
  order(id, Side.Buy, price, qty, o);
export const sell = (id: number | bigint, price: number, qty: number, o: Partial<NewOrder> = {}) =>
  order(id, Side.Sell, price, qty, o);
export const cancel = (id: number | bigint, ts = 0n): BookCommand => ({ type: CommandType.Cancel, orderId: BigInt(id), ts });
export const modify = (id: number | bigint, price: number, qty: number, stopPrice = 0, ts = 0n): BookCommand => ({
  type: CommandType.Modify,
  orderId: BigInt(id),
  price,
  stopPrice,
  qty,
  ts,
});
export const setState = (instrumentId: number, state: number, ts = 0n): BookCommand => ({
  type: CommandType.SetState,
  instrumentId,
  state,
  ts,
});

/** Debug-build engine that checks internal invariants after every command. */
export class CheckedEngine {
  readonly engine = new WasmEngine({ build: 'debug', maxOrders: 1024, maxInstruments: 8 });
  run(...commands: BookCommand[]): BookEvent[] {
    const all: BookEvent[] = [];
    for (const c of commands) {
      const ev = this.engine.process([c]);
      const code = this.engine.validateInternalState();
      if (code !== 0) throw new Error(`invariant ${code} broken after ${JSON.stringify(c, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v))}`);
      all.push(...ev);
    }
    return all;
  }
}

/** Compact event shapes for readable assertions. */
export function brief(e: BookEvent): string {
  const t = ['', 'ACC', 'REJ', 'FILL', 'CXL', 'TRIG', 'EXP', 'MOD', 'DEF', 'STATE'][e.type];
  switch (e.type) {
    case 3:
      return `FILL ${e.orderId}x${e.aux} ${e.qty}@${e.price} L${e.leaves}/${e.makerLeaves}`;
    case 2:
      return `REJ ${e.orderId} r${e.reason}`;
    case 4:
    case 6:
      return `${t} ${e.orderId} r${e.reason} ${e.qty}@${e.price}`;
    case 9:
      return `STATE ${e.instrumentId} ${e.aux}`;
    case 8:
      return `DEF ${e.instrumentId}`;
    default:
      return `${t} ${e.orderId} ${e.qty}@${e.price}${e.aux ? ` aux${e.aux}` : ''}`;
  }
}

export function expectNoReject(events: BookEvent[]): void {
  expect(events.filter((e) => e.type === 2).map(brief)).toEqual([]);
}
