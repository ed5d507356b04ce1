// Anchor 1: a portfolio of ONE instrument whose strategy drives a single-instrument built-in (eachInstrument) gives
// exactly the L2 engine's result on the same bars and config: every trade, every equity point (byte for byte), the
// metrics and the engine's stats, with the guards off, with the default guards, and with guards that bind.
// No tolerance anywhere. The only differences are additive: each trade also names its instrument, and the stats
// also list the instruments.
import { describe, expect, it } from 'vitest';
import type { BacktestResult } from '../../../src/backtest/api.js';
import { runBacktestWith } from '../../../src/backtest/index.js';
import { resolveConfig } from '../../../src/backtest/config-resolve.js';
import { eachInstrument, runPortfolioBacktest, type PortfolioResult } from '../../../src/backtest/portfolio/index.js';
import { BUILTIN_STRATEGIES } from '../../../src/strategies/index.js';
import type { BacktestConfigInput } from '../../../src/config/backtest.js';
import { config, NO_RISK, product, randomWalk, task } from '../helpers.js';

const ES = product('es');
const BTC = product('btcusdt-perp');

export function bytes(a: Float64Array): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

/** the portfolio result with its additive fields removed, in the single-instrument shape */
export function asSingle(p: PortfolioResult): BacktestResult {
  const { instruments: _i, ...stats } = p.stats;
  return { metrics: p.metrics, equity: p.equity, trades: p.trades.map(({ instrument: _n, ...t }) => t), stats };
}

export function expectSame(got: BacktestResult, want: BacktestResult): void {
  expect(JSON.stringify(got.metrics)).toBe(JSON.stringify(want.metrics));
  expect(bytes(got.equity.equity).equals(bytes(want.equity.equity)), 'equity curve byte for byte').toBe(true);
  expect(got.equity.ts).toEqual(want.equity.ts);
  expect(got.trades).toEqual(want.trades);
  expect(got.stats).toEqual(want.stats);
}

interface Case {
  name: string;
  strategy: string;
  params: Record<string, number>;
  perp?: boolean;
  cfg: Partial<BacktestConfigInput>;
  /** something in the L2 run that shows the guard really bound */
  binds?: (r: BacktestResult) => boolean;
}

const MOM = { fast: 20, mid: 80, slow: 300, threshold: 2, exits: 1, tp1: 0.1, tp2: 0.2, tp3: 0.3, tp4: 0.4, trailStart: 0.15, trailPct: 0.1 };
const CASES: Case[] = [
  { name: 'momentum, guards off', strategy: 'momentum', params: MOM, cfg: { risk: NO_RISK } },
  { name: 'momentum, default guards', strategy: 'momentum', params: { ...MOM, qty: 3 }, cfg: { risk: {} }, binds: (r) => r.stats!.refusedLots > 0 },
  {
    name: 'breakout, maxContracts 1 (qty 3)',
    strategy: 'breakout',
    params: { entryBars: 60, exitBars: 30, qty: 3 },
    cfg: { risk: { ...NO_RISK, maxContracts: 1 } },
    binds: (r) => r.stats!.risk!.refusedBy.maxContracts > 0,
  },
  {
    name: 'mean-reversion, daily loss limit + kill switch',
    strategy: 'mean-reversion',
    params: { window: 100, entryZ: 1.5, exitZ: 0.3, qty: 5 },
    cfg: { risk: { ...NO_RISK, dailyLossLimit: 0.0005, killSwitch: { enabled: true, consecutiveLosses: 4, maxDrawdown: null, onDailyLoss: false } } },
    binds: (r) => r.stats!.riskFlattens > 0,
  },
  {
    name: 'momentum, volatility targeting + closeAtEnd off',
    strategy: 'momentum',
    params: { ...MOM, qty: 4 },
    cfg: { risk: { ...NO_RISK, volatilityTarget: { enabled: true, target: 0.01, halfLifeBars: 500, minScale: 0.25, maxScale: 2 } }, execution: { slippage: true, closeAtEnd: false } },
    binds: (r) => r.stats!.risk!.refusedBy.volatilityTarget > 0,
  },
  {
    name: 'funding-carry on a perpetual (funding, tiered margin, default guards)',
    strategy: 'funding-carry',
    params: { window: 60, entry: 20_000, exit: 5_000 },
    perp: true,
    cfg: { risk: {} },
    binds: (r) => r.metrics.fundingPaid !== 0,
  },
];

describe('parity: one instrument through the portfolio engine = the L2 engine', () => {
  const es = randomWalk(6_000, 7);
  const btc = randomWalk(6_000, 9, '2024-03-04T00:00:00Z', 65_000, true);
  const windows: [number, number][] = [
    [0, 6_000],
    [1_500, 4_500],
  ];
  for (const c of CASES) {
    it(c.name, () => {
      const bars = c.perp ? btc : es;
      const raw = config(c.perp ? BTC : ES, { execution: { slippage: true }, ...c.cfg });
      const cfg = resolveConfig(raw);
      const mod = BUILTIN_STRATEGIES[c.strategy]!;
      let trades = 0;
      let bound = false;
      for (const [a, b] of windows) {
        const startNs = bars.ts[a]!;
        const endNs = b < bars.ts.length ? bars.ts[b]! : 1n << 62n;
        const want = runBacktestWith(mod, task(raw, c.strategy, c.params, startNs, endNs), bars);
        const got = runPortfolioBacktest({
          config: cfg,
          instruments: [{ name: 'leg', bars, product: cfg.product }],
          strategy: eachInstrument({ leg: { module: mod, params: c.params } }),
          startNs,
          endNs,
        });
        expectSame(asSingle(got), want);
        expect(got.trades.every((t) => t.instrument === 'leg')).toBe(true);
        trades += want.trades.length;
        bound ||= c.binds?.(want) ?? true;
      }
      expect(trades, 'the runs trade (else the comparison shows little)').toBeGreaterThan(0);
      expect(bound, 'the guard under test binds in the L2 run').toBe(true);
    });
  }
});
