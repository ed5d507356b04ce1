// Execution models. L2 (bars): an order fills at the first opportunity after the bar it was placed on.
//   market  fills at the next bar's open.
//   limit   buy L: open <= L fills at the open (the market gapped through a resting order: price improvement);
//           otherwise low < L ('through', default) or low <= L ('touch') fills at L. Sells mirror it.
//   stop    buy S: open >= S fills at the open (a gap: worse than the trigger, as in real markets);
//           otherwise high >= S fills at S. Sells mirror it.
// Limit fills are maker fills (no spread or impact, maker fee); market and stop fills are taker fills and pay
// half the spread plus square-root impact (./slippage.ts). Within one bar the path is unknown: every order
// is checked against the whole range independently, in the order they were placed.
//
// L3 (replayed MBO book, another part of issue 4) plugs in behind `OrderVenue`: the engine hands it orders
// and receives fills with queue position taken into account. Only the interface exists here.

export const ORDER_MARKET = 0;
export const ORDER_LIMIT = 1;
export const ORDER_STOP = 2;

/**
 * Reference fill price in ticks of an order on a bar, or NaN when it does not fill.
 * `through`: a limit needs the bar to trade a tick beyond it.
 */
export function l2FillPrice(
  type: number,
  side: number,
  price: number,
  open: number,
  high: number,
  low: number,
  through: boolean,
): number {
  if (type === ORDER_MARKET) return open;
  if (type === ORDER_LIMIT) {
    if (side > 0) {
      if (open <= price) return open;
      return (through ? low < price : low <= price) ? price : NaN;
    }
    if (open >= price) return open;
    return (through ? high > price : high >= price) ? price : NaN;
  }
  // stop
  if (side > 0) {
    if (open >= price) return open;
    return high >= price ? price : NaN;
  }
  if (open <= price) return open;
  return low <= price ? price : NaN;
}

/** A fill reported by a venue (L3 seam). */
export interface VenueFill {
  orderId: number;
  side: 1 | -1;
  qty: number;
  price: number; // ticks
  ts: bigint;
  maker: boolean;
}

/**
 * Seam for L3 execution over a replayed order book (MBO): the engine submits and cancels orders, advances
 * the venue to a time, and books the fills it returns. Not implemented in this part.
 */
export interface OrderVenue {
  submit(order: { id: number; side: 1 | -1; qty: number; type: 'market' | 'limit' | 'stop'; price?: number }): void;
  cancel(id: number): boolean;
  /** replay market events up to `ts` (ns) and return our fills in time order */
  advanceTo(ts: bigint): readonly VenueFill[];
}
