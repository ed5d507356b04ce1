// Validation of DEFINE_INSTRUMENT, NEW_ORDER and MODIFY, in the order of docs/matching-rules.md §1, §2 and
// §8: each function returns the first failing reject reason, or 0 when the command is valid. Pure: no
// book state changes here.
import {
  ALL_INSTRUMENTS,
  OrderFlags,
  OrderType,
  RejectReason,
  Side,
  TimeInForce,
  TradingState,
  type DefineInstrument,
  type Modify,
  type NewOrder,
} from '../core/types.js';
import type { RefInstrument } from './instrument.js';
import type { RefOrder } from './order.js';
import { crosses, inPriceRange, insideBand, onTick } from './prices.js';

const isStop = (t: OrderType) => t === OrderType.Stop || t === OrderType.StopLimit;

export function validateDefinition(def: DefineInstrument, exists: boolean): number {
  if (exists) return RejectReason.DuplicateInstrument;
  const tick = def.tickSize;
  const ok =
    def.instrumentId !== ALL_INSTRUMENTS &&
    Number.isInteger(tick) && tick >= 1 && tick <= 1e12 &&
    def.bandTicks >= 0 && def.bandTicks <= 1e6 &&
    def.protectionTicks >= 0 && def.protectionTicks <= 1e6 &&
    def.maxOrderQty >= 1 && def.maxOrderQty <= 1e9 &&
    def.matchAlgorithm === 0 &&
    def.state >= TradingState.PreOpen && def.state <= TradingState.Halted &&
    (def.referencePrice === undefined || (inPriceRange(def.referencePrice) && onTick(def.referencePrice, tick)));
  return ok ? 0 : RejectReason.InvalidInstrument;
}

/** Rule 11 over the prices a check applies to: range for all, then tick for all, then band for all. */
function checkPrices(inst: RefInstrument, side: Side, prices: number[], banded: number[]): number {
  for (const p of prices) if (!inPriceRange(p)) return RejectReason.PriceOutOfRange;
  for (const p of prices) if (!onTick(p, inst.tickSize)) return RejectReason.InvalidPriceTick;
  for (const p of banded) {
    if (!insideBand(side, p, inst.reference, inst.bandTicks, inst.tickSize)) return RejectReason.PriceOutsideBand;
  }
  return 0;
}

/** Rule 12: the stop must lie beyond the last trade, and a stop-limit's limit on the right side of it. */
function checkStop(inst: RefInstrument, side: Side, type: OrderType, price: number, stopPrice: number): number {
  const last = inst.lastTrade;
  if (side === Side.Buy) {
    if (last !== undefined && !(stopPrice > last)) return RejectReason.InvalidStopPrice;
    if (type === OrderType.StopLimit && !(price >= stopPrice)) return RejectReason.InvalidStopPrice;
  } else {
    if (last !== undefined && !(stopPrice < last)) return RejectReason.InvalidStopPrice;
    if (type === OrderType.StopLimit && !(price <= stopPrice)) return RejectReason.InvalidStopPrice;
  }
  return 0;
}

/** Would a post-only order at `price` trade against the opposite best in OPEN state? */
function postOnlyCrosses(inst: RefInstrument, side: Side, price: number): boolean {
  if (inst.state !== TradingState.Open) return false;
  const best = inst.opposite(side).best();
  return best !== undefined && crosses(side, price, best.price);
}

/**
 * §2, rules 1–14 (15, capacity, never fails in the reference book). `inst` undefined = unknown instrument;
 * `clock` is the engine clock after this command's time advance.
 */
export function validateNewOrder(cmd: NewOrder, inst: RefInstrument | undefined, idLive: boolean, clock: bigint): number {
  if (inst === undefined) return RejectReason.UnknownInstrument;
  if (cmd.side !== Side.Buy && cmd.side !== Side.Sell) return RejectReason.InvalidSide;
  const type = cmd.orderType;
  if (!(type >= OrderType.Limit && type <= OrderType.StopLimit)) return RejectReason.InvalidOrderType;
  const tif = cmd.tif;
  if (!(tif >= TimeInForce.Day && tif <= TimeInForce.FOK)) return RejectReason.InvalidTif;
  if (isStop(type) && tif !== TimeInForce.Day && tif !== TimeInForce.GTC && tif !== TimeInForce.GTD) {
    return RejectReason.InvalidTif;
  }
  if (inst.state === TradingState.Halted) return RejectReason.InstrumentHalted;
  if (
    inst.state === TradingState.PreOpen &&
    (type === OrderType.MarketLimit || type === OrderType.Market || tif === TimeInForce.FAK || tif === TimeInForce.FOK || cmd.minQty > 0)
  ) {
    return RejectReason.MarketNotOpen;
  }
  if (!(cmd.qty >= 1 && cmd.qty <= inst.maxOrderQty)) return RejectReason.InvalidQuantity;
  if (cmd.minQty > cmd.qty || (tif === TimeInForce.FOK && cmd.minQty !== 0)) return RejectReason.InvalidMinQty;
  if (cmd.displayQty > cmd.qty) return RejectReason.InvalidDisplayQty;
  if (idLive) return RejectReason.DuplicateOrderId;
  if (tif === TimeInForce.GTD && !(cmd.expireTs > clock)) return RejectReason.InvalidExpiry;

  const prices: number[] = [];
  if (type === OrderType.Limit || type === OrderType.StopLimit) prices.push(cmd.price);
  if (isStop(type)) prices.push(cmd.stopPrice);
  const priceReason = checkPrices(inst, cmd.side, prices, prices);
  if (priceReason !== 0) return priceReason;
  if (isStop(type)) {
    const stopReason = checkStop(inst, cmd.side, type, cmd.price, cmd.stopPrice);
    if (stopReason !== 0) return stopReason;
  }
  if ((cmd.flags & OrderFlags.PostOnly) !== 0) {
    if (type !== OrderType.Limit || !(tif === TimeInForce.Day || tif === TimeInForce.GTC || tif === TimeInForce.GTD)) {
      return RejectReason.InvalidPostOnly;
    }
    if (postOnlyCrosses(inst, cmd.side, cmd.price)) return RejectReason.PostOnlyWouldCross;
  }
  if ((type === OrderType.MarketLimit || type === OrderType.Market) && inst.opposite(cmd.side).isEmpty()) {
    return RejectReason.NoOppositeSide;
  }
  return 0;
}

/** §8 modify checks for a live order (the caller has already answered UNKNOWN_ORDER). */
export function validateModify(cmd: Modify, order: RefOrder, inst: RefInstrument): number {
  if (inst.state === TradingState.Halted) return RejectReason.InstrumentHalted;
  if (!(cmd.qty >= 1 && cmd.qty <= inst.maxOrderQty)) return RejectReason.InvalidQuantity;
  const side = order.side;
  if (order.status === 'stop') {
    const withLimit = order.orderType === OrderType.StopLimit;
    const prices = withLimit ? [cmd.price, cmd.stopPrice] : [cmd.stopPrice];
    const banded: number[] = [];
    if (withLimit && cmd.price !== order.price) banded.push(cmd.price);
    if (cmd.stopPrice !== order.stopPrice) banded.push(cmd.stopPrice);
    const priceReason = checkPrices(inst, side, prices, banded);
    if (priceReason !== 0) return priceReason;
    return checkStop(inst, side, order.orderType, cmd.price, cmd.stopPrice);
  }
  const priceReason = checkPrices(inst, side, [cmd.price], cmd.price !== order.price ? [cmd.price] : []);
  if (priceReason !== 0) return priceReason;
  if ((order.flags & OrderFlags.PostOnly) !== 0 && postOnlyCrosses(inst, side, cmd.price)) {
    return RejectReason.PostOnlyWouldCross;
  }
  return 0;
}
