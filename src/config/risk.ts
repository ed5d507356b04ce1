// Risk guards and kill switch (SPEC §7), defaults from the predecessor system. Every limit is optional:
// null switches it off. Fractions are of current equity unless stated.
import { z } from 'zod';

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
