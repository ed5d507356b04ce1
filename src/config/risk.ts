// Risk guards and kill switch (SPEC §7), defaults from the predecessor system. Every limit is optional:
// null switches it off. Fractions are of current equity unless stated.
import { z } from 'zod';
import { MARGIN_LEVELS } from './margin-levels.js';

const fraction = z.number().positive().max(100);

/** Correlation groups for the group-exposure limit (SPEC §7). Products name their group in configs. */
export const DEFAULT_GROUPS = ['equity-index', 'energy', 'metals', 'bonds', 'currencies', 'crypto'] as const;

export const riskSchema = z.strictObject({
  /** max lots per position (absolute) */
  maxContracts: z.number().int().positive().nullable().default(10),
  /** what "exposure" measures: initial margin (margin-to-equity) or notional */
  exposureBasis: z.enum(['margin', 'notional']).default('margin'),
  /** one position's exposure / equity */
  maxPositionExposure: fraction.nullable().default(0.05),
  /** all positions' exposure / equity */
  maxPortfolioExposure: fraction.nullable().default(0.2),
  /** exposure of one correlation group / equity */
  maxGroupExposure: fraction.nullable().default(0.15),
  /** loss since the trading day's start equity, unrealized PnL included: flatten, no entries until the next day */
  dailyLossLimit: fraction.nullable().default(0.02),
  /** the same over the ISO week (Monday start, by trading day) */
  weeklyLossLimit: fraction.nullable().default(0.05),
  volatilityTarget: z
    .strictObject({
      enabled: z.boolean().default(true),
      /** annualized volatility the position size aims at */
      target: z.number().positive().max(10).default(0.15),
      minScale: z.number().positive().default(0.25),
      maxScale: z.number().positive().default(2),
      /** half-life in bars of the exponentially weighted variance of bar returns */
      halfLifeBars: z.number().positive().default(390),
    })
    .default({ enabled: true, target: 0.15, minScale: 0.25, maxScale: 2, halfLifeBars: 390 }),
  /**
   * Leverage cap: Σ notional of all open positions / equity, checked at each fill that increases a position
   * (the increase is cut to fit). Binance's per-symbol leverage setting lives in the product's margin brackets.
   */
  maxLeverage: z.number().positive().max(1000).nullable().default(10),
  /**
   * Margin-ratio levels (SPEC §7), ratio = maintenance margin of all positions / equity (Binance: MM / margin
   * balance). healthy below `warning`, then warning, danger, critical; liquidation at 1 (equity <= maintenance).
   */
  marginRatio: z
    .strictObject({
      enabled: z.boolean().default(true),
      warning: z.number().positive().lt(1).default(0.5),
      danger: z.number().positive().lt(1).default(0.7),
      critical: z.number().positive().lt(1).default(0.85),
      /** an increase that would bring the ratio to this level or beyond is cut to fit; null = no cut */
      blockAt: z.enum(['warning', 'danger', 'critical']).nullable().default('danger'),
      /** a close at this level or beyond flattens at the next open; null = only at liquidation */
      flattenAt: z.enum(['warning', 'danger', 'critical']).nullable().default('critical'),
    })
    .refine((m) => m.warning < m.danger && m.danger < m.critical, 'thresholds with warning < danger < critical < 1')
    .default({ enabled: true, warning: 0.5, danger: 0.7, critical: 0.85, blockAt: 'danger', flattenAt: 'critical' }),
  /**
   * Funding exposure (perpetuals, SPEC §7): net funding paid over the trailing 24 hours / equity. While it is
   * above `max24h`, no position may be increased (reducing is always allowed); `flatten` also closes the position.
   */
  fundingExposure: z
    .strictObject({
      enabled: z.boolean().default(true),
      max24h: fraction.default(0.005),
      flatten: z.boolean().default(false),
    })
    .default({ enabled: true, max24h: 0.005, flatten: false }),
  killSwitch: z
    .strictObject({
      enabled: z.boolean().default(true),
      /** consecutive losing trades (exit fills with pnl < 0) */
      consecutiveLosses: z.number().int().positive().nullable().default(5),
      /** drawdown from the equity peak, as a fraction */
      maxDrawdown: fraction.nullable().default(0.1),
      /** a breach of dailyLossLimit also trips the kill switch */
      onDailyLoss: z.boolean().default(true),
    })
    .default({ enabled: true, consecutiveLosses: 5, maxDrawdown: 0.1, onDailyLoss: true }),
});

export type RiskConfig = z.infer<typeof riskSchema>;

/** Margin-ratio levels in order of severity; a level holds from its threshold up to the next one's. */
export { MARGIN_LEVELS, type MarginLevel } from './margin-levels.js';
