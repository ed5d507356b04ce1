// Choosing a fold's parameter set from its in-sample results by the study's objective. Ties and NaNs are
// resolved the same way every time: a non-finite score or too few trades makes a set ineligible, and among
// equal scores the lowest parameter index wins, so the choice never depends on completion order.
import type { Metrics } from '../backtest/api.js';

export interface Objective {
  metric: keyof Metrics;
  direction: 'max' | 'min';
  minTrades: number;
}

export interface Choice {
  paramIndex: number;
  score: number;
}

/** `results[i]` is parameter set i's in-sample metrics, or undefined when its task failed. */
export function chooseBest(results: (Metrics | undefined)[], objective: Objective): Choice | undefined {
  let best: Choice | undefined;
  for (let i = 0; i < results.length; i++) {
    const m = results[i];
    if (!m) continue;
    const score = objectiveValue(m, objective);
    if (score === undefined) continue;
    const better = objective.direction === 'max' ? score > (best?.score ?? -Infinity) : score < (best?.score ?? Infinity);
    if (!best || better) best = { paramIndex: i, score };
  }
  return best;
}

/** The objective's value, or undefined when the set is not eligible. */
export function objectiveValue(m: Metrics, objective: Objective): number | undefined {
  const v = m[objective.metric];
  if (typeof v !== 'number' || !Number.isFinite(v)) return undefined;
  if (m.trades < objective.minTrades) return undefined;
  return v;
}
