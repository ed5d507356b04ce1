// Accounting in integer money micro-units (docs/scales.md). Cash receives realized PnL, fees, slippage,
// funding and variation margin; equity = cash + unrealized PnL of every open position.
//
// Positions are FIFO lots. Each lot remembers its entry price (for the trade list) and its reference
// price (entry, or the last settlement once variation margin has been paid on it), so realized cash is
// exact: (exit - ref) × qty × tickValue, and the trade's PnL is (exit - entry) × qty × tickValue minus
// the fees, slippage and funding that lot carried. A fee is charged to cash once per fill.
import type { Trade } from './api.js';
import { roundDiv } from './fees.js';
import type { ProductSpec } from './product.js';

export interface Lot {
  qty: number; // lots, > 0
  ref: number; // ticks: entry price, or last settlement
  entry: number; // ticks
  ts: bigint;
  fee: number; // entry fee not yet assigned to a trade, micro
  slip: number; // entry slippage not yet assigned
  carry: number; // funding paid (+) / received (-) while open, not yet assigned
}

export class Position {
  /** signed lots */
  qty = 0;
  /** Σ signed lot qty × lot ref price (ticks): unrealized = (qty × price − refSum) × tickValue */
  refSum = 0;
  lots: Lot[] = [];
  /** last price seen (ticks), for margin and exposure of positions not being traded */
  last = 0;
  /** closed lots kept for reuse: a strategy that trades every few bars allocates no lot per fill */
  private readonly spare: Lot[] = [];
  constructor(readonly product: ProductSpec) {}

  /** @internal a lot object, recycled when one is free */
  newLot(qty: number, price: number, ts: bigint, fee: number, slip: number): Lot {
    const l = this.spare.pop();
    if (l === undefined) return { qty, ref: price, entry: price, ts, fee, slip, carry: 0 };
    l.qty = qty;
    l.ref = price;
    l.entry = price;
    l.ts = ts;
    l.fee = fee;
    l.slip = slip;
    l.carry = 0;
    return l;
  }

  /** @internal drop the first (fully closed) lot */
  closeFirstLot(): void {
    const l = this.lots.shift()!;
    if (this.spare.length < 64) this.spare.push(l);
  }

  unrealized(price: number): number {
    return (this.qty * price - this.refSum) * this.product.tickValue;
  }
  /** qty-weighted entry price in ticks, NaN when flat */
  entryPrice(): number {
    if (this.qty === 0) return NaN;
    let s = 0;
    for (const l of this.lots) s += l.entry * l.qty;
    return s / Math.abs(this.qty);
  }
}

export interface FillInput {
  side: 1 | -1;
  qty: number; // lots > 0
  price: number; // integer ticks
  ts: bigint;
  fee: number; // micro, for the whole fill
  slip: number; // micro, for the whole fill
}

export class Account {
  cash: number;
  feesPaid = 0;
  slippagePaid = 0;
  fundingPaid = 0;
  variationMargin = 0;
  /** Σ |qty| × price × tickValue over fills, micro */
  tradedNotional = 0;
  readonly positions: Position[] = [];
  readonly trades: Trade[] = [];

  constructor(readonly initialCash: number) {
    this.cash = initialCash;
  }

  addPosition(product: ProductSpec): Position {
    const p = new Position(product);
    this.positions.push(p);
    return p;
  }

  /** cash + unrealized of all positions at their last prices */
  equity(): number {
    let e = this.cash;
    for (const p of this.positions) if (p.qty !== 0) e += p.unrealized(p.last);
    return e;
  }

  /**
   * Book one fill. Closing quantity is matched FIFO against open lots and produces one Trade (the whole
   * closing part of this fill); any remainder opens a new lot. Returns the trade or null.
   */
  fill(pos: Position, f: FillInput): Trade | null {
    return this.fillParts(pos, f.side, f.qty, f.price, f.ts, f.fee, f.slip);
  }

  /** `fill` with the fill's fields as arguments (the engines' per-fill path: no input object). */
  fillParts(pos: Position, side: 1 | -1, qty: number, price: number, ts: bigint, fee: number, slipMicro: number): Trade | null {
    const tv = pos.product.tickValue;
    this.cash -= fee + slipMicro;
    this.feesPaid += fee;
    this.slippagePaid += slipMicro;
    this.tradedNotional += qty * price * tv;
    pos.last = price;

    const closing = pos.qty !== 0 && (pos.qty > 0 ? side < 0 : side > 0) ? Math.min(qty, Math.abs(pos.qty)) : 0;
    const closeFee = closing ? roundDiv(fee, closing, qty) : 0;
    const closeSlip = closing ? roundDiv(slipMicro, closing, qty) : 0;
    let trade: Trade | null = null;
    if (closing) {
      const dir = -side; // the side of the position being closed
      let left = closing;
      let entryNotional = 0;
      let fees = closeFee;
      let slip = closeSlip;
      let carry = 0;
      let pnlTicks = 0;
      const entryTs = pos.lots[0]!.ts;
      while (left > 0) {
        const lot = pos.lots[0]!;
        const m = Math.min(left, lot.qty);
        const feeShare = m === lot.qty ? lot.fee : roundDiv(lot.fee, m, lot.qty);
        const slipShare = m === lot.qty ? lot.slip : roundDiv(lot.slip, m, lot.qty);
        const carryShare = m === lot.qty ? lot.carry : roundDiv(lot.carry, m, lot.qty);
        fees += feeShare;
        slip += slipShare;
        carry += carryShare;
        entryNotional += lot.entry * m;
        pnlTicks += (price - lot.entry) * m * dir;
        // realized cash against the lot's reference price (variation margin already paid the rest)
        this.cash += (price - lot.ref) * m * dir * tv;
        pos.refSum -= lot.ref * m * dir;
        lot.fee -= feeShare;
        lot.slip -= slipShare;
        lot.carry -= carryShare;
        lot.qty -= m;
        if (lot.qty === 0) pos.closeFirstLot();
        left -= m;
      }
      pos.qty += closing * side;
      trade = {
        symbol: pos.product.symbol,
        side: dir as 1 | -1,
        entryTs,
        exitTs: ts,
        qty: closing,
        entryPrice: entryNotional / closing,
        exitPrice: price,
        pnl: pnlTicks * tv - fees - slip - carry,
        fees,
        slippage: slip,
        funding: carry,
      };
      this.trades.push(trade);
    }
    const opening = qty - closing;
    if (opening > 0) {
      pos.lots.push(pos.newLot(opening, price, ts, fee - closeFee, slipMicro - closeSlip));
      pos.qty += opening * side;
      pos.refSum += price * opening * side;
    }
    return trade;
  }

  /** Daily settlement: variation margin moves unrealized PnL since the last reference into cash. */
  settle(pos: Position, price: number): number {
    if (pos.qty === 0) return 0;
    const vm = pos.unrealized(price);
    this.cash += vm;
    this.variationMargin += vm;
    for (const l of pos.lots) l.ref = price;
    pos.refSum = pos.qty * price;
    return vm;
  }

  /**
   * Funding at a funding instant for the position open then: payment = mark × size × rate; longs pay when
   * rate > 0. `rate` in parts per 1e8, `fraction` < 1 only in the research pro-rata mode. Returns the
   * payment (positive = paid).
   */
  fund(pos: Position, markTicks: number, rate: number, fraction = 1): number {
    if (pos.qty === 0 || rate === 0) return 0;
    const notional = markTicks * pos.product.tickValue * pos.qty; // signed micro
    const pay = fraction === 1 ? roundDiv(notional, rate, 100_000_000) : Math.round((notional * rate * fraction) / 1e8);
    this.cash -= pay;
    this.fundingPaid += pay;
    // attribute to lots by size; the last lot takes the rounding remainder
    let left = pay;
    const n = pos.lots.length;
    const abs = Math.abs(pos.qty);
    for (let k = 0; k < n; k++) {
      const l = pos.lots[k]!;
      const share = k === n - 1 ? left : roundDiv(pay, l.qty, abs);
      l.carry += share;
      left -= share;
    }
    return pay;
  }
}
