// Loading a cache entry: one read per column file into its own buffer, typed arrays as views on it
// (no per-row work, no copy after the read). String columns are kept as u32 codes plus the
// manifest's dictionary; the per-row strings of ColumnBatch.strings are built only if asked for.
import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import path from 'node:path';
import type { Column, ColumnBatch } from '../batch.js';
import type { CacheManifest } from './manifest.js';
import { CTOR, parseManifest, WIDTH } from './manifest.js';

export interface LoadOptions {
  /** Load only these columns (default: all). String columns are named as columns too. */
  columns?: string[];
}

export interface CachedBatch extends ColumnBatch {
  /** String columns as codes + dictionary (the cheap form; `strings` materializes per row lazily). */
  dictionaries: Record<string, { codes: Uint32Array; values: string[] }>;
}

export function readManifest(dir: string): CacheManifest {
  const file = path.join(dir, 'manifest.json');
  return parseManifest(readFileSync(file, 'utf8'), file);
}

/** Read a whole file into a fresh, 8-byte-aligned buffer of exactly `expected` bytes. */
function readColumnFile(file: string, expected: number): ArrayBuffer {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size !== expected) throw new Error(`${file}: ${size} bytes, expected ${expected} (cache entry damaged)`);
    // allocUnsafeSlow: an unpooled buffer at byteOffset 0, without zero-filling.
    const buf = Buffer.allocUnsafeSlow(size);
    let at = 0;
    while (at < size) {
      const n = readSync(fd, buf, at, Math.min(size - at, 0x7fff_f000), at);
      if (n === 0) throw new Error(`${file}: short read at ${at} of ${size} bytes`);
      at += n;
    }
    return buf.buffer as ArrayBuffer;
  } finally {
    closeSync(fd);
  }
}

export function loadEntry(dir: string, manifest: CacheManifest = readManifest(dir), opts: LoadOptions = {}): CachedBatch {
  const want = opts.columns ? new Set(opts.columns) : undefined;
  if (want) {
    const known = new Set([...manifest.columns.map((c) => c.name), ...manifest.strings.map((s) => s.name)]);
    for (const c of want) if (!known.has(c)) throw new Error(`${dir}: no column '${c}' in this cache entry (has ${[...known].join(', ')})`);
  }
  const n = manifest.rows;
  const columns: Record<string, Column> = {};
  for (const c of manifest.columns) {
    if (want && !want.has(c.name)) continue;
    const buf = readColumnFile(path.join(dir, c.file), n * WIDTH[c.type]);
    columns[c.name] = new CTOR[c.type](buf, 0, n) as Column;
  }
  const dictionaries: CachedBatch['dictionaries'] = {};
  const strings: Record<string, string[]> = {};
  for (const s of manifest.strings) {
    if (want && !want.has(s.name)) continue;
    const codes = new Uint32Array(readColumnFile(path.join(dir, s.file), n * 4), 0, n);
    dictionaries[s.name] = { codes, values: s.dictionary };
    let rows: string[] | undefined;
    Object.defineProperty(strings, s.name, {
      enumerable: true,
      get: () => {
        if (!rows) {
          rows = new Array<string>(n);
          for (let i = 0; i < n; i++) rows[i] = s.dictionary[codes[i]!]!;
        }
        return rows;
      },
    });
  }
  const batch: CachedBatch = { schema: manifest.schema, length: n, columns, dictionaries };
  if (Object.keys(dictionaries).length > 0) batch.strings = strings;
  return batch;
}
