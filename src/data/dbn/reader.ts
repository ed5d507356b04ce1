// Async reader: a path or bytes (plain DBN or zstd) -> metadata at once, then columnar batches.
import type { ColumnBatch } from '../batch.js';
import { BufferPool } from './columns.js';
import { DbnDecoder, type DbnControlMessage, type DbnDecodeOptions } from './decoder.js';
import { DbnError, type DbnIssue } from './errors.js';
import type { DbnMetadata } from './metadata.js';
import { bufferChunks, fileChunks, isZstd, zstdChunks } from './source.js';
import { nativeZstd } from '../zstd.js';

export interface DbnOpenOptions extends DbnDecodeOptions {
  /** Bytes per file read (default 1 MiB); for in-memory input, bytes per decoder push (default 4 MiB). */
  readChunkSize?: number;
  /**
   * Recycle batch memory: a batch's arrays stay valid only until the consumer asks for the batch
   * after the next one (so the current and the previous batch are always intact). Faster for
   * streaming consumers that do not keep batches; leave off (the default) if you store them.
   */
  reuseBatches?: boolean;
  /** zstd implementation: 'native' (zstd-napi) or 'js' (fzstd). Default: native when it loads. */
  zstd?: 'native' | 'js';
}

export interface DbnReader {
  readonly file: string;
  readonly metadata: DbnMetadata;
  /** True when the input was zstd-compressed. */
  readonly compressed: boolean;
  /**
   * The record batches, in file order. Single pass: the stream is consumed as you iterate (call
   * openDbn again to read twice). Breaking out of the loop closes the file.
   */
  batches(): AsyncIterableIterator<ColumnBatch>;
  /** Records skipped under `tolerate`, with their index, byte offset and reason. */
  readonly issues: readonly DbnIssue[];
  readonly skipped: number;
  /** Records seen so far, market data plus control plus skipped. */
  readonly recordCount: number;
  /** Rows delivered in batches so far. */
  readonly rowCount: number;
  /** Gateway records (system, error, symbol mapping) met so far. */
  readonly control: readonly DbnControlMessage[];
  /** Closes the underlying file if the batches were not read to the end. */
  close(): Promise<void>;
}

async function* prepend(first: Uint8Array, rest: AsyncIterator<Uint8Array>): AsyncGenerator<Uint8Array> {
  if (first.length > 0) yield first;
  for (;;) {
    const r = await rest.next();
    if (r.done) return;
    yield r.value;
  }
}

async function* syncToAsync(it: Iterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  yield* it;
}

/**
 * Opens a DBN file (path) or buffer, plain or zstd, and decodes its metadata. Records are decoded
 * as `batches()` is iterated.
 */
export async function openDbn(input: string | Uint8Array, opts: DbnOpenOptions = {}): Promise<DbnReader> {
  const file = typeof input === 'string' ? input : (opts.file ?? '<bytes>');
  const recycle = { on: false };
  const raw: AsyncIterator<Uint8Array> =
    typeof input === 'string' ? fileChunks(input, opts.readChunkSize, recycle) : syncToAsync(bufferChunks(input, opts.readChunkSize ?? 4 << 20));

  // Gather at least 4 bytes to detect compression.
  let head: Uint8Array = new Uint8Array(0);
  while (head.length < 4) {
    const r = await raw.next();
    if (r.done) break;
    head = head.length === 0 ? r.value : concat(head, r.value);
  }
  const compressed = isZstd(head);
  // Read buffers can be recycled unless fzstd (which keeps references to its input) decompresses.
  recycle.on = !compressed || (opts.zstd !== 'js' && nativeZstd() !== null);
  const plain = compressed ? zstdChunks(prepend(head, raw), file, opts.zstd) : prepend(head, raw);
  const pool = opts.reuseBatches ? new BufferPool() : undefined;
  const decoder = new DbnDecoder({ ...opts, file, pool });
  const queued: ColumnBatch[] = [];
  let finished = false;

  const pull = async (): Promise<boolean> => {
    const r = await plain.next();
    if (r.done) {
      queued.push(...decoder.end());
      finished = true;
      return false;
    }
    queued.push(...decoder.push(r.value));
    return true;
  };

  try {
    while (decoder.metadata === undefined && (await pull()));
  } catch (e) {
    await plain.return?.(undefined);
    throw e;
  }
  if (decoder.metadata === undefined) {
    throw new DbnError('truncated', file, 0, -1, 'a DBN metadata header', 'end of input');
  }
  const metadata = decoder.metadata;
  let started = false;

  async function* batches(): AsyncGenerator<ColumnBatch> {
    if (started) throw new Error(`${file}: batches() can be iterated only once`);
    started = true;
    try {
      // With reuseBatches, the batch yielded two steps ago goes back to the pool.
      let prev: ColumnBatch | undefined;
      let prev2: ColumnBatch | undefined;
      for (;;) {
        while (queued.length > 0) {
          const b = queued.shift()!;
          yield b;
          if (pool && prev2) {
            const col = Object.values(prev2.columns)[0];
            if (col) pool.give(col.buffer);
          }
          prev2 = prev;
          prev = b;
        }
        if (finished) return;
        await pull();
      }
    } finally {
      if (!finished) await plain.return?.(undefined);
    }
  }

  return {
    file,
    metadata,
    compressed,
    batches,
    get issues() { return decoder.issues; },
    get skipped() { return decoder.skipped; },
    get recordCount() { return decoder.recordCount; },
    get rowCount() { return decoder.rowCount; },
    get control() { return decoder.control; },
    async close() {
      if (!finished) {
        finished = true;
        await plain.return?.(undefined);
      }
    },
  };
}

export interface DbnReadResult {
  metadata: DbnMetadata;
  batches: ColumnBatch[];
  issues: DbnIssue[];
  skipped: number;
  recordCount: number;
  rowCount: number;
  control: DbnControlMessage[];
  compressed: boolean;
}

/** Reads a whole file into memory as batches (tests, small files). */
export async function readDbnAll(input: string | Uint8Array, opts: DbnOpenOptions = {}): Promise<DbnReadResult> {
  const r = await openDbn(input, opts);
  const batches: ColumnBatch[] = [];
  for await (const b of r.batches()) batches.push(b);
  return {
    metadata: r.metadata,
    batches,
    issues: [...r.issues],
    skipped: r.skipped,
    recordCount: r.recordCount,
    rowCount: r.rowCount,
    control: [...r.control],
    compressed: r.compressed,
  };
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
