// zstd for DBN files: the native libzstd binding (zstd-napi, built from source by node-gyp at
// `npm ci`) when it loads, else fzstd (pure JavaScript, decompression only). The native decoder is
// several times faster (bench/dbn-decode.ts compares the two side by side); fzstd keeps reading
// working on a machine where the addon could not be built. Writing .zst needs the native module.
//
// CONTANGO_ZSTD=js forces the fzstd path (tests run both; benchmarks compare them).
import { createRequire } from 'node:module';
import { Decompress } from 'fzstd';
import { allocUninit } from './alloc.js';

/** The part of zstd-napi's low-level binding used here (zstd-napi/binding.d.ts). */
interface StreamResult { 0: number; 1: number; 2: number }
interface NativeDCtx { decompressStream(dst: Uint8Array, src: Uint8Array): StreamResult }
interface NativeCCtx {
  setParameter(param: number, value: number): void;
  compressStream2(dst: Uint8Array, src: Uint8Array, endOp: number): StreamResult;
}
interface NativeBinding {
  DCtx: new () => NativeDCtx;
  CCtx: new () => NativeCCtx;
  CParameter: { compressionLevel: number; checksumFlag: number };
  EndDirective: { continue: number; flush: number; end: number };
  versionString(): string;
  dStreamOutSize(): number;
}

let native: NativeBinding | null | undefined;
let loadError = '';

/** The native binding, or null when it is unavailable (not built, wrong ABI) or disabled. */
export function nativeZstd(): NativeBinding | null {
  if (native !== undefined) return native;
  if (process.env.CONTANGO_ZSTD === 'js') {
    loadError = 'disabled by CONTANGO_ZSTD=js';
    return (native = null);
  }
  try {
    native = createRequire(import.meta.url)('zstd-napi/binding') as NativeBinding;
  } catch (e) {
    loadError = e instanceof Error ? e.message.split('\n')[0]! : String(e);
    native = null;
  }
  return native;
}

/** Which implementation decompresses: 'native (libzstd 1.5.7)' or 'fzstd (...)'. */
export function zstdBackend(): string {
  const n = nativeZstd();
  return n ? `native (libzstd ${n.versionString()})` : `fzstd (native zstd-napi unavailable: ${loadError})`;
}

/** Why a zstd stream failed: a truncated stream, or corrupt data. */
export class ZstdStreamError extends Error {
  constructor(readonly truncated: boolean, message: string, readonly inBytes: number, readonly outBytes: number) {
    super(message);
  }
}

/** Decompressed block size handed to the consumer (native path). */
const OUT_CHUNK = 1 << 20;

/**
 * Decompresses a zstd stream (one or more frames, skippable frames allowed) given as compressed
 * chunks; yields decompressed blocks. Every yielded block is a fresh array the consumer may keep.
 * Throws ZstdStreamError on corrupt or truncated input.
 */
export async function* zstdDecompressChunks(
  compressed: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  opts: { backend?: 'native' | 'js' } = {},
): AsyncGenerator<Uint8Array> {
  const n = opts.backend === 'js' ? null : nativeZstd();
  if (opts.backend === 'native' && n === null) throw new Error(`zstd-napi is unavailable: ${loadError}`);
  if (n !== null) yield* nativeChunks(n, compressed);
  else yield* fzstdChunks(compressed);
}

async function* nativeChunks(n: NativeBinding, compressed: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  const dctx = new n.DCtx();
  let inBytes = 0;
  let outBytes = 0;
  // ZSTD_decompressStream returns 0 exactly when a frame is complete and flushed.
  let inFrame = false;
  let out = allocOut();
  let used = 0;
  for await (const chunk of compressed) {
    let src = chunk;
    while (src.length > 0 || inFrame) {
      let r: StreamResult;
      try {
        r = dctx.decompressStream(out.subarray(used), src);
      } catch (e) {
        throw new ZstdStreamError(false, e instanceof Error ? e.message : String(e), inBytes, outBytes + used);
      }
      const [ret, produced, consumed] = [r[0], r[1], r[2]];
      used += produced;
      src = src.subarray(consumed);
      inBytes += consumed;
      inFrame = ret !== 0;
      if (used === out.length) {
        outBytes += used;
        yield out;
        out = allocOut();
        used = 0;
        continue; // the context may hold more output for the same input
      }
      if (src.length === 0) break; // needs more input (or the frame ended)
    }
  }
  if (used > 0) {
    outBytes += used;
    yield out.subarray(0, used);
  }
  if (inFrame) throw new ZstdStreamError(true, 'unexpected end of stream inside a zstd frame', inBytes, outBytes);
}

function allocOut(): Uint8Array {
  // Not zero-filled: only the bytes libzstd wrote are handed out.
  return new Uint8Array(allocUninit(OUT_CHUNK));
}

async function* fzstdChunks(compressed: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  const queue: Uint8Array[] = [];
  let inBytes = 0;
  let outBytes = 0;
  const d = new Decompress((data) => {
    if (data.length > 0) queue.push(data); // fzstd hands out a fresh array per block
    outBytes += data.length;
  });
  const fail = (e: unknown): never => {
    const msg = e instanceof Error ? e.message : String(e);
    throw new ZstdStreamError(/unexpected EOF/i.test(msg), msg, inBytes, outBytes);
  };
  for await (const chunk of compressed) {
    try {
      d.push(chunk);
    } catch (e) {
      fail(e);
    }
    inBytes += chunk.length;
    while (queue.length > 0) yield queue.shift()!;
  }
  try {
    d.push(new Uint8Array(0), true);
  } catch (e) {
    fail(e);
  }
  while (queue.length > 0) yield queue.shift()!;
}

/**
 * Streaming compressor (native only): feed plain bytes, get compressed bytes back. One zstd frame
 * with a content checksum, as Databento's files have.
 */
export class ZstdCompressor {
  private readonly cctx: NativeCCtx;
  private readonly n: NativeBinding;
  private out: Uint8Array;

  constructor(level = 3) {
    const n = nativeZstd();
    if (n === null) {
      throw new Error(`writing zstd needs the native zstd-napi module, which is unavailable (${loadError}); write an uncompressed .dbn instead`);
    }
    this.n = n;
    this.cctx = new n.CCtx();
    this.cctx.setParameter(n.CParameter.compressionLevel, level);
    this.cctx.setParameter(n.CParameter.checksumFlag, 1);
    this.out = new Uint8Array(OUT_CHUNK);
  }

  /** Compresses `src`; returns the compressed bytes produced so far (may be empty). */
  push(src: Uint8Array): Uint8Array[] {
    return this.run(src, this.n.EndDirective.continue);
  }

  /** Ends the frame; returns the last compressed bytes. */
  end(): Uint8Array[] {
    return this.run(new Uint8Array(0), this.n.EndDirective.end);
  }

  private run(src: Uint8Array, op: number): Uint8Array[] {
    const parts: Uint8Array[] = [];
    for (;;) {
      const r = this.cctx.compressStream2(this.out, src, op);
      const [remaining, produced, consumed] = [r[0], r[1], r[2]];
      if (produced > 0) parts.push(this.out.slice(0, produced));
      src = src.subarray(consumed);
      if (op === this.n.EndDirective.end ? remaining === 0 : src.length === 0) return parts;
    }
  }
}

/** One-shot compression (native only). */
export function zstdCompress(bytes: Uint8Array, level = 3): Uint8Array {
  const c = new ZstdCompressor(level);
  const parts = [...c.push(bytes), ...c.end()];
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
