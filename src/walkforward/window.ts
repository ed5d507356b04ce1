// The `window` of a study config (ISO dates, UTC) inside the data's range: `contango backtest` trades it;
// a walk-forward study (bars, MBO or portfolio) lays its folds over it, the data before it being warm-up (an MBO
// file's pre-open and snapshot can be left out).

/** An ISO date or date-time (UTC unless it carries an offset) → ns since epoch. */
export function isoToNs(text: string, key: string): bigint {
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text);
  if (!Number.isFinite(ms)) throw new Error(`${key}: found "${text}"; allowed: an ISO date (2024-01-31) or date-time (2024-01-31T14:30:00Z)`);
  return BigInt(ms) * 1_000_000n;
}

/** The config's window inside the data's range [start, end). */
export function windowOf(w: { start?: string; end?: string }, range: { start: bigint; end: bigint }): { startNs: bigint; endNs: bigint } {
  const startNs = w.start ? isoToNs(w.start, 'window.start') : range.start;
  const endNs = w.end ? isoToNs(w.end, 'window.end') : range.end;
  if (endNs <= startNs) throw new Error(`window: end (${w.end ?? 'end of data'}) is not after start (${w.start ?? 'start of data'})`);
  return { startNs, endNs };
}
