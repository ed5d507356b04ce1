// Fee models: small pluggable pieces (hftbacktest style). A fee is charged exactly once per fill, i.e.
// once per side of a round trip; a round trip pays entry fill fee + exit fill fee, never more.
import type { FeesConfig } from '../config/product.js';
import { bpsToRate, toMicro } from '../config/units.js';

export interface FeeModel {
  /** fee in money micro-units (>= 0 unless a maker rebate) for one fill of `qty` lots at `priceTicks` */
  fee(qty: number, priceTicks: number, maker: boolean): number;
}

/** CME through a broker: commission + exchange + clearing + NFA, per contract per side. */
export class PerContractFees implements FeeModel {
  /** micro-units per contract per side */
  readonly perSide: number;
  constructor(commission: number, exchange: number, clearing: number, nfa: number) {
    this.perSide = commission + exchange + clearing + nfa;
  }
  fee(qty: number): number {
    return qty * this.perSide;
  }
}

/** Binance: maker/taker basis points of notional. Rates in 1e-2 bps (docs/scales.md). */
export class BpsFees implements FeeModel {
  constructor(
    readonly makerRate: number,
    readonly takerRate: number,
    /** money micro-units per tick per lot, to turn ticks × lots into notional */
    readonly tickValue: number,
  ) {}
  fee(qty: number, priceTicks: number, maker: boolean): number {
    const rate = maker ? this.makerRate : this.takerRate;
    return roundDiv(priceTicks * this.tickValue * qty, rate, 1_000_000);
  }
}

/**
 * round(a × b / d) half away from zero for integers a, b and d > 0; exact (BigInt) when a × b leaves the
 * safe-integer range.
 */
export function roundDiv(a: number, b: number, d: number): number {
  const p = a * b;
  if (Math.abs(p) <= Number.MAX_SAFE_INTEGER) {
    const A = Math.abs(p);
    let q = Math.floor(A / d);
    let rem = A - q * d;
    if (rem < 0) (q--, (rem += d)); // float division may land one off
    else if (rem >= d) (q++, (rem -= d));
    if (rem * 2 >= d) q++;
    return p < 0 ? -q : q;
  }
  const P = BigInt(a) * BigInt(b);
  const D = BigInt(d);
  const A = P < 0n ? -P : P;
  const q = (A * 2n + D) / (2n * D);
  return Number(P < 0n ? -q : q);
}

export function feeModelFor(cfg: FeesConfig, tickValue: number): FeeModel {
  if (cfg.type === 'per-contract') {
    return new PerContractFees(toMicro(cfg.commission), toMicro(cfg.exchange), toMicro(cfg.clearing), toMicro(cfg.nfa));
  }
  return new BpsFees(bpsToRate(cfg.makerBps), bpsToRate(cfg.takerBps), tickValue);
}
