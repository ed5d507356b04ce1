// DBN enumerations: record types (rtype), schema ids, symbology types and flag bits, with the
// numeric values of Databento's `dbn` crate (rust/dbn/src/enums.rs). The mapping rtype -> schema
// name is what lets one decoder handle files whose metadata schema is null (mixed streams).
import type { SchemaName } from '../batch.js';

/** Record type byte (`RecordHeader.rtype`). */
export const RType = {
  MBP_0: 0x00, // trades
  MBP_1: 0x01, // mbp-1 and tbbo
  MBP_10: 0x0a,
  OHLCV_DEPRECATED: 0x11,
  STATUS: 0x12,
  INSTRUMENT_DEF: 0x13,
  IMBALANCE: 0x14,
  ERROR: 0x15,
  SYMBOL_MAPPING: 0x16,
  SYSTEM: 0x17,
  STATISTICS: 0x18,
  OHLCV_1S: 0x20,
  OHLCV_1M: 0x21,
  OHLCV_1H: 0x22,
  OHLCV_1D: 0x23,
  OHLCV_EOD: 0x24,
  MBO: 0xa0,
  CMBP_1: 0xb1,
  CBBO_1S: 0xc0,
  CBBO_1M: 0xc1,
  TCBBO: 0xc2,
  BBO_1S: 0xc3,
  BBO_1M: 0xc4,
} as const;

/** Schema ids as stored in the metadata header (u16; 0xFFFF = no single schema). */
export const SCHEMA_IDS: readonly SchemaName[] = [
  'mbo', // 0
  'mbp-1', // 1
  'mbp-10', // 2
  'tbbo', // 3
  'trades', // 4
  'ohlcv-1s', // 5
  'ohlcv-1m', // 6
  'ohlcv-1h', // 7
  'ohlcv-1d', // 8
  'definition', // 9
  'statistics', // 10
  'status', // 11
  'imbalance', // 12
  'ohlcv-eod', // 13
  'cmbp-1', // 14
  'cbbo-1s', // 15
  'cbbo-1m', // 16
  'tcbbo', // 17
  'bbo-1s', // 18
  'bbo-1m', // 19
];
export const NULL_SCHEMA = 0xffff;

export function schemaFromId(id: number): SchemaName | null | undefined {
  if (id === NULL_SCHEMA) return null;
  return SCHEMA_IDS[id];
}

export function schemaId(schema: SchemaName | null): number {
  if (schema === null) return NULL_SCHEMA;
  const id = SCHEMA_IDS.indexOf(schema);
  if (id < 0) throw new Error(`unknown DBN schema '${schema}'`);
  return id;
}

/** The rtype every record of a schema carries. */
export const SCHEMA_RTYPE: Record<SchemaName, number> = {
  mbo: RType.MBO,
  'mbp-1': RType.MBP_1,
  'mbp-10': RType.MBP_10,
  tbbo: RType.MBP_1,
  trades: RType.MBP_0,
  'ohlcv-1s': RType.OHLCV_1S,
  'ohlcv-1m': RType.OHLCV_1M,
  'ohlcv-1h': RType.OHLCV_1H,
  'ohlcv-1d': RType.OHLCV_1D,
  'ohlcv-eod': RType.OHLCV_EOD,
  definition: RType.INSTRUMENT_DEF,
  statistics: RType.STATISTICS,
  status: RType.STATUS,
  imbalance: RType.IMBALANCE,
  'cmbp-1': RType.CMBP_1,
  'cbbo-1s': RType.CBBO_1S,
  'cbbo-1m': RType.CBBO_1M,
  tcbbo: RType.TCBBO,
  'bbo-1s': RType.BBO_1S,
  'bbo-1m': RType.BBO_1M,
};

/**
 * The schema a batch of records with this rtype belongs to. rtype 0x01 serves both mbp-1 and
 * tbbo; the file's metadata schema decides (`hint`). Returns undefined for gateway records
 * (system, error, symbol mapping) and unknown rtypes.
 */
export function schemaForRType(rtype: number, hint: SchemaName | null): SchemaName | undefined {
  if (hint !== null && SCHEMA_RTYPE[hint] === rtype) return hint;
  switch (rtype) {
    case RType.MBP_0: return 'trades';
    case RType.MBP_1: return 'mbp-1';
    case RType.MBP_10: return 'mbp-10';
    case RType.OHLCV_1S: return 'ohlcv-1s';
    case RType.OHLCV_1M: return 'ohlcv-1m';
    case RType.OHLCV_1H: return 'ohlcv-1h';
    case RType.OHLCV_1D: return 'ohlcv-1d';
    case RType.OHLCV_EOD: return 'ohlcv-eod';
    case RType.STATUS: return 'status';
    case RType.INSTRUMENT_DEF: return 'definition';
    case RType.IMBALANCE: return 'imbalance';
    case RType.STATISTICS: return 'statistics';
    case RType.MBO: return 'mbo';
    case RType.CMBP_1: return 'cmbp-1';
    case RType.CBBO_1S: return 'cbbo-1s';
    case RType.CBBO_1M: return 'cbbo-1m';
    case RType.TCBBO: return 'tcbbo';
    case RType.BBO_1S: return 'bbo-1s';
    case RType.BBO_1M: return 'bbo-1m';
    default: return undefined;
  }
}

/** Symbology types (metadata stype_in / stype_out). */
export const STYPE_NAMES: readonly string[] = [
  'instrument_id', // 0
  'raw_symbol', // 1
  'smart', // 2 (deprecated)
  'continuous', // 3
  'parent', // 4
  'nasdaq_symbol', // 5
  'cms_symbol', // 6
  'isin', // 7
  'us_code', // 8
  'bbg_comp_id', // 9
  'bbg_comp_ticker', // 10
  'figi', // 11
  'figi_ticker', // 12
];
export const NULL_STYPE = 0xff;

export function stypeFromId(id: number): string | null | undefined {
  if (id === NULL_STYPE) return null;
  return STYPE_NAMES[id];
}

export function stypeId(name: string | null): number {
  if (name === null) return NULL_STYPE;
  const id = STYPE_NAMES.indexOf(name);
  if (id < 0) throw new Error(`unknown DBN symbology type '${name}'`);
  return id;
}

/** Bits of the `flags` field. */
export const Flags = {
  LAST: 0x80,
  TOB: 0x40,
  SNAPSHOT: 0x20,
  MBP: 0x10,
  BAD_TS_RECV: 0x08,
  MAYBE_BAD_BOOK: 0x04,
} as const;

/** Sentinels. */
export const UNDEF_TIMESTAMP = 0xffff_ffff_ffff_ffffn;
export const UNDEF_STAT_QUANTITY_V1 = 0x7fff_ffff; // i32::MAX (v1, v2)
export const UNDEF_STAT_QUANTITY_V3 = 0x7fff_ffff_ffff_ffffn; // i64::MAX
