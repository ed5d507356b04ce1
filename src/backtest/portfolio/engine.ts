// The portfolio backtest loop over N bar series (docs/backtest.md "Portfolio backtests"): one Account and one
// RiskGuard over every position, each instrument with its own orders, calendar, settlement and slippage. Per step
// of the union timeline (./timeline.ts), in the L2 engine's order (src/backtest/engine.ts), each phase over the
// instruments that have a bar at the step, in instrument order:
//   1. trading day / week roll-over: the FIRST instrument's product calendar applied to the union timeline
//   2. funding of open perpetual positions (each at its own funding instants)
//   3. pending risk flattens (every position; each at its own next bar's open), then resting orders
//   4. mark to market at the close (instruments without a bar keep their last close); daily settlement per product
//   5. risk guards at the close on the portfolio equity (cash + Σ unrealized); a flatten closes EVERY position
//   6. the strategy's onBar: orders it places fill at the instrument's next bar at the earliest
// Kept apart from L2Engine on purpose: that loop is JIT-tuned for one series and must not change.
import { lowerBound } from '../../util/int64-words.js';
import { Account, type Position } from '../account.js';
import type { BarSeries } from '../api.js';
import { computeCalendar, type BarCalendar } from '../calendar.js';
import { l2FillPrice, ORDER_LIMIT } from '../execution.js';
import { FillBooking, newFill } from '../fill-booking.js';
import { accountInputs, computeMetrics } from '../metrics.js';
import { ewVarianceOf } from '../prefix-view.js';
import { RiskGuard } from '../risk.js';
import type { Fill } from '../strategy.js';
import type { BacktestConfig } from '../../config/backtest.js';
import { toMicro } from '../../config/units.js';
import type { PortfolioContext, PortfolioFill, PortfolioInstrument, PortfolioResult, PortfolioStrategy, PortfolioTrade } from './api.js';
import { InstrumentState, type PortfolioHost } from './instrument.js';
import { buildTimeline, type Timeline } from './timeline.js';

/** The engine settings a portfolio uses: a backtest config's account, risk and execution (its product is ignored). */
export type PortfolioConfig = Pick<BacktestConfig, 'account' | 'risk' | 'execution'>;

export interface PortfolioSetup {
  config: PortfolioConfig;
  instruments: readonly PortfolioInstrument[];
  strategy: PortfolioStrategy;
  params: Record<string, number>;
  startNs: bigint;
  endNs: bigint;
  /** bars of each instrument before the window the strategy needs (PortfolioStrategyModule.warmupBars) */
  warmupBars?: number;
}

export class PortfolioEngine implements PortfolioContext, PortfolioHost {
  readonly instruments: InstrumentState[];
  readonly account: Account;
  readonly risk: RiskGuard;
  readonly params: Readonly<Record<string, number>>;
  /** union step being processed, or (in onBar) just closed */
  step = -1;
  inFills = false;
  private equityNow: number;
  private readonly tl: Timeline;
  /** trading day / week of each union step: the first instrument's product calendar on the union timeline */
  private readonly cal: BarCalendar;
  private readonly strat: PortfolioStrategy;
  private readonly cfg: PortfolioConfig;
  private readonly through: boolean;
  /** per instrument (by index): risk cut, costs and accounting of its fills, into the one account and guard */
  private readonly bookings: FillBooking[];
  private readonly startStep: number;
  private readonly endStep: number;
  private readonly warmFrom: number;
  private readonly byName = new Map<string, InstrumentState>();
  private readonly fill: PortfolioFill = { ...newFill(), instrument: '', index: 0 };

  constructor(s: PortfolioSetup) {
    this.tl = buildTimeline(s.instruments);
    this.cfg = s.config;
    this.strat = s.strategy;
    if (typeof s.strategy?.onBar !== 'function') throw new Error('portfolio strategy has no onBar(ctx)');
    this.params = Object.freeze({ ...s.params });
    this.account = new Account(toMicro(s.config.account.initialCapital));
    this.instruments = s.instruments.map(
      (x, k) => new InstrumentState(x.name, k, x.bars, x.product, this.tl.latest[k]!, this, this.params),
    );
    for (const inst of this.instruments) this.byName.set(inst.name, inst);
    const first = this.instruments[0]!;
    this.cal = s.instruments.length === 1 ? first.cal : computeCalendar(unionSeries(this.tl), first.product);
    this.risk = new RiskGuard(s.config.risk, this.account, this.cal.periodsPerYear);
    this.risk.bindClock(this.tl.ts); // trailing-24 h funding window, kill switch time: union steps
    // volatility targeting: the first instrument's close-to-close returns (documented)
    if (s.config.risk.volatilityTarget.enabled) this.risk.useVarianceColumn(ewVarianceOf(first.bars, this.risk.varianceLambda));
    this.through = s.config.execution.limitFill === 'through';
    this.bookings = this.instruments.map((inst) => this.bookingFor(inst, s.config.execution.slippage));
    this.startStep = lowerBound(this.tl.ts, s.startNs);
    this.endStep = lowerBound(this.tl.ts, s.endNs);
    this.warmFrom = this.warmupStart(s.warmupBars, s.startNs);
    this.equityNow = this.account.cash;
  }

  private bookingFor(inst: InstrumentState, slippage: boolean): FillBooking {
    const { pos, product, bars, cal } = inst;
    const sigmaAdv = () => inst.sigmaAdv();
    return new FillBooking({ account: this.account, risk: this.risk, pos, product, bars, cal, slippage, sigmaAdv, fill: this.fill });
  }

  /** earliest step from which every instrument shows `w` bars before the window; 0 when undeclared */
  private warmupStart(w: number | undefined, startNs: bigint): number {
    if (w === undefined || !Number.isInteger(w) || w < 1) return 0;
    let from = this.startStep;
    for (const inst of this.instruments) {
      const ts = inst.bars.ts;
      const first = Math.max(0, lowerBound(ts, startNs) - w);
      if (first < ts.length) from = Math.min(from, lowerBound(this.tl.ts, ts[first]!));
    }
    return from;
  }

  // ---- PortfolioContext -----------------------------------------------------------------------------------
  instrument(name: string): InstrumentState {
    const x = this.byName.get(name);
    if (x === undefined) throw new Error(`instrument "${name}" is not in this portfolio; known: ${[...this.byName.keys()].join(', ')}`);
    return x;
  }
  get ts(): bigint {
    return this.step >= 0 ? this.tl.ts[this.step]! : -1n;
  }
  get equity(): number {
    return this.equityNow;
  }
  get cash(): number {
    return this.account.cash;
  }
  get halted(): boolean {
    return this.risk.halted;
  }
  /** warm-up steps place no orders, except the last one (its orders fill at the window's first bars) */
  get tradingOpen(): boolean {
    return this.step >= this.startStep - 1;
  }

  // ---- the run ----------------------------------------------------------------------------------------------
  run(): PortfolioResult {
    const { startStep, endStep } = this;
    const m = Math.max(0, endStep - startStep);
    const eqOut = new Float64Array(m);
    const strat = this.strat;
    strat.init?.(this);
    this.warmUp();
    this.risk.start(this.account.cash, this.cal.day[startStep] ?? 0, this.cal.week[startStep] ?? 0);
    let barsInMarket = 0;
    for (let s = startStep; s < endStep; s++) {
      if (this.runStep(s, eqOut)) barsInMarket++;
    }
    if (m > 0 && this.cfg.execution.closeAtEnd) this.closeAtEnd(endStep - 1, eqOut);
    strat.onEnd?.(this);
    return this.result(eqOut, barsInMarket);
  }

  /** the declared warm-up steps: the strategy sees them, nothing trades */
  private warmUp(): void {
    const first = this.instruments[0]!;
    for (let s = this.warmFrom; s < this.startStep; s++) {
      this.step = s;
      this.findStepBars(s);
      this.advanceCursors(s);
      if (first.updated) this.risk.observeBar(first.bars.close, first.bar);
      this.strat.onBar(this);
    }
  }

  /** each instrument's new bar at step s (`stepBar`, -1 without one): found once, read by every phase of the step */
  private findStepBars(s: number): void {
    for (const inst of this.instruments) inst.stepBar = barAt(inst, s);
  }

  /** instruments' cursors and `updated` flags after step s closed (after findStepBars(s)) */
  private advanceCursors(s: number): void {
    for (const inst of this.instruments) {
      inst.updated = inst.stepBar >= 0;
      inst.bar = inst.latest[s]!;
    }
  }

  /** One union step (phases 1–6 of the file comment). Returns true when a position was open at its close. */
  private runStep(s: number, eqOut: Float64Array): boolean {
    const risk = this.risk;
    const acct = this.account;
    const insts = this.instruments;
    this.step = s;
    this.findStepBars(s);
    risk.rollDay(this.cal.day[s]!, this.cal.week[s]!, this.equityNow);
    for (const inst of insts) {
      const i = inst.stepBar;
      if (i >= 0 && inst.pos.qty !== 0) this.fund(inst, i);
    }
    if (risk.flattenPending) {
      risk.flattenPending = false;
      for (const inst of insts) if (inst.pos.qty !== 0) inst.flattenDue = true;
    }
    for (const inst of insts) {
      const i = inst.stepBar;
      if (i < 0 || !inst.flattenDue) continue;
      inst.flattenDue = false;
      const pos = inst.pos;
      if (pos.qty !== 0) this.execute(inst, pos.qty > 0 ? -1 : 1, Math.abs(pos.qty), inst.bars.open[i]!, false, i, s, 0, 'risk');
    }
    for (const inst of insts) {
      const i = inst.stepBar;
      if (i >= 0 && inst.orders.length > 0) this.processOrders(inst, i, s);
    }

    // mark to market: instruments with a bar at their close, the others at their last close
    let eq = acct.cash;
    let held = false;
    let open: Position | null = null;
    for (const inst of insts) {
      const i = inst.stepBar;
      const pos = inst.pos;
      if (i >= 0) pos.last = inst.bars.close[i]!;
      eq += (pos.qty * pos.last - pos.refSum) * pos.product.tickValue;
      if (pos.qty !== 0) {
        held = true;
        open ??= pos;
      }
    }
    for (const inst of insts) {
      const i = inst.stepBar;
      const pos = inst.pos;
      if (i >= 0 && pos.qty !== 0 && inst.product.kind === 'future' && inst.cal.settle[i] === 1) {
        acct.settle(pos, inst.settlePx === null ? pos.last : inst.settlePx[i]!);
      }
    }
    const first = insts[0]!;
    const i0 = first.stepBar;
    if (i0 >= 0) risk.observeBar(first.bars.close, i0);
    // the guard looks at margin and notional of every position when the one it is given is open
    if (risk.checkAtClose(eq, open ?? first.pos, s)) for (const inst of insts) inst.cancelAll();
    eqOut[s - this.startStep] = eq;
    this.equityNow = eq;
    this.advanceCursors(s);
    this.strat.onBar(this);
    return held;
  }

  private fund(inst: InstrumentState, i: number): void {
    const b = inst.bars;
    const funding = inst.product.funding;
    const rateCol = b.fundingRate;
    if (funding === null || rateCol === undefined) return;
    const proRata = funding.proRata;
    if (!proRata && inst.cal.funding[i] !== 1) return;
    const mk = b.mark !== undefined ? b.mark[i]! : b.open[i]!;
    this.account.fund(inst.pos, mk, rateCol[i]!, proRata ? b.barNs / funding.intervalNs : 1);
  }

  private processOrders(inst: InstrumentState, i: number, s: number): void {
    const b = inst.bars;
    const o = b.open[i]!,
      h = b.high[i]!,
      l = b.low[i]!;
    this.inFills = true;
    const orders = inst.orders;
    // orders placed by callbacks during this loop are appended and not eligible before bar i + 1
    for (let k = 0; k < orders.length; k++) {
      const ord = orders[k]!;
      const q = ord.qty;
      if (q <= 0 || ord.from > i) continue;
      const px = l2FillPrice(ord.type, ord.side, ord.price, o, h, l, this.through);
      if (px !== px) continue; // NaN: no fill on this bar
      ord.qty = 0; // done: filled, or the remainder refused by risk
      this.execute(inst, ord.side, q, px, ord.type === ORDER_LIMIT, i, s, ord.id, 'order');
    }
    this.inFills = false;
    inst.compact();
  }

  /** Risk limits, costs and accounting for one fill of `inst` at its bar i (union step s: the guard's clock), then
   * tell the strategy; the booking is shared with L2Engine (../fill-booking.ts), the instrument tags are added here. */
  private execute(
    inst: InstrumentState,
    side: 1 | -1,
    qty: number,
    price: number,
    maker: boolean,
    i: number,
    s: number,
    orderId: number,
    reason: Fill['reason'],
    atClose = false,
  ): void {
    const booking = this.bookings[inst.index]!;
    if (!booking.book(side, qty, price, maker, i, orderId, reason, atClose, s)) return;
    inst.fills++;
    if (booking.trade !== null) (booking.trade as PortfolioTrade).instrument = inst.name;
    const f = this.fill;
    f.instrument = inst.name;
    f.index = inst.index;
    this.strat.onFill?.(this, f);
  }

  /** execution.closeAtEnd: close every position at its instrument's last close in the window */
  private closeAtEnd(last: number, eqOut: Float64Array): void {
    let closed = false;
    for (const inst of this.instruments) {
      const pos = inst.pos;
      inst.cancelAll();
      const i = inst.latest[last]!;
      if (pos.qty === 0 || i < 0) continue;
      const c = inst.bars.close[i]!;
      this.execute(inst, pos.qty > 0 ? -1 : 1, Math.abs(pos.qty), c, false, i, last, 0, 'end', true);
      pos.last = c;
      closed = true;
    }
    if (!closed) return;
    let eq = this.account.cash;
    for (const inst of this.instruments) {
      const p = inst.pos;
      eq += (p.qty * p.last - p.refSum) * p.product.tickValue;
    }
    this.equityNow = eq;
    eqOut[eqOut.length - 1] = eq;
  }

  private result(eqOut: Float64Array, barsInMarket: number): PortfolioResult {
    const acct = this.account;
    const risk = this.risk;
    const { startStep, endStep } = this;
    const ts = this.tl.ts.slice(startStep, Math.max(startStep, endStep));
    const trades = acct.trades as PortfolioTrade[];
    const metrics = computeMetrics({
      ...accountInputs(acct),
      equity: eqOut,
      ts,
      trades,
      periodsPerYear: this.cal.periodsPerYear,
      barsInMarket,
    });
    let orders = 0,
      fills = 0;
    for (const x of this.instruments) {
      orders += x.ordersPlaced;
      fills += x.fills;
    }
    const startTs = this.tl.ts[startStep] ?? 0n;
    const endTs = startStep < endStep ? this.tl.ts[endStep - 1]! : startTs - 1n;
    return {
      metrics,
      equity: { ts, equity: eqOut },
      trades,
      stats: {
        bars: eqOut.length,
        orders,
        fills,
        refusedLots: risk.refusedLots,
        riskFlattens: risk.flattens,
        killSwitch: risk.killed ? { reason: risk.killReason, ts: risk.killTs(this.tl.ts) } : null,
        variationMargin: acct.variationMargin,
        risk: risk.report(),
        finalEquity: this.equityNow,
        instruments: this.instruments.map((x) => ({
          name: x.name,
          symbol: x.symbol,
          bars: countBetween(x.bars.ts, startTs, endTs),
          orders: x.ordersPlaced,
          fills: x.fills,
          finalPosition: x.pos.qty,
        })),
      },
    };
  }
}

/** the instrument's bar opening at step s, or -1 when it has none there */
function barAt(inst: InstrumentState, s: number): number {
  const j = inst.latest[s]!;
  return j >= 0 && j !== (s > 0 ? inst.latest[s - 1]! : -1) ? j : -1;
}

function countBetween(ts: BigInt64Array, from: bigint, to: bigint): number {
  return Math.max(0, lowerBound(ts, to + 1n) - lowerBound(ts, from));
}

/** the union timeline as a bar series for the calendar (which reads ts and barNs only) */
function unionSeries(tl: Timeline): BarSeries {
  const empty = new Float64Array(0);
  return { symbol: 'portfolio', ts: tl.ts, barNs: tl.barNs, open: empty, high: empty, low: empty, close: empty, volume: empty };
}
