// Latency models for own orders against a replayed book (docs/replay.md): order entry (strategy → matching
// engine) and market data (matching engine → strategy, which also carries our fill reports). Constant, or
// sampled from a seeded distribution so a backtest is deterministic: lognormal (median and sigma of the
// underlying normal) or empirical (resampling measured latencies). Values are integer nanoseconds.
import { Prng } from '../testing/prng.js';

export interface LatencyModel {
  /** One latency in ns (≥ 0). Deterministic sequence for a given model and seed. */
  sample(): bigint;
  readonly description: string;
}

export function constantLatency(ns: bigint | number): LatencyModel {
  const v = BigInt(ns);
  if (v < 0n) throw new Error(`latency: ${v} ns is negative`);
  return { sample: () => v, description: `constant ${v} ns` };
}

/** exp(N(ln median, sigma²)) ns, optionally clamped to [minNs, maxNs]. */
export function lognormalLatency(o: { medianNs: number; sigma: number; seed: number; minNs?: number; maxNs?: number }): LatencyModel {
  if (!(o.medianNs > 0) || !(o.sigma >= 0)) throw new Error(`latency: lognormal needs medianNs > 0 and sigma ≥ 0 (found ${o.medianNs}, ${o.sigma})`);
  const rng = new Prng(o.seed);
  const mu = Math.log(o.medianNs);
  let spare: number | undefined;
  const normal = (): number => {
    if (spare !== undefined) {
      const s = spare;
      spare = undefined;
      return s;
    }
    // Box–Muller on (0, 1]
    const u1 = 1 - rng.float();
    const u2 = rng.float();
    const r = Math.sqrt(-2 * Math.log(u1));
    spare = r * Math.sin(2 * Math.PI * u2);
    return r * Math.cos(2 * Math.PI * u2);
  };
  return {
    sample: () => {
      let v = Math.exp(mu + o.sigma * normal());
      if (o.minNs !== undefined) v = Math.max(v, o.minNs);
      if (o.maxNs !== undefined) v = Math.min(v, o.maxNs);
      return BigInt(Math.round(v));
    },
    description: `lognormal median ${o.medianNs} ns sigma ${o.sigma} seed ${o.seed}`,
  };
}

/** Uniform resampling of measured latencies (ns). */
export function empiricalLatency(o: { samplesNs: readonly (bigint | number)[]; seed: number }): LatencyModel {
  if (o.samplesNs.length === 0) throw new Error('latency: empirical needs at least one sample');
  const xs = o.samplesNs.map((x) => BigInt(x));
  for (const x of xs) if (x < 0n) throw new Error(`latency: empirical sample ${x} ns is negative`);
  const rng = new Prng(o.seed);
  return { sample: () => xs[rng.int(xs.length)]!, description: `empirical (${xs.length} samples) seed ${o.seed}` };
}

/**
 * Messages on one link arrive in the order they were sent (TCP session, multicast feed): a sampled latency
 * never lets a later message overtake an earlier one. `next(sendTs)` = max(previous arrival, send + sample).
 */
export class FifoLink {
  private last = 0n;
  constructor(readonly model: LatencyModel) {}
  next(sendTs: bigint): bigint {
    const t = sendTs + this.model.sample();
    if (t > this.last) this.last = t;
    return this.last;
  }
}
