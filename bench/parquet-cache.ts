// Parquet decode (zstd and snappy) vs the columnar cache, on a synthetic MBO batch built in memory.
// Rows/s for: parquet write, raw parquet-wasm decode (arrow only), full decode into ColumnBatch,
// cache build (decode + hash + column files), cache load (all columns, and the replay subset).
// Usage: node dist/bench/parquet-cache.js [rows]   (default 3,000,000; CONTANGO_BENCH_ROWS also works)
import { openAsBlob, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mkdtempSync } from 'node:fs';
import * as arrow from 'apache-arrow';
import { ParquetFile } from 'parquet-wasm';
import { loadCached } from '../src/data/cache/index.js';
import { openParquet } from '../src/data/parquet/reader.js';
import { syntheticMbo } from '../src/data/parquet/synthetic.js';
import { writeParquetFile } from '../src/data/parquet/writer.js';
import type { BenchRow } from './lib/results.js';
import { report } from './lib/results.js';

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
  let best = Infinity;
  let bestSub = Infinity;
  for (let rep = 0; rep < 5; rep++) {
    const [c, t] = await time(() => loadCached(files['zstd']!, { cacheDir }));
    if (c.cache.status !== 'hit' || c.length !== rows) throw new Error('expected a cache hit');
    best = Math.min(best, t);
    const [, ts] = await time(() => loadCached(files['zstd']!, { cacheDir, columns: ['ts_recv', 'instrument_id', 'action', 'side', 'price', 'size', 'order_id', 'flags'] }));
    bestSub = Math.min(bestSub, ts);
  }
  row('cache load, all 15 columns (best of 5)', best, { 'vs zstd parquet': Number((results.find((r) => r.step === 'parquet decode to ColumnBatch (zstd)')!.seconds as number / best).toFixed(1)) });
  row('cache load, 8 replay columns (best of 5)', bestSub);
  const peakRssMiB = Math.round(process.resourceUsage().maxRSS / 1024);
  console.log(`peak RSS ${peakRssMiB} MiB`);
  report('parquet-cache', results, { records: rows, peakRssMiB, note: 'synthetic MBO (src/data/parquet/synthetic.ts), random order ids and timestamps: compresses worse than real data' });
  rmSync(dir, { recursive: true, force: true });
}

function rowBytes(b: { columns: Record<string, ArrayBufferView> }) {
  let s = 0;
  for (const c of Object.values(b.columns)) s += c.byteLength;
  return s;
}

await main();
