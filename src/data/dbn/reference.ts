// Reference decoder: the obvious, slow way (one DataView read per field per record, BigInt for
// 64-bit values, one object per record). It shares only the layout tables with the fast path, so
// tests can compare the two column by column and the benchmark can show the speed-up.
import type { SchemaName } from '../batch.js';
import { schemaForRType } from './enums.js';
import { withTsOut } from './columns.js';
import { layoutFor } from './layouts/index.js';
import { PRELUDE_LEN, decodeMetadata, type DbnMetadata } from './metadata.js';
import { decodeRecordObject, type RecordValue } from './record-object.js';

export interface ReferenceRecord {
  schema: SchemaName | 'control';
  fields: Record<string, RecordValue>;
}

/** Decodes an uncompressed DBN buffer record by record. Throws on anything unexpected. */
export function decodeReference(bytes: Uint8Array): { metadata: DbnMetadata; records: ReferenceRecord[] } {
  const metadata = decodeMetadata(bytes, '<reference>');
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = PRELUDE_LEN + dv.getUint32(4, true);
  const records: ReferenceRecord[] = [];
  while (pos < bytes.length) {
    const len = dv.getUint8(pos) * 4;
    const rtype = dv.getUint8(pos + 1);
    if (len < 16 || pos + len > bytes.length) throw new Error(`reference: bad record at byte ${pos}`);
    const layout = layoutFor(metadata.version, rtype);
    if (!layout) throw new Error(`reference: unknown rtype ${rtype} at byte ${pos}`);
    const fields = decodeRecordObject(withTsOut(layout, metadata.ts_out), bytes, pos);
    records.push({ schema: schemaForRType(rtype, metadata.schema) ?? 'control', fields });
    pos += len;
  }
  return { metadata, records };
}
