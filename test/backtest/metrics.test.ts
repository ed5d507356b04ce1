// Metrics on a small hand-checked series, with decimal.js as the oracle. Catches: summed instead of
// compounded returns, Sortino from negative returns only, annualization fixed at 252.
import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { computeMetrics } from '../../src/backtest/metrics.js';
import { annualization } from '../../src/backtest/calendar.js';
import { resolveProduct } from '../../src/backtest/product.js';
import { runBacktestWith } from '../../src/backtest/index.js';
import type { Trade } from '../../src/backtest/api.js';
import { config, product, randomWalk, script, task } from './helpers.js';

const D = (x: number | string) => new Decimal(x);
const trade = (pnl: number): Trade => ({ symbol: 'T', side: 1, entryTs: 0n, exitTs: 0n, qty: 1, entryPrice: 0, exitPrice: 0, pnl, fees: 0 });

describe('metrics against a decimal.js oracle', () => {
  // equity 1000 → 1100 → 990 → 1089 → 1089: returns +10 %, -10 %, +10 %, 0 %
  const eq = [1100, 990, 1089, 1089];
  const P = 252 * 1380; // one-minute ES bars
  const ts = new BigInt64Array([0n, 60n, 120n, 180n].map((x) => x * 1_000_000_000n));
  const m = computeMetrics({
    initialEquity: 1000,
    equity: Float64Array.from(eq),
    ts,
    trades: [trade(100), trade(-50), trade(30)],
    periodsPerYear: P,
    barsInMarket: 3,
    tradedNotional: 5000,
    feesPaid: 7,
    fundingPaid: -2,
    slippagePaid: 1,
  });
  const r = [D(1100).div(1000).minus(1), D(990).div(1100).minus(1), D(1089).div(990).minus(1), D(0)];
  const n = r.length;
  const mean = r.reduce((a, b) => a.plus(b)).div(n);
  const sd = r.reduce((a, x) => a.plus(x.minus(mean).pow(2)), D(0)).div(n - 1).sqrt();
  const downside = r.reduce((a, x) => a.plus(Decimal.min(x, 0).pow(2)), D(0)).div(n).sqrt(); // over ALL periods
  const close = (a: number, b: Decimal) => expect(a).toBeCloseTo(b.toNumber(), 10);

  it('total return is compounded (8.9 %), not summed (10 %)', () => {
    close(m.totalReturn, D(1089).div(1000).minus(1));
    expect(m.totalReturn).not.toBeCloseTo(r.reduce((a, b) => a.plus(b)).toNumber(), 6);
  });
  it('annualized return compounds over periodsPerYear / n periods', () => {
    close(m.annualizedReturn, D(1.089).pow(D(P).div(n)).minus(1));
  });
  it('volatility and Sharpe annualize by sqrt(periods per year)', () => {
    close(m.volatility, sd.mul(D(P).sqrt()));
    close(m.sharpe, mean.div(sd).mul(D(P).sqrt()));
  });
  it('Sortino uses min(r, 0) over all periods (downside deviation 0.05, not 0.10)', () => {
    expect(downside.toNumber()).toBeCloseTo(0.05, 12);
    close(m.sortino, mean.div(downside).mul(D(P).sqrt()));
    const negativeOnly = mean.div(D(0.1)).mul(D(P).sqrt()).toNumber();
    expect(m.sortino).not.toBeCloseTo(negativeOnly, 3);
  });
  it('max drawdown 10 % lasting from the peak bar to the end (not recovered)', () => {
    close(m.maxDrawdown, D(1).minus(D(990).div(1100)));
    expect(m.maxDrawdownDurationNs).toBe(180e9); // from the 1100 peak (t = 0) to the last bar (t = 180 s)
    close(m.calmar, D(m.annualizedReturn).div(D(1).minus(D(990).div(1100))));
  });
  it('trade statistics', () => {
    expect(m.winRate).toBeCloseTo(2 / 3, 12);
    expect(m.profitFactor).toBeCloseTo(130 / 50, 12);
    expect(m.averageTrade).toBeCloseTo(80 / 3, 12);
    expect(m.exposure).toBe(0.75);
    close(m.turnover, D(5000).div(D(1100 + 990 + 1089 + 1089).div(4)));
    expect([m.feesPaid, m.fundingPaid, m.slippagePaid, m.trades]).toEqual([7, -2, 1, 3]);
  });
});

describe('annualization by timeframe and trading calendar, not 252 fixed', () => {
  const es = resolveProduct(product('es')).session;
  const btc = resolveProduct(product('btcusdt-perp')).session;
  it('ES: 1380 one-minute bars a day × 252 days; hourly 23 × 252; daily 252', () => {
    expect(annualization(60e9, es).periodsPerYear).toBe(1380 * 252);
    expect(annualization(3600e9, es).periodsPerYear).toBe(23 * 252);
    expect(annualization(86_400e9, es).periodsPerYear).toBe(252);
  });
  it('BTCUSDT perpetual: 1440 × 365 one-minute bars a year', () => {
    expect(annualization(60e9, btc).periodsPerYear).toBe(1440 * 365);
  });
  it('the engine reports and uses the product calendar', () => {
    const b = randomWalk(300, 2);
    const r = runBacktestWith(script({ 10: (c) => c.buy(1) }), task(config(product('es')), 'script'), b);
    expect(r.metrics.periodsPerYear).toBe(1380 * 252);
    const btcR = runBacktestWith(script({ 10: (c) => c.buy(1000) }), task(config(product('btcusdt-perp')), 'script'), b);
    expect(btcR.metrics.periodsPerYear).toBe(1440 * 365);
    expect(btcR.metrics.volatility).not.toBe(0);
  });
});
