// Bars in ticks, kept beside a cache entry: the validated result of converting the entry's bar columns
// (1e-9 prices or float quotes) to integer ticks for one symbol and tick size. Converting and checking a
// million bars costs ~0.1 s on every load — on the critical path of every study, before any worker can start
// — and the result never changes: the entry is named by the source's SHA-256, so what is derived from it
// stays valid as long as it does. Later loads read (or map) the finished columns.
//
// Layout: <entry>/bars-<tick units>-<bar ns or "auto">-<symbol, hex>-<code>/ (code: a hash of the converting
// code, src/util/code-fingerprint.ts, so another version never reads this one's) with meta.json and one little-endian
// file per column (ts.i64, open.f64, high.f64, low.f64, close.f64, volume.f64). Written to a temporary
// directory and renamed into place: a reader sees a complete set or none. A set that fails its checks
// (version, code, row count, file sizes) is ignored and rebuilt.
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readFileSync, readSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import type { BarSeries } from '../../backtest/api.js';
import { codeFingerprint } from '../../util/code-fingerprint.js';
import { mapFile } from './mmap.js';

const TICK_BARS_VERSION = 1;
/** the code that converts and checks (src/data/bars.ts toBarSeries): an edit to it makes earlier sets stale */
const CODE = ['../bars', './tick-bars'];

const COLUMNS = ['ts', 'open', 'high', 'low', 'close', 'volume'] as const;
type ColumnName = (typeof COLUMNS)[number];

interface TickBarsMeta {
  version: number;
  /** codeFingerprint of the converting code */
  code: string;
  symbol: string;
  barNs: number;
  rows: number;
  tickUnits: string;
}

export interface TickBarsKey {
  tickUnits: bigint;
  /** the symbol asked for (undefined: the file's only one) */
  symbol?: string;
  /** the bar length asked for (undefined: inferred from the data) */
  barNs?: number;
}

export function tickBarsDir(entryDir: string, k: TickBarsKey): string {
  const sym = Buffer.from(k.symbol ?? '', 'utf8').toString('hex') || 'any';
  return path.join(entryDir, `bars-${k.tickUnits}-${k.barNs ?? 'auto'}-${sym}-${codeFingerprint(import.meta.url, CODE).slice(0, 12)}`);
}

/**
 * The derived bars, or undefined when there are none (or they fail a check). `shared`: in SharedArrayBuffers
 * (a study hands them to its workers); otherwise mapped copy-on-write when the mmap module is there.
 */
export function readTickBars(dir: string, k: TickBarsKey, shared: boolean): BarSeries | undefined {
  let meta: TickBarsMeta;
  try {
    meta = JSON.parse(readFileSync(path.join(dir, 'meta.json'), 'utf8')) as TickBarsMeta;
  } catch {
    return undefined;
  }
  if (meta.version !== TICK_BARS_VERSION || meta.code !== codeFingerprint(import.meta.url, CODE) || meta.tickUnits !== String(k.tickUnits) || !(meta.rows > 0)) return undefined;
  const cols: Partial<Record<ColumnName, ArrayBuffer | SharedArrayBuffer>> = {};
  for (const name of COLUMNS) {
    const buf = readColumn(path.join(dir, `${name}.${name === 'ts' ? 'i64' : 'f64'}`), meta.rows * 8, shared);
    if (buf === undefined) return undefined;
    cols[name] = buf;
  }
  return {
    symbol: meta.symbol,
    barNs: meta.barNs,
    ts: new BigInt64Array(cols.ts!),
    open: new Float64Array(cols.open!),
    high: new Float64Array(cols.high!),
    low: new Float64Array(cols.low!),
    close: new Float64Array(cols.close!),
    volume: new Float64Array(cols.volume!),
  };
}

/**
 * A column file of exactly `bytes` bytes: in a SharedArrayBuffer (`shared`), else mapped copy-on-write when the mmap
 * module is there, else read. Undefined when the file is missing or has another size.
 */
export function readColumn(file: string, bytes: number, shared: boolean): ArrayBuffer | SharedArrayBuffer | undefined {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return undefined;
  }
  try {
    if (fstatSync(fd).size !== bytes) return undefined;
    if (!shared) {
      const mapped = mapFile(fd, bytes, file);
      if (mapped !== undefined) return mapped;
    }
    const buf = shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
    const view = new Uint8Array(buf);
    for (let at = 0; at < bytes; ) {
      const n = readSync(fd, view, at, Math.min(bytes - at, 1 << 24), at);
      if (n <= 0) return undefined;
      at += n;
    }
    return buf;
  } finally {
    closeSync(fd);
  }
}

/**
 * Keep `series` (converted and checked by toBarSeries) for the next load. Best effort: a cache directory that
 * cannot be written only means the next load converts again. Bars with perpetual columns are not kept (the
 * cache does not take that layout).
 */
export function writeTickBars(dir: string, k: TickBarsKey, series: BarSeries): void {
  if (series.mark || series.fundingRate) return;
  const meta: TickBarsMeta = { version: TICK_BARS_VERSION, code: codeFingerprint(import.meta.url, CODE), symbol: series.symbol, barNs: series.barNs, rows: series.ts.length, tickUnits: String(k.tickUnits) };
  writeColumnSet(dir, Object.fromEntries(COLUMNS.map((name) => [`${name}.${name === 'ts' ? 'i64' : 'f64'}`, series[name]])), meta);
}

/**
 * Write column files and a meta.json into `dir`, all or nothing: into a temporary directory renamed into place. A
 * `dir` already there is replaced (callers write only after reading it failed: it is damaged or stale). Best effort:
 * a lost race with another process or a read-only cache leave things as they were.
 */
export function writeColumnSet(dir: string, files: Record<string, ArrayBufferView>, meta: unknown): void {
  const tmp = `${dir}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  try {
    mkdirSync(tmp);
    for (const [name, col] of Object.entries(files)) {
      const fd = openSync(path.join(tmp, name), 'w');
      try {
        const bytes = new Uint8Array(col.buffer, col.byteOffset, col.byteLength);
        for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at, bytes.length - at);
      } finally {
        closeSync(fd);
      }
    }
    writeFileSync(path.join(tmp, 'meta.json'), JSON.stringify(meta, null, 2) + '\n');
    // a reader of the old set meanwhile finds files missing or of the wrong size, and converts on its own
    if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
    renameSync(tmp, dir);
  } catch {
    rmSync(tmp, { recursive: true, force: true });
  }
}
