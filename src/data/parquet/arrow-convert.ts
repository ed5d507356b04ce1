// One arrow column chunk (as decoded from a parquet row group) -> one ColumnBatch column.
//
// Accepts what Databento's client writes and what other tools write for the same columns:
// timestamps in s/ms/us/ns with or without a time zone (or raw integer nanoseconds, as with
// pretty_ts=False), integers of any width (range-checked against the Databento width), integral
// float64 where an integer is expected (pandas turns an integer column with gaps into float64),
// strings as utf8, large_utf8, utf8_view or dictionary-encoded, and float64 or integer prices.
// Type mismatches throw; value problems go to `bad(row, problem)`, which throws or marks the row
// for skipping (tolerant mode).
import * as arrow from 'apache-arrow';
import type { Column } from '../batch.js';
import { UNDEF_PRICE } from '../batch.js';
import { convertFloatPrices } from './fixed-point.js';
import type { ColumnKind } from './layouts.js';
import { allocColumn } from './layouts.js';

const T = arrow.Type;
/** Databento's undefined timestamp (u64::MAX); pandas writes it as NaT (null). */
export const UNDEF_TS = 0xffff_ffff_ffff_ffffn;

export interface ConvertContext {
  column: string;
  /** Report a bad value in row `i` of this chunk. Throws in strict mode. */
  bad: (i: number, problem: string) => void;
  /** Throw a type error for the whole column. */
  wrongType: (problem: string) => never;
}

const INT_RANGE: Record<string, [number, number]> = {
  u8: [0, 0xff],
  u16: [0, 0xffff],
  u32: [0, 0xffff_ffff],
  i32: [-0x8000_0000, 0x7fff_ffff],
};

type SmallCtor = new (buffer: ArrayBufferLike, byteOffset: number, length: number) => Uint8Array | Uint16Array | Uint32Array | Int32Array;
const SMALL_CTOR: Record<string, SmallCtor> = { u8: Uint8Array, u16: Uint16Array, u32: Uint32Array, i32: Int32Array };

function describe(type: arrow.DataType): string {
  return String(type);
}

function validity(data: arrow.Data): Uint8Array | null {
  if (data.offset !== 0) throw new Error(`internal: sliced arrow data (offset ${data.offset}) not expected from IPC`);
  return data.nullCount > 0 ? (data.nullBitmap as Uint8Array) : null;
}

const isNull = (valid: Uint8Array | null, i: number) => valid !== null && (valid[i >> 3]! & (1 << (i & 7))) === 0;

export function convertColumn(data: arrow.Data, kind: ColumnKind, ctx: ConvertContext): Column | string[] {
  switch (kind) {
    case 'ts':
      return convertTimestamp(data, ctx);
    case 'price':
      return convertPrice(data, ctx);
    case 'char':
      return convertChar(data, ctx);
    case 'symbol':
      return convertStrings(data, ctx);
    case 'u64':
      return convertU64(data, ctx);
    default:
      return convertSmallInt(data, kind, ctx);
  }
}

function convertTimestamp(data: arrow.Data, ctx: ConvertContext): BigUint64Array {
  const n = data.length;
  const valid = validity(data);
  const type = data.type;
  let factor = 1n;
  if (arrow.DataType.isTimestamp(type)) {
    factor = [1_000_000_000n, 1_000_000n, 1_000n, 1n][type.unit]!;
  } else if (arrow.DataType.isInt(type) && type.bitWidth === 64) {
    // Raw UNIX nanoseconds (Databento's pretty_ts=False).
  } else {
    ctx.wrongType(`expected a timestamp (timestamp[ns, UTC] as Databento writes it, any unit, with or without a time zone) or integer nanoseconds, found ${describe(type)}`);
  }
  const src = data.values as BigInt64Array | BigUint64Array;
  const signed = src instanceof BigInt64Array;
  // Fast path: nanoseconds, no nulls, nothing negative -> reinterpret the buffer, no copy.
  if (factor === 1n && valid === null) {
    const words = new Int32Array(src.buffer, src.byteOffset, n * 2);
    let negative = -1;
    if (signed) {
      for (let i = 0; i < n; i++) {
        if (words[2 * i + 1]! < 0) {
          negative = i;
          break;
        }
      }
    }
    if (negative < 0) return new BigUint64Array(src.buffer, src.byteOffset, n);
  }
  const out = new BigUint64Array(n);
  for (let i = 0; i < n; i++) {
    if (isNull(valid, i)) {
      out[i] = UNDEF_TS;
      continue;
    }
    const v = src[i]!;
    if (signed && v < 0n) {
      ctx.bad(i, `timestamp before 1970 (${v}); expected UNIX time`);
      continue;
    }
    out[i] = v * factor;
  }
  return out;
}

function convertPrice(data: arrow.Data, ctx: ConvertContext): BigInt64Array {
  const n = data.length;
  const valid = validity(data);
  const type = data.type;
  if (arrow.DataType.isFloat(type)) {
    if (type.precision !== arrow.Precision.DOUBLE) {
      ctx.wrongType(`expected float64 or int64 prices, found ${describe(type)} (too narrow to hold a price exactly)`);
    }
    const out = new BigInt64Array(n);
    convertFloatPrices(data.values as Float64Array, out, 0, valid, (i) => {
      const x = (data.values as Float64Array)[i]!;
      ctx.bad(i, `float price ${x} is not an exact multiple of 1e-9 (expected a price that round-trips to fixed point)`);
      return true;
    });
    return out;
  }
  if (arrow.DataType.isInt(type)) {
    const src = data.values as ArrayLike<number | bigint>;
    if (type.bitWidth === 64 && type.isSigned && valid === null) {
      const v = data.values as BigInt64Array;
      return new BigInt64Array(v.buffer, v.byteOffset, n);
    }
    const out = new BigInt64Array(n);
    for (let i = 0; i < n; i++) {
      if (isNull(valid, i)) {
        out[i] = UNDEF_PRICE;
        continue;
      }
      const v = BigInt(src[i]!);
      if (v > UNDEF_PRICE) {
        ctx.bad(i, `fixed-point price ${v} exceeds the i64 range`);
        continue;
      }
      out[i] = v;
    }
    return out;
  }
  return ctx.wrongType(`expected a price as float64 (price_type="float") or int64 in 1e-9 units (price_type="fixed"), found ${describe(type)}`);
}

/** Bytes of each string row, for utf8 / large utf8; `undefined` if the type is not one of those. */
function utf8Parts(data: arrow.Data): { offsets: Int32Array | BigInt64Array; bytes: Uint8Array } | undefined {
  const id = data.type.typeId;
  if (id === T.Utf8 || id === T.LargeUtf8) {
    return { offsets: data.valueOffsets as Int32Array | BigInt64Array, bytes: data.values as Uint8Array };
  }
  return undefined;
}

function isStringType(type: arrow.DataType): boolean {
  const id = type.typeId;
  return id === T.Utf8 || id === T.LargeUtf8 || id === T.Utf8View;
}

/** Single ASCII character per row ('A', 'B', ...) -> code. Also accepts integer codes. */
function convertChar(data: arrow.Data, ctx: ConvertContext): Uint8Array {
  const n = data.length;
  const valid = validity(data);
  const type = data.type;
  const out = new Uint8Array(n);
  const charOf = (s: string | null, i: number): number => {
    if (s === null) {
      ctx.bad(i, 'null; expected a one-character code');
      return 0;
    }
    if (s.length === 0) return 0; // Databento writes an unset c_char as ''
    if (s.length !== 1 || s.charCodeAt(0) > 127) {
      ctx.bad(i, `'${s}' is not a one-character ASCII code`);
      return 0;
    }
    return s.charCodeAt(0);
  };
  if (arrow.DataType.isInt(type)) {
    const src = data.values as ArrayLike<number | bigint>;
    for (let i = 0; i < n; i++) {
      if (isNull(valid, i)) {
        ctx.bad(i, 'null; expected a one-character code');
        continue;
      }
      const v = Number(src[i]!);
      if (v < 0 || v > 127) ctx.bad(i, `code ${v} is not ASCII`);
      else out[i] = v;
    }
    return out;
  }
  const parts = utf8Parts(data);
  if (parts) {
    const { offsets, bytes } = parts;
    const large = offsets instanceof BigInt64Array;
    for (let i = 0; i < n; i++) {
      if (isNull(valid, i)) {
        charOf(null, i);
        continue;
      }
      const a = large ? Number(offsets[i]!) : (offsets[i] as number);
      const b = large ? Number(offsets[i + 1]!) : (offsets[i + 1] as number);
      if (b - a === 1 && bytes[a]! < 128) out[i] = bytes[a]!;
      else if (b === a) out[i] = 0;
      else charOf(Buffer.from(bytes.subarray(a, b)).toString('utf8'), i);
    }
    return out;
  }
  if (arrow.DataType.isDictionary(type) && isStringType(type.dictionary)) {
    const dict = data.dictionary!;
    const codes = new Int16Array(dict.length);
    for (let k = 0; k < dict.length; k++) {
      const s = dict.get(k) as string | null;
      codes[k] = s === null || s.length > 1 || (s.length === 1 && s.charCodeAt(0) > 127) ? -1 : s.length === 0 ? 0 : s.charCodeAt(0);
    }
    const idx = data.values as ArrayLike<number | bigint>;
    for (let i = 0; i < n; i++) {
      if (isNull(valid, i)) {
        charOf(null, i);
        continue;
      }
      const k = Number(idx[i]!);
      const code = codes[k]!;
      if (code >= 0) out[i] = code;
      else charOf(dict.get(k) as string | null, i);
    }
    return out;
  }
  if (isStringType(type)) {
    const vec = arrow.makeVector(data as arrow.Data<arrow.Utf8>);
    for (let i = 0; i < n; i++) out[i] = charOf(vec.get(i) as string | null, i);
    return out;
  }
  return ctx.wrongType(`expected a one-character string (as Databento writes action/side) or an integer ASCII code, found ${describe(type)}`);
}

/** Strings per row (the `symbol` column); null -> ''. Repeated values share one JS string. */
function convertStrings(data: arrow.Data, ctx: ConvertContext): string[] {
  const n = data.length;
  const valid = validity(data);
  const type = data.type;
  const out = new Array<string>(n);
  if (arrow.DataType.isDictionary(type) && isStringType(type.dictionary)) {
    const dict = data.dictionary!;
    const strs: string[] = [];
    for (let k = 0; k < dict.length; k++) strs.push((dict.get(k) as string | null) ?? '');
    const idx = data.values as ArrayLike<number | bigint>;
    for (let i = 0; i < n; i++) out[i] = isNull(valid, i) ? '' : strs[Number(idx[i]!)]!;
    return out;
  }
  const parts = utf8Parts(data);
  if (parts) {
    const { offsets, bytes } = parts;
    const large = offsets instanceof BigInt64Array;
    let prevA = -1;
    let prevB = -1;
    let prev = '';
    for (let i = 0; i < n; i++) {
      if (isNull(valid, i)) {
        out[i] = '';
        continue;
      }
      const a = large ? Number(offsets[i]!) : (offsets[i] as number);
      const b = large ? Number(offsets[i + 1]!) : (offsets[i + 1] as number);
      if (prevA >= 0 && b - a === prevB - prevA && sameBytes(bytes, a, prevA, b - a)) {
        out[i] = prev;
      } else {
        prev = Buffer.from(bytes.buffer, bytes.byteOffset + a, b - a).toString('utf8');
        out[i] = prev;
      }
      prevA = a;
      prevB = b;
    }
    return out;
  }
  if (isStringType(type)) {
    const vec = arrow.makeVector(data as arrow.Data<arrow.Utf8>);
    for (let i = 0; i < n; i++) out[i] = (vec.get(i) as string | null) ?? '';
    return out;
  }
  return ctx.wrongType(`expected a string column, found ${describe(type)}`);
}

function sameBytes(bytes: Uint8Array, a: number, b: number, len: number): boolean {
  for (let k = 0; k < len; k++) if (bytes[a + k] !== bytes[b + k]) return false;
  return true;
}

function convertU64(data: arrow.Data, ctx: ConvertContext): BigUint64Array {
  const n = data.length;
  const valid = validity(data);
  const type = data.type;
  if (arrow.DataType.isInt(type) && type.bitWidth === 64 && !type.isSigned && valid === null) {
    const v = data.values as BigUint64Array;
    return new BigUint64Array(v.buffer, v.byteOffset, n);
  }
  const out = new BigUint64Array(n);
  if (arrow.DataType.isInt(type)) {
    const src = data.values as ArrayLike<number | bigint>;
    for (let i = 0; i < n; i++) {
      if (isNull(valid, i)) {
        ctx.bad(i, 'null; expected an unsigned 64-bit integer');
        continue;
      }
      const v = BigInt(src[i]!);
      if (v < 0n) ctx.bad(i, `${v} is negative; expected an unsigned 64-bit integer`);
      else out[i] = v;
    }
    return out;
  }
  if (arrow.DataType.isFloat(type) && type.precision === arrow.Precision.DOUBLE) {
    const src = data.values as Float64Array;
    for (let i = 0; i < n; i++) {
      const x = src[i]!;
      if (isNull(valid, i) || !Number.isSafeInteger(x) || x < 0) ctx.bad(i, `${isNull(valid, i) ? 'null' : x}; expected an unsigned integer`);
      else out[i] = BigInt(x);
    }
    return out;
  }
  return ctx.wrongType(`expected an unsigned 64-bit integer, found ${describe(type)}`);
}

function convertSmallInt(data: arrow.Data, kind: ColumnKind, ctx: ConvertContext): Column {
  const n = data.length;
  const valid = validity(data);
  const type = data.type;
  const [lo, hi] = INT_RANGE[kind]!;
  const Ctor = SMALL_CTOR[kind]!;
  if (arrow.DataType.isInt(type) && valid === null && (data.values as object).constructor === Ctor) {
    // Same width and signedness, no nulls: a view on the arrow buffer, no copy.
    const s = data.values as Uint8Array;
    return new Ctor(s.buffer, s.byteOffset, n);
  }
  const out = allocColumn(kind, n) as Uint8Array | Uint16Array | Uint32Array | Int32Array;
  if (arrow.DataType.isInt(type)) {
    const src = data.values as ArrayLike<number | bigint>;
    const srcLo = type.isSigned ? -(2 ** (type.bitWidth - 1)) : 0;
    const srcHi = type.isSigned ? 2 ** (type.bitWidth - 1) - 1 : 2 ** type.bitWidth - 1;
    const inRange = srcLo >= lo && srcHi <= hi;
    const big = type.bitWidth === 64;
    for (let i = 0; i < n; i++) {
      if (isNull(valid, i)) {
        ctx.bad(i, `null; expected ${kind}`);
        continue;
      }
      const v = big ? Number(src[i] as bigint) : (src[i] as number);
      if (!inRange && (v < lo || v > hi)) ctx.bad(i, `${src[i]} is out of range for ${kind}`);
      else out[i] = v;
    }
    return out;
  }
  if (arrow.DataType.isFloat(type) && type.precision === arrow.Precision.DOUBLE) {
    const src = data.values as Float64Array;
    for (let i = 0; i < n; i++) {
      const x = src[i]!;
      if (isNull(valid, i) || !Number.isInteger(x) || x < lo || x > hi) ctx.bad(i, `${isNull(valid, i) ? 'null' : x}; expected an integer in the ${kind} range`);
      else out[i] = x;
    }
    return out;
  }
  return ctx.wrongType(`expected an integer (${kind}), found ${describe(type)}`);
}

