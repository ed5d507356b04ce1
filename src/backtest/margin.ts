// Margin models. Until SPAN (CME) and tiered leverage brackets (Binance) land, margin is per product:
// per contract for CME, notional / leverage and notional × MMR − cum for perpetuals. The account sums
// requirements over ALL open positions through PortfolioMargin; a SPAN implementation replaces that
// seam with a portfolio-level scan (SPEC §4) without touching the engine.
import type { MarginConfig } from '../config/product.js';
import { toMicro } from '../config/units.js';
import { roundDiv } from './fees.js';

export interface MarginModel {
  /** initial margin in micro-units for |qty| lots at priceTicks */
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
  return new LeverageMargin(cfg.leverage, cfg.maintenanceRate, toMicro(cfg.maintenanceAmount), tickValue);
}

export { roundDiv };
