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

/** Cache-load timings (best of `reps`, seconds) for an entry that exists: the parent and the huge-page child share this. */
async function cacheLoadTimings(file: string, cacheDir: string, reps: number) {
  const t = { all: Infinity, parallel: Infinity, replayCols: Infinity, readOnly: Infinity, faultOnly: Infinity };
  const first = await loadCached(file, { cacheDir });
  const { dir, manifest } = first.cache;
  const bytes = entryBytes(manifest);
  const arena = allocUninit(bytes);
  new Uint8Array(arena).fill(1); // fault it in once: loads into it then cost only the read
  for (let rep = 0; rep < reps; rep++) {
    let t0 = performance.now();
    const c = await loadCached(file, { cacheDir });
    if (c.cache.status !== 'hit' || c.length !== manifest.rows) throw new Error('expected a cache hit');
    t.all = Math.min(t.all, (performance.now() - t0) / 1000);
    t0 = performance.now();
    await loadEntryAsync(dir, manifest, { parallelReads: 2 });
    t.parallel = Math.min(t.parallel, (performance.now() - t0) / 1000);
    t0 = performance.now();
    await loadCached(file, { cacheDir, columns: REPLAY_COLUMNS });
    t.replayCols = Math.min(t.replayCols, (performance.now() - t0) / 1000);
    t0 = performance.now();
    await loadCached(file, { cacheDir, into: arena });
    t.readOnly = Math.min(t.readOnly, (performance.now() - t0) / 1000);
    t0 = performance.now();
    const fresh = new Uint8Array(allocUninit(bytes));
    for (let i = 0; i < fresh.length; i += 4096) fresh[i] = 1;
    t.faultOnly = Math.min(t.faultOnly, (performance.now() - t0) / 1000);
  }
  return { ...t, bytes };
}

if (process.argv[2] === '--cache-child') {
  // Child mode: print the timings as JSON and exit (see the huge-page run below).
  console.log(JSON.stringify(await cacheLoadTimings(process.argv[3]!, process.argv[4]!, 5)));
  process.exit(0);
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
  const t = await cacheLoadTimings(files['zstd']!, cacheDir, 5);
  const zstdSeconds = results.find((r) => r.step === 'parquet decode to ColumnBatch (zstd)')!.seconds as number;
  const gbps = (sec: number) => Number((t.bytes / sec / 1e9).toFixed(2));
  row('cache load, all 15 columns: loadCached (best of 5)', t.all, { 'GB/s': gbps(t.all), 'vs zstd parquet': Number((zstdSeconds / t.all).toFixed(1)) });
  row('cache load, all 15 columns: 2 reads in flight (loadEntryAsync)', t.parallel, { 'GB/s': gbps(t.parallel) });
  row('cache load, 8 replay columns (loadCached)', t.replayCols);
  row('  its read alone: loadCached into an already-faulted buffer (into:)', t.readOnly, { 'GB/s': gbps(t.readOnly) });
  row('  its page faults alone: touch every 4 KiB page of a fresh buffer', t.faultOnly, { 'GB/s': gbps(t.faultOnly) });
  let huge: Record<string, number> | undefined;
  try {
    const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--cache-child', files['zstd']!, cacheDir], {
      env: { ...process.env, GLIBC_TUNABLES: 'glibc.malloc.hugetlb=1' },
      encoding: 'utf8',
    });
    huge = JSON.parse(out.trim().split('\n').pop()!) as Record<string, number>;
    row('cache load, all 15 columns, huge pages (GLIBC_TUNABLES=glibc.malloc.hugetlb=1)', huge.all!, { 'GB/s': gbps(huge.all!) });
    row('  its page faults alone, huge pages', huge.faultOnly!, { 'GB/s': gbps(huge.faultOnly!) });
  } catch (e) {
    console.log(`huge-page child failed: ${e instanceof Error ? e.message : String(e)}`);
  }
  const peakRssMiB = Math.round(process.resourceUsage().maxRSS / 1024);
  console.log(`peak RSS ${peakRssMiB} MiB`);
  report('parquet-cache', results, {
    records: rows,
    peakRssMiB,
    cacheEntryBytes: t.bytes,
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
