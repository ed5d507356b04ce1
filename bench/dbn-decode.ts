// DBN decode throughput. Inputs decoded side by side in one run:
//  1. a synthetic MBO DBN v3 buffer in memory (default 5 M records, written by our encoder):
//     fresh batches (default) vs recycled batch memory, the f64 kernel (records 8-byte aligned) vs
//     the u32 kernel (records at 4 mod 8, as in v1/v2 files decoded in place), the copy path
//     (unaligned bytes), and the reference decoder (DataView + objects) on a slice;
//  2. zstd, native libzstd (zstd-napi) vs fzstd (pure JS), side by side: the same synthetic day
//     compressed to a .dbn.zst file (written by writeDbn, level 3) and the real ESH4 2023-12-25 file
//     (68,792 MBO records): read + decompress + decode, and decompression alone.
// Timings are CPU seconds of this process (see time()); the load average is recorded in the JSON.
// Usage: node dist/bench/dbn-decode.js [records=5000000]
import { execSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { decompress } from 'fzstd';
import { report, type BenchRow } from './lib/results.js';
import { DbnDecoder, encodeDbn, openDbn, writeDbn, zstdBackend } from '../src/data/dbn/index.js';
import { BufferPool } from '../src/data/dbn/columns.js';
import { nativeZstd } from '../src/data/zstd.js';
import { decodeReference } from '../src/data/dbn/reference.js';
import { syntheticMboBatches } from '../src/data/dbn/synthetic.js';

const records = Number(process.argv[2] ?? 5_000_000);
const here = path.dirname(fileURLToPath(import.meta.url));
// dist/bench/ -> repo root is two levels up; the shared data folder sits beside the repo.
const dataDir = path.resolve(here, '../../../shared/data/databento');

// Timings are CPU seconds of this process (user + system), not wall time: the benchmark machine
// is shared, and CPU time is much less disturbed by other processes than the wall clock. The
// decoder is single-threaded; GC helper threads add a little CPU time, so this errs low.
function time<T>(fn: () => T): [T, number] {
  const c0 = process.cpuUsage();
  const r = fn();
  const c = process.cpuUsage(c0);
  return [r, (c.user + c.system) / 1e6];
}
async function timeAsync<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const c0 = process.cpuUsage();
  const r = await fn();
  const c = process.cpuUsage(c0);
  return [r, (c.user + c.system) / 1e6];
}

const loadStart = os.loadavg();
const uptimeStart = execSync('uptime').toString().trim();

/**
 * Decodes in 4 MiB pushes. With `pool`, the consumer hands back the memory of the batch two
 * steps behind (what openDbn's reuseBatches does).
 */
function decodeSync(bytes: Uint8Array, pool?: BufferPool): number {
  const d = new DbnDecoder({ file: 'bench', pool });
  let rows = 0;
  let prev: ArrayBufferLike | undefined;
  let prev2: ArrayBufferLike | undefined;
  const step = 4 << 20;
  for (let i = 0; i < bytes.length; i += step) {
    for (const b of d.push(bytes.subarray(i, i + step))) {
      rows += b.length;
      if (pool && prev2) pool.give(prev2);
      prev2 = prev;
      prev = b.columns.ts_recv!.buffer;
    }
  }
  for (const b of d.end()) rows += b.length;
  return rows;
}

async function decodeAsync(input: string | Uint8Array, reuseBatches = false, zstd?: 'native' | 'js'): Promise<number> {
  const r = await openDbn(input, { reuseBatches, zstd });
  let rows = 0;
  for await (const b of r.batches()) rows += b.length;
  return rows;
}

const [bytes, encodeSec] = time(() =>
  encodeDbn({ dataset: 'GLBX.MDP3', schema: 'mbo', symbols: ['ESH4'] }, syntheticMboBatches({ records, seed: 7 })),
);
const rows: BenchRow[] = [];
const best = (xs: number[]) => Math.min(...xs);

// 1. aligned in-memory buffer, sync decoder and async reader
const syncTimes: number[] = [];
const poolTimes: number[] = [];
const asyncTimes: number[] = [];
const reuseTimes: number[] = [];
const u32Times: number[] = [];
// The same bytes at byte offset 4 of an 8-aligned buffer: records at 4 mod 8 -> the u32 kernel.
const at4 = new Uint8Array(bytes.length + 8).subarray(4, 4 + bytes.length);
at4.set(bytes);
const check = (n: number) => {
  if (n !== records) throw new Error(`decoded ${n} rows, expected ${records}`);
};
for (let rep = 0; rep < 5; rep++) {
  const [n, s] = time(() => decodeSync(bytes));
  check(n);
  syncTimes.push(s);
  const [p, ps] = time(() => decodeSync(bytes, new BufferPool()));
  check(p);
  poolTimes.push(ps);
  const [u, us] = time(() => decodeSync(at4));
  check(u);
  u32Times.push(us);
  const [m, a] = await timeAsync(() => decodeAsync(bytes));
  check(m);
  asyncTimes.push(a);
  const [k, ra] = await timeAsync(() => decodeAsync(bytes, true));
  check(k);
  reuseTimes.push(ra);
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const push = (c: string, n: number, times: number[], plainBytes: number) =>
  rows.push({ case: c, records: n, 'cpu s': best(times), 'Mrec/s': n / best(times) / 1e6, 'median Mrec/s': n / median(times) / 1e6, 'MB/s': plainBytes / best(times) / 1e6 });
push('synthetic MBO v3, in memory, DbnDecoder.push (4 MiB views), fresh batches', records, syncTimes, bytes.length);
push('same, batch memory recycled (BufferPool)', records, poolTimes, bytes.length);
push('same, records at 4 mod 8 (u32 kernel), fresh batches', records, u32Times, bytes.length);
push('synthetic MBO v3, in memory, openDbn().batches()', records, asyncTimes, bytes.length);
push('same, openDbn({ reuseBatches: true })', records, reuseTimes, bytes.length);

// unaligned: shift the bytes by one so every chunk goes through the copy path
const shifted = new Uint8Array(bytes.length + 1).subarray(1);
shifted.set(bytes);
const unTimes: number[] = [];
for (let rep = 0; rep < 3; rep++) {
  const d = new DbnDecoder({ file: 'bench' });
  const [n, s] = time(() => {
    let r = 0;
    for (let i = 0; i < shifted.length; i += 1 << 20) for (const b of d.push(shifted.subarray(i, i + (1 << 20)))) r += b.length;
    for (const b of d.end()) r += b.length;
    return r;
  });
  check(n);
  unTimes.push(s);
}
push('synthetic MBO v3, unaligned 1 MiB chunks (copy path)', records, unTimes, bytes.length);

// reference decoder on a 200k-record slice (it is slow)
const refN = Math.min(records, 200_000);
const refBytes = encodeDbn({ dataset: 'GLBX.MDP3', schema: 'mbo' }, syntheticMboBatches({ records: refN, seed: 7 }));
// Only the count is kept: 200k record objects left alive would slow every later GC (and so the
// zstd rows below, whose CPU time includes the collector's threads).
const [refCount, refSec] = time(() => decodeReference(refBytes).records.length);
if (refCount !== refN) throw new Error('reference count');
const fastSmallTimes: number[] = [];
for (let rep = 0; rep < 5; rep++) fastSmallTimes.push(time(() => decodeSync(refBytes))[1]);
const fastSmall = best(fastSmallTimes);
push(`reference decoder (DataView + objects), ${refN} records`, refN, [refSec], refBytes.length);
push(`fast decoder, same ${refN} records`, refN, fastSmallTimes, refBytes.length);

// 2. zstd: native vs fzstd, on the synthetic day compressed and on the real file
const native = nativeZstd() !== null;
const backends = native ? (['native', 'js'] as const) : (['js'] as const);
const tmp = mkdtempSync(path.join(os.tmpdir(), 'contango-bench-dbn-'));
const zFile = path.join(tmp, 'synthetic.mbo.dbn.zst');
let zInfo: Record<string, number> = {};
if (native) {
  const [w, ws] = await timeAsync(() => writeDbn(zFile, { dataset: 'GLBX.MDP3', schema: 'mbo', symbols: ['ESH4'] }, syntheticMboBatches({ records, seed: 7 })));
  zInfo = { compressedBytes: w.bytes, plainBytes: w.plainBytes, ratio: w.plainBytes / w.bytes, writeCpuSeconds: ws };
  rows.push({ case: 'synthetic day: encode + zstd level 3 write (writeDbn .dbn.zst, native)', records, 'cpu s': ws, 'Mrec/s': records / ws / 1e6, 'median Mrec/s': records / ws / 1e6, 'MB/s': w.plainBytes / ws / 1e6 });
  const zBytes = readFileSync(zFile);
  for (const zstd of backends) {
    const times: number[] = [];
    for (let rep = 0; rep < (zstd === 'native' ? 3 : 2); rep++) {
      const [n, s] = await timeAsync(() => decodeAsync(zFile, false, zstd));
      check(n);
      times.push(s);
    }
    push(`synthetic day .dbn.zst file: read + ${zstd === 'native' ? 'libzstd' : 'fzstd'} + decode`, records, times, w.plainBytes);
  }
  const dz: number[] = [];
  for (let rep = 0; rep < 2; rep++) dz.push(time(() => decompress(zBytes))[1]);
  push('same file: fzstd decompress only (in memory)', records, dz, w.plainBytes);
}

const realFile = path.join(dataDir, 'esh4-glbx-mdp3-20231225.mbo.dbn.zst');
const compressed = readFileSync(realFile);
const plainLen = decompress(compressed).length;
let realRows = 0;
for (const zstd of backends) {
  const times: number[] = [];
  for (let rep = 0; rep < 7; rep++) {
    const [n, s] = await timeAsync(() => decodeAsync(realFile, false, zstd));
    realRows = n;
    times.push(s);
  }
  push(`real ESH4 MBO .dbn.zst file: read + ${zstd === 'native' ? 'libzstd' : 'fzstd'} + decode`, realRows, times, plainLen);
}
const dTimes: number[] = [];
for (let rep = 0; rep < 7; rep++) dTimes.push(time(() => decompress(compressed))[1]);
push('same file: fzstd decompress only (in memory)', realRows, dTimes, plainLen);
rmSync(tmp, { recursive: true, force: true });

report('dbn-decode', rows, {
  syntheticBytes: bytes.length,
  encodeSeconds: encodeSec,
  encodeMrecPerSec: records / encodeSec / 1e6,
  target: 'DBN decode >= 30 M records/s (issue 3), uncompressed input',
  speedupOverReference: refSec / fastSmall,
  zstd: zstdBackend(),
  syntheticZstd: zInfo,
  load: { start: loadStart, end: os.loadavg(), uptimeStart, uptimeEnd: execSync('uptime').toString().trim() },
});
