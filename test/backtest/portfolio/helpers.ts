// Portfolio test helpers: a scripted portfolio strategy and two-instrument setups built from ../helpers.ts.
import type { PortfolioContext, PortfolioFill, PortfolioStrategyModule } from '../../../src/backtest/portfolio/api.js';

export interface PfLog {
  fills: PortfolioFill[];
  /** per step: positions by instrument name */
  positions: Record<string, number>[];
  halted: boolean[];
}

export function newPfLog(): PfLog {
  return { fills: [], positions: [], halted: [] };
}

/** runs `actions[step](ctx)` after that step closes and records fills and positions */
export function pfScript(actions: Record<number, (ctx: PortfolioContext) => void>, log?: PfLog): PortfolioStrategyModule {
  return {
    name: 'pf-script',
    description: 'test script',
    params: [],
    create: () => ({
      onBar(ctx) {
        log?.positions.push(Object.fromEntries(ctx.instruments.map((x) => [x.name, x.position])));
        log?.halted.push(ctx.halted);
        actions[ctx.step]?.(ctx);
      },
      onFill(_ctx, f) {
        log?.fills.push({ ...f });
      },
    }),
  };
}
