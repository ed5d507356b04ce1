// The L3 backtest loop (docs/backtest.md "L3 execution"): a strategy against the replayed MBO book with its own
// orders in the real queues (QueueVenue, src/replay/venue.ts). Accounting, fees, risk guards and metrics are
// the L2 engine's own pieces (account.ts, fees via the product, risk.ts, metrics.ts); only the event source and
// the execution differ.
//
// Two clocks. Exchange time (ts_event) drives the replay; the strategy's clock is exchange time plus the
// market-data latency of the update it is reacting to. Per step:
//   1. replay to the next book update of the instrument (cadence 'event': just after a LAST record; a time
//      cadence: the next sampling instant) or to the next equity point, whichever comes first; own orders and
//      cancels take effect on the way at their arrival times (send time + order-entry latency);
//   2. every own fill the replay produced is booked at once, at its exchange time (position, cash, fees once
//      per fill, the trade list, the kill switch's loss count): the account is the exchange's truth;
//   3. at an update: the strategy hears of it at t = ts + market-data latency (one FIFO feed with fill
//      reports, so neither overtakes the other); fills reported by t are delivered (onFill) first, then the
//      book is shown (onBook); orders it sends leave at t;
//   4. at an equity point (every execution.l3.equityInterval): mark to market at the touch (a long at the best
//      bid, a short at the best ask: what closing would get), daily settlement (variation margin at the VWAP of the
//      trade prints in the product's settlement window, src/backtest/mbo-settlement.ts), risk checks on equity
//      including unrealized PnL, a risk flatten if a guard asks for one (a market order sent at that instant).
// Risk limits that L2 applies to each fill (position, margin, exposure, halts) are applied before an order is
// sent at L3, to the worst case (the position plus every open order on that side filling): a fill at the
// exchange cannot be refused afterwards.
import type { BacktestResult, BarSeries, Trade } from './api.js';
import { Account, type Position } from './account.js';
import { BookState } from './book.js';
import { computeCalendar, roundToTick, type BarCalendar } from './calendar.js';
import { checkPrice, checkQty, EngineContext } from './engine-context.js';
import { tradePrints, type TradePrints } from './mbo-data.js';
import { printSettlement, settlementWindowNs } from './mbo-settlement.js';
import { accountInputs, computeMetrics } from './metrics.js';
import type { ProductSpec } from './product.js';
import { RiskGuard } from './risk.js';
import type { Fill, OrderOptions, Series, IndicatorFactory, Strategy, StrategyContext } from './strategy.js';
import type { BacktestConfig } from '../config/backtest.js';
import { parseSpan, type LatencyConfig } from '../config/execution.js';
import { toMicro } from '../config/units.js';
import type { ColumnBatch } from '../data/batch.js';
import { Side } from '../core/types.js';
import { constantLatency, empiricalLatency, lognormalLatency, type LatencyModel } from '../replay/latency.js';
import type { OwnFill } from '../replay/own-orders.js';
import { QueueVenue } from '../replay/venue.js';

export interface L3Setup {
  config: BacktestConfig;
  product: ProductSpec;
  strategy: Strategy;
  params: Record<string, number>;
  startNs: bigint;
  endNs: bigint;
}

/** What L3 adds to BacktestStats. */
export interface L3Stats {
  instrument: number;
  /** book updates delivered to the strategy */
  updates: number;
  ordersSent: number;
  cancelsSent: number;
  makerFills: number;
  takerFills: number;
  /** lots filled as maker / taker */
  makerLots: number;
  takerLots: number;
  /**
   * daily settlements priced from the trade prints' window VWAP, from the day's last print before the window's end,
   * and from the touch (no print that trading day); all 0 for a product that settles at the mark (method `close`)
   */
  settleVwapDays: number;
  settleLastTradeDays: number;
  settleTouchDays: number;
  /** the MBO action the settlement VWAP is taken from (T trades; F fills only for data without T), null: none */
  settlePrints: 'T' | 'F' | null;
}

interface Reported {
  orderId: number;
  side: 1 | -1;
  qty: number;
  price: number;
  fee: number;
  maker: boolean;
  reportTs: bigint;
  reason: Fill['reason'];
}

interface Working {
  side: 1 | -1;
  leaves: number; // as the strategy knows it (reported fills)
  type: 'market' | 'limit' | 'stop';
  price: number; // ticks (NaN for market)
}

export function latencyModel(c: LatencyConfig): LatencyModel {
  if (c.model === 'constant') return constantLatency(c.ns);
  if (c.model === 'lognormal') return lognormalLatency(c);
  return empiricalLatency(c);
}

function noBars(name: string): never {
  throw new Error(`ctx.${name}: bar series do not exist at L3; read the book (ctx.book) in onBook`);
}

export class L3Engine extends EngineContext implements StrategyContext {
  readonly mark: Series | null = null;
  readonly fundingRate: Series | null = null;
  readonly book: BookState;

  private readonly cfg: BacktestConfig;
  private readonly strat: Strategy;
  private readonly venue: QueueVenue;
  protected readonly account: Account;
  protected readonly pos: Position;
  protected readonly risk: RiskGuard;
  private readonly ins: number;
  private readonly tickUnits: bigint;
  private readonly tickNum: number;
  private readonly startNs: bigint;
  private readonly endNs: bigint;
  private readonly eqNs: bigint;
  private readonly gridTs: BigInt64Array;
  private readonly cal: BarCalendar;
  /** the instrument's trade prints for the settlement VWAP; null: the product settles at the mark (method close) */
  private readonly prints: TradePrints | null;
  /** the last settlement price (ticks) for CME's tie rule; NaN before the first */
  private prevSettle = NaN;
  private readonly fill: Fill = { orderId: 0, side: 1, qty: 0, price: 0, slippageTicks: 0, fee: 0, bar: 0, maker: false, reason: 'order', refused: 0 };

  /** the strategy's clock: when it heard of the update it is reacting to */
  private now = 0n;
  private reportedQty = 0;
  private readonly working = new Map<number, Working>();
  /** engine-originated orders (risk flatten) and why */
  private readonly engineOrders = new Map<number, Fill['reason']>();
  private readonly reports: Reported[] = [];
  private reportHead = 0;
  private nextId = 1;
  private period = 0;
  private readonly stats: L3Stats;
  private fills = 0;
  private ordersPlaced = 0;

  constructor(batches: Iterable<ColumnBatch>, s: L3Setup) {
    super(s.product, s.params);
    this.cfg = s.config;
    this.strat = s.strategy;
    const l3 = s.config.execution.l3;
    this.book = new BookState(l3.levels);
    this.tickUnits = BigInt(s.product.tickSize);
    this.tickNum = Number(this.tickUnits);
    const list = Array.isArray(batches) ? (batches as ColumnBatch[]) : [...batches];
    const first = list.find((b) => b.length > 0);
    if (!first) throw new Error('L3 backtest: the MBO data holds no records');
    if (first.schema !== 'mbo') throw new Error(`L3 backtest: needs MBO records, found a ${first.schema} batch`);
    this.ins = l3.instrument ?? (first.columns.instrument_id as Uint32Array)[0]!;
    const last = list[list.length - 1]!;
    const dataEnd = (last.columns.ts_event as BigUint64Array)[last.length - 1]! + 1n;
    this.startNs = s.startNs;
    this.endNs = s.endNs < dataEnd ? s.endNs : dataEnd;
    if (this.endNs <= this.startNs) throw new Error(`L3 backtest: window [${s.startNs}, ${s.endNs}) holds no MBO data (the data ends at ${dataEnd})`);
    this.venue = new QueueVenue(list, {
      instrumentId: this.ins,
      tickSize: this.tickUnits,
      tick: this.tickUnits,
      entryLatency: latencyModel(l3.entryLatency),
      marketDataLatency: latencyModel(l3.marketDataLatency),
    });
    this.account = new Account(toMicro(s.config.account.initialCapital));
    this.pos = this.account.addPosition(s.product);
    this.equityNow = this.account.cash;
    const vwapSettle = s.product.kind === 'future' && s.product.session.settlement !== null && s.product.session.settlementPrice.method === 'vwap';
    this.prints = vwapSettle ? tradePrints(list, this.ins) : null;
    this.stats = {
      instrument: this.ins,
      updates: 0,
      ordersSent: 0,
      cancelsSent: 0,
      makerFills: 0,
      takerFills: 0,
      makerLots: 0,
      takerLots: 0,
      settleVwapDays: 0,
      settleLastTradeDays: 0,
      settleTouchDays: 0,
      settlePrints: this.prints?.source ?? null,
    };
    this.book.queueAheadOf = (id) => this.venue.queuePosition(id)?.ahead ?? -1;
    // the equity grid: one point per equityInterval; the trading calendar and annualization are the L2 ones
    this.eqNs = parseSpan(l3.equityInterval);
    const m = Number((this.endNs - this.startNs + this.eqNs - 1n) / this.eqNs);
    this.gridTs = new BigInt64Array(m);
    for (let k = 0; k < m; k++) this.gridTs[k] = this.startNs + BigInt(k) * this.eqNs;
    this.cal = computeCalendar(gridSeries(this.gridTs, this.eqNs, s.product.symbol), s.product);
    this.risk = new RiskGuard(s.config.risk, this.account, this.cal.periodsPerYear);
    this.risk.bindClock(this.gridTs);
  }

  // ---- StrategyContext ------------------------------------------------------------------------------------
  get open(): Series {
    return noBars('open');
  }
  get high(): Series {
    return noBars('high');
  }
  get low(): Series {
    return noBars('low');
  }
  get close(): Series {
    return noBars('close');
  }
  get volume(): Series {
    return noBars('volume');
  }
  get ind(): IndicatorFactory {
    return noBars('ind (indicators precompute whole bar series)');
  }
  /** signed lots, as reported to the strategy (fills it has heard of); entryPrice, equity, cash: EngineContext */
  override get position(): number {
    return this.reportedQty;
  }
  get openOrders(): number {
    return this.working.size;
  }
  tsNs(k = 0): bigint {
    if (k < 0) throw new RangeError('tsNs: the future is not visible to a strategy');
    if (k > 0) throw new RangeError('tsNs(k > 0): L3 keeps only the current update time (ctx.book.ts / ctx.book.now)');
    return this.now;
  }
  cancel(id: number): boolean {
    if (!this.working.delete(id)) return false;
    this.venue.sendCancel(id, this.now);
    this.stats.cancelsSent++;
    return true;
  }
  /**
   * Cancel/replace with the same id: the order loses its queue position (a new arrival), and fills of the old
   * order still in flight count against the new quantity. The new quantity passes the pre-trade risk check like
   * a new order; cut to nothing, the order is just cancelled (returns false).
   */
  modify(id: number, change: { qty?: number; price?: number }): boolean {
    const w = this.working.get(id);
    if (!w) return false;
    const qty = change.qty ?? w.leaves;
    const price = change.price ?? w.price;
    checkQty(qty);
    if (w.type !== 'market') checkPrice(price);
    this.working.delete(id);
    this.venue.sendCancel(id, this.now);
    this.stats.cancelsSent++;
    const q = this.preTrade(w.side, qty, w.type === 'market' ? NaN : price);
    if (q === 0) return false;
    w.leaves = q;
    w.price = price;
    this.working.set(id, w);
    this.send(id, w.side, q, w.type, price);
    return true;
  }
  cancelAll(): void {
    for (const id of [...this.working.keys()]) this.cancel(id);
  }

  protected place(side: 1 | -1, qty: number, opts?: OrderOptions): number {
    checkQty(qty);
    const type = opts?.type ?? 'market';
    if (type !== 'market' && type !== 'limit' && type !== 'stop') throw new Error(`order type "${String(type)}"; allowed: market, limit, stop`);
    const price = opts?.price ?? NaN;
    if (type !== 'market') checkPrice(price);
    const q = this.preTrade(side, qty, type === 'market' ? NaN : price);
    if (q === 0) return 0;
    const id = this.nextId++;
    this.working.set(id, { side, leaves: q, type, price });
    this.send(id, side, q, type, price);
    this.ordersPlaced++;
    return id;
  }

  private send(id: number, side: 1 | -1, qty: number, type: 'market' | 'limit' | 'stop', price: number, at = this.now): void {
    this.venue.send({ id, side, qty, type, price: type === 'market' ? undefined : BigInt(price) * this.tickUnits }, at);
    this.stats.ordersSent++;
  }

  /**
   * The risk guards' fill-time limits, applied before sending: the part of `qty` that reduces the worst-case
   * position passes, the increase is cut to what the limits allow (0 while halted).
   */
  private preTrade(side: 1 | -1, qty: number, price: number): number {
    let sameSide = 0;
    for (const w of this.working.values()) if (w.side === side) sameSide += w.leaves;
    const worst = this.pos.qty + side * sameSide;
    const reducing = worst !== 0 && Math.sign(worst) !== side ? Math.min(qty, Math.abs(worst)) : 0;
    const want = qty - reducing;
    if (want === 0) return qty;
    let ref = price;
    if (ref !== ref) ref = side === 1 ? this.book.bestAsk : this.book.bestBid;
    if (ref !== ref) ref = this.pos.last;
    return reducing + this.risk.allowedIncrease(this.pos, want, ref, Math.abs(worst) - reducing);
  }

  // ---- the loop -------------------------------------------------------------------------------------------
  run(): BacktestResult {
    const l3 = this.cfg.execution.l3;
    const { eqNs, gridTs, cal, risk } = this;
    const start = this.startNs;
    const end = this.endNs;
    const m = gridTs.length;
    const eqOut = new Float64Array(m);
    const marks = new Float64Array(m);
    const venue = this.venue;
    const strat = this.strat;
    if (typeof strat.onBook !== 'function') throw new Error('strategy has no onBook(ctx): a bar strategy (onBar) needs execution.level L2 and bar data');
    const event = l3.cadence === 'event';
    const every = event ? 0n : parseSpan(l3.cadence);
    const minGap = parseSpan(l3.minInterval);
    let nextSample = start;
    let lastDelivered = -(1n << 62n);

    // the book before the window: replayed, nobody trades
    venue.advanceExchange(start - 1n);
    this.now = start;
    strat.init?.(this);
    risk.start(this.account.cash, cal.day[0] ?? 0, cal.week[0] ?? 0);
    let barsInMarket = 0;

    for (let k = 0; k < m; k++) {
      this.period = k;
      risk.rollDay(cal.day[k]!, cal.week[k]!, this.equityNow);
      const close = k === m - 1 ? end - 1n : start + BigInt(k + 1) * eqNs - 1n; // events up to the period's end
      for (;;) {
        let te: bigint | null;
        if (event) te = venue.nextUpdate(this.ins, close);
        else if (nextSample <= close) {
          venue.advanceExchange(nextSample);
          te = nextSample;
          nextSample += every;
        } else {
          venue.advanceExchange(close);
          te = null;
        }
        this.bookFills(venue.takeFills());
        if (te === null) break;
        if (minGap > 0n && te - lastDelivered < minGap) continue;
        lastDelivered = te;
        this.deliver(te);
      }
      // equity point: mark at the touch, settle, risk
      const mk = this.markPrice();
      marks[k] = this.midPrice(mk); // the volatility estimate follows the mid, not the side we would exit on
      const pos = this.pos;
      if (pos.qty !== 0) pos.last = mk;
      const eq = this.account.cash + (pos.qty * mk - pos.refSum) * this.product.tickValue;
      if (this.product.kind === 'future' && cal.settle[k] === 1) {
        const px = this.settlementPrice(k, close + 1n, mk); // every settlement day: the next one's tie rule needs it
        if (pos.qty !== 0) this.account.settle(pos, px);
      }
      if (pos.qty !== 0) barsInMarket++;
      risk.observeBar(marks, k);
      if (risk.checkAtClose(eq, pos, k)) this.cancelAll();
      if (risk.flattenPending) {
        risk.flattenPending = false;
        this.cancelAll();
        if (pos.qty !== 0) {
          const id = this.nextId++;
          this.engineOrders.set(id, 'risk');
          risk.flattens++;
          this.send(id, pos.qty > 0 ? -1 : 1, Math.abs(pos.qty), 'market', NaN, close + 1n > this.now ? close + 1n : this.now);
        }
      }
      eqOut[k] = eq;
      this.equityNow = eq;
    }

    if (m > 0 && this.cfg.execution.closeAtEnd && this.pos.qty !== 0) {
      // market-on-close at the touch of the last book state, as a taker
      this.cancelAll();
      const pos = this.pos;
      const side: 1 | -1 = pos.qty > 0 ? -1 : 1;
      const px = this.touch(side === -1 ? Side.Buy : Side.Sell);
      const price = px === px ? px : pos.last;
      this.bookOne(0, side, Math.abs(pos.qty), price, false, end, end, 'end');
      this.equityNow = this.account.cash + (pos.qty * price - pos.refSum) * this.product.tickValue;
      eqOut[m - 1] = this.equityNow;
    }
    this.deliverReports(1n << 62n);
    strat.onEnd?.(this);

    const acct = this.account;
    const trades: Trade[] = acct.trades;
    const metrics = computeMetrics({
      ...accountInputs(acct),
      equity: eqOut,
      ts: gridTs,
      trades,
      periodsPerYear: cal.periodsPerYear,
      barsInMarket,
    });
    return {
      metrics,
      equity: { ts: gridTs, equity: eqOut },
      trades,
      stats: {
        bars: m,
        orders: this.ordersPlaced,
        fills: this.fills,
        refusedLots: risk.refusedLots,
        riskFlattens: risk.flattens,
        killSwitch: risk.killed ? { reason: risk.killReason, ts: risk.killTs(gridTs) } : null,
        variationMargin: acct.variationMargin,
        risk: risk.report(),
        finalEquity: this.equityNow,
        l3: { ...this.stats },
      },
    };
  }

  /** A book update at exchange time te: the strategy hears of it after the market-data latency. */
  private deliver(te: bigint): void {
    const t = this.venue.marketDataArrival(te);
    if (t > this.now) this.now = t;
    const b = this.book;
    const k = this.venue.kernel;
    b.setSide(1, k.depth(this.ins, Side.Buy, b.depth), this.tickNum);
    b.setSide(-1, k.depth(this.ins, Side.Sell, b.depth), this.tickNum);
    b.ts = te;
    b.now = this.now;
    this.deliverReports(this.now);
    this.bar++;
    b.seq = this.bar;
    this.stats.updates++;
    this.strat.onBook!(this);
  }

  /** Book every fill the replay produced, at its exchange time; queue its report for the strategy. */
  private bookFills(fs: readonly OwnFill[]): void {
    for (const f of fs) {
      const price = Number(f.price / this.tickUnits);
      const reason = this.engineOrders.get(f.orderId) ?? 'order';
      this.bookOne(f.orderId, f.side, f.qty, price, f.liquidity !== 'taker', f.exchangeTs, f.reportTs, reason);
    }
  }

  private bookOne(orderId: number, side: 1 | -1, qty: number, price: number, maker: boolean, ts: bigint, reportTs: bigint, reason: Fill['reason']): void {
    const fee = this.product.fees.fee(qty, price, maker);
    const trade = this.account.fillParts(this.pos, side, qty, price, ts, fee, 0);
    this.fills++;
    if (maker) {
      this.stats.makerFills++;
      this.stats.makerLots += qty;
    } else {
      this.stats.takerFills++;
      this.stats.takerLots += qty;
    }
    if (trade !== null) this.risk.onTrade(trade.pnl, this.period);
    this.reports.push({ orderId, side, qty, price, fee, maker, reportTs, reason });
  }

  /** onFill for every booked fill reported by `t`, in report order. */
  private deliverReports(t: bigint): void {
    const rs = this.reports;
    while (this.reportHead < rs.length && rs[this.reportHead]!.reportTs <= t) {
      const r = rs[this.reportHead++]!;
      this.reportedQty += r.side * r.qty;
      const w = this.working.get(r.orderId);
      if (w) {
        w.leaves -= r.qty;
        if (w.leaves <= 0) this.working.delete(r.orderId);
      }
      const f = this.fill;
      f.orderId = r.orderId;
      f.side = r.side;
      f.qty = r.qty;
      f.price = r.price;
      f.fee = r.fee;
      f.maker = r.maker;
      f.reason = r.reason;
      f.bar = this.bar;
      this.strat.onFill?.(this, f);
    }
    if (this.reportHead === rs.length) {
      rs.length = 0;
      this.reportHead = 0;
    }
    // a market order (or an elected stop) whose remainder found no visible liquidity is cancelled by the exchange
    // without a report: drop those the exchange has finished with
    for (const [id, w] of this.working) if (w.type !== 'limit' && !this.venue.isLive(id)) this.working.delete(id);
  }

  /** Best price on a side of the replayed book now, in ticks (NaN when empty). */
  private touch(side: Side.Buy | Side.Sell): number {
    const l = this.venue.kernel.depth(this.ins, side, 1)[0];
    return l ? l.price / this.tickNum : NaN;
  }

  /** Liquidation mark: a long at the best bid, a short at the best ask (flat: the mid). */
  private markPrice(): number {
    const q = this.pos.qty;
    const bid = this.touch(Side.Buy);
    const ask = this.touch(Side.Sell);
    let px = q > 0 ? bid : q < 0 ? ask : Math.floor((bid + ask) / 2);
    if (px !== px) px = bid === bid ? bid : ask === ask ? ask : this.pos.last;
    return px;
  }

  /**
   * The settlement price of the trading day settling at equity point k (exchange time replayed up to `upTo`,
   * exclusive), in ticks. Products with a VWAP window: the trade prints' VWAP in it, else the day's last print before
   * its end, else the mid of the touch now (rounded by the tie rule; one side: that side; an empty book: the last
   * price), CME's second tier for ES being the bid/ask midpoint. Method `close`: the mark `mk` (as L2 uses the close).
   * The first settlement of a run has no previous one: a tie rounds up (settlements before the window are not priced).
   */
  private settlementPrice(k: number, upTo: bigint, mk: number): number {
    const p = this.prints;
    if (p === null) return mk;
    const w = settlementWindowNs(this.product.session, this.cal.day[k]!)!;
    const prev = this.prevSettle;
    const fromPrints = printSettlement(p, w, upTo, this.tickUnits, prev);
    let px: number;
    if (fromPrints !== null) {
      px = fromPrints.price;
      if (fromPrints.source === 'vwap') this.stats.settleVwapDays++;
      else this.stats.settleLastTradeDays++;
    } else {
      const bid = this.touch(Side.Buy);
      const ask = this.touch(Side.Sell);
      if (bid === bid && ask === ask) px = roundToTick(BigInt(Math.round(bid + ask)), 2n, prev);
      else px = bid === bid ? bid : ask === ask ? ask : this.pos.qty !== 0 ? this.pos.last : NaN; // NaN: flat, nothing to settle
      this.stats.settleTouchDays++;
    }
    if (px === px) this.prevSettle = px;
    return px;
  }

  /** The mid in ticks now (rounded down), or `fallback` with a one-sided book. */
  private midPrice(fallback: number): number {
    const m = Math.floor((this.touch(Side.Buy) + this.touch(Side.Sell)) / 2);
    return m === m ? m : fallback;
  }
}

/** The equity grid as a bar series (only ts and barNs matter) for the shared trading calendar. */
function gridSeries(ts: BigInt64Array, eqNs: bigint, symbol: string): BarSeries {
  const z = new Float64Array(0);
  return { symbol, ts, barNs: Number(eqNs), open: z, high: z, low: z, close: z, volume: z };
}

