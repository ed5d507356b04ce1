// DBN writer: metadata + columnar batches -> a DBN version 3 file or buffer, plain or (a path
// ending in .zst, or `compress`) zstd-compressed with native libzstd (../zstd.ts).
// Used by the project's generator for sample data, by `convert`, and by the round-trip tests.
import { open } from 'node:fs/promises';
import { ZstdCompressor } from '../zstd.js';
import type { ColumnBatch, SchemaName } from '../batch.js';
import { encodeBatch } from './encoder.js';
import { DbnError } from './errors.js';
import { encodeMetadataV3, type DbnMetadata, type SymbolMapping } from './metadata.js';

/** Metadata for writing: `dataset` and `schema` are required, the rest defaults. */
export interface DbnWriteMetadata {
  dataset: string;
  schema: SchemaName | null;
  start?: bigint;
  end?: bigint | null;
  limit?: bigint | null;
  stype_in?: string | null;
  stype_out?: string;
  ts_out?: boolean;
  symbols?: string[];
  partial?: string[];
  not_found?: string[];
  mappings?: SymbolMapping[];
}

function fullMetadata(m: DbnWriteMetadata | DbnMetadata) {
  return {
    dataset: m.dataset,
    schema: m.schema,
    start: m.start ?? 0n,
    end: m.end ?? null,
    limit: m.limit ?? null,
    stype_in: m.stype_in === undefined ? 'raw_symbol' : m.stype_in,
    stype_out: m.stype_out ?? 'instrument_id',
    ts_out: m.ts_out ?? false,
    symbols: m.symbols ?? [],
    partial: m.partial ?? [],
    not_found: m.not_found ?? [],
    mappings: m.mappings ?? [],
  };
}

function checkSchema(file: string, meta: { schema: SchemaName | null }, b: ColumnBatch, records: number): void {
  if (meta.schema !== null && b.schema !== meta.schema) {
    throw new DbnError('encode', file, -1, records, `batches of schema ${meta.schema}`, `a ${b.schema} batch`);
  }
}

/** Encodes metadata and batches into one in-memory DBN v3 buffer. */
export function encodeDbn(metadata: DbnWriteMetadata | DbnMetadata, batches: Iterable<ColumnBatch>, file = '<memory>'): Uint8Array {
  const meta = fullMetadata(metadata);
  const parts: Uint8Array[] = [encodeMetadataV3(meta)];
  let records = 0;
  for (const b of batches) {
    checkSchema(file, meta, b, records);
    parts.push(encodeBatch(b, { file, recordBase: records, tsOut: meta.ts_out }));
    records += b.length;
  }
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export interface DbnWriteResult {
  records: number;
  /** Bytes written to the file (compressed size when compressed). */
  bytes: number;
  /** Uncompressed DBN bytes. */
  plainBytes: number;
  compressed: boolean;
}

export interface DbnWriteOptions {
  /**
   * zstd-compress the file (one frame with a checksum, like Databento's .dbn.zst). Default: when
   * the path ends in `.zst`. `true` uses level 3; a number picks the level (1-22). Needs the native
   * zstd-napi module (fzstd only decompresses): without it, a clear error before anything is written.
   */
  compress?: boolean | number;
}

/** Streams metadata and batches into a DBN v3 file, zstd-compressed when asked (see options). */
export async function writeDbn(
  path: string,
  metadata: DbnWriteMetadata | DbnMetadata,
  batches: Iterable<ColumnBatch> | AsyncIterable<ColumnBatch>,
  opts: DbnWriteOptions = {},
): Promise<DbnWriteResult> {
  const meta = fullMetadata(metadata);
  const want = opts.compress ?? /\.zst$/i.test(path);
  const z = want === false ? undefined : new ZstdCompressor(want === true ? 3 : want);
  const fh = await open(path, 'w');
  let records = 0;
  let bytes = 0;
  let plainBytes = 0;
  const put = async (plain: Uint8Array) => {
    plainBytes += plain.length;
    for (const part of z ? z.push(plain) : [plain]) {
      await fh.write(part);
      bytes += part.length;
    }
  };
  try {
    await put(encodeMetadataV3(meta));
    for await (const b of batches) {
      checkSchema(path, meta, b, records);
      await put(encodeBatch(b, { file: path, recordBase: records, tsOut: meta.ts_out }));
      records += b.length;
    }
    for (const part of z ? z.end() : []) {
      await fh.write(part);
      bytes += part.length;
    }
  } finally {
    await fh.close();
  }
  return { records, bytes, plainBytes, compressed: z !== undefined };
}
