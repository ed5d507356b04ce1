// Window lengths in study configs are written as "30d", "12h", "90m", "2w" (and "30s"): exact integer nanoseconds.

const UNIT_NS: Record<string, bigint> = {
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
  d: 86_400_000_000_000n,
  w: 604_800_000_000_000n,
};

export const DURATION_PATTERN = /^([1-9][0-9]*)(s|m|h|d|w)$/;

/** "30d" → nanoseconds. Throws naming the text when it is not <positive integer><m|h|d|w>. */
export function parseDuration(text: string): bigint {
  const m = DURATION_PATTERN.exec(text.trim());
  if (!m) throw new Error(`"${text}" is not a duration: expected a positive integer followed by s, m, h, d or w (e.g. 30d)`);
  return BigInt(m[1]!) * UNIT_NS[m[2]!]!;
}

/** Nanoseconds → the shortest exact "<n><unit>" text, for logs and reports. */
export function formatDuration(ns: bigint): string {
  for (const unit of ['w', 'd', 'h', 'm', 's'] as const) {
    const u = UNIT_NS[unit]!;
    if (ns > 0n && ns % u === 0n) return `${ns / u}${unit}`;
  }
  return `${ns}ns`;
}

/** ns since epoch → ISO-8601 UTC text (millisecond resolution; the exact value stays in the data). */
export function isoFromNs(ns: bigint): string {
  return new Date(Number(ns / 1_000_000n)).toISOString();
}
