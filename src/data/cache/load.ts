// Loading a cache entry. Two ways, same arrays and values:
//
// - Memory-mapped (the default when the mmap module is there, see mmap.ts): each column's typed array
//   views a private, copy-on-write mapping of its file. The load is a few system calls per column
//   whatever the size; the consumer's first pass maps page-cache pages, several at a time, with no
//   copy and no zero-filling. Processes that load the same entry share the physical pages.
// - Read: every column file is read straight into the memory its typed array views (not
//   zero-filled, no intermediate Buffer, no copy after the read). Used with `into`, with
//   `map: false`, without the mmap module, and for files it cannot map (empty, or over 2 GiB).
//
// Where the read path's time goes (docs/data-formats.md, bench/parquet-cache.ts): the kernel's copy
// out of the page cache, and the page faults of fresh memory (4 KiB pages: here they cost 2-3x the
// copy). Hence: one allocation per column, not one for the entry. A column of up to ~32 MB (4 M
// rows of 8 bytes) is below glibc's largest mmap threshold, so after the first load in a process
// its memory comes back from the malloc heap already faulted in. A buffer passed as `into` (one
// buffer for all columns, 64-byte aligned) has no faults at all. Reads go in 1 MiB pieces (faster
// than one huge read). loadEntryAsync keeps several reads in flight on libuv threads (two cores).
//
// String columns are kept as u32 codes plus the manifest's dictionary; the per-row strings of
// ColumnBatch.strings are built only if asked for.
import { closeSync, fstatSync, openSync, read, readFileSync, readSync } from 'node:fs';
import path from 'node:path';
import type { Column, ColumnBatch } from '../batch.js';
import { allocUninit } from '../alloc.js';
import type { CacheManifest } from './manifest.js';
import { CTOR, parseManifest, WIDTH } from './manifest.js';
import { mapFile } from './mmap.js';

/** Bytes per read call. */
const PIECE = 1 << 20;
const ALIGN = 64;

export interface LoadOptions {
  /** Load only these columns (default: all). String columns are named as columns too. */
  columns?: string[];
  /**
   * Load into this buffer instead of fresh memory (at least `entryBytes()` long). Reusing one
   * buffer across loads of same-sized entries saves the page faults of fresh memory, which cost
   * about as much as the read itself; the previous load's arrays are overwritten.
   */
  into?: ArrayBuffer;
  /**
   * Reads in flight at once (libuv threads). Default 1 for loadEntry/loadCached; loadEntryAsync
   * defaults to 2. Two help only when a second core is idle: on the shared 2-core benchmark
   * machine under load they were slower than one (page faults of one address space contend).
   */
  parallelReads?: number;
  /**
   * Memory-map the column files (default true; ignored with `into`). Falls back to reading when
   * the mmap module is unavailable (mmap.ts) or a file cannot be mapped. Mapped columns are
   * private copy-on-write pages: writing into them never changes the cache.
   */
  map?: boolean;
}

export interface CachedBatch extends ColumnBatch {
  /** String columns as codes + dictionary (the cheap form; `strings` materializes per row lazily). */
  dictionaries: Record<string, { codes: Uint32Array; values: string[] }>;
  /** How the column memory was obtained: 'map' if any column maps its file, else 'read'. */
  loadedBy: 'map' | 'read';
}

export function readManifest(dir: string): CacheManifest {
  const file = path.join(dir, 'manifest.json');
  return parseManifest(readFileSync(file, 'utf8'), file);
}

interface Slot {
  name: string;
  file: string;
  ctor: (typeof CTOR)[keyof typeof CTOR];
  offset: number;
  bytes: number;
  kind: 'column' | 'string';
  dictionary?: string[];
  /** Where the column goes (placeInto / placeOwn). */
  buffer?: ArrayBuffer;
  mapped?: boolean;
}

/** Where each wanted column goes in the entry's buffer. */
function plan(dir: string, manifest: CacheManifest, opts: LoadOptions): { slots: Slot[]; total: number } {
  const want = opts.columns ? new Set(opts.columns) : undefined;
  if (want) {
    const known = new Set([...manifest.columns.map((c) => c.name), ...manifest.strings.map((s) => s.name)]);
    for (const c of want) if (!known.has(c)) throw new Error(`${dir}: no column '${c}' in this cache entry (has ${[...known].join(', ')})`);
  }
  const n = manifest.rows;
  const slots: Slot[] = [];
  let total = 0;
  const add = (name: string, file: string, ctor: Slot['ctor'], width: number, kind: Slot['kind'], dictionary?: string[]) => {
    const bytes = n * width;
    slots.push({ name, file: path.join(dir, file), ctor, offset: total, bytes, kind, dictionary });
    total += Math.ceil(bytes / ALIGN) * ALIGN;
  };
  for (const c of manifest.columns) if (!want || want.has(c.name)) add(c.name, c.file, CTOR[c.type], WIDTH[c.type], 'column');
  for (const s of manifest.strings) if (!want || want.has(s.name)) add(s.name, s.file, Uint32Array, 4, 'string', s.dictionary);
  return { slots, total };
}

/** Bytes of the single buffer a load of this entry (and column choice) needs. */
export function entryBytes(manifest: CacheManifest, opts: LoadOptions = {}): number {
  return Math.max(plan('', manifest, opts).total, 8);
}

/** With `into`: every slot views the caller's buffer at its planned offset. */
function placeInto(dir: string, slots: Slot[], total: number, into: ArrayBuffer): void {
  const need = Math.max(total, 8);
  if (into.byteLength < need) throw new Error(`${dir}: the 'into' buffer has ${into.byteLength} bytes, this load needs ${need}`);
  for (const slot of slots) slot.buffer = into;
}

/**
 * Gives a slot without memory yet its own: a mapping of its (open) file when `map`, else fresh
 * uninitialised memory at offset 0. Returns true when the slot still has to be read.
 */
function placeOwn(slot: Slot, fd: number, map: boolean): boolean {
  if (slot.buffer !== undefined) return true; // a view into `into`
  const mapped = map ? mapFile(fd, slot.bytes, slot.file) : undefined;
  slot.offset = 0;
  if (mapped !== undefined) {
    slot.buffer = mapped;
    slot.mapped = true;
    return false;
  }
  slot.buffer = allocUninit(Math.max(slot.bytes, 8));
  return true;
}

function openChecked(slot: Slot): number {
  const fd = openSync(slot.file, 'r');
  const size = fstatSync(fd).size;
  if (size !== slot.bytes) {
    closeSync(fd);
    throw new Error(`${slot.file}: ${size} bytes, expected ${slot.bytes} (cache entry damaged)`);
  }
  return fd;
}

function shortRead(slot: Slot, at: number): Error {
  return new Error(`${slot.file}: short read at ${at} of ${slot.bytes} bytes (cache entry damaged)`);
}

function assemble(manifest: CacheManifest, slots: Slot[]): CachedBatch {
  const n = manifest.rows;
  const columns: Record<string, Column> = {};
  const dictionaries: CachedBatch['dictionaries'] = {};
  const strings: Record<string, string[]> = {};
  for (const slot of slots) {
    if (slot.kind === 'column') {
      columns[slot.name] = new slot.ctor(slot.buffer!, slot.offset, n) as Column;
      continue;
    }
    const codes = new Uint32Array(slot.buffer!, slot.offset, n);
    const values = slot.dictionary!;
    dictionaries[slot.name] = { codes, values };
    let rows: string[] | undefined;
    Object.defineProperty(strings, slot.name, {
      enumerable: true,
      get: () => {
        if (!rows) {
          rows = new Array<string>(n);
          for (let i = 0; i < n; i++) rows[i] = values[codes[i]!]!;
        }
        return rows;
      },
    });
  }
  const loadedBy = slots.some((s) => s.mapped) ? 'map' : 'read';
  const batch: CachedBatch = { schema: manifest.schema, length: n, columns, dictionaries, loadedBy };
  if (Object.keys(dictionaries).length > 0) batch.strings = strings;
  return batch;
}

/** Loads an entry: maps its column files, or reads them with synchronous reads. */
export function loadEntry(dir: string, manifest: CacheManifest = readManifest(dir), opts: LoadOptions = {}): CachedBatch {
  const { slots, total } = plan(dir, manifest, opts);
  if (opts.into !== undefined) placeInto(dir, slots, total, opts.into);
  const map = opts.map ?? true;
  for (const slot of slots) {
    const fd = openChecked(slot);
    try {
      if (!placeOwn(slot, fd, map)) continue;
      const bytes = new Uint8Array(slot.buffer!);
      for (let at = 0; at < slot.bytes;) {
        const got = readSync(fd, bytes, slot.offset + at, Math.min(PIECE, slot.bytes - at), at);
        if (got === 0) throw shortRead(slot, at);
        at += got;
      }
    } finally {
      closeSync(fd);
    }
  }
  return assemble(manifest, slots);
}

function readAsync(fd: number, into: Uint8Array, offset: number, length: number, position: number): Promise<number> {
  return new Promise((resolve, reject) => read(fd, into, offset, length, position, (e, n) => (e ? reject(e) : resolve(n))));
}

/**
 * Loads an entry with up to `parallelReads` (default 2) reads in flight on libuv threads. Same
 * result as loadEntry; faster in wall time only when a second core is free. Columns that can be
 * mapped are mapped (synchronously: a mapping is a few system calls) and not read.
 */
export async function loadEntryAsync(dir: string, manifest: CacheManifest = readManifest(dir), opts: LoadOptions = {}): Promise<CachedBatch> {
  const { slots, total } = plan(dir, manifest, opts);
  if (opts.into !== undefined) placeInto(dir, slots, total, opts.into);
  const map = opts.map ?? true;
  const fds: number[] = [];
  try {
    const pieces: { slot: Slot; bytes: Uint8Array; fd: number; at: number; len: number }[] = [];
    for (const slot of slots) {
      const fd = openChecked(slot);
      fds.push(fd);
      if (!placeOwn(slot, fd, map)) continue;
      const bytes = new Uint8Array(slot.buffer!);
      for (let at = 0; at < slot.bytes; at += PIECE) pieces.push({ slot, bytes, fd, at, len: Math.min(PIECE, slot.bytes - at) });
    }
    let next = 0;
    const worker = async () => {
      while (next < pieces.length) {
        const p = pieces[next++]!;
        for (let done = 0; done < p.len;) {
          const got = await readAsync(p.fd, p.bytes, p.slot.offset + p.at + done, p.len - done, p.at + done);
          if (got === 0) throw shortRead(p.slot, p.at + done);
          done += got;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.parallelReads ?? 2, pieces.length)) }, worker));
  } finally {
    for (const fd of fds) closeSync(fd);
  }
  return assemble(manifest, slots);
}
