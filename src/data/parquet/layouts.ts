// The parquet layouts Databento's Python client writes (`DBNStore.to_parquet`), one per schema.
// Column order is the client's: the struct's ordered fields minus the index column, then `symbol`,
// then the index column last (pyarrow appends pandas index columns after the data columns). The
// index is `ts_recv`, or `ts_event` for schemas without ts_recv (OHLCV).
//
// Each column has a kind that says how it is stored in parquet and how it lands in a ColumnBatch:
//   ts     timestamp[ns, UTC] in parquet; BigUint64Array of ns in the batch
//   price  float64 (NaN = undefined) or int64 1e-9 (price_type="fixed"); BigInt64Array 1e-9
//   char   one-character string; Uint8Array of ASCII codes
//   u8..u64, i32: integers of that width (any integer width accepted on read, range-checked)
//   symbol string column from the symbology map; `strings.symbol` in the batch
import type { Column, SchemaName } from '../batch.js';

export type ColumnKind = 'ts' | 'price' | 'char' | 'u8' | 'u16' | 'u32' | 'i32' | 'u64' | 'symbol';

export interface ColumnSpec {
  name: string;
  kind: ColumnKind;
}

export interface ParquetLayout {
  schema: SchemaName;
  /** The pandas index column, written last. */
  index: 'ts_recv' | 'ts_event';
  /** Every column in file order, index column included (last), `symbol` included. */
  columns: readonly ColumnSpec[];
  /**
   * Price columns that must be defined on every row ('always'), only on rows whose action
   * carries a price (A, C, M, T, F: 'by-action'), or never required (book levels may be empty).
   */
  priceRule: Readonly<Record<string, 'always' | 'by-action' | 'never'>>;
}

const c = (name: string, kind: ColumnKind): ColumnSpec => ({ name, kind });

function levels(count: number): ColumnSpec[] {
  const out: ColumnSpec[] = [];
  for (let i = 0; i < count; i++) {
    const s = String(i).padStart(2, '0');
    out.push(c(`bid_px_${s}`, 'price'), c(`ask_px_${s}`, 'price'), c(`bid_sz_${s}`, 'u32'));
    out.push(c(`ask_sz_${s}`, 'u32'), c(`bid_ct_${s}`, 'u32'), c(`ask_ct_${s}`, 'u32'));
  }
  return out;
}

const HEAD = [c('ts_event', 'ts'), c('rtype', 'u8'), c('publisher_id', 'u16'), c('instrument_id', 'u32')];
const MBP_BODY = [
  c('action', 'char'), c('side', 'char'), c('depth', 'u8'), c('price', 'price'), c('size', 'u32'),
  c('flags', 'u8'), c('ts_in_delta', 'i32'), c('sequence', 'u32'),
];
const TAIL_RECV = [c('symbol', 'symbol'), c('ts_recv', 'ts')];

function levelRules(count: number): Record<string, 'never'> {
  const r: Record<string, 'never'> = {};
  for (let i = 0; i < count; i++) {
    const s = String(i).padStart(2, '0');
    r[`bid_px_${s}`] = 'never';
    r[`ask_px_${s}`] = 'never';
  }
  return r;
}

const MBO: ParquetLayout = {
  schema: 'mbo',
  index: 'ts_recv',
  columns: [
    ...HEAD, c('action', 'char'), c('side', 'char'), c('price', 'price'), c('size', 'u32'),
    c('channel_id', 'u8'), c('order_id', 'u64'), c('flags', 'u8'), c('ts_in_delta', 'i32'),
    c('sequence', 'u32'), ...TAIL_RECV,
  ],
  priceRule: { price: 'by-action' },
};

const TRADES: ParquetLayout = {
  schema: 'trades',
  index: 'ts_recv',
  columns: [...HEAD, ...MBP_BODY, ...TAIL_RECV],
  priceRule: { price: 'by-action' },
};

const mbp = (schema: SchemaName, depth: number): ParquetLayout => ({
  schema,
  index: 'ts_recv',
  columns: [...HEAD, ...MBP_BODY, ...levels(depth), ...TAIL_RECV],
  priceRule: { price: 'by-action', ...levelRules(depth) },
});

const bbo = (schema: SchemaName): ParquetLayout => ({
  schema,
  index: 'ts_recv',
  columns: [
    ...HEAD, c('side', 'char'), c('price', 'price'), c('size', 'u32'), c('flags', 'u8'),
    c('sequence', 'u32'), ...levels(1), ...TAIL_RECV,
  ],
  // The last trade's price is undefined in an interval without trades.
  priceRule: { price: 'never', ...levelRules(1) },
});

const ohlcv = (schema: SchemaName): ParquetLayout => ({
  schema,
  index: 'ts_event',
  columns: [
    c('rtype', 'u8'), c('publisher_id', 'u16'), c('instrument_id', 'u32'), c('open', 'price'),
    c('high', 'price'), c('low', 'price'), c('close', 'price'), c('volume', 'u64'),
    c('symbol', 'symbol'), c('ts_event', 'ts'),
  ],
  priceRule: { open: 'always', high: 'always', low: 'always', close: 'always' },
});

/** Layouts by schema name. */
export const PARQUET_LAYOUTS: Readonly<Partial<Record<SchemaName, ParquetLayout>>> = {
  mbo: MBO,
  trades: TRADES,
  'mbp-1': mbp('mbp-1', 1),
  tbbo: mbp('tbbo', 1),
  'mbp-10': mbp('mbp-10', 10),
  'bbo-1s': bbo('bbo-1s'),
  'bbo-1m': bbo('bbo-1m'),
  'ohlcv-1s': ohlcv('ohlcv-1s'),
  'ohlcv-1m': ohlcv('ohlcv-1m'),
  'ohlcv-1h': ohlcv('ohlcv-1h'),
  'ohlcv-1d': ohlcv('ohlcv-1d'),
  'ohlcv-eod': ohlcv('ohlcv-eod'),
};

export function layoutFor(schema: SchemaName): ParquetLayout {
  const l = PARQUET_LAYOUTS[schema];
  if (!l) {
    throw new Error(
      `schema '${schema}' has no parquet layout here; supported: ${Object.keys(PARQUET_LAYOUTS).join(', ')}`,
    );
  }
  return l;
}

// rtype values (Databento RType) that tell OHLCV and BBO intervals apart.
const OHLCV_BY_RTYPE: Record<number, SchemaName> = {
  0x20: 'ohlcv-1s', 0x21: 'ohlcv-1m', 0x22: 'ohlcv-1h', 0x23: 'ohlcv-1d', 0x24: 'ohlcv-eod',
};
const BBO_BY_RTYPE: Record<number, SchemaName> = { 0xc3: 'bbo-1s', 0xc4: 'bbo-1m' };

/**
 * Guess the schema from the column names (and the first row's rtype where the columns alone are
 * ambiguous). TBBO and MBP-1 share columns and rtype: a TBBO file reads as 'mbp-1' unless the
 * caller names the schema.
 */
export function inferSchema(names: ReadonlySet<string>, firstRtype: number | undefined): SchemaName | undefined {
  if (names.has('order_id')) return 'mbo';
  if (names.has('open') && names.has('close')) return OHLCV_BY_RTYPE[firstRtype ?? 0x21] ?? 'ohlcv-1m';
  if (names.has('bid_px_09')) return 'mbp-10';
  if (names.has('bid_px_00') && names.has('depth')) return 'mbp-1';
  if (names.has('bid_px_00')) return BBO_BY_RTYPE[firstRtype ?? 0xc4] ?? 'bbo-1m';
  if (names.has('depth') && names.has('price')) return 'trades';
  return undefined;
}

/** The typed array a batch column of this kind uses. */
export function allocColumn(kind: ColumnKind, n: number): Column {
  switch (kind) {
    case 'ts':
    case 'u64':
      return new BigUint64Array(n);
    case 'price':
      return new BigInt64Array(n);
    case 'char':
    case 'u8':
      return new Uint8Array(n);
    case 'u16':
      return new Uint16Array(n);
    case 'u32':
      return new Uint32Array(n);
    case 'i32':
      return new Int32Array(n);
    case 'symbol':
      throw new Error('symbol is a string column');
  }
}

/** Actions whose records carry a price in MBO/MBP/trades (R clear and N none may not). */
export const PRICED_ACTIONS: ReadonlySet<number> = new Set(['A', 'C', 'M', 'T', 'F'].map((s) => s.charCodeAt(0)));
