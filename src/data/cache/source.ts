// Opening any supported input (Databento parquet, DBN plain or zstd) as one stream of ColumnBatches,
// told apart by the file's magic bytes, not its name.
import type { ColumnBatch, SchemaName } from '../batch.js';
import { openDbn } from '../dbn/index.js';
import type { DbnMetadata } from '../dbn/index.js';
import { openParquet } from '../parquet/reader.js';

import type { SourceFormat } from './sniff.js';
import { sniffFormat } from './sniff.js';

export type { SourceFormat } from './sniff.js';
export { sniffFormat } from './sniff.js';

export interface SourceOptions {
  /** Expected schema (required for a DBN file that mixes schemas). */
  schema?: SchemaName;
  /** Skip bad rows/records, counting them. */
  tolerate?: boolean;
  /** Require the index timestamps to be non-decreasing. */
  checkSorted?: boolean;
  batchSize?: number;
}

export interface OpenedSource {
  format: SourceFormat;
  schema: SchemaName;
  /** Total rows when the format says so up front (parquet), else undefined. */
  numRows: number | undefined;
  /** DBN metadata (symbol mappings etc.), when the source is DBN. */
  dbnMetadata?: DbnMetadata;
  batches(): AsyncIterable<ColumnBatch>;
  /** Rows/records skipped under `tolerate`, with the first few described. */
  skippedSummary(): { count: number; examples: string[] };
  close(): Promise<void>;
}

export async function openSource(file: string, opts: SourceOptions = {}): Promise<OpenedSource> {
  const format = await sniffFormat(file);
  if (format === 'parquet') {
    const src = await openParquet(file, {
      schema: opts.schema, tolerate: opts.tolerate, checkSorted: opts.checkSorted, batchSize: opts.batchSize,
    });
    return {
      format,
      schema: src.schema,
      numRows: src.numRows,
      batches: () => src.batches(),
      skippedSummary: () => ({
        count: src.skipped.count,
        examples: src.skipped.rows.slice(0, 20).map((r) => `row ${r.row} ${r.column}: ${r.problem}`),
      }),
      close: async () => src.close(),
    };
  }
  const dbn = await openDbn(file, {
    expectSchema: opts.schema, tolerate: opts.tolerate, monotonic: opts.checkSorted, batchSize: opts.batchSize,
  });
  const schema = opts.schema ?? dbn.metadata.schema;
  if (!schema) throw new Error(`${file}: the DBN file mixes schemas; name the schema to read`);
  return {
    format,
    schema,
    numRows: undefined,
    dbnMetadata: dbn.metadata,
    batches: () => dbn.batches(),
    skippedSummary: () => ({
      count: dbn.skipped,
      examples: dbn.issues.slice(0, 20).map((i) => `record ${i.recordIndex} (byte ${i.byteOffset}) ${i.code}: ${i.reason}`),
    }),
    close: () => dbn.close(),
  };
}
