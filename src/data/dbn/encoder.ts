// Columnar batch -> DBN version 3 records. The mirror image of columns.ts: field by field, strided
// writes through Uint32/Uint16/Uint8 views, no BigInt on the fast path. A column whose element type
// differs from the v3 field (a v1 statistics `quantity` i32, a v1 `raw_instrument_id` u32) goes
// through a checked conversion; a column the batch lacks is filled with the field's null value
// (prices UNDEF_PRICE, timestamps UNDEF_TIMESTAMP, stat quantity i64::MAX, others 0) only for
// definition and statistics records, whose field sets differ between versions; for market data a
// missing column is an error.
import { UNDEF_PRICE, type Column, type ColumnBatch } from '../batch.js';
import { widthOf } from './columns.js';
import { RType, SCHEMA_RTYPE, UNDEF_STAT_QUANTITY_V1, UNDEF_STAT_QUANTITY_V3, UNDEF_TIMESTAMP } from './enums.js';
import { DbnError } from './errors.js';
import type { FieldSpec, RecordLayout } from './layout.js';
import { layoutFor } from './layouts/index.js';

const EXPECTED_CLASS: Record<string, string> = {
  u8: 'Uint8Array', char: 'Uint8Array', i8: 'Int8Array', u16: 'Uint16Array', i16: 'Int16Array',
  u32: 'Uint32Array', i32: 'Int32Array', u64: 'BigUint64Array', i64: 'BigInt64Array',
};

function putWords2(src: Uint32Array, n: number, dst: Uint32Array, d: number, strideW: number): void {
  let s = 0;
  for (let i = 0; i < n; i++) {
    dst[d] = src[s]!;
    dst[d + 1] = src[s + 1]!;
    s += 2;
    d += strideW;
  }
}
function putWords1(src: Uint32Array, n: number, dst: Uint32Array, d: number, strideW: number): void {
  for (let i = 0; i < n; i++) {
    dst[d] = src[i]!;
    d += strideW;
  }
}
function putHalves(src: Uint16Array, n: number, dst: Uint16Array, d: number, strideH: number): void {
  for (let i = 0; i < n; i++) {
    dst[d] = src[i]!;
    d += strideH;
  }
}
function putBytes(src: Uint8Array, n: number, dst: Uint8Array, d: number, strideB: number): void {
  for (let i = 0; i < n; i++) {
    dst[d] = src[i]!;
    d += strideB;
  }
}

function nullValue(layout: RecordLayout, f: FieldSpec): bigint | number {
  if (f.role === 'price') return UNDEF_PRICE;
  if (f.role === 'ts') return UNDEF_TIMESTAMP;
  if (layout.rtypes.includes(RType.STATISTICS) && f.name === 'quantity') return UNDEF_STAT_QUANTITY_V3;
  return 0;
}

const RANGE: Record<string, [bigint, bigint]> = {
  u8: [0n, 0xffn], char: [0n, 0xffn], i8: [-0x80n, 0x7fn], u16: [0n, 0xffffn], i16: [-0x8000n, 0x7fffn],
  u32: [0n, 0xffff_ffffn], i32: [-0x8000_0000n, 0x7fff_ffffn],
  u64: [0n, 0xffff_ffff_ffff_ffffn], i64: [-0x8000_0000_0000_0000n, 0x7fff_ffff_ffff_ffffn],
};

export interface EncodeContext {
  file: string;
  /** Records already written (for error messages). */
  recordBase: number;
  /** Whether records carry an appended ts_out (metadata.ts_out). */
  tsOut: boolean;
}

/** The v3 layout used to write a batch of this schema. */
export function v3LayoutForSchema(batch: ColumnBatch): RecordLayout {
  const layout = layoutFor(3, SCHEMA_RTYPE[batch.schema]);
  if (!layout) throw new Error(`no DBN layout for schema ${batch.schema}`);
  return layout;
}

/** Encodes one batch as consecutive v3 records. */
export function encodeBatch(batch: ColumnBatch, ctx: EncodeContext): Uint8Array {
  const layout = v3LayoutForSchema(batch);
  const n = batch.length;
  const size = layout.size + (ctx.tsOut ? 8 : 0);
  const out = new Uint8Array(n * size);
  const u8 = out;
  const u16 = new Uint16Array(out.buffer, 0, out.byteLength >>> 1);
  const u32 = new Uint32Array(out.buffer, 0, out.byteLength >>> 2);
  const lenient = layout.rtypes.includes(RType.INSTRUMENT_DEF) || layout.rtypes.includes(RType.STATISTICS);
  const fail = (row: number, expected: string, found: string): never => {
    throw new DbnError('encode', ctx.file, row * size, ctx.recordBase + row, expected, found);
  };

  const fields: FieldSpec[] = [...layout.fields];
  if (ctx.tsOut) fields.push({ name: 'ts_out', type: 'u64', offset: layout.size, size: 8, role: 'ts' });

  for (const f of fields) {
    if (f.type === 'reserved') continue;
    if (f.name === 'length') {
      const w = size / 4;
      for (let i = 0, p = 0; i < n; i++, p += size) u8[p] = w;
      continue;
    }
    if (f.type === 'cstr') {
      const values = batch.strings?.[f.name];
      if (values === undefined) {
        if (lenient || f.name === 'leg_raw_symbol') continue; // zero bytes = empty string
        fail(0, `strings['${f.name}'] for ${layout.name}`, 'no such column');
      }
      if (values!.length !== n) fail(0, `${n} strings in '${f.name}'`, String(values!.length));
      for (let i = 0; i < n; i++) {
        const s = values![i]!;
        if (s.length >= f.size) fail(i, `'${f.name}' shorter than ${f.size} characters`, `'${s}'`);
        const p = i * size + f.offset;
        for (let k = 0; k < s.length; k++) {
          const c = s.charCodeAt(k);
          if (c > 0xff) fail(i, `'${f.name}' in Latin-1`, `'${s}'`);
          u8[p + k] = c;
        }
      }
      continue;
    }
    let col: Column | undefined = batch.columns[f.name];
    if (col === undefined && f.name === 'rtype') {
      const r = SCHEMA_RTYPE[batch.schema];
      for (let i = 0, p = 1; i < n; i++, p += size) u8[p] = r;
      continue;
    }
    if (col === undefined) {
      if (!lenient) fail(0, `column '${f.name}' for ${layout.name}`, 'no such column');
      const nv = nullValue(layout, f);
      if (nv === 0 || nv === 0n) continue;
      const dv = new DataView(out.buffer);
      for (let i = 0; i < n; i++) {
        const o = i * size + f.offset;
        if (f.type === 'i64') dv.setBigInt64(o, nv as bigint, true);
        else dv.setBigUint64(o, nv as bigint, true);
      }
      continue;
    }
    if (col.length !== n) fail(0, `${n} values in column '${f.name}'`, String(col.length));
    if (f.name === 'rtype') {
      const allowed = layout.rtypes;
      for (let i = 0; i < n; i++) if (!allowed.includes(col[i] as number)) fail(i, `rtype in [${allowed.map((r) => '0x' + r.toString(16)).join(', ')}]`, `0x${(col[i] as number).toString(16)}`);
    }
    const width = widthOf(f.type);
    if (col.constructor.name === EXPECTED_CLASS[f.type]) {
      const bytes = new Uint8Array(col.buffer, col.byteOffset, col.byteLength);
      switch (width) {
        case 8:
          putWords2(aligned32(bytes), n, u32, f.offset >>> 2, size >>> 2);
          break;
        case 4:
          putWords1(aligned32(bytes), n, u32, f.offset >>> 2, size >>> 2);
          break;
        case 2:
          putHalves(aligned16(bytes), n, u16, f.offset >>> 1, size >>> 1);
          break;
        default:
          putBytes(bytes, n, u8, f.offset, size);
      }
      continue;
    }
    // Checked conversion between integer types.
    const [lo, hi] = RANGE[f.type]!;
    const dv = new DataView(out.buffer);
    const fromStatQtyV1 = f.name === 'quantity' && layout.rtypes.includes(RType.STATISTICS) && col instanceof Int32Array;
    for (let i = 0; i < n; i++) {
      const raw = col[i]!;
      let v = typeof raw === 'bigint' ? raw : BigInt(raw);
      if (fromStatQtyV1 && v === BigInt(UNDEF_STAT_QUANTITY_V1)) v = UNDEF_STAT_QUANTITY_V3;
      if (v < lo || v > hi) fail(i, `'${f.name}' within ${f.type} range`, String(v));
      const o = i * size + f.offset;
      switch (f.type) {
        case 'u8': case 'char': dv.setUint8(o, Number(v)); break;
        case 'i8': dv.setInt8(o, Number(v)); break;
        case 'u16': dv.setUint16(o, Number(v), true); break;
        case 'i16': dv.setInt16(o, Number(v), true); break;
        case 'u32': dv.setUint32(o, Number(v), true); break;
        case 'i32': dv.setInt32(o, Number(v), true); break;
        case 'u64': dv.setBigUint64(o, v, true); break;
        case 'i64': dv.setBigInt64(o, v, true); break;
      }
    }
  }
  return out;
}

function aligned32(bytes: Uint8Array): Uint32Array {
  if ((bytes.byteOffset & 3) === 0) return new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >>> 2);
  const copy = bytes.slice();
  return new Uint32Array(copy.buffer, 0, copy.byteLength >>> 2);
}
function aligned16(bytes: Uint8Array): Uint16Array {
  if ((bytes.byteOffset & 1) === 0) return new Uint16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >>> 1);
  const copy = bytes.slice();
  return new Uint16Array(copy.buffer, 0, copy.byteLength >>> 1);
}
