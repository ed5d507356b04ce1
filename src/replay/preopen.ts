// When is an instrument in its pre-open (or otherwise not in continuous trading)? A crossed book is normal
// there and an error elsewhere. Two sources, as docs/replay.md explains:
//  - status records (Databento `status` schema), when the user has them: PreOpen, PreCross, Quoting, Cross,
//    Rotation, NewPriceIndication, Halt, Pause, Suspend, Close, PostClose and NotAvailableForTrading are
//    "not continuous"; Trading and PreClose are continuous; None and SsrChange change nothing;
//  - otherwise a daily window in UTC: [open − preopenMinutes, open) every day (CME ES: open 23:00 UTC in
//    winter, pre-open from 22:00 UTC), or explicit absolute windows.
// Without either, every instant counts as continuous trading (every crossed LAST record is reported).

export const NS_PER_MIN = 60_000_000_000n;
export const NS_PER_DAY = 86_400_000_000_000n;

/** Databento StatusAction values (dbn crate enums.rs). */
export const StatusAction = {
  None: 0,
  PreOpen: 1,
  PreCross: 2,
  Quoting: 3,
  Cross: 4,
  Rotation: 5,
  NewPriceIndication: 6,
  Trading: 7,
  Halt: 8,
  Pause: 9,
  Suspend: 10,
  PreClose: 11,
  Close: 12,
  PostClose: 13,
  SsrChange: 14,
  NotAvailableForTrading: 15,
} as const;

/** true: not continuous (crossing allowed); false: continuous; undefined: no change. */
export function statusIsPreopen(action: number): boolean | undefined {
  if (action === StatusAction.None || action === StatusAction.SsrChange) return undefined;
  return !(action === StatusAction.Trading || action === StatusAction.PreClose);
}

export interface StatusChange {
  ts: bigint;
  /** undefined: every instrument */
  instrumentId?: number;
  preopen: boolean;
}

export interface PreopenConfig {
  /** Daily open time "HH:MM" (UTC). With it, [open − preopenMinutes, open) is pre-open each day. */
  open?: string;
  /** Length of the daily pre-open window in minutes (default 60). */
  preopenMinutes?: number;
  /** Absolute pre-open windows [start, end) in ns. */
  windows?: { start: bigint; end: bigint }[];
  /** Status changes (from status records), sorted by ts. When given, they alone decide. */
  status?: StatusChange[];
}

/** Parse "HH:MM" into ns after midnight, or throw naming the option. */
export function parseClock(s: string, what = '--open'): bigint {
  const m = /^(\d{1,2}):(\d{2})$/.exec(s.trim());
  if (!m || Number(m[1]) > 23 || Number(m[2]) > 59) throw new Error(`${what}: found "${s}"; expected HH:MM (UTC), e.g. 23:00`);
  return (BigInt(Number(m[1])) * 60n + BigInt(Number(m[2]))) * NS_PER_MIN;
}

/**
 * The schedule as a sequence of changes: `at(ts)` tells whether ts is pre-open for the instrument-less
 * (window) modes, `nextChange(ts)` the first boundary after ts, `changesUpTo(ts)` the status changes due.
 */
export class PreopenSchedule {
  private readonly openNs: bigint | undefined;
  private readonly lenNs: bigint;
  private readonly windows: { start: bigint; end: bigint }[];
  private readonly status: StatusChange[];
  private statusAt = 0;

  constructor(cfg: PreopenConfig = {}) {
    this.openNs = cfg.open !== undefined ? parseClock(cfg.open) : undefined;
    const min = cfg.preopenMinutes ?? 60;
    if (!Number.isFinite(min) || min < 0 || min > 1440) throw new Error(`--preopen-minutes: found ${min}; allowed 0..1440`);
    this.lenNs = BigInt(Math.round(min)) * NS_PER_MIN;
    this.windows = [...(cfg.windows ?? [])].sort((a, b) => (a.start < b.start ? -1 : 1));
    this.status = [...(cfg.status ?? [])].sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0));
  }

  get usesStatus(): boolean {
    return this.status.length > 0;
  }

  get describe(): string {
    if (this.status.length > 0) return `status records (${this.status.length} changes)`;
    const parts: string[] = [];
    if (this.openNs !== undefined) {
      const hm = (ns: bigint) => {
        const m = Number(((ns % NS_PER_DAY) + NS_PER_DAY) % NS_PER_DAY / NS_PER_MIN);
        return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
      };
      parts.push(`daily ${hm(this.openNs - this.lenNs)}–${hm(this.openNs)} UTC`);
    }
    if (this.windows.length > 0) parts.push(`${this.windows.length} explicit window(s)`);
    return parts.length > 0 ? parts.join(', ') : 'none (every crossed book is reported)';
  }

  /** Window modes: is ts inside a pre-open window? */
  at(ts: bigint): boolean {
    for (const w of this.windows) if (ts >= w.start && ts < w.end) return true;
    if (this.openNs === undefined || this.lenNs === 0n) return false;
    const tod = ((ts - this.openNs) % NS_PER_DAY + NS_PER_DAY) % NS_PER_DAY; // time since the last open
    return tod >= NS_PER_DAY - this.lenNs;
  }

  /** The first instant > ts at which `at` may change (window modes) or a status change is due. */
  nextChange(ts: bigint): bigint {
    let best = 0xffff_ffff_ffff_ffffn;
    if (this.status.length > 0) {
      if (this.statusAt < this.status.length) best = this.status[this.statusAt]!.ts;
      return best;
    }
    for (const w of this.windows) {
      if (w.start > ts && w.start < best) best = w.start;
      if (w.end > ts && w.end < best) best = w.end;
    }
    if (this.openNs !== undefined && this.lenNs > 0n) {
      const day = ts - (((ts % NS_PER_DAY) + NS_PER_DAY) % NS_PER_DAY);
      for (const d of [day - NS_PER_DAY, day, day + NS_PER_DAY]) {
        for (const b of [d + this.openNs - this.lenNs, d + this.openNs]) if (b > ts && b < best) best = b;
      }
    }
    return best;
  }

  /** Status mode: the changes with ts ≤ now not yet handed out. */
  changesUpTo(now: bigint): StatusChange[] {
    const out: StatusChange[] = [];
    while (this.statusAt < this.status.length && this.status[this.statusAt]!.ts <= now) out.push(this.status[this.statusAt++]!);
    return out;
  }
}

/** Status changes from a Databento status file (any DBN version), on the exchange clock (ts_event). */
export async function loadStatusChanges(file: string): Promise<StatusChange[]> {
  const { readDbnAll } = await import('../data/dbn/index.js');
  const r = await readDbnAll(file, { expectSchema: 'status' });
  const out: StatusChange[] = [];
  for (const b of r.batches) {
    const act = b.columns.action as Uint16Array;
    const ids = b.columns.instrument_id as Uint32Array;
    const ts = b.columns.ts_event as BigUint64Array;
    for (let i = 0; i < b.length; i++) {
      const pre = statusIsPreopen(act[i]!);
      if (pre === undefined) continue;
      out.push({ ts: ts[i]!, instrumentId: ids[i] === 0 ? undefined : ids[i]!, preopen: pre });
    }
  }
  return out;
}
