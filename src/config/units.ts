// Edge conversions for engine configs: human-friendly YAML numbers (dollars, basis points, "HH:MM")
// become the engine's fixed-point integers (docs/scales.md) exactly, with decimal.js, or fail loudly.
// The schemas that accept those values are in ./unit-schemas.ts: the engine uses these conversions without
// loading the schema library (a backtest worker never validates a config the main thread validated).
import { Decimal } from 'decimal.js';

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
