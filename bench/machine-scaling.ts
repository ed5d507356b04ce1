// What this machine's two cores give two busy threads, measured next to a study's runs: a fixed piece of pure
// computation (no memory traffic, no allocation, no messages, nothing shared) run in one worker thread alone, then in
// two at once. Two kernels, because the answer depends on the code:
//   - "independent integer ops": six independent add/xor chains per iteration, many instructions in flight per cycle,
//     like the engine's branchy per-bar code. Its speed depends on what else runs on the physical core: when a
//     virtual CPU shares its core with another (a hyperthread sibling — another tenant's, or this VM's other CPU),
//     each gets roughly half the core.
//   - "dependent float chain": one multiply-add chain, each step waiting for the last (latency-bound, one instruction
//     in flight): a sibling's load hardly slows it, so it scales ~2× on any placement.
// Seen on the 2-core VMs this project is measured on (2026-12-04): the first kernel's one-thread time moved between
// 2.5 and 4.9 ms within seconds and two threads together gave 1.0–2.0×, while the second stayed at 5.0 ms and 2.0×.
// A study's speed-up can't exceed what the first kernel gets in the same minutes; the benchmark prints both.
import { isMainThread, parentPort, Worker } from 'node:worker_threads';

export type KernelName = 'independent integer ops' | 'dependent float chain';
export const KERNELS: readonly KernelName[] = ['independent integer ops', 'dependent float chain'];

function integerOps(iters: number): number {
  let a = 1, b = 2, c = 3, d = 4, e = 5, f = 6;
  for (let i = 0; i < iters; i++) {
    a = (a + i) | 0;
    b = (b ^ i) | 0;
    c = (c + (i << 1)) | 0;
    d = (d ^ (i >> 2)) | 0;
    e = (e + a) | 0;
    f = (f ^ b) | 0;
  }
  return a + b + c + d + e + f;
}

function floatChain(iters: number): number {
  let x = 1.1;
  for (let i = 0; i < iters; i++) x = x * 1.0000001 + 0.5 - x * 1e-9;
  return x;
}

interface Job {
  kernel: KernelName;
  /** calls of the kernel timed (after 3 untimed ones: the JIT's warm-up) */
  calls: number;
}

function runJob(job: Job): number {
  const fn = job.kernel === 'independent integer ops' ? () => integerOps(3_000_000) : () => floatChain(2_000_000);
  let sink = 0;
  for (let k = 0; k < 3; k++) sink += fn();
  const t0 = performance.now();
  for (let k = 0; k < job.calls; k++) sink += fn();
  const ms = performance.now() - t0;
  if (sink === 42.4242) console.log(''); // keeps the result alive
  return ms;
}

export interface ScalingSample {
  kernel: KernelName;
  /** the work in one thread alone, ms */
  oneMs: number;
  /** the same work in each of two threads at once, ms (the slower thread) */
  twoMs: number;
  /** 2 × oneMs / twoMs: the throughput of two threads against one */
  speedup: number;
}

/** Two worker threads kept for the benchmark's life (thread start-up stays out of the time). */
export class ScalingProbe {
  private readonly threads: Worker[];

  constructor() {
    this.threads = [0, 1].map(() => new Worker(new URL(import.meta.url)));
  }

  private run(t: Worker, job: Job): Promise<number> {
    return new Promise((resolve, reject) => {
      const fail = (e: Error) => reject(e);
      t.once('error', fail);
      t.once('message', (ms: number) => {
        t.off('error', fail);
        resolve(ms);
      });
      t.postMessage(job);
    });
  }

  /** One sample per kernel: `calls` kernel calls (~3–5 ms each) in one thread, then in two at once. */
  async sample(calls = 40): Promise<ScalingSample[]> {
    const out: ScalingSample[] = [];
    for (const kernel of KERNELS) {
      const job = { kernel, calls };
      const oneMs = await this.run(this.threads[0]!, job);
      const two = await Promise.all(this.threads.map((t) => this.run(t, job)));
      const twoMs = Math.max(...two);
      out.push({ kernel, oneMs, twoMs, speedup: (2 * oneMs) / twoMs });
    }
    return out;
  }

  async close(): Promise<void> {
    await Promise.all(this.threads.map((t) => t.terminate()));
  }
}

if (!isMainThread && parentPort) {
  const port = parentPort;
  port.on('message', (job: Job) => port.postMessage(runJob(job)));
}
