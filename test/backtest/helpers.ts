// Test helpers: tiny bar series built by hand, a deterministic random walk, and configs with every
// guard switched off unless a test switches it on.
import type { BarSeries } from '../../src/backtest/api.js';
import { loadProduct } from '../../src/config/backtest.js';
import type { BacktestConfigInput } from '../../src/config/backtest.js';
import type { ProductConfig } from '../../src/config/product.js';
import { fileURLToPath } from 'node:url';

export const PRODUCTS_DIR = fileURLToPath(new URL('../../configs/products/', import.meta.url));
export const MIN = 60_000_000_000n;

export function product(name: string, patch: Partial<ProductConfig> = {}): ProductConfig {
  return { ...loadProduct(name, PRODUCTS_DIR), ...patch };
}

/** Risk guards all off: tests of fills and accounting see exact numbers. */
export const NO_RISK = {
  maxContracts: null,
  maxPositionExposure: null,
  maxPortfolioExposure: null,
  maxGroupExposure: null,
  dailyLossLimit: null,
  weeklyLossLimit: null,
  volatilityTarget: { enabled: false },
  killSwitch: { enabled: false },
  maxLeverage: null,
  marginRatio: { enabled: false },
  fundingExposure: { enabled: false },
} as const;

export function config(p: ProductConfig, over: Partial<BacktestConfigInput> = {}): BacktestConfigInput {
  return {
    product: p,
    account: { initialCapital: 1_000_000 },
    risk: NO_RISK,
    execution: { slippage: false },
    ...over,
  };
}

/** Bars from [open, high, low, close, volume?] rows, one minute apart from `start` (ISO, UTC). */
export function bars(rows: number[][], start = '2024-03-05T15:00:00Z', barNs = 60e9, symbol = 'TEST'): BarSeries {
  const n = rows.length;
  const t0 = BigInt(Date.parse(start)) * 1_000_000n;
  const b: BarSeries = {
    symbol,
    ts: new BigInt64Array(n),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n),
    barNs,
  };
  rows.forEach((r, i) => {
    b.ts[i] = t0 + BigInt(i) * BigInt(barNs);
    b.open[i] = r[0]!;
    b.high[i] = r[1]!;
    b.low[i] = r[2]!;
    b.close[i] = r[3]!;
    b.volume[i] = r[4] ?? 100;
  });
  return b;
}

/** Flat bars at price p (open = high = low = close). */
export function flat(p: number): number[] {
  return [p, p, p, p, 100];
}

/** Deterministic random walk in ticks (mulberry32), with optional perpetual columns. */
export function randomWalk(n: number, seed = 1, start = '2024-03-04T00:00:00Z', p0 = 19200, perp = false): BarSeries {
  let s = seed >>> 0;
  const rnd = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const rows: number[][] = [];
  let p = p0;
  for (let i = 0; i < n; i++) {
    const o = p;
    const c = Math.max(10, o + Math.round((rnd() - 0.5) * 8));
    const h = Math.max(o, c) + Math.floor(rnd() * 3);
    const l = Math.min(o, c) - Math.floor(rnd() * 3);
    rows.push([o, h, Math.max(1, l), c, 50 + Math.floor(rnd() * 200)]);
    p = c;
  }
  const b = bars(rows, start);
  if (perp) {
    b.mark = Float64Array.from(b.close);
    b.fundingRate = new Float64Array(n);
    let r = 0;
    for (let i = 0; i < n; i++) {
      r = Math.max(-75_000, Math.min(75_000, r + Math.round((rnd() - 0.5) * 2_000)));
      b.fundingRate[i] = r;
    }
  }
  return b;
}

export function task(cfg: unknown, strategy: string, params: Record<string, number> = {}, startNs = 0n, endNs = 1n << 62n) {
  return { config: cfg, strategy, params, startNs, endNs };
}

import type { Fill, StrategyContext, StrategyModule } from '../../src/backtest/strategy.js';

export interface ScriptLog {
  fills: Fill[];
  cash: number[];
  position: number[];
  halted: boolean[];
}

/** A strategy that runs `actions[bar](ctx)` after that bar closes and records fills, cash and position. */
export function script(actions: Record<number, (ctx: StrategyContext) => void>, log?: ScriptLog): StrategyModule {
  return {
    name: 'script',
    description: 'test script',
    params: [],
    passThrough: true,
    create: () => ({
      onBar(ctx) {
        log?.cash.push(ctx.cash);
        log?.position.push(ctx.position);
        log?.halted.push(ctx.halted);
        actions[ctx.bar]?.(ctx);
      },
      onFill(_ctx, f) {
        log?.fills.push({ ...f });
      },
    }),
  };
}

export function newLog(): ScriptLog {
  return { fills: [], cash: [], position: [], halted: [] };
}

/** Bars at explicit UTC times (ISO strings), each row [open, high, low, close, volume?]. */
export function barsAt(times: string[], rows: number[][], barNs = 60e9): BarSeries {
  const b = bars(rows, times[0], barNs);
  times.forEach((t, i) => (b.ts[i] = BigInt(Date.parse(t)) * 1_000_000n));
  return b;
}

export const USD = 1_000_000; // micro-units per dollar
