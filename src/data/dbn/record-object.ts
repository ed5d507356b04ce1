// One record as a plain object (field name -> number | bigint | string). For the rare records that
// are not market data (gateway system/error/symbol-mapping messages) and for debugging; the hot
// path never builds objects.
import type { FieldSpec } from './layout.js';
import { readCStr } from './metadata.js';

export type RecordValue = number | bigint | string;

export function decodeRecordObject(fields: readonly FieldSpec[], bytes: Uint8Array, pos: number): Record<string, RecordValue> {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: Record<string, RecordValue> = {};
  for (const f of fields) {
    const o = pos + f.offset;
    switch (f.type) {
      case 'u8': out[f.name] = dv.getUint8(o); break;
      case 'i8': out[f.name] = dv.getInt8(o); break;
      case 'char': out[f.name] = String.fromCharCode(dv.getUint8(o)); break;
      case 'u16': out[f.name] = dv.getUint16(o, true); break;
      case 'i16': out[f.name] = dv.getInt16(o, true); break;
      case 'u32': out[f.name] = dv.getUint32(o, true); break;
      case 'i32': out[f.name] = dv.getInt32(o, true); break;
      case 'u64': out[f.name] = dv.getBigUint64(o, true); break;
      case 'i64': out[f.name] = dv.getBigInt64(o, true); break;
      case 'cstr': out[f.name] = readCStr(bytes, o, f.size); break;
      case 'reserved': break;
    }
  }
  return out;
}
