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
import type { ProductSpec } from '../product.js';
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
  private readonly cal: StepCalendar;
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
  /** some instrument has a risk flatten waiting for its next bar (InstrumentState.flattenDue) */
  private flattenWaiting = false;

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
    this.cal = unionCalendar(this.tl, first.cal, first.product);
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
  // As in L2Engine.run: set-up and finish here, the step loop a method of its own (code after a long loop in the same
  // function, not run yet when the loop is optimized on the stack, deoptimizes it at the loop's first exit).
  run(): PortfolioResult {
    const { startStep, endStep } = this;
    const m = Math.max(0, endStep - startStep);
    const eqOut = new Float64Array(m);
    const strat = this.strat;
    strat.init?.(this);
    this.warmUp();
    this.risk.start(this.account.cash, this.cal.day[startStep] ?? 0, this.cal.week[startStep] ?? 0);
    const barsInMarket = this.stepLoop(eqOut);
    if (m > 0 && this.cfg.execution.closeAtEnd) this.closeAtEnd(endStep - 1, eqOut);
    strat.onEnd?.(this);
    return this.result(eqOut, barsInMarket);
  }

  /** the declared warm-up steps: the strategy sees them, nothing trades */
  private warmUp(): void {
    const first = this.instruments[0]!;
    for (let s = this.warmFrom; s < this.startStep; s++) {
      this.step = s;
      for (const inst of this.instruments) {
        const i = (inst.stepBar = barAt(inst.latest, s));
        inst.updated = i >= 0;
        inst.bar = inst.latest[s]!;
      }
      if (first.updated) this.risk.observeBar(first.bars.close, first.bar);
      this.strat.onBar(this);
    }
  }

  /**
   * The window's union steps, phases 1–6 of the file comment; the equity at each close into eqOut. Returns the steps
   * closed with a position open. Phases whose work touches one instrument only are fused into one pass over the
   * instruments where no callback of the strategy runs in between (finding the step's bars with funding; marking
   * with settlement and the cursors), so the order of every effect is that of the phases one after the other.
   */
  private stepLoop(eqOut: Float64Array): number {
    const risk = this.risk;
    const acct = this.account;
    const insts = this.instruments;
    const n = insts.length;
    const strat = this.strat;
    const day = this.cal.day;
    const week = this.cal.week;
    const { startStep, endStep } = this;
    const first = insts[0]!;
    const firstClose = first.bars.close;
    let barsInMarket = 0;
    for (let s = startStep; s < endStep; s++) {
      this.step = s;
      risk.rollDay(day[s]!, week[s]!, this.equityNow);
      // each instrument's new bar at s (-1: none), read by every phase below; funding at it
      for (let k = 0; k < n; k++) {
        const inst = insts[k]!;
        const i = barAt(inst.latest, s);
        inst.stepBar = i;
        if (i >= 0 && inst.fundable && inst.pos.qty !== 0) this.fund(inst, i);
      }
      if (risk.flattenPending) {
        risk.flattenPending = false;
        for (let k = 0; k < n; k++) {
          const inst = insts[k]!;
          if (inst.pos.qty !== 0) inst.flattenDue = this.flattenWaiting = true;
        }
      }
      if (this.flattenWaiting) this.riskFlattens(s);
      for (let k = 0; k < n; k++) {
        const inst = insts[k]!;
        if (inst.stepBar >= 0 && inst.orders.length > 0) this.processOrders(inst, inst.stepBar, s);
      }

      // mark to market (instruments with a bar at their close, the others at their last close), daily settlement
      // (after this position's term of the equity, as when settling after the whole sum: settle moves this
      // position's value into cash, read before the loop) and the cursors
      let eq = acct.cash;
      let held = false;
      let open: Position | null = null;
      for (let k = 0; k < n; k++) {
        const inst = insts[k]!;
        const i = inst.stepBar;
        const pos = inst.pos;
        if (i >= 0) pos.last = inst.closes[i]!;
        eq += (pos.qty * pos.last - pos.refSum) * inst.tickValue;
        if (pos.qty !== 0) {
          held = true;
          open ??= pos;
          const settle = inst.settleFlags;
          if (i >= 0 && settle !== null && settle[i] === 1) acct.settle(pos, inst.settlePx === null ? pos.last : inst.settlePx[i]!);
        }
        inst.updated = i >= 0;
        inst.bar = inst.latest[s]!;
      }
      const i0 = first.stepBar;
      if (i0 >= 0) risk.observeBar(firstClose, i0);
      // the guard looks at margin and notional of every position when the one it is given is open
      if (risk.checkAtClose(eq, open ?? first.pos, s)) for (let k = 0; k < n; k++) insts[k]!.cancelAll();
      eqOut[s - startStep] = eq;
      this.equityNow = eq;
      if (held) barsInMarket++;
      strat.onBar(this);
    }
    return barsInMarket;
  }

  /** pending risk flattens: each position at its instrument's next bar's open (this step's when it has one) */
  private riskFlattens(s: number): void {
    let waiting = false;
    for (const inst of this.instruments) {
      if (!inst.flattenDue) continue;
      const i = inst.stepBar;
      if (i < 0) {
        waiting = true;
        continue;
      }
      inst.flattenDue = false;
      const pos = inst.pos;
      if (pos.qty !== 0) this.execute(inst, pos.qty > 0 ? -1 : 1, Math.abs(pos.qty), inst.bars.open[i]!, false, i, s, 0, 'risk');
    }
    this.flattenWaiting = waiting;
  }

  /** funding of inst's open position at its bar i (inst.fundable: a perpetual with a funding-rate column) */
  private fund(inst: InstrumentState, i: number): void {
    const b = inst.bars;
    const funding = inst.product.funding!;
    const rateCol = b.fundingRate!;
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
function barAt(latest: Int32Array, s: number): number {
  const j = latest[s]!;
  return j >= 0 && j !== (s > 0 ? latest[s - 1]! : -1) ? j : -1;
}

function countBetween(ts: BigInt64Array, from: bigint, to: bigint): number {
  return Math.max(0, lowerBound(ts, to + 1n) - lowerBound(ts, from));
}

/** What the engine reads of a calendar of the union timeline. */
export type StepCalendar = Pick<BarCalendar, 'day' | 'week' | 'periodsPerYear'>;

/**
 * The first instrument's product calendar on the union timeline: its trading day and week at every step. Both are
 * functions of a step's time and the product's session alone (computeCalendar), so at the steps where the first
 * instrument has a bar they are its own calendar's, and only the other steps are computed (the whole timeline took
 * ~20 ms per million steps, every run).
 */
export function unionCalendar(tl: Timeline, firstCal: BarCalendar, firstProduct: ProductSpec): StepCalendar {
  if (tl.latest.length === 1) return firstCal;
  const latest = tl.latest[0]!;
  const n = tl.ts.length;
  let gaps = 0;
  for (let s = 0; s < n; s++) if (barAt(latest, s) < 0) gaps++;
  const gapTs = new BigInt64Array(gaps);
  for (let s = 0, k = 0; s < n; s++) if (barAt(latest, s) < 0) gapTs[k++] = tl.ts[s]!;
  const empty = new Float64Array(0);
  const gapSeries: BarSeries = { symbol: 'portfolio', ts: gapTs, barNs: tl.barNs, open: empty, high: empty, low: empty, close: empty, volume: empty };
  const gap = computeCalendar(gapSeries, firstProduct); // reads ts and barNs only
  const day = new Int32Array(n);
  const week = new Int32Array(n);
  const ownDay = firstCal.day;
  const ownWeek = firstCal.week;
  for (let s = 0, k = 0; s < n; s++) {
    const j = barAt(latest, s);
    if (j >= 0) {
      day[s] = ownDay[j]!;
      week[s] = ownWeek[j]!;
    } else {
      day[s] = gap.day[k]!;
      week[s] = gap.week[k]!;
      k++;
    }
  }
  return { day, week, periodsPerYear: gap.periodsPerYear };
}
