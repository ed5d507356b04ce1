// Parsing of the replay command's time options: intervals ("1s", "250ms", "5m", "1h", "100us", "10ns") and
// instants (ISO-8601 UTC text with up to nanosecond fractions, or integer nanoseconds since the epoch).

const UNIT: Record<string, bigint> = { ns: 1n, us: 1_000n, ms: 1_000_000n, s: 1_000_000_000n, m: 60_000_000_000n, h: 3_600_000_000_000n };

export function parseInterval(text: string, what = '--every'): bigint {
  const m = /^([1-9][0-9]*)(ns|us|ms|s|m|h)$/.exec(text.trim());
  if (!m) throw new Error(`${what}: found "${text}"; expected a positive integer and a unit ns, us, ms, s, m or h (e.g. 1s)`);
  return BigInt(m[1]!) * UNIT[m[2]!]!;
}

/** "2023-12-25T23:00:00.000000001Z" (Z or no zone = UTC) or "1703545200000000001" → ns. */
export function parseInstant(text: string, what = '--at'): bigint {
  const t = text.trim();
  if (/^[0-9]+$/.test(t)) return BigInt(t);
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?Z?$/.exec(t);
  if (!m) throw new Error(`${what}: found "${text}"; expected ISO-8601 UTC (2023-12-25T23:00:00.5Z) or integer nanoseconds`);
  const ms = Date.parse(`${m[1]}T${m[2]}:${m[3]}:${m[4] ?? '00'}Z`);
  if (!Number.isFinite(ms)) throw new Error(`${what}: "${text}" is not a valid date`);
  const frac = (m[5] ?? '').padEnd(9, '0');
  return BigInt(ms) * 1_000_000n + BigInt(frac === '' ? '0' : frac);
}

/** ns → ISO text with nanoseconds. */
export function isoNs(ns: bigint): string {
  const ms = ns / 1_000_000n;
  const s = new Date(Number(ms)).toISOString(); // ...SS.mmmZ
  return `${s.slice(0, 19)}.${String(ns % 1_000_000_000n).padStart(9, '0')}Z`;
}

/** A decimal price ("0.25", "1", "0.0005") → exact 1e-9 units. */
export function parsePriceUnits(text: string, what = '--tick'): bigint {
  const m = /^([0-9]+)(?:\.([0-9]{1,9}))?$/.exec(text.trim());
  if (!m) throw new Error(`${what}: found "${text}"; expected a positive decimal with at most 9 decimals (e.g. 0.25)`);
  const v = BigInt(m[1]!) * 1_000_000_000n + BigInt((m[2] ?? '').padEnd(9, '0') || '0');
  if (v <= 0n) throw new Error(`${what}: found "${text}"; it must be positive`);
  return v;
}
