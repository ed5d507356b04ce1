// Shortened warm-up (StrategyModule.warmupBars): a built-in that declares it must give exactly the result of a
// run whose warm-up starts at the first bar — metrics, every equity point, every trade — for any window,
// with the exit manager, volatility targeting (the risk guard's variance column) and slippage on.
import { describe, expect, it } from 'vitest';
import type { BacktestResult, BarSeries } from '../../src/backtest/api.js';
import { runBacktestWith } from '../../src/backtest/index.js';
import type { StrategyModule } from '../../src/backtest/strategy.js';
import { BUILTIN_STRATEGIES } from '../../src/strategies/index.js';
import { config, NO_RISK, product, randomWalk, task } from './helpers.js';

const ES = product('es');
const BTC = product('btcusdt-perp');
const VOL_TARGET = { ...NO_RISK, volatilityTarget: { enabled: true, target: 0.15, halfLifeBars: 500, minScale: 0.25, maxScale: 2 } };

/** the same module without the declaration: warm-up from the first bar */
const fullWarmup = (m: StrategyModule): StrategyModule => ({ ...m, warmupBars: undefined });

/** a module that counts onBar calls, to see that the warm-up really was shorter */
function counting(m: StrategyModule, calls: { n: number }): StrategyModule {
  return {
    ...m,
    create(p) {
      const s = m.create(p);
      return { ...s, init: s.init?.bind(s), onBar: (ctx) => (calls.n++, s.onBar!(ctx)) };
    },
  };
}

function same(a: BacktestResult, b: BacktestResult): void {
  expect(JSON.stringify(a.metrics)).toBe(JSON.stringify(b.metrics));
  expect(Buffer.from(a.equity.equity.buffer, a.equity.equity.byteOffset, a.equity.equity.byteLength).equals(Buffer.from(b.equity.equity.buffer, b.equity.equity.byteOffset, b.equity.equity.byteLength))).toBe(true);
  expect(a.trades).toEqual(b.trades);
}

interface Case {
  strategy: string;
  params: Record<string, number>;
  perp?: boolean;
}

const CASES: Case[] = [
  { strategy: 'momentum', params: { fast: 20, mid: 80, slow: 300, threshold: 2, exits: 1, tp1: 0.1, tp2: 0.2, tp3: 0.3, tp4: 0.4, trailStart: 0.15, trailPct: 0.1 } },
  { strategy: 'momentum', params: { fast: 30, mid: 120, slow: 600, threshold: 1, exits: 0 } },
  { strategy: 'breakout', params: { entryBars: 60, exitBars: 30, exits: 1, tp1: 0.1, tp2: 0.2, tp3: 0.3, tp4: 0.5, trailStart: 0.2, trailPct: 0.1 } },
  { strategy: 'mean-reversion', params: { window: 100, entryZ: 1.5, exitZ: 0.3, exits: 1, stopLoss: 0.1 } },
  { strategy: 'volatility-regime', params: { volWindow: 30, baseWindow: 300, trendBars: 60, threshold: 1, lowRatio: 0.95, highRatio: 1.05, entryZ: 1.5, exitZ: 0.3 } },
  { strategy: 'ma-cross', params: { fast: 10, slow: 40 } },
  { strategy: 'funding-carry', params: { window: 60, entry: 20_000, exit: 5_000 }, perp: true },
];

describe('warmupBars: a shortened warm-up gives the full warm-up result', () => {
  const es = randomWalk(12_000, 7);
  const btc = randomWalk(12_000, 9, '2024-03-04T00:00:00Z', 65_000, true);
  const windows = [
    [0, 2_000],
    [150, 3_000],
    [4_000, 9_000],
    [7_777, 12_000],
    [11_000, 11_900],
  ];
  for (const c of CASES) {
    for (const vol of [false, true]) {
      it(`${c.strategy} ${JSON.stringify(c.params)}${vol ? ', volatility targeting' : ''}`, () => {
        const mod = BUILTIN_STRATEGIES[c.strategy]!;
        expect(mod.warmupBars, `${c.strategy} declares warmupBars`).toBeTypeOf('function');
        const bars: BarSeries = c.perp ? btc : es;
        const cfg = config(c.perp ? BTC : ES, { risk: vol ? VOL_TARGET : NO_RISK, execution: { slippage: true } });
        let traded = 0;
        for (const [a, b] of windows) {
          const t = task(cfg, c.strategy, c.params, bars.ts[a!]!, b! < bars.ts.length ? bars.ts[b!]! : 1n << 62n);
          const short = { n: 0 }, long = { n: 0 };
          const got = runBacktestWith(counting(mod, short), t, bars);
          const want = runBacktestWith(counting(fullWarmup(mod), long), t, bars);
          same(got, want);
          if (a! > 1) expect(short.n).toBeLessThan(long.n);
          traded += want.trades.length;
        }
        expect(traded, 'the windows trade (else the comparison shows little)').toBeGreaterThan(0);
      });
    }
  }

  it('a strategy with state from before the window would differ: the comparison can fail', () => {
    // enters long once it has seen 3,000 bars: its state depends on every earlier bar, so warmupBars 1 is a lie
    const liar: StrategyModule = {
      name: 'liar',
      description: 'counts bars',
      params: [],
      warmupBars: () => 1,
      create() {
        let seen = 0;
        return {
          onBar(ctx) {
            if (++seen === 3_000 && ctx.position === 0) ctx.buy(1);
          },
        };
      },
    };
    const cfg = config(ES);
    const t = task(cfg, 'liar', {}, es.ts[2_500]!, es.ts[5_000]!);
    const got = runBacktestWith(liar, t, es);
    const want = runBacktestWith(fullWarmup(liar), t, es);
    expect(want.trades.length + (want.stats?.fills ?? 0)).toBeGreaterThan(0);
    expect(JSON.stringify(got.metrics)).not.toBe(JSON.stringify(want.metrics));
  });
});
