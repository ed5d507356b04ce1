// One instrument of a portfolio run: its bars, calendar, position and resting orders, and the single-instrument
// StrategyContext a strategy trades it through. Its cursor (`bar`) is the index of its own latest closed bar.
import type { BarSeries } from '../api.js';
import type { Account, Position } from '../account.js';
import type { BarCalendar } from '../calendar.js';
import { checkPrice, checkQty } from '../engine-context.js';
import { ORDER_LIMIT, ORDER_MARKET, ORDER_STOP } from '../execution.js';
import { calendarOf, indicatorsFor, settlementPricesOf, sigmaAdvOf } from '../prefix-view.js';
import type { ProductSpec } from '../product.js';
import type { RiskGuard } from '../risk.js';
import type { SigmaAdv } from '../slippage.js';
import { IndicatorFactory, Series, type OrderOptions } from '../strategy.js';
import type { InstrumentContext } from './api.js';

const TYPES: Record<string, number> = { market: ORDER_MARKET, limit: ORDER_LIMIT, stop: ORDER_STOP };

/** A resting order; qty 0 marks a cancelled or done slot until compaction. */
export interface RestingOrder {
  id: number;
  side: 1 | -1;
  qty: number;
  type: number;
  price: number;
  /** first bar index of this instrument the order may fill on */
  from: number;
}

/** What an instrument needs from the engine that runs it. */
export interface PortfolioHost {
  readonly account: Account;
  readonly risk: RiskGuard;
  readonly equity: number;
  /** may orders be placed now (false during the warm-up, except its last step) */
  readonly tradingOpen: boolean;
  /** orders are being filled at the current step (orders placed now wait for the bar after it) */
  readonly inFills: boolean;
  /** index of the union step being processed or just closed */
  readonly step: number;
}

export class InstrumentState implements InstrumentContext {
  /** index of this instrument's latest closed bar (the cursor of its Series) */
  bar = -1;
  updated = false;
  /** the engine's: this union step's new bar of this instrument, or -1 (PortfolioEngine.stepLoop) */
  stepBar = -1;
  /** what the engine's step loop reads at every step, kept here to spare it the indirections */
  readonly closes: Float64Array;
  readonly tickValue: number;
  /** the calendar's settlement flags for a future, null for other kinds (no daily settlement) */
  readonly settleFlags: Uint8Array | null;
  /** a perpetual with a funding-rate column: funding is charged */
  readonly fundable: boolean;
  readonly open: Series;
  readonly high: Series;
  readonly low: Series;
  readonly close: Series;
  readonly volume: Series;
  readonly mark: Series | null;
  readonly fundingRate: Series | null;
  readonly ind: IndicatorFactory;
  readonly cal: BarCalendar;
  readonly settlePx: Float64Array | null;
  readonly pos: Position;
  readonly params: Readonly<Record<string, number>>;
  orders: RestingOrder[] = [];
  ordersPlaced = 0;
  fills = 0;
  /** a risk flatten waits for this instrument's next bar */
  flattenDue = false;
  private nextId = 1;
  private sa: SigmaAdv | null = null;

  constructor(
    readonly name: string,
    readonly index: number,
    readonly bars: BarSeries,
    readonly product: ProductSpec,
    /** per union step: this instrument's latest bar index (./timeline.ts) */
    readonly latest: Int32Array,
    private readonly host: PortfolioHost,
    params: Readonly<Record<string, number>>,
  ) {
    this.params = params;
    this.open = new Series(bars.open, this);
    this.high = new Series(bars.high, this);
    this.low = new Series(bars.low, this);
    this.close = new Series(bars.close, this);
    this.volume = new Series(bars.volume, this);
    this.mark = bars.mark ? new Series(bars.mark, this) : null;
    this.fundingRate = bars.fundingRate ? new Series(bars.fundingRate, this) : null;
    this.ind = indicatorsFor(bars, this);
    this.cal = calendarOf(bars, product);
    this.settlePx = settlementPricesOf(bars, product, this.cal);
    this.pos = host.account.addPosition(product);
    this.closes = bars.close;
    this.tickValue = product.tickValue;
    this.settleFlags = product.kind === 'future' ? this.cal.settle : null;
    this.fundable = product.funding !== null && bars.fundingRate !== undefined;
  }

  get symbol(): string {
    return this.bars.symbol;
  }
  /** rolling sigma / ADV of this instrument's closed bars (slippage), computed on first use */
  sigmaAdv(): SigmaAdv {
    return (this.sa ??= sigmaAdvOf(this.bars, this.product.impact.lookbackBars, this.cal.barsPerDay));
  }

  // ---- StrategyContext -------------------------------------------------------------------------------------
  get position(): number {
    return this.pos.qty;
  }
  get entryPrice(): number {
    return this.pos.entryPrice();
  }
  get equity(): number {
    return this.host.equity;
  }
  get cash(): number {
    return this.host.account.cash;
  }
  get halted(): boolean {
    return this.host.risk.halted;
  }
  get volScale(): number {
    return this.host.risk.volScale;
  }
  get book(): null {
    return null;
  }
  get openOrders(): number {
    let n = 0;
    for (const o of this.orders) if (o.qty > 0) n++;
    return n;
  }
  tsNs(k = 0): bigint {
    if (k < 0) throw new RangeError('tsNs: the future is not visible to a strategy');
    const j = this.bar - k;
    return j >= 0 ? this.bars.ts[j]! : -1n;
  }
  buy(qty: number, opts?: OrderOptions): number {
    return this.place(1, qty, opts);
  }
  sell(qty: number, opts?: OrderOptions): number {
    return this.place(-1, qty, opts);
  }
  cancel(id: number): boolean {
    for (const o of this.orders) {
      if (o.id === id && o.qty > 0) {
        o.qty = 0;
        return true;
      }
    }
    return false;
  }
  modify(id: number, change: { qty?: number; price?: number }): boolean {
    for (const o of this.orders) {
      if (o.id === id && o.qty > 0) {
        if (change.qty !== undefined) {
          checkQty(change.qty);
          o.qty = change.qty;
        }
        if (change.price !== undefined) {
          checkPrice(change.price);
          o.price = change.price;
        }
        return true;
      }
    }
    return false;
  }
  cancelAll(): void {
    for (const o of this.orders) o.qty = 0;
  }
  flatten(): number {
    this.cancelAll();
    const q = this.position;
    if (q === 0) return 0;
    return this.place(q > 0 ? -1 : 1, Math.abs(q));
  }

  private place(side: 1 | -1, qty: number, opts?: OrderOptions): number {
    const h = this.host;
    if (!h.tradingOpen && !h.inFills) return 0; // warm-up: no trading
    checkQty(qty);
    const type = opts?.type === undefined ? ORDER_MARKET : TYPES[opts.type];
    if (type === undefined) throw new Error(`order type "${String(opts?.type)}"; allowed: market, limit, stop`);
    const price = opts?.price ?? NaN;
    if (type !== ORDER_MARKET) checkPrice(price);
    const id = this.nextId++;
    // placed after step s closed, or while step s's fills are booked: eligible from this instrument's first bar
    // opening after ts[s] (as the L2 engine: an order placed in a risk flatten's onFill uses the cursor)
    const from = (h.inFills ? this.latest[h.step]! : this.bar) + 1;
    this.orders.push({ id, side, qty, type, price, from });
    this.ordersPlaced++;
    return id;
  }

  /** drop done and cancelled orders, keeping placement order */
  compact(): void {
    let w = 0;
    for (const o of this.orders) if (o.qty > 0) this.orders[w++] = o;
    this.orders.length = w;
  }
}
