// The binary layout of the engine's commands, events and query records (docs/abi.md). This is the ONLY
// TypeScript module that knows offsets; everything else goes through these encoders/decoders or the
// named constants. test/core/abi-layout.test.ts pins every number here against the real module.
import {
  CommandType,
  type BookCommand,
  type BookEvent,
  type Level,
  type OrderState,
  type TopOfBook,
  EventType,
  type Side,
  type TradingState,
  NO_PRICE,
} from './types.js';

export const ABI_VERSION = 1;
export const CMD_SIZE = 80;
export const EVT_SIZE = 64;
export const TOP_SIZE = 48;
export const LEVEL_SIZE = 32;
export const ORDER_SIZE = 64;
export const QRY_SIZE = 4096;

/** Command record field offsets (bytes). */
export const CMD = {
  type: 0,
  side: 1, // NEW_ORDER
  matchAlgorithm: 1, // DEFINE_INSTRUMENT
  state: 2, // DEFINE_INSTRUMENT initial state
  setState: 1, // SET_STATE new state
  orderType: 2,
  tif: 3,
  instrumentId: 4,
  orderId: 8,
  tickSize: 8,
  price: 16,
  referencePrice: 16,
  stopPrice: 24,
  bandTicks: 24,
  protectionTicks: 28,
  qty: 32,
  maxOrderQty: 32,
  minQty: 36,
  displayQty: 40,
  account: 44,
  smpId: 48,
  flags: 52,
  expireTs: 56,
  ts: 72,
} as const;

/** Event record field offsets (bytes). */
export const EVT = {
  type: 0,
  side: 1,
  reason: 2,
  orderType: 3,
  instrumentId: 4,
  orderId: 8,
  aux: 16,
  price: 24,
  qty: 32,
  leaves: 36,
  makerLeaves: 40,
  cmdIndex: 44,
  ts: 48,
  seq: 56,
} as const;

export const TOP = { bidPrice: 0, bidQty: 8, bidOrders: 16, askPrice: 24, askQty: 32, askOrders: 40, state: 44 } as const;
export const LEVEL = { price: 0, visibleQty: 8, totalQty: 16, orders: 24 } as const;
export const ORDER = {
  orderId: 0,
  price: 8,
  stopPrice: 16,
  instrumentId: 24,
  leaves: 28,
  visible: 32,
  displayQty: 36,
  account: 40,
  smpId: 44,
  side: 48,
  orderType: 49,
  tif: 50,
  status: 51,
  flags: 52,
  expireTs: 56,
} as const;

/** The engine's exports (docs/abi.md "Calling convention"). */
export interface EngineExports {
  memory: { readonly buffer: ArrayBuffer };
  init(maxOrders: number, maxInstruments: number): number;
  reset(): void;
  cmdPtr(): number;
  cmdCapacity(): number;
  evtPtr(): number;
  evtCapacity(): number;
  qryPtr(): number;
  process(n: number): number;
  top(instrumentId: number): number;
  depth(instrumentId: number, side: number, levels: number, out: number): number;
  orderState(orderId: bigint): number;
  bookHash(): bigint;
  liveOrders(): number;
  abiVersion(): number;
  validateInternalState(): number;
  eventsDropped(): number;
  engineClock(): bigint;
}

const TWO32 = 4294967296;
const INT64_MAX = 0x7fff_ffff_ffff_ffffn;

/** Write a safe-integer number as i64 (two u32 halves: no BigInt on the hot path). */
export function writeI64(view: DataView, at: number, v: number): void {
  view.setUint32(at, v >>> 0, true);
  view.setInt32(at + 4, Math.floor(v / TWO32) | 0, true);
}
/** Read an i64 that the engine guarantees to be within ±(2^53 − 1) as a number. */
export function readI64(view: DataView, at: number): number {
  return view.getInt32(at + 4, true) * TWO32 + view.getUint32(at, true);
}

/** Encode one command into the 80-byte record at byte offset `at` (the record is zeroed first). */
export function encodeCommand(view: DataView, at: number, c: BookCommand): void {
  for (let i = 0; i < CMD_SIZE; i += 8) view.setBigUint64(at + i, 0n, true);
  view.setUint8(at + CMD.type, c.type);
  switch (c.type) {
    case CommandType.DefineInstrument:
      view.setUint8(at + CMD.matchAlgorithm, c.matchAlgorithm);
      view.setUint8(at + CMD.state, c.state);
      view.setUint32(at + CMD.instrumentId, c.instrumentId >>> 0, true);
      writeI64(view, at + CMD.tickSize, c.tickSize);
      if (c.referencePrice === undefined) view.setBigInt64(at + CMD.referencePrice, INT64_MAX, true);
      else writeI64(view, at + CMD.referencePrice, c.referencePrice);
      view.setUint32(at + CMD.bandTicks, c.bandTicks >>> 0, true);
      view.setUint32(at + CMD.protectionTicks, c.protectionTicks >>> 0, true);
      view.setUint32(at + CMD.maxOrderQty, c.maxOrderQty >>> 0, true);
      break;
    case CommandType.NewOrder:
      view.setUint8(at + CMD.side, c.side);
      view.setUint8(at + CMD.orderType, c.orderType);
      view.setUint8(at + CMD.tif, c.tif);
      view.setUint32(at + CMD.instrumentId, c.instrumentId >>> 0, true);
      view.setBigUint64(at + CMD.orderId, BigInt.asUintN(64, c.orderId), true);
      writeI64(view, at + CMD.price, c.price);
      writeI64(view, at + CMD.stopPrice, c.stopPrice);
      view.setUint32(at + CMD.qty, c.qty >>> 0, true);
      view.setUint32(at + CMD.minQty, c.minQty >>> 0, true);
      view.setUint32(at + CMD.displayQty, c.displayQty >>> 0, true);
      view.setUint32(at + CMD.account, c.account >>> 0, true);
      view.setUint32(at + CMD.smpId, c.smpId >>> 0, true);
      view.setUint8(at + CMD.flags, c.flags);
      view.setBigUint64(at + CMD.expireTs, BigInt.asUintN(64, c.expireTs), true);
      break;
    case CommandType.Cancel:
      view.setBigUint64(at + CMD.orderId, BigInt.asUintN(64, c.orderId), true);
      break;
    case CommandType.Modify:
      view.setBigUint64(at + CMD.orderId, BigInt.asUintN(64, c.orderId), true);
      writeI64(view, at + CMD.price, c.price);
      writeI64(view, at + CMD.stopPrice, c.stopPrice);
      view.setUint32(at + CMD.qty, c.qty >>> 0, true);
      break;
    case CommandType.MassCancel:
      view.setUint32(at + CMD.instrumentId, c.instrumentId >>> 0, true);
      view.setUint32(at + CMD.account, c.account >>> 0, true);
      break;
    case CommandType.SetState:
      view.setUint8(at + CMD.setState, c.state);
      view.setUint32(at + CMD.instrumentId, c.instrumentId >>> 0, true);
      break;
    case CommandType.EndSession:
      view.setUint32(at + CMD.instrumentId, c.instrumentId >>> 0, true);
      break;
    case CommandType.AdvanceTime:
      break;
  }
  view.setBigUint64(at + CMD.ts, BigInt.asUintN(64, c.ts), true);
}

/** Decode the event record at byte offset `at`. `aux` is unsigned for FILL (an order id) and signed
 *  otherwise (a stop price, or a state). */
export function decodeEvent(view: DataView, at: number, cmdIndexOffset = 0): BookEvent {
  const type = view.getUint8(at + EVT.type) as EventType;
  return {
    type,
    side: view.getUint8(at + EVT.side) as Side,
    reason: view.getUint8(at + EVT.reason),
    orderType: view.getUint8(at + EVT.orderType),
    instrumentId: view.getUint32(at + EVT.instrumentId, true),
    orderId: view.getBigUint64(at + EVT.orderId, true),
    aux: type === EventType.Fill ? view.getBigUint64(at + EVT.aux, true) : view.getBigInt64(at + EVT.aux, true),
    price: readI64(view, at + EVT.price),
    qty: view.getUint32(at + EVT.qty, true),
    leaves: view.getUint32(at + EVT.leaves, true),
    makerLeaves: view.getUint32(at + EVT.makerLeaves, true),
    cmdIndex: view.getUint32(at + EVT.cmdIndex, true) + cmdIndexOffset,
    ts: view.getBigUint64(at + EVT.ts, true),
    seq: view.getBigUint64(at + EVT.seq, true),
  };
}

export function decodeTop(view: DataView, at: number): TopOfBook {
  const bid = view.getBigInt64(at + TOP.bidPrice, true);
  const ask = view.getBigInt64(at + TOP.askPrice, true);
  return {
    bidPrice: bid === -INT64_MAX - 1n ? null : Number(bid),
    bidQty: Number(view.getBigUint64(at + TOP.bidQty, true)),
    bidOrders: view.getUint32(at + TOP.bidOrders, true),
    askPrice: ask === INT64_MAX ? null : Number(ask),
    askQty: Number(view.getBigUint64(at + TOP.askQty, true)),
    askOrders: view.getUint32(at + TOP.askOrders, true),
    state: view.getUint8(at + TOP.state) as TradingState,
  };
}

export function decodeLevel(view: DataView, at: number): Level {
  return {
    price: readI64(view, at + LEVEL.price),
    visibleQty: Number(view.getBigUint64(at + LEVEL.visibleQty, true)),
    totalQty: Number(view.getBigUint64(at + LEVEL.totalQty, true)),
    orders: view.getUint32(at + LEVEL.orders, true),
  };
}

export function decodeOrder(view: DataView, at: number): OrderState {
  return {
    orderId: view.getBigUint64(at + ORDER.orderId, true),
    instrumentId: view.getUint32(at + ORDER.instrumentId, true),
    side: view.getUint8(at + ORDER.side) as Side,
    orderType: view.getUint8(at + ORDER.orderType),
    tif: view.getUint8(at + ORDER.tif),
    price: readI64(view, at + ORDER.price),
    stopPrice: readI64(view, at + ORDER.stopPrice),
    leaves: view.getUint32(at + ORDER.leaves, true),
    visible: view.getUint32(at + ORDER.visible, true),
    displayQty: view.getUint32(at + ORDER.displayQty, true),
    account: view.getUint32(at + ORDER.account, true),
    smpId: view.getUint32(at + ORDER.smpId, true),
    flags: view.getUint8(at + ORDER.flags),
    expireTs: view.getBigUint64(at + ORDER.expireTs, true),
    status: view.getUint8(at + ORDER.status) === 2 ? 'stop' : 'resting',
  };
}

export { NO_PRICE };
