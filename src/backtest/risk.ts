// Risk guards and kill switch (SPEC §7; limits in src/config/risk.ts). Two kinds of checks:
//   at each fill that increases a position: max contracts, the product's position limit, initial margin of ALL
//     open positions against equity, position / portfolio / correlated-group exposure, the leverage cap
//     (Σ notional / equity) and the margin-ratio level the fill would reach. The increase is cut to the largest
//     quantity that passes (the rest is refused and counted, by the limit that bound), after volatility targeting
//     has scaled it;
//   at each bar close, on equity INCLUDING unrealized PnL: daily and weekly loss limits (flatten, no new exposure
//     until the next trading day / week), drawdown from peak, the margin-ratio level (report; flatten at
//     `flattenAt`, always at liquidation: equity <= maintenance margin), the trailing-24 h funding paid
//     (no new exposure while above the limit), and the kill switch (flatten, no new exposure for the run).
import { MARGIN_LEVELS, type MarginLevel } from '../config/margin-levels.js';
import type { RiskConfig } from '../config/risk.js';
import type { Account, Position } from './account.js';
import { msReader } from './calendar.js';
import {
  LeverageMargin,
  liquidationPrice,
  PerContractMargin,
  summedMargin,
  TieredMargin,
  bracketFractions,
  type MarginPosition,
  type PortfolioMargin,
} from './margin.js';

/** Why lots were refused; `halted` = a loss limit or the kill switch, `funding` = the 24 h funding limit. */
export const REFUSE_REASONS = [
  'halted',
  'funding',
  'maxContracts',
  'positionLimit',
  'initialMargin',
  'positionExposure',
  'portfolioExposure',
  'groupExposure',
  'leverage',
  'marginRatio',
  'volatilityTarget',
] as const;
export type RefuseReason = (typeof REFUSE_REASONS)[number];

/** What the guards saw and did over a run (docs/backtest.md "Risk guards"). Money in micro-units. */
export interface RiskReport {
  /** refused lots by the limit that bound */
  refusedBy: Record<RefuseReason, number>;
  /** closes at the liquidation level (equity <= maintenance margin) that flattened the position */
  marginCalls: number;
  marginRatio: {
    /** closes at each level (flat closes count as healthy) */
    levelCloses: Record<MarginLevel, number>;
    /** the highest maintenance / equity seen at a close (Infinity when equity went to 0 or below with a position) */
    worst: number;
    /** flattens ordered by the `flattenAt` level (below liquidation) */
    flattens: number;
  };
  /** highest Σ notional / equity seen at a close */
  maxLeverage: number;
  funding: {
    /** false when the engine gave the guard no clock: the 24 h window cannot be measured */
    active: boolean;
    /** the highest trailing-24 h funding paid (net, micro-units) and as a fraction of equity */
    max24h: number;
    max24hFraction: number;
    /** closes at which the trailing-24 h funding was above the limit */
    breaches: number;
  };
}

const LIQUIDATION = 4;
const DAY_MS = 86_400_000;

export class RiskGuard {
  flattenPending = false;
  refusedLots = 0;
  flattens = 0;
  marginCalls = 0;
  killed = false;
  killReason = '';
  private killBar = -1;
  private dayHalt = false;
  private weekHalt = false;
  private fundingHalt = false;
  private day = 0;
  private week = 0;
  private dayStart = 0;
  private weekStart = 0;
  private peak = 0;
  private consecutiveLosses = 0;
  // volatility targeting: EW variance of bar returns
  private ewVar = 0;
  private nObs = 0;
  private readonly lambda: number;
  private ewCol: Float64Array | null = null;
  private readonly marginPositions: MarginPosition[] = [];
  // margin-ratio levels: the warning / danger / critical thresholds, the block / flatten levels (-1: off)
  private readonly t1: number;
  private readonly t2: number;
  private readonly t3: number;
  private readonly blockLevel: number;
  private readonly flattenLevel: number;
  private readonly levelCloses = new Float64Array(5);
  private worstRatio = 0;
  private ratioFlattens = 0;
  private maxLev = 0;
  /** the limit that refused the last failing `fits` */
  private failReason: RefuseReason = 'initialMargin';
  private readonly refused: Record<RefuseReason, number>;
  // funding paid over the trailing 24 h: a ring of (ms, micro) entries, one per bar at which funding was paid
  private msAt: ((i: number) => number) | null = null;
  private fMs = new Float64Array(16);
  private fAmt = new Float64Array(16);
  private fHead = 0;
  private fCount = 0;
  private fSum = 0;
  private lastFundingPaid = 0;
  private fMax = 0;
  private fMaxFrac = 0;
  private fBreaches = 0;

  constructor(
    readonly cfg: RiskConfig,
    readonly account: Account,
    readonly periodsPerYear: number,
    readonly portfolioMargin: PortfolioMargin = summedMargin,
  ) {
    this.lambda = Math.pow(0.5, 1 / cfg.volatilityTarget.halfLifeBars);
    const mr = cfg.marginRatio;
    this.t1 = mr.warning;
    this.t2 = mr.danger;
    this.t3 = mr.critical;
    this.blockLevel = mr.enabled && mr.blockAt !== null ? MARGIN_LEVELS.indexOf(mr.blockAt) : -1;
    this.flattenLevel = mr.enabled && mr.flattenAt !== null ? MARGIN_LEVELS.indexOf(mr.flattenAt) : -1;
    this.refused = Object.fromEntries(REFUSE_REASONS.map((r) => [r, 0])) as Record<RefuseReason, number>;
    this.lastFundingPaid = account.fundingPaid;
  }

  /**
   * The bar (or equity-point) times, so that checkAtClose(…, bar) knows the time of `bar`: needed by the
   * trailing-24 h funding window. Without it the funding guard is inactive (reported as such).
   */
  bindClock(ts: BigInt64Array): void {
    this.msAt = msReader(ts);
  }

  /** true when only reducing orders are allowed: loss limits, kill switch, or the 24 h funding limit */
  get halted(): boolean {
    return this.killed || this.dayHalt || this.weekHalt || this.fundingHalt;
  }

  start(equity: number, day: number, week: number): void {
    this.peak = this.dayStart = this.weekStart = equity;
    this.day = day;
    this.week = week;
  }

  rollDay(day: number, week: number, equity: number): void {
    if (day !== this.day) {
      this.day = day;
      this.dayStart = equity;
      this.dayHalt = false;
    }
    if (week !== this.week) {
      this.week = week;
      this.weekStart = equity;
      this.weekHalt = false;
    }
  }

  /** lambda of the EW variance of close-to-close returns (ewVarianceColumn) */
  get varianceLambda(): number {
    return this.lambda;
  }

  /**
   * Read the volatility estimate from a precomputed ewVarianceColumn of the same closes instead of updating it
   * bar by bar: the estimate at bar i is then the same whether or not bars before i were observed, so the
   * engine may skip a strategy's warm-up bars (StrategyModule.warmupBars).
   */
  useVarianceColumn(col: Float64Array): void {
    this.ewCol = col;
  }

  /** update the volatility estimate with bar i's close-to-close return (closed bars only) */
  observeBar(close: Float64Array, i: number): void {
    const vt = this.cfg.volatilityTarget;
    if (!vt.enabled || i === 0) return;
    if (this.ewCol !== null) {
      // every bar 1..i observed once, in order: what the update below would have produced
      this.ewVar = this.ewCol[i]!;
      this.nObs = i;
      return;
    }
    this.ewVar = ewStep(this.ewVar, close, i, this.lambda);
    this.nObs++;
  }

  /** target / realized annualized volatility, clamped to [minScale, maxScale]; 1 with < 20 bars of history */
  get volScale(): number {
    const vt = this.cfg.volatilityTarget;
    if (!vt.enabled || this.nObs < 20) return 1;
    const vol = Math.sqrt(this.ewVar * this.periodsPerYear);
    const s = vol > 0 ? vt.target / vol : vt.maxScale;
    return s < vt.minScale ? vt.minScale : s > vt.maxScale ? vt.maxScale : s;
  }

  /**
   * Margin-ratio level index (0 healthy … 4 liquidation) of maintenance `mm` against `equity`: the ratio mm / equity
   * against the thresholds, compared as mm >= t × equity (no division: this runs at every close with a position).
   */
  levelOf(mm: number, equity: number): number {
    if (mm < this.t1 * equity && equity > 0) return 0; // the common case first
    if (equity <= 0) return mm > 0 || equity < 0 ? LIQUIDATION : 0;
    if (mm >= equity) return LIQUIDATION;
    return mm >= this.t3 * equity ? 3 : mm >= this.t2 * equity ? 2 : 1;
  }

  /** Bar-close checks on equity including unrealized PnL. Returns true when the kill switch just tripped. */
  checkAtClose(equity: number, pos: Position, bar: number): boolean {
    const c = this.cfg;
    const ks = c.killSwitch;
    let tripped = false;
    if (equity > this.peak) this.peak = equity;
    if (ks.enabled && !this.killed && ks.maxDrawdown !== null && equity <= this.peak * (1 - ks.maxDrawdown)) {
      tripped = this.trip('max drawdown', bar);
    }
    if (c.dailyLossLimit !== null && !this.dayHalt && this.dayStart - equity >= c.dailyLossLimit * this.dayStart) {
      this.dayHalt = true;
      if (ks.enabled && ks.onDailyLoss && !this.killed) tripped = this.trip('daily loss limit', bar);
    }
    if (c.weeklyLossLimit !== null && !this.weekHalt && this.weekStart - equity >= c.weeklyLossLimit * this.weekStart) {
      this.weekHalt = true;
    }
    if (this.msAt !== null && (this.fCount > 0 || this.account.fundingPaid !== this.lastFundingPaid)) this.fundingAtClose(equity, bar);
    if (pos.qty !== 0) {
      const mm = this.maintenanceNow(pos);
      const lvl = this.levelOf(mm, equity);
      this.levelCloses[lvl]!++;
      // new maxima only (compared by multiplication; the division runs when one is found)
      if (mm > this.worstRatio * equity) this.worstRatio = equity > 0 ? mm / equity : Infinity;
      const notional = this.notionalNow(pos);
      if (notional > this.maxLev * equity) this.maxLev = equity > 0 ? notional / equity : Infinity;
      if (this.killed || this.dayHalt || this.weekHalt || (this.fundingHalt && c.fundingExposure.flatten)) this.flattenPending = true;
      else if (lvl === LIQUIDATION) {
        this.marginCalls++;
        this.flattenPending = true;
      } else if (this.flattenLevel >= 0 && lvl >= this.flattenLevel) {
        this.ratioFlattens++;
        this.flattenPending = true;
      }
    } else this.levelCloses[0]!++;
    return tripped;
  }

  /** book funding paid since the last close at this bar's time, expire entries older than 24 h, check the limit */
  private fundingAtClose(equity: number, bar: number): void {
    const now = this.msAt!(bar);
    const paid = this.account.fundingPaid;
    if (paid !== this.lastFundingPaid) {
      if (this.fCount === this.fMs.length) this.growRing();
      const k = (this.fHead + this.fCount) % this.fMs.length;
      this.fMs[k] = now;
      this.fAmt[k] = paid - this.lastFundingPaid;
      this.fCount++;
      this.fSum += paid - this.lastFundingPaid;
      this.lastFundingPaid = paid;
    }
    while (this.fCount > 0 && this.fMs[this.fHead]! <= now - DAY_MS) {
      this.fSum -= this.fAmt[this.fHead]!;
      this.fHead = (this.fHead + 1) % this.fMs.length;
      this.fCount--;
    }
    const fe = this.cfg.fundingExposure;
    if (this.fSum > this.fMax) this.fMax = this.fSum;
    const frac = equity > 0 ? this.fSum / equity : this.fSum > 0 ? Infinity : 0;
    if (frac > this.fMaxFrac) this.fMaxFrac = frac;
    const over = fe.enabled && this.fSum > 0 && frac > fe.max24h;
    if (over) this.fBreaches++;
    this.fundingHalt = over;
  }

  private growRing(): void {
    const n = this.fMs.length;
    const ms = new Float64Array(n * 2);
    const amt = new Float64Array(n * 2);
    for (let j = 0; j < this.fCount; j++) {
      ms[j] = this.fMs[(this.fHead + j) % n]!;
      amt[j] = this.fAmt[(this.fHead + j) % n]!;
    }
    this.fMs = ms;
    this.fAmt = amt;
    this.fHead = 0;
  }

  /** Σ |qty| × last price × tick value over open positions (micro-units) */
  private notionalNow(pos: Position): number {
    const ps = this.account.positions;
    if (ps.length === 1) return Math.abs(pos.qty) * pos.last * pos.product.tickValue;
    let n = 0;
    for (const p of ps) if (p.qty !== 0) n += Math.abs(p.qty) * p.last * p.product.tickValue;
    return n;
  }

  /**
   * Maintenance margin of every open position at its last price. Runs at every close while a position is open,
   * so the common case (one position, per-contract margin, the summed portfolio) skips the generic
   * collect-and-sum path: the same number, |qty| × the per-lot requirement.
   */
  private maintenanceNow(pos: Position): number {
    const m = pos.product.margin;
    if (this.portfolioMargin === summedMargin && m instanceof PerContractMargin && this.account.positions.length === 1) {
      return m.maintenance(Math.abs(pos.qty));
    }
    return this.portfolioMargin.maintenance(this.collect(pos, Math.abs(pos.qty), pos.last));
  }

  onTrade(pnl: number, bar: number): void {
    if (pnl < 0) this.consecutiveLosses++;
    else this.consecutiveLosses = 0;
    const ks = this.cfg.killSwitch;
    if (ks.enabled && !this.killed && ks.consecutiveLosses !== null && this.consecutiveLosses >= ks.consecutiveLosses) {
      this.trip(`${this.consecutiveLosses} consecutive losses`, bar);
    }
  }

  killTs(ts: BigInt64Array): bigint {
    return this.killBar >= 0 ? ts[this.killBar]! : -1n;
  }

  private trip(reason: string, bar: number): boolean {
    this.killed = true;
    this.killReason = reason;
    this.killBar = bar;
    return true;
  }

  /**
   * The largest increase of |position| (lots) that passes every fill-time limit, out of `want` requested,
   * after volatility targeting. Margin and exposure are checked for ALL open positions, not just this one.
   */
  allowedIncrease(pos: Position, want: number, price: number, baseAbs = Math.abs(pos.qty)): number {
    if (this.halted) {
      this.refusedLots += want;
      this.refused[this.killed || this.dayHalt || this.weekHalt ? 'halted' : 'funding'] += want;
      return 0;
    }
    let target = want;
    if (this.cfg.volatilityTarget.enabled) target = Math.max(1, Math.round(want * this.volScale));
    const cur = baseAbs; // |position| once the reducing part of the same fill is done (0 on a reversal)
    let lo = 0,
      hi = target;
    if (!this.fits(pos, cur + hi, price)) {
      // largest k in [0, target) that fits; fits(cur) holds trivially for k = 0
      hi--;
      while (lo < hi) {
        const mid = (lo + hi + 1) >>> 1;
        if (this.fits(pos, cur + mid, price)) lo = mid;
        else hi = mid - 1;
      }
    } else lo = hi;
    if (lo < want) {
      this.refusedLots += want - lo;
      // failReason is the bound limit's: the last probe that failed was cur + lo + 1 (every later probe passed)
      this.refused[lo < target ? this.failReason : 'volatilityTarget'] += want - lo;
    }
    return lo;
  }

  /** every position (this one at absQty and price, others as they stand), in reused objects: no allocation */
  private collect(pos: Position, absQty: number, price: number): MarginPosition[] {
    const ps = this.account.positions;
    const out = this.marginPositions;
    while (out.length < ps.length) out.push({ model: ps[out.length]!.product.margin, qty: 0, priceTicks: 0 });
    for (let k = 0; k < ps.length; k++) {
      const p = ps[k]!;
      const m = out[k]!;
      m.model = p.product.margin;
      m.qty = p === pos ? absQty : p.qty;
      m.priceTicks = p === pos ? price : p.last;
    }
    return out;
  }

  private exposure(p: Position, absQty: number, price: number): number {
    return this.cfg.exposureBasis === 'margin'
      ? p.product.margin.initial(absQty, price)
      : absQty * price * p.product.tickValue;
  }

  private fail(reason: RefuseReason): false {
    this.failReason = reason;
    return false;
  }

  /** Would the book pass the fill-time limits with |pos| = newAbs at `price`? */
  fits(pos: Position, newAbs: number, price: number): boolean {
    const c = this.cfg;
    if (c.maxContracts !== null && newAbs > c.maxContracts) return this.fail('maxContracts');
    if (newAbs > pos.product.positionLimit) return this.fail('positionLimit');
    // equity with this position marked at the fill price
    let equity = this.account.cash;
    for (const p of this.account.positions) if (p.qty !== 0) equity += p.unrealized(p === pos ? price : p.last);
    const book = this.collect(pos, newAbs, price);
    if (this.portfolioMargin.initial(book) > equity) return this.fail('initialMargin');
    const mine = this.exposure(pos, newAbs, price);
    if (c.maxPositionExposure !== null && mine > c.maxPositionExposure * equity) return this.fail('positionExposure');
    if (c.maxPortfolioExposure !== null || c.maxGroupExposure !== null) {
      let total = mine,
        group = mine;
      for (const p of this.account.positions) {
        if (p === pos || p.qty === 0) continue;
        const e = this.exposure(p, Math.abs(p.qty), p.last);
        total += e;
        if (p.product.group === pos.product.group) group += e;
      }
      if (c.maxPortfolioExposure !== null && total > c.maxPortfolioExposure * equity) return this.fail('portfolioExposure');
      if (c.maxGroupExposure !== null && group > c.maxGroupExposure * equity) return this.fail('groupExposure');
    }
    if (c.maxLeverage !== null) {
      let notional = newAbs * price * pos.product.tickValue;
      for (const p of this.account.positions) if (p !== pos && p.qty !== 0) notional += Math.abs(p.qty) * p.last * p.product.tickValue;
      if (equity <= 0 || notional > c.maxLeverage * equity) return this.fail('leverage');
    }
    if (this.blockLevel >= 0) {
      const mm = this.portfolioMargin.maintenance(book);
      if (this.levelOf(mm, equity) >= this.blockLevel) return this.fail('marginRatio');
    }
    return true;
  }

  /** What the guards saw and did (for BacktestStats). */
  report(): RiskReport {
    const levelCloses = Object.fromEntries(MARGIN_LEVELS.map((l, k) => [l, this.levelCloses[k]!])) as Record<MarginLevel, number>;
    return {
      refusedBy: { ...this.refused },
      marginCalls: this.marginCalls,
      marginRatio: { levelCloses, worst: this.worstRatio, flattens: this.ratioFlattens },
      maxLeverage: this.maxLev,
      funding: { active: this.msAt !== null, max24h: this.fMax, max24hFraction: this.fMaxFrac, breaches: this.fBreaches },
    };
  }
}

/**
 * Liquidation price of `pos` in ticks (SPEC §5, cross margin: the account's cash is the wallet balance, the other
 * positions contribute their maintenance margin and unrealized PnL at their last prices). Perpetual margin models
 * only (tiered or one leverage bracket); NaN for others or when flat. A long's result <= 0: no price liquidates it.
 */
export function positionLiquidationTicks(account: Account, pos: Position): number {
  if (pos.qty === 0) return NaN;
  const m = pos.product.margin;
  const brackets =
    m instanceof TieredMargin
      ? bracketFractions(m)
      : m instanceof LeverageMargin
        ? [{ floor: 0, cap: Infinity, mmr: m.mmr, cum: m.cum }]
        : null;
  if (brackets === null) return NaN;
  let otherMm = 0,
    otherUpnl = 0;
  for (const p of account.positions) {
    if (p === pos || p.qty === 0) continue;
    otherMm += p.product.margin.maintenance(Math.abs(p.qty), p.last);
    otherUpnl += p.unrealized(p.last);
  }
  const tv = pos.product.tickValue;
  const abs = Math.abs(pos.qty);
  // size × price is the notional in micro-units: size = |qty| × tick value, price in ticks, EP = refSum / qty
  return liquidationPrice({
    side: pos.qty > 0 ? 1 : -1,
    size: abs * tv,
    entryPrice: pos.refSum / pos.qty,
    walletBalance: account.cash,
    otherMaintenance: otherMm,
    otherUnrealized: otherUpnl,
    brackets,
  }).price;
}

/**
 * The volatility estimate of RiskGuard.observeBar for every bar at once: entry i is the EW variance after
 * observing bars 1..i in order (the same operations in the same order, so the same doubles). Causal: a prefix's
 * column is the prefix of this one (prefix-view.ts ewVarianceOf).
 */
export function ewVarianceColumn(close: Float64Array, lambda: number): Float64Array {
  const n = close.length;
  const out = new Float64Array(n);
  let v = 0;
  for (let i = 1; i < n; i++) out[i] = v = ewStep(v, close, i, lambda);
  return out;
}

/** The EW variance after observing bar i's close-to-close return, from the variance `v` before it. */
function ewStep(v: number, close: Float64Array, i: number, lambda: number): number {
  const prev = close[i - 1]!;
  const r = prev !== 0 ? close[i]! / prev - 1 : 0;
  return lambda * v + (1 - lambda) * r * r;
}
