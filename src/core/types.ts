// Commands into and events out of an order book, as TypeScript objects. Both books speak these:
// the WebAssembly engine through src/core/abi.ts (the only module that knows the binary layout,
// docs/abi.md) and the reference book in src/reference/. Rules: docs/matching-rules.md.
// Scales (docs/scales.md): prices are integers in 1e-9 units held in `number` (|p| ≤ 2^53 − 1),
// quantities integer lots, ids and timestamps `bigint` (u64).

export enum CommandType {
  DefineInstrument = 1,
  NewOrder = 2,
  Cancel = 3,
  Modify = 4,
  MassCancel = 5,
  SetState = 6,
  EndSession = 7,
  AdvanceTime = 8,
}

export enum Side {
  None = 0,
  Buy = 1,
  Sell = 2,
}

export enum OrderType {
  Limit = 1,
  MarketLimit = 2,
  Market = 3,
  Stop = 4,
  StopLimit = 5,
}

export enum TimeInForce {
  Day = 0,
  GTC = 1,
  GTD = 2,
  FAK = 3,
  FOK = 4,
}

export enum TradingState {
  PreOpen = 1,
  Open = 2,
  Halted = 3,
}

export enum OrderFlags {
  PostOnly = 1,
  SmpCancelAggressor = 2,
}

export enum EventType {
  Accepted = 1,
  Rejected = 2,
  Fill = 3,
  Cancelled = 4,
  Triggered = 5,
  Expired = 6,
  Modified = 7,
  InstrumentDefined = 8,
  StateChanged = 9,
}

export enum RejectReason {
  UnknownInstrument = 1,
  DuplicateInstrument = 2,
  InvalidInstrument = 3,
  InvalidSide = 4,
  InvalidOrderType = 5,
  InvalidTif = 6,
  InvalidQuantity = 7,
  InvalidMinQty = 8,
  InvalidDisplayQty = 9,
  DuplicateOrderId = 10,
  InvalidExpiry = 11,
  PriceOutOfRange = 12,
  InvalidPriceTick = 13,
  PriceOutsideBand = 14,
  InvalidStopPrice = 15,
  InvalidPostOnly = 16,
  PostOnlyWouldCross = 17,
  NoOppositeSide = 18,
  MarketNotOpen = 19,
  InstrumentHalted = 20,
  UnknownOrder = 21,
  CapacityExceeded = 22,
  UnknownCommand = 23,
  InvalidState = 24,
}

export enum CancelReason {
  User = 1,
  FakRemainder = 2,
  FokNotFilled = 3,
  MinQtyNotMet = 4,
  SelfMatch = 5,
  MassCancel = 6,
}

export enum ExpireReason {
  Day = 1,
  GTD = 2,
}

/** Instrument id meaning "every instrument" in MASS_CANCEL and END_SESSION. */
export const ALL_INSTRUMENTS = 0xffff_ffff;
/** Sentinels (docs/abi.md). */
export const NO_PRICE = 0x7fff_ffff_ffff_ffffn;
export const MAX_PRICE = Number.MAX_SAFE_INTEGER;

export interface DefineInstrument {
  type: CommandType.DefineInstrument;
  instrumentId: number;
  tickSize: number;
  /** undefined = no reference (INT64_MAX on the wire) */
  referencePrice?: number;
  bandTicks: number;
  protectionTicks: number;
  maxOrderQty: number;
  matchAlgorithm: number; // 0 = FIFO
  state: TradingState;
  ts: bigint;
}

export interface NewOrder {
  type: CommandType.NewOrder;
  instrumentId: number;
  orderId: bigint;
  side: Side;
  orderType: OrderType;
  tif: TimeInForce;
  price: number;
  stopPrice: number;
  qty: number;
  minQty: number;
  displayQty: number;
  account: number;
  smpId: number;
  flags: number;
  expireTs: bigint;
  ts: bigint;
}

export interface Cancel {
  type: CommandType.Cancel;
  orderId: bigint;
  ts: bigint;
}

export interface Modify {
  type: CommandType.Modify;
  orderId: bigint;
  price: number;
  stopPrice: number;
  qty: number;
  ts: bigint;
}

export interface MassCancel {
  type: CommandType.MassCancel;
  instrumentId: number;
  account: number;
  ts: bigint;
}

export interface SetState {
  type: CommandType.SetState;
  instrumentId: number;
  state: number;
  ts: bigint;
}

export interface EndSession {
  type: CommandType.EndSession;
  instrumentId: number;
  ts: bigint;
}

export interface AdvanceTime {
  type: CommandType.AdvanceTime;
  ts: bigint;
}

export type BookCommand =
  | DefineInstrument
  | NewOrder
  | Cancel
  | Modify
  | MassCancel
  | SetState
  | EndSession
  | AdvanceTime;

/** One event record (docs/abi.md "Event record"); every field always present, 0 when unused. */
export interface BookEvent {
  type: EventType;
  side: Side;
  reason: number;
  orderType: number;
  instrumentId: number;
  orderId: bigint;
  /** FILL: maker id (or the ask in an uncross); stops: stopPrice; STATE_CHANGED: new state */
  aux: bigint;
  price: number;
  qty: number;
  leaves: number;
  makerLeaves: number;
  cmdIndex: number;
  ts: bigint;
  seq: bigint;
}

export interface TopOfBook {
  bidPrice: number | null;
  bidQty: number;
  bidOrders: number;
  askPrice: number | null;
  askQty: number;
  askOrders: number;
  state: TradingState;
}

export interface Level {
  price: number;
  visibleQty: number;
  totalQty: number;
  orders: number;
}

export interface OrderState {
  orderId: bigint;
  instrumentId: number;
  side: Side;
  orderType: OrderType;
  tif: TimeInForce;
  price: number;
  stopPrice: number;
  leaves: number;
  visible: number;
  displayQty: number;
  account: number;
  smpId: number;
  flags: number;
  expireTs: bigint;
  status: 'resting' | 'stop';
}

/** What both books implement; the differential test drives two of these side by side. */
export interface OrderBookEngine {
  /** Run commands in order; returns the events they produced (cmdIndex relative to this call). */
  process(commands: readonly BookCommand[]): BookEvent[];
  top(instrumentId: number): TopOfBook | null;
  depth(instrumentId: number, side: Side.Buy | Side.Sell, levels: number): Level[];
  orderState(orderId: bigint): OrderState | null;
  bookHash(): bigint;
  liveOrders(): number;
  reset(): void;
}
