// The event-driven L2 backtest loop over columnar bars (docs/backtest.md). Per bar, in this order:
//   1. trading day / week roll-over (loss-limit baselines)
//   2. funding, for the position open at the funding instant (perpetuals)
//   3. a pending forced flatten (risk), then resting orders, against this bar's open/high/low
//   4. mark to market at the close; daily settlement (variation margin) when the calendar says so
//   5. risk guards at the close (loss limits include unrealized PnL, drawdown, maintenance margin)
//   6. the strategy's onBar: orders it places here fill at the next bar at the earliest
// Nothing is allocated per bar: orders live in growable typed arrays, the fill object is reused.
import type { BacktestResult, BarSeries, Trade } from './api.js';
import { firstNotIncreasing, lowerBound } from '../util/int64-words.js';
import { Account, type Position } from './account.js';
import { checkPrice, checkQty, EngineContext } from './engine-context.js';
import type { BarCalendar } from './calendar.js';
import { FillBooking, newFill } from './fill-booking.js';
import { l2FillPrice, ORDER_LIMIT, ORDER_MARKET, ORDER_STOP } from './execution.js';
import { accountInputs, computeMetrics } from './metrics.js';
import type { ProductSpec } from './product.js';
import { RiskGuard } from './risk.js';
import { calendarOf, ewVarianceOf, indicatorsFor, rootOf, settlementPricesOf, sigmaAdvOf } from './prefix-view.js';
import type { SigmaAdv } from './slippage.js';
import {
  IndicatorFactory,
  Series,
  type Cursor,
  type Fill,
  type OrderOptions,
  type Strategy,
  type StrategyContext,
} from './strategy.js';
import type { BacktestConfig } from '../config/backtest.js';
import { toMicro } from '../config/units.js';

export interface EngineSetup {
  config: BacktestConfig;
  product: ProductSpec;
  strategy: Strategy;
  params: Record<string, number>;
  startNs: bigint;
  endNs: bigint;
  /** bars of warm-up before the window the strategy needs (StrategyModule.warmupBars); undefined: all of them */
  warmupBars?: number;
  /**
   * Memory for the equity curve: called with the window's bar count, returns an array at least that long which the
   * result's `equity.equity` then views (the caller owns it: a walk-forward worker reuses one buffer for all its
   * tasks instead of allocating ~1 MB per task for the GC to collect). Default: a fresh array.
   */
  equityBuffer?: (bars: number) => Float64Array;
}

const TYPES: Record<string, number> = { market: ORDER_MARKET, limit: ORDER_LIMIT, stop: ORDER_STOP };

export class L2Engine extends EngineContext implements StrategyContext, Cursor {
  readonly open: Series;
  readonly high: Series;
  readonly low: Series;
  readonly close: Series;
  readonly volume: Series;
  readonly mark: Series | null;
  readonly fundingRate: Series | null;
  readonly ind: IndicatorFactory;

  private readonly b: BarSeries;
  private readonly cal: BarCalendar;
  protected readonly account: Account;
  protected readonly pos: Position;
  protected readonly risk: RiskGuard;
  /** settlement price per settlement bar (VWAP window), null: the close (src/backtest/calendar.ts) */
  private readonly settlePx: Float64Array | null;
  private readonly strat: Strategy;
  private readonly cfg: BacktestConfig;
  private readonly through: boolean;
  private readonly fill: Fill = newFill();
  /** risk cut, costs and accounting of each fill */
  private readonly booking: FillBooking;

  // resting orders, struct of arrays; qty 0 marks a cancelled slot until compaction
  private oId = new Float64Array(16);
  private oSide = new Int8Array(16);
  private oQty = new Float64Array(16);
  private oType = new Uint8Array(16);
  private oPrice = new Float64Array(16);
  private oFrom = new Float64Array(16); // first bar index the order may fill on
  private oCount = 0;
  private nextId = 1;
  private curBarForOrders = 0; // bar whose fills are being processed (orders placed now start after it)
  private inFills = false;

  private readonly startIdx: number;
  /** first warm-up bar shown to the strategy (0 unless it declares warmupBars) */
  private readonly warmFrom: number;
  private readonly equityBuffer: ((bars: number) => Float64Array) | undefined;
  private readonly endIdx: number;
  private ordersPlaced = 0;
  private fills = 0;

  constructor(bars: BarSeries, s: EngineSetup) {
    validateBars(bars);
    super(s.product, s.params);
    this.b = bars;
    this.cfg = s.config;
    this.strat = s.strategy;
    this.open = new Series(bars.open, this);
    this.high = new Series(bars.high, this);
    this.low = new Series(bars.low, this);
    this.close = new Series(bars.close, this);
    this.volume = new Series(bars.volume, this);
    this.mark = bars.mark ? new Series(bars.mark, this) : null;
    this.fundingRate = bars.fundingRate ? new Series(bars.fundingRate, this) : null;
    this.ind = indicatorsFor(bars, this);
    this.cal = calendarOf(bars, s.product);
    this.account = new Account(toMicro(s.config.account.initialCapital));
    this.pos = this.account.addPosition(s.product);
    this.risk = new RiskGuard(s.config.risk, this.account, this.cal.periodsPerYear);
    this.risk.bindClock(bars.ts); // trailing-24 h funding window
    this.settlePx = settlementPricesOf(bars, s.product, this.cal);
    this.through = s.config.execution.limitFill === 'through';
    this.startIdx = lowerBound(bars.ts, s.startNs);
    this.endIdx = lowerBound(bars.ts, s.endNs);
    this.equityBuffer = s.equityBuffer;
    const w = s.warmupBars;
    this.warmFrom = w !== undefined && Number.isInteger(w) && w >= 1 ? Math.max(0, this.startIdx - w) : 0;
    // the volatility estimate from a column: exact at any bar whatever the warm-up's start
    if (s.config.risk.volatilityTarget.enabled) this.risk.useVarianceColumn(ewVarianceOf(bars, this.risk.varianceLambda));
    this.equityNow = this.account.cash;
    let sa: SigmaAdv | null = null;
    const sigmaAdv = () => (sa ??= sigmaAdvOf(bars, s.product.impact.lookbackBars, this.cal.barsPerDay));
    this.booking = new FillBooking({
      account: this.account,
      risk: this.risk,
      pos: this.pos,
      product: s.product,
      bars,
      cal: this.cal,
      slippage: s.config.execution.slippage,
      sigmaAdv,
      fill: this.fill,
    });
  }

  // ---- StrategyContext (position, equity, cash, halted, volScale, buy, sell, flatten: EngineContext) ------------
  /** bars have no order book */
  get book(): null {
    return null;
  }
  get openOrders(): number {
    let n = 0;
    for (let k = 0; k < this.oCount; k++) if (this.oQty[k]! > 0) n++;
    return n;
  }
  tsNs(k = 0): bigint {
    if (k < 0) throw new RangeError('tsNs: the future is not visible to a strategy');
    const j = this.bar - k;
    return j >= 0 ? this.b.ts[j]! : -1n;
  }
  cancel(id: number): boolean {
    for (let k = 0; k < this.oCount; k++) {
      if (this.oId[k] === id && this.oQty[k]! > 0) {
        this.oQty[k] = 0;
        return true;
      }
    }
    return false;
  }
  modify(id: number, change: { qty?: number; price?: number }): boolean {
    for (let k = 0; k < this.oCount; k++) {
      if (this.oId[k] === id && this.oQty[k]! > 0) {
        if (change.qty !== undefined) {
          checkQty(change.qty);
          this.oQty[k] = change.qty;
        }
        if (change.price !== undefined) {
          checkPrice(change.price);
          this.oPrice[k] = change.price;
        }
        return true;
      }
    }
    return false;
  }
  cancelAll(): void {
    for (let k = 0; k < this.oCount; k++) this.oQty[k] = 0;
  }

  protected place(side: 1 | -1, qty: number, opts?: OrderOptions): number {
    if (this.bar < this.startIdx - 1 && !this.inFills) return 0; // warm-up: no trading
    checkQty(qty);
    const type = opts?.type === undefined ? ORDER_MARKET : TYPES[opts.type];
    if (type === undefined) throw new Error(`order type "${String(opts?.type)}"; allowed: market, limit, stop`);
    const price = opts?.price ?? NaN;
    if (type !== ORDER_MARKET) checkPrice(price);
    if (this.oCount === this.oId.length) this.grow();
    const k = this.oCount++;
    const id = this.nextId++;
    this.oId[k] = id;
    this.oSide[k] = side;
    this.oQty[k] = qty;
    this.oType[k] = type;
    this.oPrice[k] = price;
    // placed after bar t closed (or while bar t's fills are booked): eligible from bar t+1
    this.oFrom[k] = this.inFills ? this.curBarForOrders + 1 : this.bar + 1;
    this.ordersPlaced++;
    return id;
  }

  private grow(): void {
    const n = this.oId.length * 2;
    const g = <T extends Float64Array | Int8Array | Uint8Array>(a: T, C: new (n: number) => T): T => {
      const b = new C(n);
      b.set(a);
      return b;
    };
    this.oId = g(this.oId, Float64Array);
    this.oSide = g(this.oSide, Int8Array);
    this.oQty = g(this.oQty, Float64Array);
    this.oType = g(this.oType, Uint8Array);
    this.oPrice = g(this.oPrice, Float64Array);
    this.oFrom = g(this.oFrom, Float64Array);
  }

  // ---- the loop -----------------------------------------------------------------------------------------
  // run() sets up and finishes; the bar loops are methods of their own. V8 optimizes a long loop while it runs (on-
  // stack replacement) with type feedback only for the code executed so far: code after the loop in the same
  // function, never run yet, deoptimizes the loop's code on the first exit, and every deoptimization means
  // recompiling the whole loop with everything inlined into it (~10 ms) and running unoptimized meanwhile. Kept
  // apart, the loops' code ends in a plain return, and the first task's tail (metrics, an out-of-sample task's fresh
  // equity array, the close at the end) no longer costs each worker thread a recompile of its hottest code.
  run(): BacktestResult {
    const b = this.b;
    const acct = this.account;
    const pos = this.pos;
    const strat = this.strat;
    const { startIdx, endIdx } = this;
    const close = b.close;
    const m = Math.max(0, endIdx - startIdx);
    // every entry is written below: a reused buffer needs no clearing
    const eqOut = this.equityBuffer ? this.equityBuffer(m).subarray(0, m) : new Float64Array(m);
    if (typeof strat.onBar !== 'function') throw new Error('strategy has no onBar(ctx): an L3 strategy (onBook) needs execution.level L3 and MBO data');

    strat.init?.(this);
    this.warmUp();
    this.risk.start(acct.cash, this.cal.day[startIdx] ?? 0, this.cal.week[startIdx] ?? 0);
    const barsInMarket = this.barLoop(eqOut);

    const last = endIdx - 1;
    if (m > 0 && this.cfg.execution.closeAtEnd && pos.qty !== 0) {
      this.cancelAll();
      this.execute(pos.qty > 0 ? -1 : 1, Math.abs(pos.qty), close[last]!, false, last, 0, 'end', true);
      pos.last = close[last]!;
      this.equityNow = acct.cash + (pos.qty * close[last]! - pos.refSum) * this.product.tickValue;
      eqOut[m - 1] = this.equityNow;
    }
    strat.onEnd?.(this);

    const trades: Trade[] = acct.trades;
    const risk = this.risk;
    const metrics = computeMetrics({
      ...accountInputs(acct),
      equity: eqOut,
      ts: b.ts.subarray(startIdx, Math.max(startIdx, endIdx)),
      trades,
      periodsPerYear: this.cal.periodsPerYear,
      barsInMarket,
    });
    return {
      metrics,
      // a view of the bars' timestamps, not a copy (in-sample walk-forward tasks never look at it): copy it before
      // transferring or changing it
      equity: { ts: b.ts.subarray(startIdx, Math.max(startIdx, endIdx)), equity: eqOut },
      trades,
      stats: {
        bars: m,
        orders: this.ordersPlaced,
        fills: this.fills,
        refusedLots: risk.refusedLots,
        riskFlattens: risk.flattens,
        killSwitch: risk.killed ? { reason: risk.killReason, ts: risk.killTs(b.ts) } : null,
        variationMargin: acct.variationMargin,
        risk: risk.report(),
        finalEquity: this.equityNow,
      },
    };
  }

  /** The warm-up bars the strategy declared (warmFrom..startIdx): it sees them, nothing trades. */
  private warmUp(): void {
    const close = this.b.close;
    const risk = this.risk;
    const strat = this.strat;
    // strat.onBar(this), not a bound copy: a new bound function per task is a new call target for the optimized
    // loop, which the next task's first bar deoptimizes (the method on the strategy's prototype stays the same)
    for (let i = this.warmFrom; i < this.startIdx; i++) {
      this.bar = i;
      risk.observeBar(close, i);
      strat.onBar!(this);
    }
  }

  /** The window's bars, steps 1–6 of the file comment; the equity at each close into eqOut. Returns bars in the market. */
  private barLoop(eqOut: Float64Array): number {
    const b = this.b;
    const cal = this.cal;
    const pos = this.pos;
    const acct = this.account;
    const risk = this.risk;
    const strat = this.strat;
    const { startIdx, endIdx } = this;
    const open = b.open;
    const close = b.close;
    const settle = this.product.kind === 'future' ? cal.settle : null;
    const settlePx = this.settlePx;
    const funding = this.product.funding;
    const fundFlags = cal.funding;
    const proRata = funding?.proRata ?? false;
    const proRataFraction = funding ? b.barNs / funding.intervalNs : 0;
    const markCol = b.mark ?? null;
    const rateCol = b.fundingRate ?? null;
    const tv = this.product.tickValue;
    let barsInMarket = 0;
    for (let i = startIdx; i < endIdx; i++) {
      risk.rollDay(cal.day[i]!, cal.week[i]!, this.equityNow);
      if (pos.qty !== 0) {
        if (rateCol !== null && (proRata || fundFlags[i] === 1)) {
          const mk = markCol !== null ? markCol[i]! : open[i]!;
          acct.fund(pos, mk, rateCol[i]!, proRata ? proRataFraction : 1);
        }
      }
      if (risk.flattenPending) {
        risk.flattenPending = false;
        if (pos.qty !== 0) this.execute(pos.qty > 0 ? -1 : 1, Math.abs(pos.qty), open[i]!, false, i, 0, 'risk');
      }
      if (this.oCount > 0) this.processOrders(i);

      const c = close[i]!;
      pos.last = c;
      const eq = acct.cash + (pos.qty * c - pos.refSum) * tv;
      // tested on every bar, not only on settlement bars: a comparison the optimizer has never seen run (the first
      // task's loop is optimized before its first settlement bar) deoptimizes the loop when it first runs
      const held = pos.qty !== 0;
      if (held) barsInMarket++;
      if (settle !== null && settle[i] === 1 && held) acct.settle(pos, settlePx === null ? c : settlePx[i]!);
      risk.observeBar(close, i);
      if (risk.checkAtClose(eq, pos, i)) this.cancelAll();
      eqOut[i - startIdx] = eq;
      this.equityNow = eq;
      this.bar = i;
      strat.onBar!(this);
    }
    return barsInMarket;
  }

  private processOrders(i: number): void {
    const b = this.b;
    const o = b.open[i]!,
      h = b.high[i]!,
      l = b.low[i]!;
    this.inFills = true;
    this.curBarForOrders = i;
    this.bar = i - 1; // bar i has not closed: callbacks see bar i-1 as the latest
    for (let k = 0; k < this.oCount; k++) {
      const q = this.oQty[k]!;
      if (q <= 0 || this.oFrom[k]! > i) continue;
      const type = this.oType[k]!;
      const side = this.oSide[k]! as 1 | -1;
      const px = l2FillPrice(type, side, this.oPrice[k]!, o, h, l, this.through);
      if (px !== px) continue; // NaN: no fill on this bar
      this.oQty[k] = 0; // done: filled, or the remainder refused by risk
      this.execute(side, q, px, type === ORDER_LIMIT, i, this.oId[k]!, 'order');
    }
    this.inFills = false;
    // compaction keeps placement order
    let w = 0;
    for (let k = 0; k < this.oCount; k++) {
      if (this.oQty[k]! > 0) {
        if (w !== k) {
          this.oId[w] = this.oId[k]!;
          this.oSide[w] = this.oSide[k]!;
          this.oQty[w] = this.oQty[k]!;
          this.oType[w] = this.oType[k]!;
          this.oPrice[w] = this.oPrice[k]!;
          this.oFrom[w] = this.oFrom[k]!;
        }
        w++;
      }
    }
    this.oCount = w;
  }

  /** Apply risk limits, costs and accounting to one fill (./fill-booking.ts), then tell the strategy. */
  private execute(
    side: 1 | -1,
    qty: number,
    price: number,
    maker: boolean,
    i: number,
    orderId: number,
    reason: Fill['reason'],
    atClose = false,
  ): void {
    if (!this.booking.book(side, qty, price, maker, i, orderId, reason, atClose, i)) return;
    this.fills++;
    this.strat.onFill?.(this, this.fill);
  }
}

/** Bad input is an error naming the column and row (docs/scales.md). */
const validated = new WeakSet<BarSeries>();

export function validateBars(b: BarSeries): void {
  if (validated.has(b)) return;
  // a prefix view of a series (same memory, src/backtest/prefix-view.ts) is valid when its root is
  const root = rootOf(b);
  if (root !== null) {
    validateBars(root);
    validated.add(b);
    return;
  }
  validateBarsOnce(b);
  validated.add(b);
}

/**
 * Take `b` as valid without checking it: for a series another thread of this process validated (a study's shared
 * bars, validated by the main thread before its workers adopt them: src/walkforward/worker-data.ts). Each worker
 * checking a million shared bars again cost it ~25–50 ms before its first task, serial work that a second worker
 * does not halve.
 */
export function vouchBars(b: BarSeries): void {
  validated.add(b);
}

function validateBarsOnce(b: BarSeries): void {
  const n = b.ts.length;
  if (!(b.barNs > 0)) throw new Error(`bars ${b.symbol}: barNs must be > 0, got ${b.barNs}`);
  const cols: [string, Float64Array | undefined][] = [
    ['open', b.open],
    ['high', b.high],
    ['low', b.low],
    ['close', b.close],
    ['volume', b.volume],
    ['mark', b.mark],
    ['fundingRate', b.fundingRate],
  ];
  for (const [name, c] of cols) {
    if (c === undefined) continue;
    if (c.length !== n) throw new Error(`bars ${b.symbol}: column ${name} has ${c.length} rows, ts has ${n}`);
  }
  const bad = firstNotIncreasing(b.ts);
  if (bad > 0) throw new Error(`bars ${b.symbol}: row ${bad} column ts: ${b.ts[bad]} is not after the previous bar's ${b.ts[bad - 1]}`);
  for (let i = 0; i < n; i++) {
    const o = b.open[i]!,
      h = b.high[i]!,
      l = b.low[i]!,
      c = b.close[i]!;
    if (!Number.isSafeInteger(o) || !Number.isSafeInteger(h) || !Number.isSafeInteger(l) || !Number.isSafeInteger(c)) {
      const col = !Number.isSafeInteger(o) ? 'open' : !Number.isSafeInteger(h) ? 'high' : !Number.isSafeInteger(l) ? 'low' : 'close';
      throw new Error(`bars ${b.symbol}: row ${i} column ${col}: ${b[col][i]} is not a whole number of ticks`);
    }
    if (h < l || h < o || h < c || l > o || l > c) {
      throw new Error(`bars ${b.symbol}: row ${i}: high ${h} / low ${l} do not bracket open ${o} and close ${c}`);
    }
    if (!(b.volume[i]! >= 0)) throw new Error(`bars ${b.symbol}: row ${i} column volume: ${b.volume[i]} is not >= 0`);
  }
}
