// Byte sources for the decoder: a file read in chunks, an in-memory buffer, and zstd decompression
// of either (streaming, native libzstd or fzstd: a compressed day never sits whole in memory).
// Compression is detected from the first four bytes: zstd frames start 28 b5 2f fd (skippable
// frames 5x 2a 4d 18), DBN starts "DBN".
import { open } from 'node:fs/promises';
import { allocUninit } from '../alloc.js';
import { ZstdStreamError, zstdDecompressChunks } from '../zstd.js';
import { DbnError } from './errors.js';

export const DEFAULT_READ_CHUNK = 1 << 20;

export function isZstd(head: Uint8Array): boolean {
  if (head.length < 4) return false;
  if (head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return true;
  // skippable frame: magic 0x184D2A50..0x184D2A5F little-endian
  return (head[0]! & 0xf0) === 0x50 && head[1] === 0x2a && head[2] === 0x4d && head[3] === 0x18;
}

/**
 * Reads a file in chunks, one read ahead: the next read runs on a libuv thread while the consumer
 * works on the current chunk, so reading and decoding overlap on two cores.
 *
 * Chunks are fresh buffers unless `recycle.on` is set when a read starts: then reads rotate over
 * three buffers, and a chunk stays valid until the consumer asks for the chunk after the next
 * one. That suits consumers that are done with a chunk by then (the DBN decoder copies every
 * record and any partial tail; libzstd copies its input window), and saves the page faults of a
 * fresh megabyte per read, which cost more than the read itself. fzstd keeps references to its
 * input, so its path leaves recycling off.
 */
export async function* fileChunks(path: string, chunkSize = DEFAULT_READ_CHUNK, recycle?: { on: boolean }): AsyncGenerator<Uint8Array> {
  const fh = await open(path, 'r');
  const ring: Uint8Array[] = [];
  let turn = 0;
  const readNext = async (): Promise<Uint8Array> => {
    let buf: Uint8Array;
    if (recycle?.on) {
      buf = ring[turn % 3] ??= new Uint8Array(allocUninit(chunkSize));
      turn++;
    } else {
      buf = new Uint8Array(allocUninit(chunkSize)); // not zero-filled: only bytes read are handed out
    }
    const { bytesRead } = await fh.read(buf, 0, chunkSize, null);
    return bytesRead === chunkSize ? buf : buf.subarray(0, bytesRead);
  };
  let ahead: Promise<Uint8Array> | undefined = readNext();
  try {
    for (;;) {
      const chunk = await ahead;
      ahead = undefined;
      if (chunk.length === 0) return;
      ahead = readNext();
      yield chunk;
    }
  } finally {
    // A read may still be in flight when the consumer stops early: let it finish before closing.
    if (ahead) await ahead.catch(() => undefined);
    await fh.close();
  }
}

/**
 * Splits an in-memory buffer into views (no copy). Moderate pieces keep the decoder's output
 * flowing to the consumer instead of piling up every batch of a huge buffer at once.
 */
export function* bufferChunks(bytes: Uint8Array, chunkSize = 4 * DEFAULT_READ_CHUNK): Generator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += chunkSize) yield bytes.subarray(i, Math.min(bytes.length, i + chunkSize));
}

/**
 * Decompresses a zstd stream given as compressed chunks; yields decompressed blocks. Native
 * libzstd when zstd-napi loads, else fzstd (see ../zstd.ts). Failures become DbnErrors naming the
 * file and the decompressed byte offset.
 */
export async function* zstdChunks(
  compressed: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  file: string,
  backend?: 'native' | 'js',
): AsyncGenerator<Uint8Array> {
  try {
    yield* zstdDecompressChunks(compressed, { backend });
  } catch (e) {
    if (!(e instanceof ZstdStreamError)) throw e;
    throw new DbnError(
      e.truncated ? 'truncated' : 'zstd',
      file,
      e.outBytes,
      -1,
      e.truncated ? 'a complete zstd stream' : 'valid zstd data',
      `${e.message} (after ${e.inBytes} compressed bytes)`,
    );
  }
}
