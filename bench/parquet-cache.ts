// Parquet decode (zstd and snappy) vs the columnar cache, on a synthetic MBO batch built in memory.
// Rows/s for: parquet write, raw parquet-wasm decode (arrow only), full decode into ColumnBatch,
// cache build (decode + hash + column files), cache load (all columns, and the replay subset).
// Cache load is split into its two costs, side by side: the read (the kernel's copy out of the page
// cache, measured by loading into an already-faulted buffer) and the page faults of fresh memory
// (measured by touching every page of a fresh buffer); and it is run once more in a child process
// with glibc's malloc asked for transparent huge pages (GLIBC_TUNABLES=glibc.malloc.hugetlb=1).
// Wall-clock seconds (a load is bound by the kernel's copy and page faults, not by JS); load average in the JSON.
// Usage: node dist/bench/parquet-cache.js [rows]   (default 3,000,000; CONTANGO_BENCH_ROWS also works)
import { execFileSync, execSync } from 'node:child_process';
import { openAsBlob, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { mkdtempSync } from 'node:fs';
import * as arrow from 'apache-arrow';
import { ParquetFile } from 'parquet-wasm';
import { allocUninit } from '../src/data/alloc.js';
import { entryBytes, loadCached, loadEntryAsync } from '../src/data/cache/index.js';
import { openParquet } from '../src/data/parquet/reader.js';
import { syntheticMbo } from '../src/data/parquet/synthetic.js';
import { writeParquetFile } from '../src/data/parquet/writer.js';
import type { BenchRow } from './lib/results.js';
import { report } from './lib/results.js';

const REPLAY_COLUMNS = ['ts_recv', 'instrument_id', 'action', 'side', 'price', 'size', 'order_id', 'flags'];
const loadStart = os.loadavg();
const uptimeStart = execSync('uptime').toString().trim();

/**
 * Cache-load timings (seconds) for an entry that exists, run in a fresh child process (see below):
 * `first` is the process's first load (all columns; fresh memory must be faulted in), the others
 * are best of `reps`, each variant in its own loop.
 */
async function cacheLoadTimings(file: string, cacheDir: string, reps: number) {
  const bestOf = async (fn: () => unknown) => {
    let t = Infinity;
    for (let rep = 0; rep < reps; rep++) {
      const t0 = performance.now();
      await fn();
      t = Math.min(t, (performance.now() - t0) / 1000);
    }
    return t;
  };
  let t0 = performance.now();
  const first = await loadCached(file, { cacheDir });
  const tFirst = (performance.now() - t0) / 1000;
  if (first.cache.status !== 'hit') throw new Error('expected a cache hit');
  const { dir, manifest } = first.cache;
  const bytes = entryBytes(manifest);
  const all = await bestOf(() => loadCached(file, { cacheDir }));
  const parallel = await bestOf(() => loadEntryAsync(dir, manifest, { parallelReads: 2 }));
  const replayCols = await bestOf(() => loadCached(file, { cacheDir, columns: REPLAY_COLUMNS }));
  const arena = allocUninit(bytes);
  new Uint8Array(arena).fill(1); // fault it in once: loads into it then cost only the read
  const readOnly = await bestOf(() => loadCached(file, { cacheDir, into: arena }));
  t0 = performance.now();
  const fresh = new Uint8Array(allocUninit(bytes));
  for (let i = 0; i < fresh.length; i += 4096) fresh[i] = 1;
  const faultOnly = (performance.now() - t0) / 1000;
  return { first: tFirst, all, parallel, replayCols, readOnly, faultOnly, bytes };
}

if (process.argv[2] === '--cache-child') {
  // Child mode: print the timings as JSON and exit.
  console.log(JSON.stringify(await cacheLoadTimings(process.argv[3]!, process.argv[4]!, 5)));
  process.exit(0);
}

function childTimings(file: string, cacheDir: string, env: Record<string, string> = {}) {
  const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--cache-child', file, cacheDir], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
  return JSON.parse(out.trim().split('\n').pop()!) as Awaited<ReturnType<typeof cacheLoadTimings>>;
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
  const t = childTimings(files['zstd']!, cacheDir);
  const zstdSeconds = results.find((r) => r.step === 'parquet decode to ColumnBatch (zstd)')!.seconds as number;
  const gbps = (sec: number) => Number((t.bytes / sec / 1e9).toFixed(2));
  row('cache load, all 15 columns: first load in a fresh process', t.first, { 'GB/s': gbps(t.first), 'vs zstd parquet': Number((zstdSeconds / t.first).toFixed(1)) });
  row('cache load, all 15 columns: loadCached, repeated (best of 5)', t.all, { 'GB/s': gbps(t.all), 'vs zstd parquet': Number((zstdSeconds / t.all).toFixed(1)) });
  row('cache load, all 15 columns: 2 reads in flight (loadEntryAsync, best of 5)', t.parallel, { 'GB/s': gbps(t.parallel) });
  row('cache load, 8 replay columns (loadCached, best of 5)', t.replayCols);
  row('  the read alone: into an already-faulted buffer (into:, best of 5)', t.readOnly, { 'GB/s': gbps(t.readOnly) });
  row('  the page faults alone: touch every 4 KiB page of fresh memory', t.faultOnly, { 'GB/s': gbps(t.faultOnly) });
  let huge: Awaited<ReturnType<typeof cacheLoadTimings>> | undefined;
  try {
    huge = childTimings(files['zstd']!, cacheDir, { GLIBC_TUNABLES: 'glibc.malloc.hugetlb=1' });
    row('huge pages (GLIBC_TUNABLES=glibc.malloc.hugetlb=1): first load, all columns', huge.first, { 'GB/s': gbps(huge.first) });
    row('huge pages: loadCached, repeated (best of 5)', huge.all, { 'GB/s': gbps(huge.all) });
    row('huge pages: the page faults alone', huge.faultOnly, { 'GB/s': gbps(huge.faultOnly) });
  } catch (e) {
    console.log(`huge-page child failed: ${e instanceof Error ? e.message : String(e)}`);
  }
  const peakRssMiB = Math.round(process.resourceUsage().maxRSS / 1024);
  console.log(`peak RSS ${peakRssMiB} MiB`);
  report('parquet-cache', results, {
    records: rows,
    peakRssMiB,
    cacheEntryBytes: t.bytes,
    cacheLoadSeconds: { default: t, hugePages: huge },
    note: 'synthetic MBO (src/data/parquet/synthetic.ts), random order ids and timestamps: compresses worse than real data',
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
