// Parquet decode (zstd and snappy) vs the columnar cache, on a synthetic MBO batch built in memory.
// Rows/s for: parquet write, raw parquet-wasm decode (arrow only), full decode into ColumnBatch,
// cache build (decode + hash + column files), cache load (all columns, and the replay subset).
//
// Cache loads run in fresh child processes (three per variant, the median reported), so "first load" is a process's first
// (fresh memory, nothing faulted in yet), as a replay or a walk-forward worker sees it. Two loaders,
// side by side: memory-mapped (the default when the mmap module is installed) and read (map:
// false). A mapped load defers its page faults to the consumer, so each child also times the
// consumer's first pass over the columns (every cache line read once) and a second pass: the first minus the second is the cost the load deferred.
// "load + deferred" is the honest first-load figure. The read child also splits the read path's
// two costs: the read alone (into an already-faulted buffer) and the page faults alone.
// Wall-clock seconds; load average in the JSON.
// Usage: node dist/bench/parquet-cache.js [rows]   (default 3,000,000; CONTANGO_BENCH_ROWS also works)
import { execFileSync, execSync } from 'node:child_process';
import { openAsBlob, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { mkdtempSync } from 'node:fs';
import * as arrow from 'apache-arrow';
import { ParquetFile } from 'parquet-wasm';
import type { ColumnBatch } from '../src/data/batch.js';
import { allocUninit } from '../src/data/alloc.js';
import { entryBytes, loadCached, mmapAvailable, mmapModuleName, mmapUnavailableReason } from '../src/data/cache/index.js';
import { openParquet } from '../src/data/parquet/reader.js';
import { syntheticMbo } from '../src/data/parquet/synthetic.js';
import { writeParquetFile } from '../src/data/parquet/writer.js';
import type { BenchRow } from './lib/results.js';
import { report } from './lib/results.js';

/** The columns the replay reads (src/replay/kernel.ts mboColumns): 43 bytes a row. */
const REPLAY_COLUMNS = ['action', 'side', 'flags', 'instrument_id', 'size', 'order_id', 'price', 'ts_recv', 'ts_event'];
const loadStart = os.loadavg();
const uptimeStart = execSync('uptime').toString().trim();

/**
 * A consumer's pass: reads one word of every 64-byte cache line of every column, so every byte is
 * brought in (memory-bound, like a replay's scan). Not chunk copies into a scratch buffer: their
 * speed depends on the buffers' relative alignment (4 KiB aliasing: a copy whose source and
 * destination share their offset within a page ran 3x slower here), which would measure where
 * malloc put the scratch buffer rather than the loader.
 */
function consumerPass(b: ColumnBatch): number {
  let x = 0;
  for (const col of Object.values(b.columns)) {
    if (col.byteLength % 4 === 0) {
      const w = new Int32Array(col.buffer, col.byteOffset, col.byteLength / 4);
      for (let i = 0; i < w.length; i += 16) x ^= w[i]!;
    } else {
      const w = new Uint8Array(col.buffer, col.byteOffset, col.byteLength);
      for (let i = 0; i < w.length; i += 64) x ^= w[i]!;
    }
  }
  return x;
}

interface ChildTimings {
  loadedBy: string;
  bytes: number;
  /** the process's first load */
  first: number;
  /** the consumer's first and second pass over the first load's columns */
  pass1: number;
  pass2: number;
  /** best of `reps` further loads */
  repeated: number;
  /** read child only: the read into an already-faulted buffer, and touching fresh memory */
  readOnly?: number;
  faultOnly?: number;
}

/** Timings (seconds) of one loader variant, in this (fresh) process. */
async function cacheLoadTimings(file: string, cacheDir: string, map: boolean, columns: string[] | undefined, reps: number): Promise<ChildTimings> {
  const opts = { cacheDir, map, columns };
  const secs = (t0: number) => (performance.now() - t0) / 1000;
  let t0 = performance.now();
  const first = await loadCached(file, opts);
  const tFirst = secs(t0);
  if (first.cache.status !== 'hit') throw new Error('expected a cache hit');
  t0 = performance.now();
  consumerPass(first);
  const pass1 = secs(t0);
  t0 = performance.now();
  consumerPass(first);
  const pass2 = secs(t0);
  let repeated = Infinity;
  for (let rep = 0; rep < reps; rep++) {
    t0 = performance.now();
    const b = await loadCached(file, opts);
    consumerPass(b); // a mapped load is only done once its pages are touched
    repeated = Math.min(repeated, secs(t0) - pass2);
  }
  const bytes = entryBytes(first.cache.manifest, { columns });
  const out: ChildTimings = { loadedBy: first.loadedBy, bytes, first: tFirst, pass1, pass2, repeated };
  if (!map) {
    const arena = allocUninit(bytes);
    new Uint8Array(arena).fill(1); // fault it in once: loads into it then cost only the read
    out.readOnly = Infinity;
    for (let rep = 0; rep < reps; rep++) {
      t0 = performance.now();
      await loadCached(file, { ...opts, into: arena });
      out.readOnly = Math.min(out.readOnly, secs(t0));
    }
    t0 = performance.now();
    const fresh = new Uint8Array(allocUninit(bytes));
    for (let i = 0; i < fresh.length; i += 4096) fresh[i] = 1;
    out.faultOnly = secs(t0);
  }
  return out;
}

if (process.argv[2] === '--cache-child') {
  // Child mode: print the timings as JSON and exit.
  const [file, cacheDir, mode, cols] = process.argv.slice(3) as [string, string, string, string];
  console.log(JSON.stringify(await cacheLoadTimings(file, cacheDir, mode === 'map', cols === 'replay' ? REPLAY_COLUMNS : undefined, 5)));
  process.exit(0);
}

/** Three fresh processes; the one with the median first load + deferred faults is reported. */
function childTimings(file: string, cacheDir: string, mode: 'map' | 'read', cols: 'all' | 'replay'): ChildTimings {
  const runs: ChildTimings[] = [];
  for (let k = 0; k < 3; k++) {
    const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--cache-child', file, cacheDir, mode, cols], { encoding: 'utf8' });
    runs.push(JSON.parse(out.trim().split('\n').pop()!) as ChildTimings);
  }
  const cost = (t: ChildTimings) => t.first + Math.max(0, t.pass1 - t.pass2);
  return runs.sort((a, b) => cost(a) - cost(b))[1]!;
}

const rows = Number(process.argv[2] ?? process.env['CONTANGO_BENCH_ROWS'] ?? 3_000_000);
const dir = mkdtempSync(path.join(os.tmpdir(), 'contango-bench-pq-'));
const cacheDir = path.join(dir, 'cache');
const results: BenchRow[] = [];

async function time<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const r = await fn();
  return [r, (performance.now() - t0) / 1000];
}

function row(step: string, seconds: number, extra: Record<string, string | number> = {}) {
  const r: BenchRow = { step, rows, seconds: Number(seconds.toFixed(3)), 'rows/s': Math.round(rows / seconds), ...extra };
  results.push(r);
  console.log(`${step}: ${seconds.toFixed(3)} s, ${Math.round(rows / seconds).toLocaleString('en-US')} rows/s`);
}

async function rawDecode(file: string): Promise<number> {
  const pf = await ParquetFile.fromFile((await openAsBlob(file)) as never);
  let n = 0;
  for await (const wb of (await pf.stream({ batchSize: 65_536 })) as unknown as AsyncIterable<{ intoIPCStream(): Uint8Array }>) {
    n += arrow.tableFromIPC(wb.intoIPCStream()).numRows;
  }
  pf.free();
  return n;
}

async function fullDecode(file: string): Promise<number> {
  const src = await openParquet(file);
  let n = 0;
  for await (const b of src.batches()) n += b.length;
  src.close();
  return n;
}

async function main() {
  console.log(`synthetic MBO, ${rows.toLocaleString('en-US')} rows, in ${dir}`);
  const [batch, tGen] = await time(async () => syntheticMbo(rows, 1));
  console.log(`generated in ${tGen.toFixed(2)} s`);
  const files: Record<string, string> = {};
  for (const compression of ['zstd', 'snappy'] as const) {
    const file = path.join(dir, `mbo.${compression}.parquet`);
    files[compression] = file;
    const [, t] = await time(() => writeParquetFile(file, 'mbo', [batch], { compression, priceType: 'float' }));
    row(`parquet write (${compression}, float prices)`, t, { MiB: Number((statSync(file).size / 2 ** 20).toFixed(1)) });
  }
  for (const compression of ['zstd', 'snappy'] as const) {
    // Best of two: the first pass also pays WebAssembly tier-up and page cache warm-up.
    let tRaw = Infinity;
    let tFull = Infinity;
    for (let rep = 0; rep < 2; rep++) {
      const [n1, t1] = await time(() => rawDecode(files[compression]!));
      if (n1 !== rows) throw new Error(`raw decode read ${n1} rows`);
      const [n2, t2] = await time(() => fullDecode(files[compression]!));
      if (n2 !== rows) throw new Error(`decode read ${n2} rows`);
      tRaw = Math.min(tRaw, t1);
      tFull = Math.min(tFull, t2);
    }
    row(`parquet-wasm decode to arrow (${compression})`, tRaw);
    row(`parquet decode to ColumnBatch (${compression})`, tFull, { 'vs arrow only': Number((tFull / tRaw).toFixed(2)) });
  }
  const [built, tBuild] = await time(() => loadCached(files['zstd']!, { cacheDir }));
  if (built.cache.status !== 'built') throw new Error('expected a fresh build');
  row('cache build from zstd parquet (decode + sha256 + write)', tBuild, { MiB: Number((rowBytes(built) / 2 ** 20).toFixed(1)) });
  // Cache loads run in fresh child processes: a clean heap, and a true first load.
  if (!mmapAvailable()) console.log(`memory mapping unavailable (${mmapUnavailableReason()}): the map rows show the read path`);
  const zstdSeconds = results.find((r) => r.step === 'parquet decode to ColumnBatch (zstd)')!.seconds as number;
  const timings: Record<string, ChildTimings> = {};
  for (const cols of ['replay', 'all'] as const) {
    for (const mode of ['map', 'read'] as const) {
      const t = childTimings(files['zstd']!, cacheDir, mode, cols);
      timings[`${mode}/${cols}`] = t;
      const what = `${cols === 'all' ? 'all 15 columns' : `${REPLAY_COLUMNS.length} replay columns`}, ${t.loadedBy === 'map' ? 'mapped' : 'read'}`;
      const gbps = (sec: number) => Number((t.bytes / sec / 1e9).toFixed(2));
      const deferred = Math.max(0, t.pass1 - t.pass2);
      row(`cache load, ${what}: first load in a fresh process`, t.first, { 'GB/s': gbps(t.first) });
      row(`cache load, ${what}: first load + the faults it deferred to the consumer`, t.first + deferred, {
        'GB/s': gbps(t.first + deferred),
        'vs zstd parquet': Number((zstdSeconds / (t.first + deferred)).toFixed(1)),
        'consumer pass 1 / 2 (ms)': `${(t.pass1 * 1e3).toFixed(1)} / ${(t.pass2 * 1e3).toFixed(1)}`,
      });
      row(`cache load, ${what}: repeated in the process (best of 5, incl. deferred faults)`, t.repeated, { 'GB/s': gbps(t.repeated) });
      if (t.readOnly !== undefined) row(`  the read alone: into an already-faulted buffer (${cols})`, t.readOnly, { 'GB/s': gbps(t.readOnly) });
      if (t.faultOnly !== undefined) row(`  the page faults alone: touch every 4 KiB page of fresh memory (${cols})`, t.faultOnly, { 'GB/s': gbps(t.faultOnly) });
    }
  }
  const peakRssMiB = Math.round(process.resourceUsage().maxRSS / 1024);
  console.log(`peak RSS ${peakRssMiB} MiB`);
  report('parquet-cache', results, {
    records: rows,
    peakRssMiB,
    mmap: mmapAvailable() ? mmapModuleName() : mmapUnavailableReason(),
    cacheLoadSeconds: timings,
    note: 'synthetic MBO (src/data/parquet/synthetic.ts: the calibrated day generator, two instruments merged); cache loads in fresh processes, median of three',
    load: { start: loadStart, end: os.loadavg(), uptimeStart, uptimeEnd: execSync('uptime').toString().trim() },
  });
  rmSync(dir, { recursive: true, force: true });
}

function rowBytes(b: { columns: Record<string, ArrayBufferView> }) {
  let s = 0;
  for (const c of Object.values(b.columns)) s += c.byteLength;
  return s;
}

await main();
