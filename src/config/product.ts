// Product schema: one YAML file per product under configs/products/ (see docs/backtest.md). Numbers that an
// exchange or broker publishes (tick, fees, margins, sessions) live here, never in code. Money is written
// in the account currency (dollars / USDT) and converted to micro-units exactly when the engine resolves
// the product (src/backtest/product.ts); the schema itself only validates, so parsing twice is harmless.
import { Decimal } from 'decimal.js';
import { z } from 'zod';
import { hhmmSchema, hhmmssSchema, moneySchema } from './unit-schemas.js';
import { hhmmssToSeconds, isTimeZone } from './units.js';

const localWindow = z
  .strictObject({ start: hhmmssSchema, end: hhmmssSchema })
  .refine((w) => hhmmssToSeconds(w.end) > hhmmssToSeconds(w.start), 'a window with end after start, same local day');

/**
 * How the daily settlement price is found (variation margin, CME). The exchange's rule for ES is the VWAP of the
 * trades between 14:59:30 and 15:00:00 CT, rounded to the nearest tick (ties toward the previous settlement). From
 * bars it is approximated by the bars overlapping that window, each weighted by its volume × the share of the bar
 * inside the window (volume spread evenly over a bar); no bar or no volume in the window: the close of the
 * settlement bar. docs/backtest.md "Settlement price" states the approximation.
 */
export const settlementPriceSchema = z.strictObject({
  /** vwap: volume-weighted price of the bars in the window; close: the close of the settlement bar */
  method: z.enum(['vwap', 'close']).default('close'),
  /** the exchange's settlement window, local time (ES: 14:59:30 to 15:00:00); required with vwap */
  window: localWindow.optional(),
  /**
   * a bar's price inside the window: `bridge` = the mean of a straight path from open to close over the part of
   * the bar inside the window (the expected Brownian bridge: (open + 3 × close) / 4 for the last half of a bar);
   * `typical` = (high + low + close) / 3; `close`
   */
  barPrice: z.enum(['bridge', 'typical', 'close']).default('bridge'),
}).refine((v) => v.method !== 'vwap' || v.window !== undefined, { message: 'a window { start, end } with method vwap', path: ['window'] });

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
  /** how the settlement price is computed (default: the close of the settlement bar) */
  settlementPrice: settlementPriceSchema.default({ method: 'close', barPrice: 'bridge' }),
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

/** Rates with at most 6 decimals (0.004, 0.0065): exact as parts per million, as the margin arithmetic needs. */
const ppmRate = z
  .number()
  .min(0)
  .lt(1)
  .refine((v) => new Decimal(v).mul(1e6).isInteger(), 'a rate with at most 6 decimals (parts per million)');

/** One Binance leverage bracket (GET /fapi/v1/leverageBracket), notional in the account currency. */
const bracketSchema = z.strictObject({
  /** notionalFloor: the bracket holds notionals above it (the first bracket from 0) */
  floor: moneySchema,
  /** notionalCap: up to and including it */
  cap: moneySchema,
  /** initialLeverage: the highest leverage a position in this bracket may use */
  maxLeverage: z.number().int().min(1).max(125),
  /** maintMarginRatio (MMR) */
  mmr: ppmRate,
  /** maintenance amount; derived as floor × (MMR − previous MMR) + previous cum when absent, checked when given */
  cum: moneySchema.optional(),
});

/**
 * Binance tiered margin (SPEC §5): IM = notional / leverage, MM = notional × MMR − cum with the bracket of the
 * position's notional. `leverage` is the account's setting for the symbol; a notional whose bracket allows less
 * leverage than that is refused, as Binance refuses the order.
 */
const tieredMargin = z
  .strictObject({
    type: z.literal('tiered'),
    leverage: z.number().int().min(1).max(125),
    brackets: z.array(bracketSchema).min(1).max(64),
  })
  .superRefine((m, ctx) => {
    const b = m.brackets;
    let prevMmr = new Decimal(0);
    let cum = new Decimal(0);
    for (let i = 0; i < b.length; i++) {
      const x = b[i]!;
      const floor = new Decimal(x.floor);
      const cap = new Decimal(x.cap);
      const at = (k: string) => ['brackets', i, k];
      if (i === 0 && !floor.isZero()) ctx.addIssue({ code: 'custom', path: at('floor'), message: '0 (the first bracket starts at notional 0)' });
      if (i > 0 && !floor.eq(new Decimal(b[i - 1]!.cap))) {
        ctx.addIssue({ code: 'custom', path: at('floor'), message: `${b[i - 1]!.cap} (the cap of bracket ${i - 1}: brackets are contiguous)` });
      }
      if (!cap.gt(floor)) ctx.addIssue({ code: 'custom', path: at('cap'), message: `> floor ${x.floor}` });
      const mmr = new Decimal(x.mmr);
      if (i > 0 && mmr.lt(prevMmr)) ctx.addIssue({ code: 'custom', path: at('mmr'), message: `>= ${prevMmr.toString()} (MMR does not fall as the notional grows)` });
      if (i > 0 && x.maxLeverage > b[i - 1]!.maxLeverage) {
        ctx.addIssue({ code: 'custom', path: at('maxLeverage'), message: `<= ${b[i - 1]!.maxLeverage} (leverage does not grow with the notional)` });
      }
      if (mmr.mul(x.maxLeverage).gte(1)) {
        ctx.addIssue({ code: 'custom', path: at('mmr'), message: `< 1 / maxLeverage = ${new Decimal(1).div(x.maxLeverage).toString()} (maintenance below initial margin)` });
      }
      cum = floor.mul(mmr.sub(prevMmr)).add(cum);
      if (x.cum !== undefined && !new Decimal(x.cum).eq(cum)) {
        ctx.addIssue({ code: 'custom', path: at('cum'), message: `${cum.toString()} (floor × (MMR − previous MMR) + previous cum)` });
      }
      if (!cum.mul(1e6).isInteger()) ctx.addIssue({ code: 'custom', path: at('floor'), message: 'a floor whose maintenance amount is a whole number of micro-units' });
      prevMmr = mmr;
    }
    if (m.leverage > b[0]!.maxLeverage) ctx.addIssue({ code: 'custom', path: ['leverage'], message: `<= ${b[0]!.maxLeverage} (brackets.0.maxLeverage)` });
  });

/**
 * Margin per product: per contract (CME; SPAN is a seam, src/backtest/margin.ts), one leverage bracket, or Binance
 * tiered brackets.
 */
export const marginSchema = z.discriminatedUnion('type', [perContractMargin, leverageMargin, tieredMargin]);

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
export type TieredMarginConfig = z.infer<typeof tieredMargin>;
export type SettlementPriceConfig = z.infer<typeof settlementPriceSchema>;
export type ImpactConfig = z.infer<typeof impactSchema>;
export type SessionConfig = z.infer<typeof sessionSchema>;
