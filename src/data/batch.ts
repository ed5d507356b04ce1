// Columnar batches: the one in-memory shape every reader (DBN, parquet, cache) produces and every
// consumer (replay, backtest, convert) takes. Field names are Databento's field names, so a column
// means the same thing whichever file it came from.
//
// Scales (see docs/scales.md): prices are i64 in units of 1e-9 (undefined price = INT64_MAX);
// timestamps are u64 nanoseconds since the UNIX epoch; sizes are integer lots; `action` and `side`
// are ASCII codes in a Uint8Array ('A' = 65, 'B' = 66, ...).

export type Column =
  | Uint8Array
  | Int8Array
  | Uint16Array
  | Int16Array
  | Uint32Array
  | Int32Array
  | BigUint64Array
  | BigInt64Array
  | Float64Array;

/** Databento schema names, as Databento spells them. */
export type SchemaName =
  | 'mbo'
  | 'mbp-1'
  | 'mbp-10'
  | 'tbbo'
  | 'trades'
  | 'bbo-1s'
  | 'bbo-1m'
  | 'cbbo-1s'
  | 'cbbo-1m'
  | 'tcbbo'
  | 'cmbp-1'
  | 'ohlcv-1s'
  | 'ohlcv-1m'
  | 'ohlcv-1h'
  | 'ohlcv-1d'
  | 'ohlcv-eod'
  | 'definition'
  | 'statistics'
  | 'status'
  | 'imbalance';

/**
 * A run of records of one schema, one typed array per fixed-width field. `length` is the number of
 * rows; every column has exactly `length` elements. String fields (symbols in definitions, the
 * parquet `symbol` column) live in `strings`, one JS string per row.
 */
export interface ColumnBatch {
  schema: SchemaName;
  length: number;
  columns: Record<string, Column>;
  strings?: Record<string, string[]>;
}

/** Databento's sentinel for an undefined price. */
export const UNDEF_PRICE = 0x7fff_ffff_ffff_ffffn;
/** Databento's fixed-point price scale: 1 unit = 1e-9. */
export const PRICE_SCALE = 1_000_000_000n;
