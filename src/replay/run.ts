// Replay files end to end: sources (DBN, parquet or cache) into one MboReplayer, MBP-shaped book rows
// streamed to a parquet file, a summary per instrument after each file.
import { writeParquetFile } from '../data/parquet/index.js';
import { BatchChannel, type BookLevels } from './book-output.js';
import { MboReplayer, type ReplayOptions, type ReplaySummary } from './replayer.js';
import { mboBatches, type MboSourceOptions } from './source.js';

export interface ReplayFilesOptions extends Omit<ReplayOptions, 'output'>, MboSourceOptions {
  /** Parquet file for the book rows (MBP-1 or MBP-10 layout). */
  bookOut?: string;
  levels?: BookLevels;
  atLast?: boolean;
  everyNs?: bigint;
  at?: bigint[];
  instruments?: ReadonlySet<number>;
  compression?: 'zstd' | 'snappy' | 'none';
  priceType?: 'float' | 'fixed';
  /** called after each file with the summary so far */
  onFile?: (file: string, summary: ReplaySummary) => void;
}

export interface ReplayFilesResult {
  files: { file: string; summary: ReplaySummary }[];
  outputRows: number;
  bookOut?: string;
  seconds: number;
}

export async function replayFiles(files: readonly string[], o: ReplayFilesOptions = {}): Promise<ReplayFilesResult> {
  const channel = o.bookOut ? new BatchChannel() : undefined;
  const wantsRows = o.atLast === true || o.everyNs !== undefined || (o.at?.length ?? 0) > 0;
  if (o.bookOut && !wantsRows) throw new Error('--book-out needs output points: --at-last, --every or --at');
  const replayer = new MboReplayer({
    ...o,
    output: channel
      ? {
          levels: o.levels ?? 10,
          atLast: o.atLast,
          everyNs: o.everyNs,
          at: o.at,
          instruments: o.instruments,
          sink: (b) => channel.push(b),
        }
      : undefined,
  });
  const writer = channel
    ? writeParquetFile(o.bookOut!, (o.levels ?? 10) === 1 ? 'mbp-1' : 'mbp-10', channel, {
        compression: o.compression ?? 'zstd',
        priceType: o.priceType ?? 'fixed',
      })
    : undefined;
  writer?.catch((e: unknown) => channel!.fail(e));
  const t0 = performance.now();
  const out: ReplayFilesResult['files'] = [];
  try {
    for (const f of files) {
      for await (const b of mboBatches(f, o)) {
        replayer.feedBatch(b, f);
        if (channel) await channel.drain(4);
      }
      const s = replayer.summary();
      out.push({ file: f, summary: s });
      o.onFile?.(f, s);
    }
    replayer.finish();
  } finally {
    channel?.close();
  }
  if (writer) await writer;
  return { files: out, outputRows: replayer.outputRows, bookOut: o.bookOut, seconds: (performance.now() - t0) / 1000 };
}
