// instrument_id -> symbol, from the symbology mappings in DBN metadata, resolved the way Databento's
// client does for the parquet `symbol` column: by the UTC date of the row's index timestamp, each
// interval covering [start_date, end_date).

/** One mapping interval. Dates as YYYYMMDD numbers (DBN metadata), 'YYYY-MM-DD' strings or Dates. */
export interface MappingInterval {
  start_date: number | string | Date;
  end_date: number | string | Date;
  /** The output symbol: for stype_out instrument_id, the instrument id as a string. */
  symbol: string;
}
export interface SymbolMapping {
  raw_symbol: string;
  intervals: MappingInterval[];
}

export type SymbolResolver = (instrumentId: number, tsNs: bigint) => string | undefined;

function ymd(d: number | string | Date): number {
  if (typeof d === 'number') return d;
  if (d instanceof Date) return d.getUTCFullYear() * 10000 + (d.getUTCMonth() + 1) * 100 + d.getUTCDate();
  const m = /^(\d{4})-?(\d{2})-?(\d{2})/.exec(d);
  if (!m) throw new Error(`symbol mapping: cannot read date '${d}'`);
  return Number(m[1]) * 10000 + Number(m[2]) * 100 + Number(m[3]);
}

const NS_PER_DAY = 86_400_000_000_000n;

/** YYYYMMDD of a UNIX-nanosecond timestamp, in UTC. */
export function utcYmd(tsNs: bigint): number {
  const days = Number(tsNs / NS_PER_DAY);
  const d = new Date(days * 86_400_000);
  return d.getUTCFullYear() * 10000 + (d.getUTCMonth() + 1) * 100 + d.getUTCDate();
}

/**
 * A resolver over Databento mappings where the intervals' `symbol` is the instrument id (stype_out
 * instrument_id, the usual case): the row's symbol is the mapping's raw_symbol.
 */
export function symbolResolver(mappings: readonly SymbolMapping[]): SymbolResolver {
  const byId = new Map<number, { start: number; end: number; symbol: string }[]>();
  for (const m of mappings) {
    for (const iv of m.intervals) {
      const id = Number(iv.symbol);
      if (!Number.isInteger(id) || iv.symbol === '') continue;
      let list = byId.get(id);
      if (!list) byId.set(id, (list = []));
      list.push({ start: ymd(iv.start_date), end: ymd(iv.end_date), symbol: m.raw_symbol });
    }
  }
  // Rows come in time order: remember the last hit per instrument.
  let lastDay = -1;
  const dayCache = new Map<number, string | undefined>();
  let lastDayTs = -1n;
  return (instrumentId, tsNs) => {
    const list = byId.get(instrumentId);
    if (!list) return undefined;
    if (list.length === 1 && list[0]!.start <= 0) return list[0]!.symbol;
    // Cheap day bucketing: recompute the date only when the day changes.
    const dayTs = tsNs / NS_PER_DAY;
    if (dayTs !== lastDayTs) {
      lastDayTs = dayTs;
      lastDay = utcYmd(tsNs);
      dayCache.clear();
    }
    if (dayCache.has(instrumentId)) return dayCache.get(instrumentId);
    const hit = list.find((iv) => iv.start <= lastDay && lastDay < iv.end)?.symbol;
    dayCache.set(instrumentId, hit);
    return hit;
  };
}
