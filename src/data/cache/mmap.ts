// Memory-mapping a cache column file: the typed array views the page cache's own pages, so a load
// costs a few system calls whatever the size, and the first pass over the data maps page-cache
// pages (several per fault: the kernel's fault-around maps whole folios) instead of faulting in
// fresh, zero-filled anonymous memory 4 KiB at a time, which on this VM costs ~2 µs a page and
// bounded the read() loader's first load at ~15-25 M rows/s (docs/data-formats.md).
//
// Node has no mmap. The native module is, in order of preference: `contango-mmap` (this folder's
// native/: ~70 lines of C over Node-API, no dependencies, ABI-stable), or the npm package
// `@riaskov/mmap-io` (NAN, ~130 transitive packages, lengths below 2 GiB). Either is loaded on first
// use. Without one (not installed, failed to build, Windows) mapFile returns undefined and the
// loader reads the file instead: same arrays, same values.
//
// The mapping is private and writable: a consumer that writes into a column gets a private
// copy-on-write page, never a change to the file, and never a crash (a read-only map would turn a
// stray write into SIGSEGV). It stays valid if the entry is rebuilt or removed (rm unlinks; the
// mapped inode lives on). The one unsafe thing is truncating a column file in place while it is
// mapped (SIGBUS on access): the cache never does that (entries are built aside and renamed in).
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/** The packages that can provide mmap(2) to Node, in order of preference. */
export const MMAP_PACKAGES = ['contango-mmap', '@riaskov/mmap-io'] as const;
/** The preferred one (src/data/cache/native/, built by node-gyp at install). */
export const MMAP_PACKAGE = MMAP_PACKAGES[0];

/** Maps `bytes` bytes of an open file from offset 0, private and copy-on-write. */
type Mapper = (fd: number, bytes: number) => ArrayBuffer;

interface MmapIo {
  map(size: number, protection: number, flags: number, fd: number, offset?: number, advise?: number): Uint8Array;
  readonly PROT_READ: number;
  readonly PROT_WRITE: number;
  readonly MAP_PRIVATE: number;
}

/** @riaskov/mmap-io passes the length to mmap as a C int. */
const MMAP_IO_MAX_BYTES = 2 ** 31 - 1;

function contangoMmap(req: NodeJS.Require): Mapper {
  const m = req('contango-mmap') as { map(fd: number, length: number, offset?: number): ArrayBuffer };
  if (typeof m.map !== 'function') throw new Error('contango-mmap has no map()');
  return (fd, bytes) => m.map(fd, bytes, 0);
}

/**
 * @riaskov/mmap-io's binary itself. The package's entry point finds it through
 * @mapbox/node-pre-gyp, whose module graph costs ~45 ms per process; after a build from source the
 * binary sits at one of these places, and its map() is the one the entry point exports.
 */
function riaskovMmapIo(req: NodeJS.Require): Mapper {
  let m: MmapIo | undefined;
  try {
    const dir = path.dirname(req.resolve('@riaskov/mmap-io/package.json'));
    const abi = `node-v${process.versions.modules}-${process.platform}-${process.arch}`;
    for (const rel of ['build/Release/mmap_io.node', `build/binding/Release/${abi}/mmap_io.node`]) {
      const file = path.join(dir, rel);
      if (existsSync(file)) {
        m = req(file) as MmapIo;
        break;
      }
    }
  } catch {
    // not there, or another layout: the entry point below finds it (or explains why not)
  }
  if (m === undefined) {
    const e = req('@riaskov/mmap-io') as MmapIo & { default?: MmapIo };
    m = typeof e.map === 'function' ? e : e.default;
  }
  if (typeof m?.map !== 'function') throw new Error('@riaskov/mmap-io has no map()');
  const io = m;
  return (fd, bytes) => {
    if (bytes > MMAP_IO_MAX_BYTES) throw new TooLarge();
    // A Buffer over the mapping: its ArrayBuffer is exactly the mapped range.
    const b = io.map(bytes, io.PROT_READ | io.PROT_WRITE, io.MAP_PRIVATE, fd, 0);
    if (b.byteOffset !== 0 || b.buffer.byteLength !== bytes) throw new Error(`mmap returned a view at offset ${b.byteOffset} of ${b.buffer.byteLength} bytes`);
    return b.buffer as ArrayBuffer;
  };
}

class TooLarge extends Error {}

let loaded: Mapper | null | undefined;
let loadedFrom: string | undefined;
let loadError: string | undefined;

function mapper(): Mapper | null {
  if (loaded !== undefined) return loaded;
  loaded = null;
  if (process.env['CONTANGO_CACHE_MMAP'] === '0') {
    loadError = 'disabled by CONTANGO_CACHE_MMAP=0';
    return loaded;
  }
  const req = createRequire(import.meta.url);
  const why: string[] = [];
  for (const [name, load] of [['contango-mmap', contangoMmap], ['@riaskov/mmap-io', riaskovMmapIo]] as const) {
    try {
      loaded = load(req);
      loadedFrom = name;
      return loaded;
    } catch (e) {
      why.push(`${name}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
    }
  }
  loadError = `no mmap module loads (${why.join('; ')})`;
  return loaded;
}

/** Whether column files can be memory-mapped in this process. */
export function mmapAvailable(): boolean {
  return mapper() !== null;
}

/** Which package maps (undefined when none loads). */
export function mmapModuleName(): string | undefined {
  mapper();
  return loadedFrom;
}

/** Why mapping is unavailable (undefined when it is available). */
export function mmapUnavailableReason(): string | undefined {
  return mapper() === null ? loadError : undefined;
}

/**
 * Map a whole column file of `bytes` bytes (open as `fd`), private and copy-on-write, as an
 * ArrayBuffer. Returns undefined when mapping is unavailable or the size cannot be mapped (0, or
 * too large for the module); the caller then reads. The fd may be closed right after: the mapping
 * holds its own reference to the file. It is released when the ArrayBuffer is collected.
 */
export function mapFile(fd: number, bytes: number, file: string): ArrayBuffer | undefined {
  const map = mapper();
  if (map === null || bytes <= 0) return undefined;
  let ab: ArrayBuffer;
  try {
    ab = map(fd, bytes);
  } catch (e) {
    if (e instanceof TooLarge) return undefined;
    throw new Error(`${file}: mmap of ${bytes} bytes failed: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (ab.byteLength !== bytes) throw new Error(`${file}: mmap gave ${ab.byteLength} bytes, expected ${bytes}`);
  return ab;
}
