// Schemas of the human-friendly config values converted by ./units.ts (money, "HH:MM" times).
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
