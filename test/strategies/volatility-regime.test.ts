// Volatility-regime strategy (SPEC §7): every decision is checked against the regime of the bar it was made on
// (recomputed here from the indicator functions): calm → trend entries with the rate of change, normal → no new
// entries, elevated → fades against the z-score, extreme → flat. Plus: indicators are built once (onBar builds none),
// parameters are validated, and the scenario visits every regime so the checks are not vacuous.
import { describe, expect, it } from 'vitest';
import { BUILTIN_STRATEGIES, runBacktestWith } from '../../src/backtest/index.js';
import type { StrategyContext, StrategyModule } from '../../src/backtest/strategy.js';
import * as I from '../../src/strategies/indicators.js';
import { regimeOf } from '../../src/strategies/volatility-regime.js';
import { bars, config, NO_RISK, product, randomWalk, task } from '../backtest/helpers.js';

const mod = BUILTIN_STRATEGIES['volatility-regime']!;
const params = { volWindow: 20, baseWindow: 300, lowRatio: 0.6, highRatio: 1.5, extremeRatio: 4, trendBars: 30, threshold: 5, entryZ: 1.5, exitZ: 0.3, exits: 0 };

/** noise around 20,000 (400 bars), a calm drift up (200), noise around a level (150), extreme noise (50) */
function scenario() {
  let s = 7;
  const rnd = () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31 - 0.5;
  const rows: number[][] = [];
  let c = 20000;
  const push = (x: number) => {
    const o = c;
    c = Math.round(x);
    rows.push([o, Math.max(o, c), Math.min(o, c), c, 100]);
  };
  for (let i = 0; i < 400; i++) push(20000 + rnd() * 16);
  for (let i = 0; i < 200; i++) push(c + 1);
  const level = c;
  for (let i = 0; i < 150; i++) push(level + rnd() * 16);
  for (let i = 0; i < 50; i++) push(level + rnd() * 400);
  return bars(rows, '2024-03-04T00:00:00Z');
}

/** the module, recording the position at each close and refusing indicator construction after init */
function recorded(pos: number[]): StrategyModule {
  return {
    ...mod,
    create(p) {
      const st = mod.create(p);
      return {
        init(ctx: StrategyContext) {
          st.init!(ctx);
          for (const k of Object.keys(ctx.ind)) {
            (ctx.ind as unknown as Record<string, unknown>)[k] = () => {
              throw new Error(`indicator ${k} built in onBar`);
            };
          }
        },
        onBar(ctx: StrategyContext) {
          st.onBar!(ctx);
          pos.push(ctx.position);
        },
      };
    },
  };
}

describe('volatility-regime', () => {
  it('regimeOf: calm / normal / elevated / extreme by the ratio, -1 while warming up', () => {
    expect([0.5, 0.6, 1.49, 1.5, 3.99, 4, NaN].map((r) => regimeOf(r, 0.6, 1.5, 4))).toEqual([0, 1, 1, 2, 2, 3, -1]);
  });

  it('trades each regime by its rule, and the scenario visits all of them', () => {
    const b = scenario();
    const pos: number[] = [];
    runBacktestWith(recorded(pos), task(config(product('es'), { risk: NO_RISK, execution: { slippage: false, closeAtEnd: false } }), 'v', params), b);
    // the strategy's inputs, recomputed: closed bars only
    const close = b.close;
    const logRet = new Float64Array(close.length).fill(NaN);
    for (let i = 1; i < close.length; i++) logRet[i] = Math.log(close[i]! / close[i - 1]!);
    const vol = I.rollingStd(logRet, 20);
    const base = I.sma(vol, 300);
    const roc = I.roc(close, 30);
    const z = I.zscore(close, 20);
    const seen = { calmEntry: 0, fade: 0, extremeFlat: 0 };
    for (let t = 0; t + 1 < pos.length; t++) {
      const regime = regimeOf(vol[t]! / base[t]!, 0.6, 1.5, 4);
      const before = Math.sign(pos[t]!);
      const after = Math.sign(pos[t + 1]!);
      if (regime === 3) {
        expect(after, `bar ${t}: extreme → flat`).toBe(0);
        if (before !== 0) seen.extremeFlat++;
      }
      if (after !== 0 && after !== before) {
        // a new position decided at the close of bar t
        expect(regime, `bar ${t}: no entries in the normal regime or while warming up`).not.toBe(1);
        expect(regime).toBeGreaterThanOrEqual(0);
        if (regime === 0) {
          expect(after, `bar ${t}: calm entries follow the rate of change`).toBe(Math.sign(roc[t]!));
          expect(Math.abs(roc[t]!)).toBeGreaterThan(5e-4);
          seen.calmEntry++;
        } else if (regime === 2) {
          expect(after, `bar ${t}: elevated entries fade the z-score`).toBe(-Math.sign(z[t]!));
          expect(Math.abs(z[t]!)).toBeGreaterThan(1.5);
          seen.fade++;
        }
      }
    }
    expect(seen.calmEntry).toBeGreaterThan(0);
    expect(seen.fade).toBeGreaterThan(0);
    expect(seen.extremeFlat).toBeGreaterThan(0);
    // the calm drift up is traded long
    expect(pos[599]).toBeGreaterThan(0);
  });

  it('rejects unordered ratios and exitZ >= entryZ, naming them', () => {
    const b = randomWalk(50, 1);
    const cfg = config(product('es'));
    expect(() => runBacktestWith(mod, task(cfg, 'v', { lowRatio: 2, highRatio: 1.5 }), b)).toThrow(/lowRatio < highRatio < extremeRatio/);
    expect(() => runBacktestWith(mod, task(cfg, 'v', { entryZ: 1, exitZ: 1 }), b)).toThrow(/exitZ \(1\) must be < entryZ \(1\)/);
    expect(() => runBacktestWith(mod, task(cfg, 'v', { volWindow: 1 }), b)).toThrow(/parameter volWindow = 1; allowed: an integer from 2/);
  });

  it('is flat and quiet on a market that never moves (zero volatility is not a division by zero)', () => {
    const rows = Array.from({ length: 400 }, () => [20000, 20000, 20000, 20000, 100]);
    const r = runBacktestWith(mod, task(config(product('es'), { risk: NO_RISK }), 'v', params), bars(rows));
    expect(r.trades).toHaveLength(0);
  });
});
