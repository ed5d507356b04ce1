// The names of the engine's enums as the rule book (docs/matching-rules.md §11) and the JSON-lines
// format (docs/jsonl.md) spell them. Explicit tables, so a renamed TypeScript enum member cannot silently
// change the wire format.
import {
  CancelReason,
  EventType,
  ExpireReason,
  OrderType,
  RejectReason,
  Side,
  TimeInForce,
  TradingState,
} from '../core/types.js';

export const REJECT_REASON_NAMES: Readonly<Record<RejectReason, string>> = {
  [RejectReason.UnknownInstrument]: 'UNKNOWN_INSTRUMENT',
  [RejectReason.DuplicateInstrument]: 'DUPLICATE_INSTRUMENT',
  [RejectReason.InvalidInstrument]: 'INVALID_INSTRUMENT',
  [RejectReason.InvalidSide]: 'INVALID_SIDE',
  [RejectReason.InvalidOrderType]: 'INVALID_ORDER_TYPE',
  [RejectReason.InvalidTif]: 'INVALID_TIF',
  [RejectReason.InvalidQuantity]: 'INVALID_QUANTITY',
  [RejectReason.InvalidMinQty]: 'INVALID_MIN_QTY',
  [RejectReason.InvalidDisplayQty]: 'INVALID_DISPLAY_QTY',
  [RejectReason.DuplicateOrderId]: 'DUPLICATE_ORDER_ID',
  [RejectReason.InvalidExpiry]: 'INVALID_EXPIRY',
  [RejectReason.PriceOutOfRange]: 'PRICE_OUT_OF_RANGE',
  [RejectReason.InvalidPriceTick]: 'INVALID_PRICE_TICK',
  [RejectReason.PriceOutsideBand]: 'PRICE_OUTSIDE_BAND',
  [RejectReason.InvalidStopPrice]: 'INVALID_STOP_PRICE',
  [RejectReason.InvalidPostOnly]: 'INVALID_POST_ONLY',
  [RejectReason.PostOnlyWouldCross]: 'POST_ONLY_WOULD_CROSS',
  [RejectReason.NoOppositeSide]: 'NO_OPPOSITE_SIDE',
  [RejectReason.MarketNotOpen]: 'MARKET_NOT_OPEN',
  [RejectReason.InstrumentHalted]: 'INSTRUMENT_HALTED',
  [RejectReason.UnknownOrder]: 'UNKNOWN_ORDER',
  [RejectReason.CapacityExceeded]: 'CAPACITY_EXCEEDED',
  [RejectReason.UnknownCommand]: 'UNKNOWN_COMMAND',
  [RejectReason.InvalidState]: 'INVALID_STATE',
};

export const CANCEL_REASON_NAMES: Readonly<Record<CancelReason, string>> = {
  [CancelReason.User]: 'USER',
  [CancelReason.FakRemainder]: 'FAK_REMAINDER',
  [CancelReason.FokNotFilled]: 'FOK_NOT_FILLED',
  [CancelReason.MinQtyNotMet]: 'MIN_QTY_NOT_MET',
  [CancelReason.SelfMatch]: 'SELF_MATCH',
  [CancelReason.MassCancel]: 'MASS_CANCEL',
};

export const EXPIRE_REASON_NAMES: Readonly<Record<ExpireReason, string>> = {
  [ExpireReason.Day]: 'DAY',
  [ExpireReason.GTD]: 'GTD',
};

/** Event names in JSON lines (lower snake case). */
export const EVENT_NAMES: Readonly<Record<EventType, string>> = {
  [EventType.Accepted]: 'accepted',
  [EventType.Rejected]: 'rejected',
  [EventType.Fill]: 'fill',
  [EventType.Cancelled]: 'cancelled',
  [EventType.Triggered]: 'triggered',
  [EventType.Expired]: 'expired',
  [EventType.Modified]: 'modified',
  [EventType.InstrumentDefined]: 'instrument_defined',
  [EventType.StateChanged]: 'state_changed',
};

export const SIDE_NAMES: Readonly<Record<Side, string>> = { [Side.None]: 'none', [Side.Buy]: 'buy', [Side.Sell]: 'sell' };

export const ORDER_TYPE_NAMES: Readonly<Record<OrderType, string>> = {
  [OrderType.Limit]: 'limit',
  [OrderType.MarketLimit]: 'market_limit',
  [OrderType.Market]: 'market',
  [OrderType.Stop]: 'stop',
  [OrderType.StopLimit]: 'stop_limit',
};

export const TIF_NAMES: Readonly<Record<TimeInForce, string>> = {
  [TimeInForce.Day]: 'day',
  [TimeInForce.GTC]: 'gtc',
  [TimeInForce.GTD]: 'gtd',
  [TimeInForce.FAK]: 'fak',
  [TimeInForce.FOK]: 'fok',
};

export const STATE_NAMES: Readonly<Record<TradingState, string>> = {
  [TradingState.PreOpen]: 'preopen',
  [TradingState.Open]: 'open',
  [TradingState.Halted]: 'halted',
};

/** Name of a code in a table, or the number itself as text for a code the table does not know. */
export function nameOf(table: Readonly<Record<number, string>>, code: number): string {
  return table[code] ?? String(code);
}
