// A tiny seeded PRNG (mulberry32) for test-data generators: same seed, same stream, on every machine.
export class Prng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform 32-bit unsigned integer. */
  u32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.u32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }

  /** Uniform integer in [lo, hi]. */
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }

  chance(p: number): boolean {
    return this.float() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  /** Picks a key of a weight table with probability proportional to its weight. */
  weighted<K extends string>(table: WeightTable<K>): K {
    let x = this.float() * table.total;
    for (let i = 0; i < table.keys.length; i++) {
      x -= table.weights[i]!;
      if (x < 0) return table.keys[i]!;
    }
    return table.keys[table.keys.length - 1]!;
  }
}

/** Weights prepared once, so drawing from them allocates nothing. */
export class WeightTable<K extends string> {
  readonly keys: K[];
  readonly weights: number[];
  readonly total: number;

  constructor(weights: Readonly<Record<K, number>>) {
    this.keys = Object.keys(weights) as K[];
    this.weights = this.keys.map((k) => weights[k]);
    this.total = this.weights.reduce((a, b) => a + b, 0);
  }
}
