// DBN decode throughput. Three inputs, decoded side by side in one run:
//  1. a synthetic MBO DBN v3 buffer in memory (default 5 M records, written by our encoder):
//     the fast columnar decoder vs the reference decoder (DataView + objects) on a slice;
//  2. the same bytes as a v1-like unaligned stream (copied path: records not 4-byte aligned);
//  3. a real zstd file (ESH4 2023-12-25, 68,792 MBO records): decode including fzstd decompression,
//     and decompression alone, to show where the time goes.
// Usage: node dist/bench/dbn-decode.js [records=5000000]
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { decompress } from 'fzstd';
import { report, type BenchRow } from './lib/results.js';
import { DbnDecoder, encodeDbn, openDbn } from '../src/data/dbn/index.js';
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

function decodeSync(bytes: Uint8Array): number {
  const d = new DbnDecoder({ file: 'bench' });
  let rows = 0;
  const step = 4 << 20;
  for (let i = 0; i < bytes.length; i += step) for (const b of d.push(bytes.subarray(i, i + step))) rows += b.length;
  for (const b of d.end()) rows += b.length;
  return rows;
}

async function decodeAsync(input: string | Uint8Array, reuseBatches = false): Promise<number> {
  const r = await openDbn(input, { reuseBatches });
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
const asyncTimes: number[] = [];
const reuseTimes: number[] = [];
for (let rep = 0; rep < 5; rep++) {
  const [n, s] = time(() => decodeSync(bytes));
  if (n !== records) throw new Error(`decoded ${n} rows, expected ${records}`);
  syncTimes.push(s);
  const [m, a] = await timeAsync(() => decodeAsync(bytes));
  if (m !== records) throw new Error(`decoded ${m} rows, expected ${records}`);
  asyncTimes.push(a);
  const [k, ra] = await timeAsync(() => decodeAsync(bytes, true));
  if (k !== records) throw new Error(`decoded ${k} rows, expected ${records}`);
  reuseTimes.push(ra);
}
rows.push({ case: 'synthetic MBO v3, in memory, DbnDecoder.push (4 MiB views)', records, 'cpu s': best(syncTimes), 'Mrec/s': records / best(syncTimes) / 1e6, 'MB/s': bytes.length / best(syncTimes) / 1e6 });
rows.push({ case: 'synthetic MBO v3, in memory, openDbn().batches()', records, 'cpu s': best(asyncTimes), 'Mrec/s': records / best(asyncTimes) / 1e6, 'MB/s': bytes.length / best(asyncTimes) / 1e6 });
rows.push({ case: 'same, openDbn({ reuseBatches: true })', records, 'cpu s': best(reuseTimes), 'Mrec/s': records / best(reuseTimes) / 1e6, 'MB/s': bytes.length / best(reuseTimes) / 1e6 });

// 2. unaligned: shift the bytes by one so every chunk goes through the copy path
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
  if (n !== records) throw new Error(`decoded ${n} rows, expected ${records}`);
  unTimes.push(s);
}
rows.push({ case: 'synthetic MBO v3, unaligned 1 MiB chunks (copy path)', records, 'cpu s': best(unTimes), 'Mrec/s': records / best(unTimes) / 1e6, 'MB/s': bytes.length / best(unTimes) / 1e6 });

// reference decoder on a 200k-record slice (it is slow)
const refN = Math.min(records, 200_000);
const refBytes = encodeDbn({ dataset: 'GLBX.MDP3', schema: 'mbo' }, syntheticMboBatches({ records: refN, seed: 7 }));
const [refOut, refSec] = time(() => decodeReference(refBytes));
if (refOut.records.length !== refN) throw new Error('reference count');
const [, fastSmall] = time(() => decodeSync(refBytes));
rows.push({ case: `reference decoder (DataView + objects), ${refN} records`, records: refN, 'cpu s': refSec, 'Mrec/s': refN / refSec / 1e6, 'MB/s': refBytes.length / refSec / 1e6 });
rows.push({ case: `fast decoder, same ${refN} records`, records: refN, 'cpu s': fastSmall, 'Mrec/s': refN / fastSmall / 1e6, 'MB/s': refBytes.length / fastSmall / 1e6 });

// 3. real zstd file
const realFile = path.join(dataDir, 'esh4-glbx-mdp3-20231225.mbo.dbn.zst');
const compressed = readFileSync(realFile);
const zTimes: number[] = [];
const dTimes: number[] = [];
let realRows = 0;
let plainLen = 0;
for (let rep = 0; rep < 5; rep++) {
  const [n, s] = await timeAsync(() => decodeAsync(realFile));
  realRows = n;
  zTimes.push(s);
  const [plain, ds] = time(() => decompress(compressed));
  plainLen = plain.length;
  dTimes.push(ds);
}
rows.push({ case: 'real ESH4 MBO .dbn.zst file: read + fzstd + decode', records: realRows, 'cpu s': best(zTimes), 'Mrec/s': realRows / best(zTimes) / 1e6, 'MB/s': plainLen / best(zTimes) / 1e6 });
rows.push({ case: 'same file: fzstd decompress only (in memory)', records: realRows, 'cpu s': best(dTimes), 'Mrec/s': realRows / best(dTimes) / 1e6, 'MB/s': plainLen / best(dTimes) / 1e6 });

report('dbn-decode', rows, {
  syntheticBytes: bytes.length,
  encodeSeconds: encodeSec,
  encodeMrecPerSec: records / encodeSec / 1e6,
  target: 'DBN decode >= 30 M records/s (issue 3), uncompressed input',
  speedupOverReference: refSec / fastSmall,
});
