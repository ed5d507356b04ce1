// Test helpers: temp dirs, parquet files written "by another tool" (arbitrary arrow columns through
// parquet-wasm), and column comparison that reports the first differing row.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as arrow from 'apache-arrow';
import { Compression, Table as WasmTable, WriterPropertiesBuilder, writeParquet } from 'parquet-wasm';
import type { ColumnBatch } from '../../src/data/batch.js';

export const DATA_DIR = new URL('../../../shared/data/databento/', import.meta.url).pathname;

export function tmpDir(prefix = 'contango-pq-'): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Write arbitrary arrow columns as parquet (snappy, given row group size). */
export function writeArrowParquet(file: string, cols: Record<string, arrow.Vector | arrow.Data>, rowGroup = 65_536): string {
  const vecs: Record<string, arrow.Vector> = {};
  for (const [k, v] of Object.entries(cols)) vecs[k] = v instanceof arrow.Vector ? v : arrow.makeVector(v);
  const t = new arrow.Table(vecs);
  const props = new WriterPropertiesBuilder().setCompression(Compression.SNAPPY).setMaxRowGroupSize(rowGroup).build();
  writeFileSync(file, writeParquet(WasmTable.fromIPCStream(arrow.tableToIPC(t, 'stream')), props));
  return file;
}

/** First difference between two batches' columns, or undefined when identical. */
export function diffBatches(a: ColumnBatch, b: ColumnBatch, names = Object.keys(a.columns)): string | undefined {
  if (a.length !== b.length) return `length ${a.length} vs ${b.length}`;
  for (const name of names) {
    const x = a.columns[name];
    const y = b.columns[name];
    if (!x || !y) return `column ${name} missing on one side`;
    if (x.constructor !== y.constructor) return `column ${name}: ${x.constructor.name} vs ${y.constructor.name}`;
    for (let i = 0; i < a.length; i++) if (x[i] !== y[i]) return `column ${name} row ${i}: ${x[i]} vs ${y[i]}`;
  }
  return undefined;
}
