// The cache manifest: a small JSON file beside the column files that says what they hold and where
// they came from. A cache entry is valid only if its manifest parses, has this format version, and
// every column file has exactly rows x width bytes.
import type { SchemaName } from '../batch.js';

export const CACHE_FORMAT = 'contango-columnar-cache';
export const CACHE_VERSION = 1;

/** Element types of the column files (little-endian, fixed width). */
export type CacheColumnType = 'u8' | 'i8' | 'u16' | 'i16' | 'u32' | 'i32' | 'u64' | 'i64' | 'f64';

export interface CacheColumn {
  name: string;
  type: CacheColumnType;
  /** File name inside the entry directory. */
  file: string;
}

/** A string column stored as u32 codes into a dictionary kept in the manifest. */
export interface CacheStringColumn {
  name: string;
  file: string;
  dictionary: string[];
}

export interface CacheManifest {
  format: typeof CACHE_FORMAT;
  version: typeof CACHE_VERSION;
  schema: SchemaName;
  rows: number;
  columns: CacheColumn[];
  strings: CacheStringColumn[];
  source: {
    path: string;
    format: string;
    size: number;
    mtimeMs: number;
    sha256: string;
  };
  /** Options that change the content (a tolerant build drops bad rows). */
  build: { tolerate: boolean; skipped: number; skippedExamples: string[] };
  /** DBN metadata of the source (bigints as decimal strings), when the source was DBN. */
  sourceMetadata?: unknown;
  createdAt: string;
  createdBy: string;
}

export const WIDTH: Record<CacheColumnType, number> = {
  u8: 1, i8: 1, u16: 2, i16: 2, u32: 4, i32: 4, u64: 8, i64: 8, f64: 8,
};

type Ctor = new (buffer: ArrayBuffer, byteOffset: number, length: number) => ArrayBufferView;
export const CTOR: Record<CacheColumnType, Ctor> = {
  u8: Uint8Array, i8: Int8Array, u16: Uint16Array, i16: Int16Array, u32: Uint32Array, i32: Int32Array,
  u64: BigUint64Array, i64: BigInt64Array, f64: Float64Array,
};

export function typeOfColumn(col: ArrayBufferView): CacheColumnType {
  if (col instanceof Uint8Array) return 'u8';
  if (col instanceof Int8Array) return 'i8';
  if (col instanceof Uint16Array) return 'u16';
  if (col instanceof Int16Array) return 'i16';
  if (col instanceof Uint32Array) return 'u32';
  if (col instanceof Int32Array) return 'i32';
  if (col instanceof BigUint64Array) return 'u64';
  if (col instanceof BigInt64Array) return 'i64';
  if (col instanceof Float64Array) return 'f64';
  throw new Error(`unsupported column type ${col.constructor.name}`);
}

/** Column names become file names: keep them to a safe alphabet. */
export function columnFileName(name: string, suffix = '.bin'): string {
  if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`column name '${name}' is not safe as a file name`);
  return name + suffix;
}

export function parseManifest(text: string, where: string): CacheManifest {
  const m = JSON.parse(text) as CacheManifest;
  if (m.format !== CACHE_FORMAT || m.version !== CACHE_VERSION) {
    throw new Error(`${where}: not a ${CACHE_FORMAT} v${CACHE_VERSION} manifest`);
  }
  return m;
}

/** JSON.stringify that writes bigints as decimal strings. */
export function jsonWithBigInt(v: unknown): string {
  return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x), 2);
}

/** Directory name of an entry: content hash, schema, and whether bad rows were dropped. */
export function entryName(sha256: string, schema: SchemaName, tolerate: boolean): string {
  return `${sha256}.${schema}${tolerate ? '.tolerant' : ''}`;
}
