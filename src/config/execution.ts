// Execution settings for the backtest engine (docs/backtest.md, "Execution model").
import { z } from 'zod';

export const executionSchema = z.strictObject({
  /** L2: bar data, fills at the next opportunity with spread and impact. L3 (replayed MBO book) is a seam only. */
  level: z.enum(['L2', 'L3']).default('L2'),
  /** a resting limit fills when the bar trades through it by a tick ('through', conservative) or touches it */
  limitFill: z.enum(['through', 'touch']).default('through'),
  /** charge half-spread and square-root impact on aggressive fills */
  slippage: z.boolean().default(true),
  /** close any open position at the last bar's close of the window (a market-on-close exit) */
  closeAtEnd: z.boolean().default(true),
});

export const accountSchema = z.strictObject({
  /** starting cash in the account currency */
  initialCapital: z.union([z.number().positive(), z.string().regex(/^\d+(\.\d+)?$/)]).default(1_000_000),
});

export type ExecutionConfig = z.infer<typeof executionSchema>;
export type AccountConfig = z.infer<typeof accountSchema>;
