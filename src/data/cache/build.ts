// Building a cache entry: stream the source once, append every column's bytes to its own file, then
// write the manifest and move the finished directory into place (a crash leaves only a temp dir).
import { closeSync, openSync, writeSync } from 'node:fs';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Column, SchemaName } from '../batch.js';
import { sha256File } from './hash.js';
import type { CacheColumn, CacheManifest, CacheStringColumn } from './manifest.js';
import { CACHE_FORMAT, CACHE_VERSION, columnFileName, entryName, jsonWithBigInt, typeOfColumn } from './manifest.js';

export { entryName } from './manifest.js';
import { openSource } from './source.js';

export interface BuildOptions {
  schema?: SchemaName;
  /** Drop bad rows instead of failing (the entry is kept apart from a strict one). */
  tolerate?: boolean;
  /** Require non-decreasing index timestamps while building. */
  checkSorted?: boolean;
  /** Called with rows written so far (and the total when known). */
  onProgress?: (rows: number, total: number | undefined) => void;
}

if (os.endianness() !== 'LE') {
  // The column files are little-endian and loaded as typed-array views without byte swapping.
  throw new Error('the columnar cache needs a little-endian machine');
}

/**
 * Build the cache entry for `source` under `root` (replacing an existing one with the same key).
 * `sha256` may be passed when the caller already hashed the file.
 */
export async function buildEntry(
  root: string,
  source: string,
  opts: BuildOptions = {},
  knownSha256?: string,
): Promise<{ dir: string; manifest: CacheManifest }> {
  const abs = path.resolve(source);
  const st = await stat(abs);
  const sha256 = knownSha256 ?? (await sha256File(abs));
  const src = await openSource(abs, { schema: opts.schema, tolerate: opts.tolerate, checkSorted: opts.checkSorted });
  await mkdir(root, { recursive: true });
  const tmp = path.join(root, `.tmp-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`);
  await mkdir(tmp);
  const fds = new Map<string, number>();
  const columns: CacheColumn[] = [];
  const strings: (CacheStringColumn & { codes: Map<string, number> })[] = [];
  let rows = 0;
  try {
    for await (const batch of src.batches()) {
      if (rows === 0 && columns.length === 0) {
        for (const [name, col] of Object.entries(batch.columns)) {
          const file = columnFileName(name);
          columns.push({ name, type: typeOfColumn(col), file });
          fds.set(name, openSync(path.join(tmp, file), 'w'));
        }
        for (const name of Object.keys(batch.strings ?? {})) {
          const file = columnFileName(name, '.codes.bin');
          strings.push({ name, file, dictionary: [], codes: new Map() });
          fds.set(`$${name}`, openSync(path.join(tmp, file), 'w'));
        }
      }
      for (const c of columns) {
        const col = batch.columns[c.name] as Column | undefined;
        if (!col || typeOfColumn(col) !== c.type) throw new Error(`${abs}: batch at row ${rows} changes column '${c.name}'`);
        writeAll(fds.get(c.name)!, col);
      }
      for (const s of strings) {
        const vals = batch.strings?.[s.name];
        if (!vals) throw new Error(`${abs}: batch at row ${rows} lacks string column '${s.name}'`);
        const codes = new Uint32Array(vals.length);
        for (let i = 0; i < vals.length; i++) {
          const v = vals[i]!;
          let k = s.codes.get(v);
          if (k === undefined) {
            k = s.dictionary.length;
            s.dictionary.push(v);
            s.codes.set(v, k);
          }
          codes[i] = k;
        }
        writeAll(fds.get(`$${s.name}`)!, codes);
      }
      rows += batch.length;
      opts.onProgress?.(rows, src.numRows);
    }
  } catch (e) {
    for (const fd of fds.values()) closeSync(fd);
    fds.clear();
    await rm(tmp, { recursive: true, force: true });
    throw e;
  } finally {
    for (const fd of fds.values()) closeSync(fd);
    await src.close();
  }
  const skipped = src.skippedSummary();
  const manifest: CacheManifest = {
    format: CACHE_FORMAT,
    version: CACHE_VERSION,
    schema: src.schema,
    rows,
    columns,
    strings: strings.map(({ name, file, dictionary }) => ({ name, file, dictionary })),
    source: { path: abs, format: src.format, size: st.size, mtimeMs: st.mtimeMs, sha256 },
    build: { tolerate: opts.tolerate ?? false, skipped: skipped.count, skippedExamples: skipped.examples },
    sourceMetadata: src.dbnMetadata ? JSON.parse(jsonWithBigInt(src.dbnMetadata)) : undefined,
    createdAt: new Date().toISOString(),
    createdBy: 'contango 0.1.0',
  };
  await writeFile(path.join(tmp, 'manifest.json'), jsonWithBigInt(manifest) + '\n');
  const dir = path.join(root, entryName(sha256, src.schema, opts.tolerate ?? false));
  await rm(dir, { recursive: true, force: true });
  await rename(tmp, dir);
  return { dir, manifest };
}

function writeAll(fd: number, col: ArrayBufferView): void {
  const bytes = new Uint8Array(col.buffer, col.byteOffset, col.byteLength);
  let at = 0;
  while (at < bytes.length) at += writeSync(fd, bytes, at, bytes.length - at);
}
