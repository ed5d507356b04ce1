// Margin models. Per product: per contract for CME (SPAN, SPEC §4, is a seam: a PortfolioMargin that scans the
// whole portfolio replaces the summed per-product requirements without touching the engine), and for Binance
// perpetuals either one leverage bracket or the tiered brackets of SPEC §5. The account sums requirements over ALL
// open positions through PortfolioMargin. Money is integer micro-units, prices integer ticks; the arithmetic here
// is exact (no double rounding) for notionals below 2^53 micro-units (9e9 in the account currency).
import { Decimal } from 'decimal.js';
import type { MarginConfig, TieredMarginConfig } from '../config/product.js';
import { toMicro } from '../config/units.js';
import { roundDiv } from './fees.js';

export interface MarginModel {
  /** initial margin in micro-units for |qty| lots at priceTicks (Infinity: the position is not allowed) */
  initial(absQty: number, priceTicks: number): number;
  maintenance(absQty: number, priceTicks: number): number;
}

export class PerContractMargin implements MarginModel {
  constructor(
    readonly initialPerLot: number,
    readonly maintenancePerLot: number,
  ) {}
  initial(absQty: number): number {
    return absQty * this.initialPerLot;
  }
  maintenance(absQty: number): number {
    return absQty * this.maintenancePerLot;
  }
}

/** One Binance bracket: IM = notional / leverage, MM = notional × MMR − cum (SPEC §5). */
export class LeverageMargin implements MarginModel {
  constructor(
    readonly leverage: number,
    readonly mmr: number,
    readonly cum: number,
    readonly tickValue: number,
  ) {}
  initial(absQty: number, priceTicks: number): number {
    return Math.ceil((absQty * priceTicks * this.tickValue) / this.leverage);
  }
  maintenance(absQty: number, priceTicks: number): number {
    if (absQty === 0) return 0;
    return Math.max(0, Math.ceil(absQty * priceTicks * this.tickValue * this.mmr) - this.cum);
  }
}

/** A leverage bracket in engine units: notionals and cum in micro-units, MMR in parts per million. */
export interface Bracket {
  floor: number;
  cap: number;
  maxLeverage: number;
  mmrPpm: number;
  cum: number;
}

/** Brackets from the validated config, cum derived exactly: cum_n = floor_n × (MMR_n − MMR_(n−1)) + cum_(n−1). */
export function bracketsFrom(cfg: TieredMarginConfig): Bracket[] {
  let prev = new Decimal(0);
  let cum = new Decimal(0);
  return cfg.brackets.map((b) => {
    const mmr = new Decimal(b.mmr);
    cum = new Decimal(b.floor).mul(mmr.sub(prev)).add(cum);
    prev = mmr;
    return { floor: toMicro(b.floor), cap: toMicro(b.cap), maxLeverage: b.maxLeverage, mmrPpm: mmr.mul(1e6).toNumber(), cum: toMicro(cum.toString()) };
  });
}

/** ceil(a / b) for non-negative safe integers, exact. */
function ceilDiv(a: number, b: number): number {
  let q = Math.floor(a / b);
  const r = a - q * b; // exact: q·b is within b of a
  if (r < 0) q--;
  else if (r >= b) q++;
  return a - q * b > 0 ? q + 1 : q;
}

/** ceil(n × ppm / 1e6) for a notional n < 2^53 and ppm <= 1e6, exact: n = hi·1e6 + lo keeps every product below 2^53. */
function mulPpmCeil(n: number, ppm: number): number {
  const hi = Math.floor(n / 1e6);
  const lo = n - hi * 1e6;
  return hi * ppm + ceilDiv(lo * ppm, 1e6);
}

/**
 * Binance tiered (bracket) margin for one symbol (SPEC §5): with N the position's notional and b its bracket
 * (floor < N <= cap; the first from 0), MM = N × MMR_b − cum_b (rounded up to a micro-unit, never below 0) and
 * IM = N / leverage. A notional whose bracket allows less than the account's `leverage`, or above the last cap,
 * cannot be held: IM is Infinity, so the risk guard refuses the increase (Binance rejects such orders). MM of a
 * notional above the last cap uses the last bracket.
 */
export class TieredMargin implements MarginModel {
  constructor(
    readonly leverage: number,
    readonly brackets: readonly Bracket[],
    readonly tickValue: number,
  ) {
    if (brackets.length === 0) throw new Error('tiered margin: no brackets');
  }

  /** index of the bracket holding notional n (micro-units); the last one above its cap */
  bracketOf(n: number): number {
    return bracketIndex(this.brackets, n);
  }

  initial(absQty: number, priceTicks: number): number {
    if (absQty === 0) return 0;
    const n = absQty * priceTicks * this.tickValue;
    const bs = this.brackets;
    const b = bs[this.bracketOf(n)]!;
    if (n > bs[bs.length - 1]!.cap || b.maxLeverage < this.leverage) return Infinity;
    return ceilDiv(n, this.leverage);
  }

  maintenance(absQty: number, priceTicks: number): number {
    if (absQty === 0) return 0;
    const n = absQty * priceTicks * this.tickValue;
    const b = this.brackets[this.bracketOf(n)]!;
    const mm = mulPpmCeil(n, b.mmrPpm) - b.cum;
    return mm > 0 ? mm : 0;
  }

  /** the largest notional (micro-units) the leverage setting allows: the cap of the last bracket that permits it */
  maxNotional(): number {
    let cap = 0;
    for (const b of this.brackets) if (b.maxLeverage >= this.leverage) cap = b.cap;
    return cap;
  }
}

/** The inputs of Binance's liquidation price in any consistent units (currency and price, or micro-units and ticks). */
export interface LiquidationInput {
  /** 1 long, -1 short (one-way mode) */
  side: 1 | -1;
  /** size > 0, in units such that size × price is the notional */
  size: number;
  entryPrice: number;
  /** cross: the cross wallet balance; isolated: the isolated wallet of this position */
  walletBalance: number;
  /** cross only: maintenance margin and unrealized PnL of all other positions (0 when isolated) */
  otherMaintenance?: number;
  otherUnrealized?: number;
  /** brackets in the same money unit: notional floor/cap, MMR as a fraction, cum */
  brackets: readonly { floor: number; cap: number; mmr: number; cum: number }[];
}

/** Index of the bracket (sorted by cap) holding notional n; the last one when n is above every cap. */
export function bracketIndex(bs: readonly { cap: number }[], n: number): number {
  for (let k = 0; k < bs.length; k++) if (n <= bs[k]!.cap) return k;
  return bs.length - 1;
}

/**
 * Liquidation price, one-way mode (SPEC §5):
 *   LP = (WB − TMM1 + UPNL1 + cum − Side × Pos × EP) / (Pos × MMR − Side × Pos),
 * starting with the bracket of the notional at the entry price; when the notional at LP falls in another bracket,
 * recompute with that bracket (MM is continuous and increasing in the notional, so this settles in a few steps).
 * A long's LP <= 0 means no price liquidates it (Binance shows "--"): returned as is.
 */
export function liquidationPrice(x: LiquidationInput): { price: number; bracket: number } {
  const bs = x.brackets;
  const base = x.walletBalance - (x.otherMaintenance ?? 0) + (x.otherUnrealized ?? 0) - x.side * x.size * x.entryPrice;
  let k = bracketIndex(bs, x.size * x.entryPrice);
  let lp = NaN;
  for (let step = 0; step <= bs.length; step++) {
    const b = bs[k]!;
    lp = (base + b.cum) / (x.size * b.mmr - x.side * x.size);
    const next = bracketIndex(bs, Math.max(0, x.size * lp));
    if (next === k) break;
    k = next;
  }
  return { price: lp, bracket: k };
}

/** Brackets of a tiered model in its own units (micro-units, MMR as a fraction), for liquidationPrice. */
export function bracketFractions(m: TieredMargin): { floor: number; cap: number; mmr: number; cum: number }[] {
  return m.brackets.map((b) => ({ floor: b.floor, cap: b.cap, mmr: b.mmrPpm / 1e6, cum: b.cum }));
}

/** A position as a portfolio margin model sees it. */
export interface MarginPosition {
  model: MarginModel;
  qty: number; // signed lots
  priceTicks: number;
}

/** Portfolio-level margin: the seam for SPAN / tiered margin. The default sums per-product models. */
export interface PortfolioMargin {
  initial(positions: readonly MarginPosition[]): number;
  maintenance(positions: readonly MarginPosition[]): number;
}

export const summedMargin: PortfolioMargin = {
  initial(ps) {
    let s = 0;
    for (const p of ps) s += p.model.initial(Math.abs(p.qty), p.priceTicks);
    return s;
  },
  maintenance(ps) {
    let s = 0;
    for (const p of ps) s += p.model.maintenance(Math.abs(p.qty), p.priceTicks);
    return s;
  },
};

export function marginModelFor(cfg: MarginConfig, tickValue: number): MarginModel {
  if (cfg.type === 'per-contract') return new PerContractMargin(toMicro(cfg.initial), toMicro(cfg.maintenance));
  if (cfg.type === 'tiered') return new TieredMargin(cfg.leverage, bracketsFrom(cfg), tickValue);
  return new LeverageMargin(cfg.leverage, cfg.maintenanceRate, toMicro(cfg.maintenanceAmount), tickValue);
}

export { roundDiv };
