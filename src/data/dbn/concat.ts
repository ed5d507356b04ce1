// Concatenates batches of one schema into a single batch (tests and small files; streaming code
// should consume batches one by one instead).
import type { Column, ColumnBatch } from '../batch.js';

export function concatBatches(batches: readonly ColumnBatch[]): ColumnBatch {
  if (batches.length === 0) throw new Error('concatBatches: no batches');
  const first = batches[0]!;
  for (const b of batches) {
    if (b.schema !== first.schema) throw new Error(`concatBatches: mixed schemas ${first.schema} and ${b.schema}`);
  }
  if (batches.length === 1) return first;
  const length = batches.reduce((s, b) => s + b.length, 0);
  const columns: Record<string, Column> = {};
  for (const name of Object.keys(first.columns)) {
    const proto = first.columns[name]!;
    const out = new (proto.constructor as new (n: number) => Column)(length);
    let o = 0;
    for (const b of batches) {
      const c = b.columns[name];
      if (c === undefined || c.constructor !== proto.constructor) {
        throw new Error(`concatBatches: column '${name}' missing or of another type in a later batch`);
      }
      (out as Uint8Array).set(c as Uint8Array, o);
      o += b.length;
    }
    columns[name] = out;
  }
  const result: ColumnBatch = { schema: first.schema, length, columns };
  if (first.strings) {
    const strings: Record<string, string[]> = {};
    for (const name of Object.keys(first.strings)) strings[name] = batches.flatMap((b) => b.strings?.[name] ?? []);
    result.strings = strings;
  }
  return result;
}
