// Single-instrument strategies as one portfolio strategy: each named instrument runs its own copy of a
// StrategyModule (momentum, breakout, …) on its own handle, as if it were alone — except that the account, the
// equity it sees and the risk guards are the portfolio's. Used by the parity tests and for "N independent legs".
import { resolveParams, type Strategy, type StrategyModule } from '../strategy.js';
import type { InstrumentContext, PortfolioStrategyModule } from './api.js';

export interface Leg {
  module: StrategyModule;
  params?: Record<string, number>;
}

/**
 * A portfolio strategy running `legs[name]` on the instrument called `name` (instruments without a leg are not
 * traded). Each leg's onBar runs only at steps where its instrument has a bar. warmupBars: the largest of the legs'
 * (undefined, i.e. every step, when any leg declares none).
 */
export function eachInstrument(legs: Record<string, Leg>, name = 'each-instrument'): PortfolioStrategyModule {
  const resolved = Object.entries(legs).map(([inst, leg]) => ({ inst, leg, params: resolveParams(leg.module, leg.params ?? {}) }));
  return {
    name,
    description: `single-instrument strategies per instrument: ${resolved.map((r) => `${r.inst}=${r.leg.module.name}`).join(', ')}`,
    params: [],
    warmupBars() {
      let w = 0;
      for (const r of resolved) {
        const x = r.leg.module.warmupBars?.(r.params);
        if (x === undefined) return undefined;
        w = Math.max(w, x);
      }
      return w;
    },
    create() {
      let runs: { ctx: InstrumentContext; strat: Strategy }[] = [];
      return {
        init(ctx) {
          runs = resolved.map((r) => ({ ctx: ctx.instrument(r.inst), strat: r.leg.module.create(r.params) }));
          for (const r of runs) r.strat.init?.(r.ctx);
        },
        onBar() {
          for (const r of runs) if (r.ctx.updated) r.strat.onBar!(r.ctx);
        },
        onFill(_ctx, f) {
          for (const r of runs) if (r.ctx.index === f.index) r.strat.onFill?.(r.ctx, f);
        },
        onEnd() {
          for (const r of runs) r.strat.onEnd?.(r.ctx);
        },
      };
    },
  };
}
