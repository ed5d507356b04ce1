// Parameter search spaces: a grid (the Cartesian product of each parameter's values) or a seeded random
// sample of distinct points of that grid. The candidate list is fixed once per study, so every fold scores
// the same parameter sets (which is what makes the heat map comparable across folds) and a candidate's
// index identifies it in the results.
import { Rng } from './random.js';

/** One parameter's values: an explicit list, or an inclusive range with a step. */
export type ParamValues = number[] | { min: number; max: number; step: number };

export interface SearchSpec {
  method: 'grid' | 'random';
  params: Record<string, ParamValues>;
  /** random search: how many distinct points to draw */
  samples?: number;
  seed?: number;
}

/** Expand `{min, max, step}` to its values; rounding to 12 significant digits keeps 0.1-steps clean. */
export function expandValues(name: string, v: ParamValues): number[] {
  if (Array.isArray(v)) {
    if (v.length === 0) throw new Error(`search.params.${name}: the list of values is empty`);
    return [...v];
  }
  const { min, max, step } = v;
  if (!(step > 0)) throw new Error(`search.params.${name}.step: must be > 0 (got ${step})`);
  if (max < min) throw new Error(`search.params.${name}: max (${max}) is below min (${min})`);
  const n = Math.floor((max - min) / step + 1e-9) + 1;
  if (n > 1_000_000) throw new Error(`search.params.${name}: ${n} values is too many (at most 1,000,000)`);
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(Number((min + i * step).toPrecision(12)));
  return out;
}

/** The candidate parameter sets, in a fixed order: grid order (last parameter fastest) or draw order. */
export function candidates(spec: SearchSpec): Record<string, number>[] {
  const names = Object.keys(spec.params).sort(); // sorted: key order in YAML must not change results
  const values = names.map((n) => expandValues(n, spec.params[n]!));
  const sizes = values.map((v) => v.length);
  const total = sizes.reduce((a, b) => a * b, 1);
  const at = (index: number): Record<string, number> => {
    const set: Record<string, number> = {};
    let rest = index;
    for (let i = names.length - 1; i >= 0; i--) {
      set[names[i]!] = values[i]![rest % sizes[i]!]!;
      rest = Math.floor(rest / sizes[i]!);
    }
    // rebuild in name order so JSON output has a stable key order
    return Object.fromEntries(names.map((n) => [n, set[n]!]));
  };
  if (names.length === 0) return [{}];
  if (spec.method === 'grid') {
    if (total > 100_000) throw new Error(`search: the grid has ${total} points (at most 100,000); use method: random`);
    return Array.from({ length: total }, (_, i) => at(i));
  }
  const samples = spec.samples ?? 0;
  if (!Number.isInteger(samples) || samples < 1) throw new Error(`search.samples: must be a positive integer (got ${spec.samples})`);
  if (spec.seed === undefined) throw new Error('search.seed: random search needs a seed so that it is reproducible');
  const rng = new Rng(spec.seed);
  const n = Math.min(samples, total);
  // Floyd's algorithm would lose draw order; a set plus rejection is fine while n << total, and when
  // n is close to total we shuffle the whole index range instead.
  const picked: number[] = [];
  if (n * 2 > total) {
    const all = Array.from({ length: total }, (_, i) => i);
    for (let i = 0; i < n; i++) {
      const j = i + rng.int(total - i);
      [all[i], all[j]] = [all[j]!, all[i]!];
      picked.push(all[i]!);
    }
  } else {
    const seen = new Set<number>();
    while (picked.length < n) {
      const i = rng.int(total);
      if (!seen.has(i)) {
        seen.add(i);
        picked.push(i);
      }
    }
  }
  return picked.map(at);
}
