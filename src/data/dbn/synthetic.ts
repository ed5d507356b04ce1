// Synthetic MBO batches for the DBN codec tests and benchmarks: the project's one MBO generator
// (src/generate/mbo-day.ts: a consistent ES book with the real day's action mix), cut to `records`
// and batched as asked. Deterministic for a seed.
import type { ColumnBatch } from '../batch.js';
import { sessionBatches } from '../../generate/mbo-day.js';

export interface SyntheticMboOptions {
  records: number;
  batchSize?: number;
  seed?: number;
  instrumentId?: number;
  /** First ts_recv, ns (default: the generator's session, from 2023-12-25 22:00 UTC). */
  start?: bigint;
}

export function* syntheticMboBatches(opts: SyntheticMboOptions): Generator<ColumnBatch> {
  let shift: bigint | undefined;
  for (const b of sessionBatches(opts.records, { seed: opts.seed ?? 1, batchSize: opts.batchSize, instrumentId: opts.instrumentId })) {
    if (opts.start !== undefined) {
      const recv = b.columns['ts_recv'] as BigUint64Array;
      const event = b.columns['ts_event'] as BigUint64Array;
      shift ??= opts.start - recv[0]!;
      for (let i = 0; i < b.length; i++) {
        recv[i] = recv[i]! + shift;
        event[i] = event[i]! + shift;
      }
    }
    yield b;
  }
}
