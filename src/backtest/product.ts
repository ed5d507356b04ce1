// A product as the engine uses it: the validated YAML (src/config/product.ts) turned into fixed-point
// numbers and model objects, once per backtest.
import type { FeesConfig, ImpactConfig, ProductConfig } from '../config/product.js';
import { hhmmssToSeconds, hhmmToMinutes, toMicro } from '../config/units.js';
import { feeModelFor, type FeeModel } from './fees.js';
import { marginModelFor, type MarginModel } from './margin.js';
import { SqrtImpactSlippage, type SlippageModel } from './slippage.js';

export interface SessionSpec {
  timeZone: string;
  /** minutes after local midnight */
  open: number;
  close: number;
  regularStart: number;
  regularEnd: number;
  /** bit w set = regular session on local weekday w (0 Sunday) */
  regularWeekdays: number;
  settlement: number | null;
  /** how the settlement price is found; windows in seconds after local midnight [start, end) */
  settlementPrice: SettlementPriceSpec;
  tradingDaysPerYear: number;
  /** length of the trading day in minutes (23 h for CME equity index, 24 h for crypto) */
  minutesPerDay: number;
}

export interface SettlementPriceSpec {
  method: 'vwap' | 'close';
  /** seconds after local midnight, [start, end) */
  window: [number, number] | null;
  barPrice: 'bridge' | 'typical' | 'close';
}

export interface ProductSpec {
  symbol: string;
  kind: 'future' | 'perpetual';
  group: string;
  /** 1e-9 price units per tick */
  tickSize: number;
  /** money micro-units per tick per lot */
  tickValue: number;
  positionLimit: number;
  session: SessionSpec;
  fees: FeeModel;
  margin: MarginModel;
  slippage: SlippageModel;
  impact: ImpactConfig;
  funding: { intervalNs: number; offsetNs: number; proRata: boolean } | null;
  config: ProductConfig;
}

/**
 * Products resolved per (product config, fees override) object: a walk-forward worker runs every task on one parsed
 * config, and a fresh ProductSpec per task both repeated the conversions (decimal money, model objects) and missed
 * every cache keyed by the product object (a view's calendar: src/backtest/prefix-view.ts). A ProductSpec and its
 * models hold no mutable state, so sharing one is safe.
 */
const resolved = new WeakMap<ProductConfig, Map<FeesConfig | undefined, ProductSpec>>();

export function resolveProduct(cfg: ProductConfig, feesOverride?: FeesConfig): ProductSpec {
  let byFees = resolved.get(cfg);
  if (!byFees) resolved.set(cfg, (byFees = new Map()));
  let spec = byFees.get(feesOverride);
  if (!spec) byFees.set(feesOverride, (spec = buildProduct(cfg, feesOverride)));
  return spec;
}

function buildProduct(cfg: ProductConfig, feesOverride?: FeesConfig): ProductSpec {
  const tickValue = toMicro(cfg.tickValue);
  const s = cfg.session;
  const open = hhmmToMinutes(s.open);
  const close = hhmmToMinutes(s.close);
  let minutesPerDay = (close - open + 1440) % 1440;
  if (minutesPerDay === 0) minutesPerDay = 1440;
  return {
    symbol: cfg.symbol,
    kind: cfg.kind,
    group: cfg.group,
    tickSize: cfg.tickSize,
    tickValue,
    positionLimit: cfg.positionLimit,
    session: {
      timeZone: s.timeZone,
      open,
      close,
      regularStart: hhmmToMinutes(s.regularStart),
      regularEnd: hhmmToMinutes(s.regularEnd),
      regularWeekdays: s.regularWeekdays.reduce((m, w) => m | (1 << w), 0),
      settlement: s.settlement === null ? null : hhmmToMinutes(s.settlement),
      settlementPrice: {
        method: s.settlementPrice.method,
        window: s.settlementPrice.window ? [hhmmssToSeconds(s.settlementPrice.window.start), hhmmssToSeconds(s.settlementPrice.window.end)] : null,
        barPrice: s.settlementPrice.barPrice,
      },
      tradingDaysPerYear: s.tradingDaysPerYear,
      minutesPerDay,
    },
    fees: feeModelFor(feesOverride ?? cfg.fees, tickValue),
    margin: marginModelFor(cfg.margin, tickValue),
    slippage: new SqrtImpactSlippage(cfg.impact),
    impact: cfg.impact,
    funding: cfg.funding
      ? {
          intervalNs: cfg.funding.intervalHours * 3_600e9,
          offsetNs: cfg.funding.offsetHours * 3_600e9,
          proRata: cfg.funding.proRata,
        }
      : null,
    config: cfg,
  };
}
