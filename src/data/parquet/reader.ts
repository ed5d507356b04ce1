// Streaming parquet reader: row group by row group through parquet-wasm into arrow JS, then into
// ColumnBatch typed arrays. The file is opened as a file-backed Blob (fs.openAsBlob), so
// parquet-wasm reads the footer and then only the byte ranges of the row groups it decodes: a file
// never sits whole in memory, only one batch of rows at a time (plus parquet-wasm's own buffers).
import { openAsBlob } from 'node:fs';
import { stat } from 'node:fs/promises';
import * as arrow from 'apache-arrow';
import { ParquetFile } from 'parquet-wasm';
import type { Column, ColumnBatch, SchemaName } from '../batch.js';
import { convertColumn } from './arrow-convert.js';
import { DataFormatError, SkipLog } from './errors.js';
import type { ColumnSpec, ParquetLayout } from './layouts.js';
import { inferSchema, layoutFor, PRICED_ACTIONS } from './layouts.js';

export interface ParquetReadOptions {
  /** The schema the caller expects; inferred from the columns when omitted. */
  schema?: SchemaName;
  /** Rows per decoded batch (parquet-wasm's batchSize). Default 65,536 = Databento's chunk size. */
  batchSize?: number;
  /** Only these layout columns (the index column is always read). Default: all. */
  columns?: string[];
  /** Skip bad rows instead of failing; they are counted in `skipped`. Default false. */
  tolerate?: boolean;
  /** Require the index timestamps (ts_recv, or ts_event for OHLCV) to be non-decreasing. */
  checkSorted?: boolean;
  /** Enforce the layout's rule on undefined prices (e.g. an MBO add needs a price). Default true. */
  requirePrices?: boolean;
  /** Name used in error messages (default: the path as given). */
  label?: string;
}

export interface ParquetSource {
  path: string;
  schema: SchemaName;
  layout: ParquetLayout;
  /** Rows in the file (before any skipping). */
  numRows: number;
  numRowGroups: number;
  /** 'float' if any price column is stored as float64, else 'fixed'. */
  priceType: 'float' | 'fixed';
  /** Arrow type of every column in the file, by name. */
  fileColumns: Record<string, string>;
  /** Layout columns this reader returns (present in the file and selected). */
  columns: readonly ColumnSpec[];
  /** Parquet key/value metadata (e.g. `pandas`, `ARROW:schema`). */
  keyValueMetadata: Map<string, string>;
  /** Rows skipped so far (tolerant mode). */
  skipped: SkipLog;
  /** Decoded batches in file order. Iterate once. */
  batches(): AsyncIterable<ColumnBatch>;
  close(): void;
}

const DEFAULT_BATCH = 65_536;

async function arrowSchemaOf(file: ParquetFile): Promise<arrow.Schema> {
  return arrow.tableFromIPC(file.schema().intoIPCStream()).schema;
}

export async function openParquet(file: string, opts: ParquetReadOptions = {}): Promise<ParquetSource> {
  const label = opts.label ?? file;
  const st = await stat(file).catch(() => {
    throw new DataFormatError(label, undefined, undefined, 'file not found');
  });
  if (!st.isFile()) throw new DataFormatError(label, undefined, undefined, 'not a regular file');
  let pf: ParquetFile;
  try {
    // fs.openAsBlob gives a lazily read, file-backed Blob (Node >= 19.8).
    pf = await ParquetFile.fromFile((await openAsBlob(file)) as unknown as Parameters<typeof ParquetFile.fromFile>[0]);
  } catch (e) {
    throw new DataFormatError(label, undefined, undefined, `not a readable parquet file (${errText(e)})`);
  }
  const schema = await arrowSchemaOf(pf);
  const types = new Map(schema.fields.map((f) => [f.name, f.type]));
  const md = pf.metadata();
  const fileMd = md.fileMetadata();
  const numRows = fileMd.numRows();
  const numRowGroups = md.numRowGroups();
  const kv = new Map<string, string>();
  for (const [k, v] of fileMd.keyValueMetadata()) kv.set(String(k), String(v));

  let schemaName = opts.schema;
  if (!schemaName) {
    let rtype: number | undefined;
    if (numRows > 0 && types.has('rtype')) {
      const t = arrow.tableFromIPC((await pf.read({ columns: ['rtype'], limit: 1, batchSize: 1 })).intoIPCStream());
      rtype = Number(t.getChild('rtype')?.get(0));
    }
    schemaName = inferSchema(new Set(types.keys()), rtype);
    if (!schemaName) {
      throw new DataFormatError(label, undefined, undefined,
        `cannot tell the Databento schema from the columns (${[...types.keys()].join(', ')}); pass the schema explicitly`);
    }
  }
  const layout = layoutFor(schemaName);
  const wanted = opts.columns ? new Set([...opts.columns, layout.index]) : undefined;
  if (wanted) {
    for (const name of wanted) {
      if (!layout.columns.some((c) => c.name === name)) {
        throw new Error(`column '${name}' is not part of the ${schemaName} layout`);
      }
    }
  }
  const selected = layout.columns.filter((c) => !wanted || wanted.has(c.name));
  // Every selected column must be present, except `symbol` (written only with map_symbols=True).
  const missing = selected.filter((c) => c.kind !== 'symbol' && !types.has(c.name));
  if (missing.length > 0) {
    throw new DataFormatError(label, undefined, missing[0]!.name,
      `missing column${missing.length > 1 ? 's' : ''} ${missing.map((c) => `'${c.name}'`).join(', ')}; expected the ${schemaName} layout: ${layout.columns.map((c) => c.name).join(', ')}`);
  }
  const columns = selected.filter((c) => types.has(c.name));
  const priceType = columns.some((c) => c.kind === 'price' && arrow.DataType.isFloat(types.get(c.name)!)) ? 'float' : 'fixed';
  const fileColumns: Record<string, string> = {};
  for (const [k, t] of types) fileColumns[k] = String(t);

  const skipped = new SkipLog();
  let used = false;
  const src: ParquetSource = {
    path: file,
    schema: schemaName,
    layout,
    numRows,
    numRowGroups,
    priceType,
    fileColumns,
    columns,
    keyValueMetadata: kv,
    skipped,
    close: () => pf.free(),
    batches: () => {
      if (used) throw new Error(`${label}: batches() can be iterated once`);
      used = true;
      return decodeBatches(pf, label, schemaName!, layout, columns, opts, skipped);
    },
  };
  return src;
}

async function* decodeBatches(
  pf: ParquetFile,
  label: string,
  schema: SchemaName,
  layout: ParquetLayout,
  columns: readonly ColumnSpec[],
  opts: ParquetReadOptions,
  skipped: SkipLog,
): AsyncGenerator<ColumnBatch> {
  const tolerate = opts.tolerate ?? false;
  const requirePrices = opts.requirePrices ?? true;
  const stream = await pf.stream({ batchSize: opts.batchSize ?? DEFAULT_BATCH, columns: columns.map((c) => c.name) });
  let rowBase = 0;
  let lastTs: bigint | undefined;
  for await (const wasmBatch of stream as AsyncIterable<{ intoIPCStream(): Uint8Array }>) {
    const table = arrow.tableFromIPC(wasmBatch.intoIPCStream());
    for (const rb of table.batches) {
      const n = rb.numRows;
      const badMask = tolerate ? new Uint8Array(n) : undefined;
      let badCount = 0;
      const out: Record<string, Column> = {};
      const strings: Record<string, string[]> = {};
      for (const spec of columns) {
        const child = rb.getChild(spec.name);
        if (!child) throw new DataFormatError(label, rowBase, spec.name, 'column vanished from a row group');
        const data = child.data[0]!;
        const ctx = {
          column: spec.name,
          bad: (i: number, problem: string) => {
            if (!badMask) throw new DataFormatError(label, rowBase + i, spec.name, problem);
            if (!badMask[i]) badCount++;
            badMask[i] = 1;
            skipped.add(rowBase + i, spec.name, problem);
          },
          wrongType: (problem: string): never => {
            throw new DataFormatError(label, undefined, spec.name, problem);
          },
        };
        const col = convertColumn(data, spec.kind, ctx);
        if (Array.isArray(col)) strings[spec.name] = col;
        else out[spec.name] = col;
      }
      const mark = (i: number, column: string, problem: string) => {
        if (!badMask) throw new DataFormatError(label, rowBase + i, column, problem);
        if (!badMask[i]) badCount++;
        badMask[i] = 1;
        skipped.add(rowBase + i, column, problem);
      };
      if (requirePrices) checkPrices(layout, out, n, mark);
      if (opts.checkSorted) {
        const ts = out[layout.index] as BigUint64Array;
        for (let i = 0; i < n; i++) {
          if (badMask?.[i]) continue;
          const t = ts[i]!;
          if (lastTs !== undefined && t < lastTs) {
            mark(i, layout.index, `timestamp ${t} is earlier than the previous row's ${lastTs}; expected non-decreasing ${layout.index}`);
            continue;
          }
          lastTs = t;
        }
      }
      let batch: ColumnBatch = { schema, length: n, columns: out };
      if (Object.keys(strings).length > 0) batch.strings = strings;
      if (badMask && badCount > 0) batch = dropRows(batch, badMask, n - badCount);
      rowBase += n;
      if (batch.length > 0) yield batch;
    }
  }
}

/** Undefined prices where the layout requires one (always, or on priced actions). */
function checkPrices(
  layout: ParquetLayout,
  cols: Record<string, Column>,
  n: number,
  mark: (i: number, column: string, problem: string) => void,
): void {
  const action = cols['action'] as Uint8Array | undefined;
  for (const [name, rule] of Object.entries(layout.priceRule)) {
    const px = cols[name] as BigInt64Array | undefined;
    if (!px || rule === 'never') continue;
    if (rule === 'by-action' && !action) continue;
    // Compare 32-bit halves: no BigInt per row. UNDEF_PRICE = 0x7fffffff_ffffffff.
    const w = new Int32Array(px.buffer, px.byteOffset, n * 2);
    for (let i = 0; i < n; i++) {
      if (w[2 * i + 1] !== 0x7fffffff || w[2 * i] !== -1) continue;
      if (rule === 'always') {
        mark(i, name, 'undefined price; expected a price on every row of this schema');
      } else if (PRICED_ACTIONS.has(action![i]!)) {
        mark(i, name, `undefined price on action '${String.fromCharCode(action![i]!)}'; expected a price (only R and N may lack one)`);
      }
    }
  }
}

/** A copy of `batch` without the rows marked in `mask`. */
export function dropRows(batch: ColumnBatch, mask: Uint8Array, keep: number): ColumnBatch {
  const columns: Record<string, Column> = {};
  for (const [name, col] of Object.entries(batch.columns)) {
    const out = new (col.constructor as new (n: number) => Column)(keep);
    let j = 0;
    for (let i = 0; i < batch.length; i++) if (!mask[i]) (out as unknown as unknown[])[j++] = (col as unknown as unknown[])[i];
    columns[name] = out;
  }
  const res: ColumnBatch = { schema: batch.schema, length: keep, columns };
  if (batch.strings) {
    res.strings = {};
    for (const [name, arr] of Object.entries(batch.strings)) res.strings[name] = arr.filter((_, i) => !mask[i]);
  }
  return res;
}

/** Read a whole (small) parquet file into one batch. For tests and small files; large files should stream. */
export async function readParquetFile(file: string, opts: ParquetReadOptions = {}): Promise<ColumnBatch & { source: ParquetSource }> {
  const src = await openParquet(file, opts);
  try {
    const parts: ColumnBatch[] = [];
    for await (const b of src.batches()) parts.push(b);
    return { ...concatBatches(src.schema, parts), source: src };
  } finally {
    src.close();
  }
}

/** Concatenate batches of one schema into one. */
export function concatBatches(schema: SchemaName, parts: ColumnBatch[]): ColumnBatch {
  const length = parts.reduce((s, b) => s + b.length, 0);
  const columns: Record<string, Column> = {};
  const names = parts.length > 0 ? Object.keys(parts[0]!.columns) : [];
  for (const name of names) {
    const first = parts[0]!.columns[name]!;
    const out = new (first.constructor as new (n: number) => Column)(length);
    let at = 0;
    for (const p of parts) {
      (out as Uint8Array).set(p.columns[name] as Uint8Array, at);
      at += p.length;
    }
    columns[name] = out;
  }
  const res: ColumnBatch = { schema, length, columns };
  const sNames = parts[0]?.strings ? Object.keys(parts[0].strings) : [];
  if (sNames.length > 0) {
    res.strings = {};
    for (const name of sNames) res.strings[name] = parts.flatMap((p) => p.strings![name]!);
  }
  return res;
}

function errText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

