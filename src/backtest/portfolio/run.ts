// One portfolio backtest from a portfolio strategy module: runPortfolioBacktest (docs/backtest.md "Portfolio backtests").
import { resolveProduct, type ProductSpec } from '../product.js';
import { resolveParams } from '../strategy.js';
import type { BarSeries } from '../api.js';
import type { ProductConfig } from '../../config/product.js';
import type { PortfolioInstrument, PortfolioResult, PortfolioStrategyModule } from './api.js';
import { PortfolioEngine, type PortfolioConfig } from './engine.js';

/** An instrument as callers give it: the product as a validated product config (configs/products/*.yaml) or resolved. */
export interface PortfolioInstrumentInput {
  name: string;
  bars: BarSeries;
  product: ProductConfig | ProductSpec;
}

export interface PortfolioRunInput {
  /** a validated backtest config (src/config/backtest.ts): account, risk and execution are used, its product is not */
  config: PortfolioConfig;
  instruments: readonly PortfolioInstrumentInput[];
  strategy: PortfolioStrategyModule;
  params?: Record<string, number>;
  /** trading window [startNs, endNs); steps before it are warm-up */
  startNs?: bigint;
  endNs?: bigint;
}

export function runPortfolioBacktest(input: PortfolioRunInput): PortfolioResult {
  if (input.config.execution.level !== 'L2') {
    throw new Error(`execution.level ${input.config.execution.level}: portfolio backtests run on bars only; use level L2`);
  }
  const mod = input.strategy;
  // resolveParams checks names and ranges the same way as for single-instrument modules
  const params = resolveParams(mod, input.params ?? {});
  const instruments: PortfolioInstrument[] = (input.instruments ?? []).map((x) => ({
    name: x?.name,
    bars: x?.bars,
    product: productOf(x?.product),
  }));
  const engine = new PortfolioEngine({
    config: input.config,
    instruments,
    strategy: mod.create(params),
    params,
    startNs: input.startNs ?? 0n,
    endNs: input.endNs ?? 1n << 62n,
    warmupBars: mod.warmupBars?.(params),
  });
  return engine.run();
}

/** a resolved ProductSpec as is, a product config resolved (undefined stays undefined: the timeline names it) */
function productOf(p: ProductConfig | ProductSpec | undefined): ProductSpec {
  if (p === undefined || p === null) return p as unknown as ProductSpec;
  return 'slippage' in p && 'margin' in p && typeof p.margin === 'object' && 'config' in p ? (p as ProductSpec) : resolveProduct(p as ProductConfig);
}
