// Product schema: one YAML file per product under configs/products/ (see docs/backtest.md). Numbers that an
// exchange or broker publishes (tick, fees, margins, sessions) live here, never in code. Money is written
// in the account currency (dollars / USDT) and converted to micro-units exactly when the engine resolves
// the product (src/backtest/product.ts); the schema itself only validates, so parsing twice is harmless.
import { z } from 'zod';
import { hhmmSchema, isTimeZone, moneySchema } from './units.js';

/** Session template in the exchange's time zone; DST is handled by Intl with this zone. */
export const sessionSchema = z.strictObject({
  /** IANA zone of the exchange, e.g. America/Chicago (CME), UTC (Binance) */
  timeZone: z.string().refine(isTimeZone, 'an IANA time zone such as America/Chicago or UTC'),
  /** local time the trading day opens; a trading day opening at 17:00 belongs to the next calendar date */
  open: hhmmSchema,
  /** local time the trading day closes (equal to `open` for a 24-hour market) */
  close: hhmmSchema,
  /** the regular (day) session in local time, Monday to Friday; every other bar is overnight */
  regularStart: hhmmSchema,
  regularEnd: hhmmSchema,
  /** weekdays of the local date on which the regular session runs (0 Sunday … 6 Saturday) */
  regularWeekdays: z.array(z.number().int().min(0).max(6)).min(1).default([1, 2, 3, 4, 5]),
  /** local time of the daily settlement (variation margin); null for products without one (perpetuals) */
  settlement: hhmmSchema.nullable().default(null),
  /** trading days per year of the product's calendar: drives annualization (CME 252, crypto 365) */
  tradingDaysPerYear: z.number().positive().max(366),
});

const perContractFees = z.strictObject({
  type: z.literal('per-contract'),
  /** broker commission per contract per side */
  commission: moneySchema,
  /** exchange fee per contract per side */
  exchange: moneySchema.default(0),
  /** clearing fee per contract per side */
  clearing: moneySchema.default(0),
  /** NFA regulatory fee per contract per side */
  nfa: moneySchema.default(0),
});

const bpsFees = z.strictObject({
  type: z.literal('bps'),
  /** resting (maker) fills, basis points of notional, at most 2 decimals */
  makerBps: z.number().min(-10).max(100),
  /** aggressive (taker) fills */
  takerBps: z.number().min(0).max(100),
});

export const feesSchema = z.discriminatedUnion('type', [perContractFees, bpsFees]);

const perContractMargin = z.strictObject({
  type: z.literal('per-contract'),
  /** initial margin per contract (money) */
  initial: moneySchema,
  /** maintenance margin per contract (money) */
  maintenance: moneySchema,
});

const leverageMargin = z.strictObject({
  type: z.literal('leverage'),
  /** initial margin = notional / leverage */
  leverage: z.number().positive().max(125),
  /** maintenance margin = notional × maintenanceRate − maintenanceAmount (one Binance bracket) */
  maintenanceRate: z.number().min(0).max(1),
  maintenanceAmount: moneySchema.default(0),
});

/** Margin per product until SPAN (CME) and tiered brackets (Binance) land: see src/backtest/margin.ts. */
export const marginSchema = z.discriminatedUnion('type', [perContractMargin, leverageMargin]);

const impactSession = z.strictObject({
  /** half the quoted spread, in ticks, paid by every aggressive fill */
  halfSpreadTicks: z.number().min(0).max(1000),
  /** Almgren–Chriss coefficient: impact = eta · sigma · sqrt(qty / ADV) */
  eta: z.number().min(0).max(100),
});

export const impactSchema = z.strictObject({
  regular: impactSession,
  overnight: impactSession,
  /** closed bars used to estimate daily sigma and ADV at fill time */
  lookbackBars: z.number().int().min(2).max(100_000).default(390),
  /** fixed daily volatility in ticks instead of the estimate (optional) */
  sigmaTicks: z.number().positive().optional(),
  /** fixed average daily volume in lots instead of the estimate (optional) */
  advLots: z.number().positive().optional(),
});

export const fundingSchema = z.strictObject({
  /** hours between fundings, 8 for most Binance symbols */
  intervalHours: z.number().int().min(1).max(24),
  /** first funding of the UTC day, in hours after 00:00 UTC */
  offsetHours: z.number().int().min(0).max(23).default(0),
  /** research only: charge funding pro rata to the time a position was held (exchanges don't) */
  proRata: z.boolean().default(false),
});

export const productSchema = z.strictObject({
  symbol: z.string().min(1),
  description: z.string().optional(),
  exchange: z.string().min(1),
  kind: z.enum(['future', 'perpetual']),
  currency: z.string().min(1).default('USD'),
  /** tick size in 1e-9 price units (ES 0.25 → 250000000) */
  tickSize: z.number().int().positive(),
  /** money per tick per lot (ES 12.5; BTCUSDT 0.1 × 0.001 = 0.0001) */
  tickValue: moneySchema.refine((v) => Number(v) > 0, 'a positive amount'),
  /** contract multiplier, informational (ES 50) */
  multiplier: z.number().positive(),
  /** quantity of the underlying per lot (futures 1 contract; BTCUSDT 0.001) */
  lotSize: z.number().positive().default(1),
  /** correlation group for the group-exposure limit, e.g. equity-index, energy, metals, bonds, currencies, crypto */
  group: z.string().min(1),
  /** exchange or broker position limit in lots (the risk section's maxContracts applies as well) */
  positionLimit: z.number().int().positive().default(1_000_000),
  session: sessionSchema,
  fees: feesSchema,
  margin: marginSchema,
  impact: impactSchema,
  /** perpetuals only */
  funding: fundingSchema.optional(),
  /** where the numbers come from, and when they were checked */
  source: z.string().optional(),
});

export type ProductConfig = z.infer<typeof productSchema>;
export type FeesConfig = z.infer<typeof feesSchema>;
export type MarginConfig = z.infer<typeof marginSchema>;
export type ImpactConfig = z.infer<typeof impactSchema>;
export type SessionConfig = z.infer<typeof sessionSchema>;
