// Risk guards and kill switch (SPEC §7; limits in src/config/risk.ts). Two kinds of checks:
//   at each fill that increases a position: max contracts, the product's position limit, initial margin
//     of ALL open positions against equity, position / portfolio / correlated-group exposure. The
//     increase is cut to the largest quantity that passes (the rest is refused and counted), after
//     volatility targeting has scaled it;
//   at each bar close, on equity INCLUDING unrealized PnL: daily and weekly loss limits (flatten, no new
//     exposure until the next trading day / week), drawdown from peak, maintenance margin (flatten), and
//     the kill switch (flatten, no new exposure for the rest of the run).
import type { RiskConfig } from '../config/risk.js';
import type { Account, Position } from './account.js';
import { PerContractMargin, summedMargin, type MarginPosition, type PortfolioMargin } from './margin.js';

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
  private readonly marginPositions: MarginPosition[] = [];

  constructor(
    readonly cfg: RiskConfig,
    readonly account: Account,
    readonly periodsPerYear: number,
    readonly portfolioMargin: PortfolioMargin = summedMargin,
  ) {
    this.lambda = Math.pow(0.5, 1 / cfg.volatilityTarget.halfLifeBars);
  }

  get halted(): boolean {
    return this.killed || this.dayHalt || this.weekHalt;
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

  /** update the volatility estimate with bar i's close-to-close return (closed bars only) */
  observeBar(close: Float64Array, i: number): void {
    const vt = this.cfg.volatilityTarget;
    if (!vt.enabled || i === 0) return;
    const prev = close[i - 1]!;
    const r = prev !== 0 ? close[i]! / prev - 1 : 0;
    this.ewVar = this.lambda * this.ewVar + (1 - this.lambda) * r * r;
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
    if (pos.qty !== 0) {
      if (this.halted) this.flattenPending = true;
      else if (equity < this.maintenanceNow(pos)) {
        this.marginCalls++;
        this.flattenPending = true;
      }
    }
    return tripped;
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
    if (lo < want) this.refusedLots += want - lo;
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

  /** Would the book pass the fill-time limits with |pos| = newAbs at `price`? */
  fits(pos: Position, newAbs: number, price: number): boolean {
    const c = this.cfg;
    if (c.maxContracts !== null && newAbs > c.maxContracts) return false;
    if (newAbs > pos.product.positionLimit) return false;
    // equity with this position marked at the fill price
    let equity = this.account.cash;
    for (const p of this.account.positions) if (p.qty !== 0) equity += p.unrealized(p === pos ? price : p.last);
    if (this.portfolioMargin.initial(this.collect(pos, newAbs, price)) > equity) return false;
    const mine = this.exposure(pos, newAbs, price);
    if (c.maxPositionExposure !== null && mine > c.maxPositionExposure * equity) return false;
    if (c.maxPortfolioExposure !== null || c.maxGroupExposure !== null) {
      let total = mine,
        group = mine;
      for (const p of this.account.positions) {
        if (p === pos || p.qty === 0) continue;
        const e = this.exposure(p, Math.abs(p.qty), p.last);
        total += e;
        if (p.product.group === pos.product.group) group += e;
      }
      if (c.maxPortfolioExposure !== null && total > c.maxPortfolioExposure * equity) return false;
      if (c.maxGroupExposure !== null && group > c.maxGroupExposure * equity) return false;
    }
    return true;
  }
}
