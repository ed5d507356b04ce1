// What a fill costs and how it is booked, for one instrument of an L2 run: the part of a fill that the single-series
// engine (./engine.ts) and the portfolio engine (./portfolio/engine.ts) share, so that both cut, charge and book a
// fill the same way (the portfolio's one-instrument parity with L2Engine rests on it). In order:
//   1. the risk guard's cut: reducing lots always pass, new exposure only as far as RiskGuard.allowedIncrease allows
//   2. slippage ticks from the product's impact model, with sigma / ADV of closed bars when the product gives none
//   3. the fee, the fill's timestamp (the bar's open, or its end for a fill at the close)
//   4. the account (Account.fillParts), the guard's trade count (consecutive losses) and its flatten count
//   5. the reusable Fill object the strategy's onFill then receives
// The engines keep what differs: which fill object and strategy, the trade's instrument tag, the fill counter.
import type { BarSeries, Trade } from './api.js';
import type { Account, Position } from './account.js';
import type { BarCalendar } from './calendar.js';
import type { ProductSpec } from './product.js';
import type { RiskGuard } from './risk.js';
import type { SigmaAdv } from './slippage.js';
import type { Fill } from './strategy.js';

/** One instrument's position, bars and costs, and the shared account and risk guard it books fills into. */
export interface FillBookingSetup {
  account: Account;
  risk: RiskGuard;
  pos: Position;
  product: ProductSpec;
  bars: BarSeries;
  cal: BarCalendar;
  /** execution.slippage: charge taker fills the product's slippage model */
  slippage: boolean;
  /** rolling sigma / ADV of the closed bars; called only when the product's impact model leaves one open (costly) */
  sigmaAdv: () => SigmaAdv;
  /** the engine's reusable Fill object, written by book() */
  fill: Fill;
}

/** A blank Fill for an engine to reuse for every fill it reports (book() writes it; strategies must copy what they keep). */
export function newFill(): Fill {
  return { orderId: 0, side: 1, qty: 0, price: 0, slippageTicks: 0, fee: 0, bar: 0, maker: false, reason: 'order', refused: 0 };
}

export class FillBooking {
  /** the trade the last booked fill closed, null when it closed none */
  trade: Trade | null = null;
  private readonly account: Account;
  private readonly risk: RiskGuard;
  private readonly pos: Position;
  private readonly product: ProductSpec;
  private readonly bars: BarSeries;
  private readonly cal: BarCalendar;
  private readonly slippageOn: boolean;
  private readonly sigmaAdv: () => SigmaAdv;
  private readonly fill: Fill;

  constructor(s: FillBookingSetup) {
    this.account = s.account;
    this.risk = s.risk;
    this.pos = s.pos;
    this.product = s.product;
    this.bars = s.bars;
    this.cal = s.cal;
    this.slippageOn = s.slippage;
    this.sigmaAdv = s.sigmaAdv;
    this.fill = s.fill;
  }

  /**
   * Book an order of `qty` lots at `price` (ticks) on bar i of this instrument: steps 1–5 of the file comment.
   * `riskStep` is the guard's clock for the trade (the bar for one series, the union step for a portfolio);
   * `atClose`: filled at bar i's close (end of the window), not at its open. Returns false when the guard refused every
   * lot: nothing is booked and only the fill's `refused` is written. After true, `trade` is the trade it closed or null.
   */
  book(
    side: 1 | -1,
    qty: number,
    price: number,
    maker: boolean,
    i: number,
    orderId: number,
    reason: Fill['reason'],
    atClose: boolean,
    riskStep: number,
  ): boolean {
    const pos = this.pos;
    const reducing = pos.qty !== 0 && (pos.qty > 0 ? side < 0 : side > 0) ? Math.min(qty, Math.abs(pos.qty)) : 0;
    const want = qty - reducing;
    let increase = 0;
    if (want > 0) increase = this.risk.allowedIncrease(pos, want, price, Math.abs(pos.qty) - reducing);
    const refused = want > increase ? want - increase : 0;
    const fillQty = reducing + increase;
    const f = this.fill;
    f.refused = refused;
    if (fillQty === 0) return false;
    const slipTicks = !maker && this.slippageOn ? this.slippageTicks(fillQty, i, atClose) : 0;
    const product = this.product;
    const slip = Math.round(slipTicks * fillQty * product.tickValue);
    const fee = product.fees.fee(fillQty, price, maker);
    const b = this.bars;
    const ts = atClose ? b.ts[i]! + BigInt(b.barNs) : b.ts[i]!;
    const trade = this.account.fillParts(pos, side, fillQty, price, ts, fee, slip);
    this.trade = trade;
    if (trade !== null) this.risk.onTrade(trade.pnl, riskStep);
    if (reason === 'risk') this.risk.flattens++;
    f.orderId = orderId;
    f.side = side;
    f.qty = fillQty;
    f.price = price;
    f.slippageTicks = slipTicks;
    f.fee = fee;
    f.bar = i;
    f.maker = maker;
    f.reason = reason;
    return true;
  }

  /** half-spread + impact per lot of a taker fill of `qty` on bar i, from the product's slippage model */
  private slippageTicks(qty: number, i: number, atClose: boolean): number {
    const imp = this.product.impact;
    let sigma = imp.sigmaTicks ?? -1;
    let adv = imp.advLots ?? -1;
    if (sigma < 0 || adv < 0) {
      // closed bars only: bars before i (i included when filling at i's close)
      const sa = this.sigmaAdv();
      const j = atClose ? i + 1 : i;
      if (sigma < 0) sigma = sa.sigma[j]!;
      if (adv < 0) adv = sa.adv[j]!;
    }
    return this.product.slippage.costTicks(qty, this.cal.regular[i] === 1, sigma, adv);
  }
}
