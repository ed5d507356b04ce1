// The stitched out-of-sample metrics use the backtest's own formulas (src/backtest/metrics.ts): one fold
// stitched onto its own capital reproduces the fold's backtest metrics exactly, bit for bit.
import { describe, expect, it } from 'vitest';
import type { Trade } from '../../src/backtest/api.js';
import { computeMetrics, drawdownSeries, drawdownStats } from '../../src/backtest/metrics.js';
import { stitch } from '../../src/walkforward/stitch.js';

// a power of two: scaling a fold onto it is exact, so the stitched curve equals the fold's bit for bit
const CAPITAL = 2 ** 40;
const MIN = 60_000_000_000n;
const P = 1380 * 252;

function curve(n: number, seed: number, recoverAtEnd: boolean) {
  let s = seed;
  const rnd = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296);
  const ts = new BigInt64Array(n);
  const equity = new Float64Array(n);
  let e = CAPITAL;
  for (let i = 0; i < n; i++) {
    ts[i] = 1_704_067_200_000_000_000n + BigInt(i) * MIN + (i > n / 2 ? 3n * MIN : 0n);
    e = Math.round(e * (1 + (rnd() - 0.5) * 0.004));
    equity[i] = e;
  }
  // a new high early on: the drawdown from it runs to the end (open), or is recovered by the last bar
  equity[n >> 3] = Math.max(...equity) + 1;
  if (recoverAtEnd) equity[n - 1] = equity[n >> 3]! + 1;
  return { ts, equity };
}

const trades: Trade[] = [5e6, -2e6, 0, 7e6, -1e6].map((pnl, i) => ({ symbol: 'ES', side: 1, entryTs: BigInt(i), exitTs: BigInt(i + 1), qty: 1, entryPrice: 1, exitPrice: 1, pnl, fees: 1 }));

function both(recoverAtEnd: boolean) {
  const { ts, equity } = curve(2000, 7, recoverAtEnd);
  const m = computeMetrics({ initialEquity: CAPITAL, equity, ts, trades, periodsPerYear: P, barsInMarket: 500, tradedNotional: 1e15, feesPaid: 5, fundingPaid: 0, slippagePaid: 0 });
  const s = stitch([{ fold: 0, ts, equity, initial: CAPITAL, metrics: m, trades }], CAPITAL);
  return { ts, equity, m, s };
}

describe('stitched metrics = backtest metrics for one fold', () => {
  it('same curve, same return, risk, drawdown and trade figures, bit for bit', () => {
    const { equity, m, s } = both(false);
    expect(Array.from(s.equity)).toEqual(Array.from(equity));
    for (const k of ['totalReturn', 'annualizedReturn', 'calmar', 'volatility', 'sharpe', 'sortino', 'maxDrawdown', 'maxDrawdownDurationNs', 'winRate', 'profitFactor', 'averageTrade', 'trades', 'exposure', 'turnover', 'periodsPerYear'] as const) {
      expect(s.metrics[k], k).toBe(m[k]);
    }
    expect(Array.from(s.drawdown)).toEqual(Array.from(drawdownSeries(equity)));
  });

  it('drawdown duration: peak to the recovering bar in both, also when the drawdown recovers', () => {
    const open = both(false);
    const dOpen = drawdownStats(CAPITAL, open.ts, open.equity);
    expect(dOpen.toRecoveryNs).toBe(dOpen.underwaterNs); // the longest drawdown is the one open at the end
    expect(dOpen.toRecoveryNs).toBe(Number(open.ts[open.ts.length - 1]! - open.ts[2000 >> 3]!));
    expect(open.s.metrics.maxDrawdownDurationNs).toBe(open.m.maxDrawdownDurationNs);
    const rec = both(true);
    const d = drawdownStats(CAPITAL, rec.ts, rec.equity);
    expect(rec.m.maxDrawdownDurationNs).toBe(d.toRecoveryNs);
    expect(rec.s.metrics.maxDrawdownDurationNs).toBe(d.toRecoveryNs);
    expect(d.toRecoveryNs).toBeGreaterThan(d.underwaterNs);
  });
});

describe('drawdownStats', () => {
  it('measures depth from the initial capital and both durations', () => {
    const ts = BigInt64Array.from([0n, 10n, 20n, 30n, 40n, 50n]);
    // peak 100 (capital) → 90 at t=0..10, recovers at t=20 (105), falls to 84 at t=40, still under at t=50
    const d = drawdownStats(100, ts, Float64Array.from([90, 95, 105, 100, 84, 99]));
    expect(d.maxDrawdown).toBeCloseTo(1 - 84 / 105, 15);
    expect(d.toRecoveryNs).toBe(30); // open drawdown from the 105 peak (t=20) to the last bar (t=50)
    expect(d.underwaterNs).toBe(30);
    const r = drawdownStats(100, ts, Float64Array.from([90, 95, 80, 101, 101, 101]));
    expect(r.toRecoveryNs).toBe(30); // peak dated bar 0 (t=0) → recovered at t=30
    expect(r.underwaterNs).toBe(20); // last bar under water: t=20
  });
});
