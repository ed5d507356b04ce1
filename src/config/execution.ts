// Execution settings for the backtest engine (docs/backtest.md, "Execution model"; L3: "L3 execution").
import { z } from 'zod';

/** "250us", "100ms", "2s", "1m", "1h" or integer nanoseconds → ns. */
export const SPAN_PATTERN = /^([0-9]+)(ns|us|µs|ms|s|m|h)$/;
const SPAN_NS: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  µs: 1_000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

export function parseSpan(v: string | number): bigint {
  if (typeof v === 'number') return BigInt(v);
  const m = SPAN_PATTERN.exec(v.trim());
  if (!m) throw new Error(`"${v}" is not a time span: expected e.g. 250us, 100ms, 1s, 1m or integer nanoseconds`);
  return BigInt(m[1]!) * SPAN_NS[m[2]!]!;
}

const span = z.union([
  z.number().int().nonnegative(),
  z.string().regex(SPAN_PATTERN, 'a time span such as 250us, 100ms, 1s, 1m (or integer nanoseconds)'),
]);
const positiveSpan = span.refine((v) => {
  try {
    return parseSpan(v) > 0n;
  } catch {
    return false; // the pattern check reports it
  }
}, 'a time span > 0');

/** A latency model (src/replay/latency.ts): constant, or seeded lognormal / empirical draws, in ns. */
export const latencySchema = z.union([
  z.strictObject({ model: z.literal('constant'), ns: z.number().int().nonnegative() }),
  z.strictObject({
    model: z.literal('lognormal'),
    medianNs: z.number().positive(),
    sigma: z.number().nonnegative(),
    seed: z.number().int().nonnegative(),
    minNs: z.number().nonnegative().optional(),
    maxNs: z.number().nonnegative().optional(),
  }),
  z.strictObject({
    model: z.literal('empirical'),
    samplesNs: z.array(z.number().int().nonnegative()).min(1),
    seed: z.number().int().nonnegative(),
  }),
]);
export type LatencyConfig = z.infer<typeof latencySchema>;

/** L3: a strategy against the replayed MBO book with its own orders in the real queue (src/backtest/l3-engine.ts). */
export const l3Schema = z.strictObject({
  /** instrument_id to trade; default: the instrument of the first MBO record */
  instrument: z.number().int().nonnegative().optional(),
  /** book levels per side the strategy sees in ctx.book */
  levels: z.number().int().min(1).max(64).default(5),
  /**
   * when the strategy hears of the book: 'event' (after each LAST record of the instrument, i.e. every
   * consistent book state) or a time span (every multiple of it since the window start, exchange time)
   */
  cadence: z.union([z.literal('event'), positiveSpan]).default('event'),
  /** with cadence 'event': skip updates less than this after the previous one delivered (0: none skipped) */
  minInterval: span.default(0),
  /** strategy → matching engine (new orders, cancels) */
  entryLatency: latencySchema.default({ model: 'constant', ns: 0 }),
  /** matching engine → strategy (book updates and fill reports, one FIFO feed) */
  marketDataLatency: latencySchema.default({ model: 'constant', ns: 0 }),
  /** spacing of the equity curve (marks, risk checks at "close", metrics periods) */
  equityInterval: positiveSpan.default('1m'),
});
export type L3Config = z.infer<typeof l3Schema>;

export const executionSchema = z.strictObject({
  /** L2: bar data, fills at the next opportunity with spread and impact. L3: replayed MBO book (l3 section). */
  level: z.enum(['L2', 'L3']).default('L2'),
  /** a resting limit fills when the bar trades through it by a tick ('through', conservative) or touches it */
  limitFill: z.enum(['through', 'touch']).default('through'),
  /** charge half-spread and square-root impact on aggressive fills (L2; at L3 the book is the cost) */
  slippage: z.boolean().default(true),
  /** close any open position at the end of the window (L2: last close; L3: at the touch, as a taker) */
  closeAtEnd: z.boolean().default(true),
  /** L3 settings (ignored at L2) */
  l3: l3Schema.default(l3Schema.parse({})),
});

export const accountSchema = z.strictObject({
  /** starting cash in the account currency */
  initialCapital: z.union([z.number().positive(), z.string().regex(/^\d+(\.\d+)?$/)]).default(1_000_000),
});

export type ExecutionConfig = z.infer<typeof executionSchema>;
export type AccountConfig = z.infer<typeof accountSchema>;
