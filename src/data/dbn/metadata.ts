// The DBN metadata header: prelude ("DBN", version byte, u32 metadata length) and the metadata
// proper (rust/dbn/src/decode/dbn/fsm.rs decode_metadata_impl, encode/dbn.rs MetadataEncoder).
// Layout after the 8-byte prelude:
//   dataset c_char[16] | schema u16 | start u64 | end u64 | limit u64 | [v1: record_count u64]
//   | stype_in u8 | stype_out u8 | ts_out u8 | [v2+: symbol_cstr_len u16]
//   | reserved (v1: 47, v2+: 53) | schema_definition_length u32 (must be 0)
//   | symbols, partial, not_found: u32 count + count x c_char[symbol_cstr_len]
//   | mappings: u32 count, each raw_symbol c_char[L], u32 interval count,
//       each interval start_date u32 (YYYYMMDD), end_date u32, symbol c_char[L]
// Version 3 pads the metadata length to a multiple of 8 so records stay 8-byte aligned.
import type { SchemaName } from '../batch.js';
import { NULL_SCHEMA, NULL_STYPE, UNDEF_TIMESTAMP, schemaFromId, schemaId, stypeFromId, stypeId } from './enums.js';
import { DbnError } from './errors.js';
import { isSupportedVersion, type DbnVersion } from './layouts/index.js';

export interface MappingInterval {
  /** First UTC date of the interval, `YYYY-MM-DD` (inclusive). */
  start_date: string;
  /** End UTC date, `YYYY-MM-DD` (exclusive, as Databento defines it). */
  end_date: string;
  /** The output symbol (for stype_out instrument_id: the instrument id in decimal). */
  symbol: string;
}

export interface SymbolMapping {
  raw_symbol: string;
  intervals: MappingInterval[];
}

/** The metadata header, with Databento's field names. */
export interface DbnMetadata {
  version: DbnVersion;
  dataset: string;
  /** null when the file mixes schemas. */
  schema: SchemaName | null;
  /** Query start, ns since the UNIX epoch. */
  start: bigint;
  /** Query end (exclusive), ns; null when undefined. */
  end: bigint | null;
  /** Record limit of the query; null when none. */
  limit: bigint | null;
  stype_in: string | null;
  stype_out: string;
  /** Whether every record carries an appended u64 `ts_out` (live gateway send time). */
  ts_out: boolean;
  /** Length of fixed symbol strings: 22 in v1, 71 in v2 and v3. */
  symbol_cstr_len: number;
  symbols: string[];
  partial: string[];
  not_found: string[];
  mappings: SymbolMapping[];
}

export const DBN_MAGIC = [0x44, 0x42, 0x4e] as const; // "DBN"
export const PRELUDE_LEN = 8;
const DATASET_CSTR_LEN = 16;
const METADATA_FIXED_LEN = 100;
const RESERVED_V1 = 47;
const RESERVED_V2 = 53;
export const SYMBOL_CSTR_LEN_V1 = 22;
export const SYMBOL_CSTR_LEN_V2 = 71;

const latin1 = new TextDecoder('latin1');

/** Reads a NUL-padded C string (stops at the first NUL). */
export function readCStr(bytes: Uint8Array, offset: number, len: number): string {
  let end = offset;
  const max = offset + len;
  while (end < max && bytes[end] !== 0) end++;
  return latin1.decode(bytes.subarray(offset, end));
}

/** Checks the 8-byte prelude; returns the version and metadata length. */
export function decodePrelude(bytes: Uint8Array, file: string): { version: DbnVersion; length: number } {
  if (bytes.length < PRELUDE_LEN) {
    throw new DbnError('truncated', file, bytes.length, -1, 'an 8-byte DBN prelude', `${bytes.length} bytes`);
  }
  if (bytes[0] !== DBN_MAGIC[0] || bytes[1] !== DBN_MAGIC[1] || bytes[2] !== DBN_MAGIC[2]) {
    const hex = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
    throw new DbnError('bad-magic', file, 0, -1, `"DBN" (44 42 4e) or zstd magic (28 b5 2f fd)`, hex);
  }
  const version = bytes[3]!;
  if (!isSupportedVersion(version)) {
    throw new DbnError('unknown-version', file, 3, -1, 'DBN version 1, 2 or 3', `version ${version}`);
  }
  const length = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(4, true);
  if (length < METADATA_FIXED_LEN) {
    throw new DbnError('bad-metadata', file, 4, -1, `metadata length >= ${METADATA_FIXED_LEN}`, String(length));
  }
  return { version, length };
}

/** Decodes the metadata; `bytes` starts at the prelude and holds at least 8 + length bytes. */
export function decodeMetadata(bytes: Uint8Array, file: string): DbnMetadata {
  const { version, length } = decodePrelude(bytes, file);
  const end = PRELUDE_LEN + length;
  if (bytes.length < end) {
    throw new DbnError('truncated', file, bytes.length, -1, `${end} bytes of metadata`, `${bytes.length} bytes`);
  }
  const dv = new DataView(bytes.buffer, bytes.byteOffset, end);
  let pos = PRELUDE_LEN;
  const bad = (what: string, found: string): never => {
    throw new DbnError('bad-metadata', file, pos, -1, what, found);
  };
  const need = (n: number, what: string) => {
    if (pos + n > end) throw new DbnError('bad-metadata', file, pos, -1, `${what} within the ${length}-byte metadata`, 'end of metadata');
  };

  const dataset = readCStr(bytes, pos, DATASET_CSTR_LEN);
  pos += DATASET_CSTR_LEN;
  const rawSchema = dv.getUint16(pos, true);
  const schema = schemaFromId(rawSchema);
  if (schema === undefined) bad('a schema id 0..19 or 0xffff', String(rawSchema));
  pos += 2;
  const start = dv.getBigUint64(pos, true);
  pos += 8;
  const endTs = dv.getBigUint64(pos, true);
  pos += 8;
  const limit = dv.getBigUint64(pos, true);
  pos += 8;
  if (version === 1) pos += 8; // deprecated record_count
  const stypeIn = stypeFromId(bytes[pos]!);
  if (stypeIn === undefined) bad('a symbology type id', String(bytes[pos]));
  pos += 1;
  const stypeOut = stypeFromId(bytes[pos]!);
  if (stypeOut === undefined || stypeOut === null) bad('a symbology type id', String(bytes[pos]));
  pos += 1;
  const tsOut = bytes[pos] !== 0;
  pos += 1;
  let symbolCstrLen = SYMBOL_CSTR_LEN_V1;
  if (version > 1) {
    symbolCstrLen = dv.getUint16(pos, true);
    if (symbolCstrLen === 0) bad('symbol_cstr_len > 0', '0');
    pos += 2;
    pos += RESERVED_V2;
  } else {
    pos += RESERVED_V1;
  }
  const schemaDefLen = dv.getUint32(pos, true);
  if (schemaDefLen !== 0) bad('schema_definition_length 0 (schema definitions are not part of DBN 1-3)', String(schemaDefLen));
  pos += 4;

  const repeated = (what: string): string[] => {
    need(4, `${what} count`);
    const count = dv.getUint32(pos, true);
    pos += 4;
    need(count * symbolCstrLen, `${count} ${what}`);
    const out: string[] = [];
    for (let i = 0; i < count; i++) {
      out.push(readCStr(bytes, pos, symbolCstrLen));
      pos += symbolCstrLen;
    }
    return out;
  };
  const symbols = repeated('symbols');
  const partial = repeated('partial symbols');
  const notFound = repeated('not_found symbols');

  need(4, 'mappings count');
  const mappingCount = dv.getUint32(pos, true);
  pos += 4;
  const mappings: SymbolMapping[] = [];
  for (let m = 0; m < mappingCount; m++) {
    need(symbolCstrLen + 4, `symbol mapping ${m}`);
    const rawSymbol = readCStr(bytes, pos, symbolCstrLen);
    pos += symbolCstrLen;
    const n = dv.getUint32(pos, true);
    pos += 4;
    need(n * (8 + symbolCstrLen), `${n} intervals of symbol mapping ${m}`);
    const intervals: MappingInterval[] = [];
    for (let i = 0; i < n; i++) {
      const s = decodeDate(dv.getUint32(pos, true));
      const e = decodeDate(dv.getUint32(pos + 4, true));
      if (s === null || e === null) bad(`YYYYMMDD dates in interval ${i} of mapping ${m}`, `${dv.getUint32(pos, true)}, ${dv.getUint32(pos + 4, true)}`);
      pos += 8;
      intervals.push({ start_date: s!, end_date: e!, symbol: readCStr(bytes, pos, symbolCstrLen) });
      pos += symbolCstrLen;
    }
    mappings.push({ raw_symbol: rawSymbol, intervals });
  }

  return {
    version,
    dataset,
    schema: schema ?? null,
    start,
    end: endTs === UNDEF_TIMESTAMP ? null : endTs,
    limit: limit === 0n ? null : limit,
    stype_in: stypeIn ?? null,
    stype_out: stypeOut!,
    ts_out: tsOut,
    symbol_cstr_len: symbolCstrLen,
    symbols,
    partial,
    not_found: notFound,
    mappings,
  };
}

function decodeDate(raw: number): string | null {
  const y = Math.floor(raw / 10000);
  const m = Math.floor((raw % 10000) / 100);
  const d = raw % 100;
  if (m < 1 || m > 12 || d < 1 || d > 31) return null;
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

function encodeDate(s: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) throw new Error(`mapping interval date '${s}' is not YYYY-MM-DD`);
  return Number(m[1]) * 10000 + Number(m[2]) * 100 + Number(m[3]);
}

/**
 * Encodes metadata as DBN version 3 (symbol_cstr_len 71, length padded to a multiple of 8),
 * prelude included. Strings must be ASCII and shorter than 71 characters.
 */
export function encodeMetadataV3(meta: Omit<DbnMetadata, 'version' | 'symbol_cstr_len'>): Uint8Array {
  const L = SYMBOL_CSTR_LEN_V2;
  const cstrCount = meta.symbols.length + meta.partial.length + meta.not_found.length;
  let needed = METADATA_FIXED_LEN + 4 * 5 + cstrCount * L;
  for (const m of meta.mappings) needed += L + 4 + m.intervals.length * (8 + L);
  const length = needed % 8 === 0 ? needed : needed + (8 - (needed % 8));
  const out = new Uint8Array(PRELUDE_LEN + length);
  const dv = new DataView(out.buffer);
  out.set(DBN_MAGIC, 0);
  out[3] = 3;
  dv.setUint32(4, length, true);
  let pos = PRELUDE_LEN;
  const cstr = (s: string, len: number, what: string) => {
    if (s.length >= len) throw new Error(`${what} '${s}' is too long for DBN: at most ${len - 1} characters`);
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c > 0x7f) throw new Error(`${what} '${s}' is not ASCII`);
      out[pos + i] = c;
    }
    pos += len;
  };
  cstr(meta.dataset, DATASET_CSTR_LEN, 'dataset');
  dv.setUint16(pos, meta.schema === null ? NULL_SCHEMA : schemaId(meta.schema), true);
  pos += 2;
  dv.setBigUint64(pos, meta.start, true);
  pos += 8;
  dv.setBigUint64(pos, meta.end ?? UNDEF_TIMESTAMP, true);
  pos += 8;
  dv.setBigUint64(pos, meta.limit ?? 0n, true);
  pos += 8;
  out[pos++] = meta.stype_in === null ? NULL_STYPE : stypeId(meta.stype_in);
  out[pos++] = stypeId(meta.stype_out);
  out[pos++] = meta.ts_out ? 1 : 0;
  dv.setUint16(pos, L, true);
  pos += 2 + RESERVED_V2;
  dv.setUint32(pos, 0, true); // schema_definition_length
  pos += 4;
  for (const [list, what] of [[meta.symbols, 'symbol'], [meta.partial, 'partial symbol'], [meta.not_found, 'not_found symbol']] as const) {
    dv.setUint32(pos, list.length, true);
    pos += 4;
    for (const s of list) cstr(s, L, what);
  }
  dv.setUint32(pos, meta.mappings.length, true);
  pos += 4;
  for (const m of meta.mappings) {
    cstr(m.raw_symbol, L, 'raw_symbol');
    dv.setUint32(pos, m.intervals.length, true);
    pos += 4;
    for (const iv of m.intervals) {
      dv.setUint32(pos, encodeDate(iv.start_date), true);
      dv.setUint32(pos + 4, encodeDate(iv.end_date), true);
      pos += 8;
      cstr(iv.symbol, L, 'mapping symbol');
    }
  }
  return out;
}
