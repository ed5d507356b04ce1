// Edge conversions for engine configs: human-friendly YAML numbers (dollars, basis points, "HH:MM")
// become the engine's fixed-point integers (docs/scales.md) exactly, with decimal.js, or fail loudly.
import { Decimal } from 'decimal.js';
import { z } from 'zod';

/** Money in the account currency as written in YAML (12.5, "0.85"); at most 6 decimals (micro-units). */
export const moneySchema = z
  .union([z.number(), z.string().regex(/^-?\d+(\.\d+)?$/, 'a decimal number')])
  .refine((v) => safeDecimal(v)?.mul(1e6).isInteger() ?? false, 'an amount with at most 6 decimals (micro-units)')
  .refine((v) => safeDecimal(v)?.abs().mul(1e6).lte(Number.MAX_SAFE_INTEGER) ?? false, 'an amount below 9e9');

function safeDecimal(v: number | string): Decimal | null {
  try {
    return new Decimal(v);
  } catch {
    return null;
  }
}

/** A local wall-clock time "HH:MM" (24:00 allowed as end of day). */
export const hhmmSchema = z
  .string()
  .regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, 'a local time "HH:MM" (00:00 to 24:00)');

/** A local wall-clock time with optional seconds, "HH:MM" or "HH:MM:SS" (24:00 / 24:00:00 allowed as end of day). */
export const hhmmssSchema = z
  .string()
  .regex(/^(([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?|24:00(:00)?)$/, 'a local time "HH:MM" or "HH:MM:SS" (00:00 to 24:00)');

/** "HH:MM" or "HH:MM:SS" to seconds after local midnight. */
export function hhmmssToSeconds(s: string): number {
  const [h, m, sec] = s.split(':').map(Number) as [number, number, number | undefined];
  return h * 3600 + m * 60 + (sec ?? 0);
}

/** Convert a validated money value to integer micro-units, exactly. */
export function toMicro(v: number | string): number {
  const m = new Decimal(v).mul(1e6);
  if (!m.isInteger()) throw new RangeError(`${String(v)} is not a whole number of micro-units`);
  return m.toNumber();
}

/** Basis points (2, 0.5, "4.5") to the engine's fee-rate unit, 1e-2 basis points (docs/scales.md). */
export function bpsToRate(v: number | string): number {
  const r = new Decimal(v).mul(100);
  if (!r.isInteger()) throw new RangeError(`${String(v)} bps has more than 2 decimals`);
  return r.toNumber();
}

/** "HH:MM" to minutes after local midnight. */
export function hhmmToMinutes(s: string): number {
  const [h, m] = s.split(':').map(Number) as [number, number];
  return h * 60 + m;
}

/** True when Intl knows the IANA zone name. */
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
