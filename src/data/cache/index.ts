// The columnar cache: each input file (Databento parquet or DBN) is decoded once into a directory of
// fixed-width little-endian column files plus a JSON manifest, keyed by the sha256 of the source's
// content. Later loads map each column file (or read it) straight into a typed array.
//
// Freshness: a small per-path record (sources/<sha256 of the absolute path>.json) remembers the
// source's size, mtime and content hash. If size and mtime are unchanged, the remembered hash is
// trusted (no re-hash); if either changed, the file is re-hashed: same content (e.g. `touch`) reuses
// the entry, different content builds a new one. Entries are never shared between different content.
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { SchemaName } from '../batch.js';
import type { BuildOptions } from './build.js';
import { sha256File, sha256Text } from './hash.js';
import type { LoadOptions, CachedBatch } from './load.js';
import { loadEntry, loadEntryAsync, readManifest } from './load.js';
import { cacheRoot } from './location.js';
import type { CacheManifest } from './manifest.js';
import { entryName } from './manifest.js';
import { sniffFormat } from './sniff.js';

export { cacheRoot } from './location.js';
export type { CacheManifest, CacheColumn, CacheStringColumn, CacheColumnType } from './manifest.js';
export type { CachedBatch, LoadOptions } from './load.js';
export { entryBytes, loadEntry, loadEntryAsync, readManifest } from './load.js';
export { sha256File } from './hash.js';
export { MMAP_PACKAGE, MMAP_PACKAGES, mmapAvailable, mmapModuleName, mmapUnavailableReason } from './mmap.js';

export interface CacheOptions extends BuildOptions, LoadOptions {
  /** Cache directory (default: $CONTANGO_CACHE_DIR, else .cache/contango under the working dir). */
  cacheDir?: string;
  /** Rebuild even if a fresh entry exists. */
  rebuild?: boolean;
}

/** What happened on the way to an entry. */
export type CacheStatus =
  | 'hit' // size+mtime unchanged, entry present
  | 'revalidated' // size or mtime changed, content hash unchanged: entry reused
  | 'built'; // no entry for this content: built now

export interface CacheInfo {
  source: string;
  dir: string;
  sha256: string | undefined;
  /** Whether a usable entry exists for the source as it is now. */
  fresh: boolean;
  /** Why not fresh, when it is not. */
  reason?: string;
  manifest?: CacheManifest;
}

interface PathRecord {
  source: string;
  size: number;
  mtimeMs: number;
  sha256: string;
}

function recordFile(root: string, abs: string): string {
  return path.join(root, 'sources', `${sha256Text(abs)}.json`);
}

async function readRecord(root: string, abs: string): Promise<PathRecord | undefined> {
  try {
    return JSON.parse(await readFile(recordFile(root, abs), 'utf8')) as PathRecord;
  } catch {
    return undefined;
  }
}

async function writeRecord(root: string, rec: PathRecord): Promise<void> {
  await mkdir(path.join(root, 'sources'), { recursive: true });
  await writeFile(recordFile(root, rec.source), JSON.stringify(rec) + '\n');
}

function entryUsable(dir: string, size: number): CacheManifest | undefined {
  if (!existsSync(path.join(dir, 'manifest.json'))) return undefined;
  try {
    const m = readManifest(dir);
    return m.source.size === size ? m : undefined;
  } catch {
    return undefined;
  }
}

/** Find the entry for the source as it is now, without building. */
export async function cacheInfo(source: string, opts: CacheOptions = {}): Promise<CacheInfo> {
  const root = cacheRoot(opts.cacheDir);
  const abs = path.resolve(source);
  const st = await stat(abs);
  const rec = await readRecord(root, abs);
  let sha256: string;
  let reason: string | undefined;
  if (rec && rec.size === st.size && rec.mtimeMs === st.mtimeMs) {
    sha256 = rec.sha256;
  } else {
    reason = rec ? 'source size or mtime changed since the cache was built' : 'no cache record for this path';
    sha256 = await sha256File(abs);
    if (rec && rec.sha256 !== sha256) reason = 'source content changed';
  }
  const found = await findEntry(root, sha256, opts, st.size);
  if (found) return { source: abs, dir: found.dir, sha256, fresh: true, manifest: found.manifest };
  return { source: abs, dir: '', sha256, fresh: false, reason: reason ?? 'no cache entry for this content' };
}

async function findEntry(root: string, sha256: string, opts: CacheOptions, size: number) {
  const tolerate = opts.tolerate ?? false;
  const schema: SchemaName | undefined = opts.schema;
  if (schema) {
    const dir = path.join(root, entryName(sha256, schema, tolerate));
    const manifest = entryUsable(dir, size);
    return manifest ? { dir, manifest } : undefined;
  }
  // Schema not named: any entry of this content (a file has one schema).
  const names = existsSync(root) ? await readdir(root) : [];
  for (const name of names) {
    if (!name.startsWith(sha256 + '.') || name.endsWith('.tolerant') !== tolerate) continue;
    const dir = path.join(root, name);
    const manifest = entryUsable(dir, size);
    if (manifest) return { dir, manifest };
  }
  return undefined;
}

/** Make sure a fresh entry exists (building it if needed); returns where it is and what happened. */
export async function ensureCache(
  source: string,
  opts: CacheOptions = {},
): Promise<{ dir: string; manifest: CacheManifest; status: CacheStatus }> {
  const root = cacheRoot(opts.cacheDir);
  const abs = path.resolve(source);
  await sniffFormat(abs); // fail early, with a clear message, on an unsupported file
  const st = await stat(abs);
  const rec = await readRecord(root, abs);
  const unchanged = rec !== undefined && rec.size === st.size && rec.mtimeMs === st.mtimeMs;
  const sha256 = unchanged ? rec.sha256 : await sha256File(abs);
  if (!opts.rebuild) {
    const found = await findEntry(root, sha256, opts, st.size);
    if (found) {
      if (!unchanged) await writeRecord(root, { source: abs, size: st.size, mtimeMs: st.mtimeMs, sha256 });
      return { ...found, status: unchanged ? 'hit' : 'revalidated' };
    }
  }
  // Imported here, not at the top: a load that hits does not need the parquet and DBN readers.
  const { buildEntry } = await import('./build.js');
  const built = await buildEntry(root, abs, opts, sha256);
  // The source may have changed while it was read: record what was hashed only if it did not.
  const after = await stat(abs);
  if (after.size === st.size && after.mtimeMs === st.mtimeMs) {
    await writeRecord(root, { source: abs, size: st.size, mtimeMs: st.mtimeMs, sha256 });
  }
  return { ...built, status: 'built' };
}

/** Build (or rebuild) the cache entry for a source. */
export async function buildCache(source: string, opts: CacheOptions = {}) {
  return ensureCache(source, { ...opts, rebuild: true });
}

/**
 * Load a source through the cache: the columns as typed arrays, building the entry first if it is
 * missing or the source changed. `cache` says where the entry is and whether it was built.
 */
export async function loadCached(
  source: string,
  opts: CacheOptions = {},
): Promise<CachedBatch & { cache: { dir: string; manifest: CacheManifest; status: CacheStatus } }> {
  const e = await ensureCache(source, opts);
  const batch = (opts.parallelReads ?? 1) > 1 ? await loadEntryAsync(e.dir, e.manifest, opts) : loadEntry(e.dir, e.manifest, opts);
  return Object.assign(batch, { cache: e });
}

/** Remove the entry for a source's current content (and its path record). */
export async function removeCached(source: string, opts: CacheOptions = {}): Promise<boolean> {
  const info = await cacheInfo(source, opts);
  const root = cacheRoot(opts.cacheDir);
  await rm(recordFile(root, info.source), { force: true });
  if (!info.fresh) return false;
  await rm(info.dir, { recursive: true, force: true });
  return true;
}
