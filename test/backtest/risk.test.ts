// Risk guards at bar close (loss limits with unrealized PnL, drawdown, kill switch) and volatility targeting.
import { describe, expect, it } from 'vitest';
import { runBacktestWith } from '../../src/backtest/index.js';
import { Account } from '../../src/backtest/account.js';
import { RiskGuard } from '../../src/backtest/risk.js';
import { riskSchema } from '../../src/config/risk.js';
import { barsAt, bars, config, flat, newLog, NO_RISK, product, script, task } from './helpers.js';

const ES = product('es');

describe('daily loss limit includes unrealized PnL (SPEC §7)', () => {
  // 1,000,000 USD; 10 ES long at 19200; price falls 200 ticks: unrealized -25,000 USD = -2.5 %, no trade closed
  const times = [
    '2024-03-05T15:00:00Z',
    '2024-03-05T15:01:00Z',
    '2024-03-05T15:02:00Z',
    '2024-03-05T15:03:00Z',
    '2024-03-05T15:04:00Z',
    '2024-03-06T15:00:00Z', // next trading day
    '2024-03-06T15:01:00Z',
  ];
  const rows = [flat(19200), flat(19200), [19200, 19200, 19000, 19000], flat(19000), flat(19000), flat(19000), flat(19000)];
  it('flattens at the next open and refuses new exposure for the rest of the day', () => {
    const cfg = config(ES, { risk: { ...NO_RISK, dailyLossLimit: 0.02 }, execution: { closeAtEnd: false } });
    const log = newLog();
    const r = runBacktestWith(
      script({ 0: (c) => c.buy(10), 3: (c) => c.buy(1), 5: (c) => c.buy(1) }, log),
      task(cfg, 'script'),
      barsAt(times, rows),
    );
    expect(log.halted).toEqual([false, false, true, false, false, false, false].map((_, i) => i >= 2 && i <= 4));
    expect(log.fills.map((f) => [f.bar, f.side, f.qty, f.reason])).toEqual([
      [1, 1, 10, 'order'],
      [3, -1, 10, 'risk'],
      [6, 1, 1, 'order'], // the buy on bar 3 was refused at bar 4; the next day's buy fills
    ]);
    expect(r.stats!.riskFlattens).toBe(1);
    expect(r.stats!.killSwitch).toBeNull();
  });
  it('with onDailyLoss the kill switch trips and nothing trades afterwards', () => {
    const cfg = config(ES, {
      risk: { ...NO_RISK, dailyLossLimit: 0.02, killSwitch: { enabled: true, consecutiveLosses: null, maxDrawdown: null, onDailyLoss: true } },
      execution: { closeAtEnd: false },
    });
    const log = newLog();
    const r = runBacktestWith(script({ 0: (c) => c.buy(10), 5: (c) => c.buy(1) }, log), task(cfg, 'script'), barsAt(times, rows));
    expect(r.stats!.killSwitch?.reason).toBe('daily loss limit');
    expect(log.position.at(-1)).toBe(0);
  });
  it('a limit that ignored unrealized PnL would not fire here (control: no closed trade before the flatten)', () => {
    const cfg = config(ES, { risk: { ...NO_RISK, dailyLossLimit: 0.02 }, execution: { closeAtEnd: false } });
    const r = runBacktestWith(script({ 0: (c) => c.buy(10) }), task(cfg, 'script'), barsAt(times, rows));
    expect(r.trades).toHaveLength(1);
    expect(r.trades[0]!.exitTs).toBe(BigInt(Date.parse(times[3]!)) * 1_000_000n);
  });
});

describe('kill switch', () => {
  it('trips after 5 consecutive losing trades and refuses new exposure', () => {
    // every round trip buys at 100 and sells at 99
    const rows: number[][] = [];
    for (let i = 0; i < 40; i++) rows.push(i % 2 === 0 ? flat(99) : flat(100));
    const mod = script({});
    mod.create = () => ({
      onBar(c) {
        if (c.close.at(0) === 99 && c.position === 0) c.buy(1); // fills at 100
        else if (c.close.at(0) === 100 && c.position > 0) c.sell(1); // fills at 99
      },
    });
    const cfg = config(ES, { risk: { ...NO_RISK, killSwitch: { enabled: true, consecutiveLosses: 5, maxDrawdown: null, onDailyLoss: false } } });
    const r = runBacktestWith(mod, task(cfg, 'script'), bars(rows));
    expect(r.trades).toHaveLength(5);
    expect(r.stats!.killSwitch?.reason).toBe('5 consecutive losses');
  });
  it('trips at 10 % drawdown from the peak, unrealized included', () => {
    const cfg = config(ES, {
      account: { initialCapital: 100_000 },
      risk: { ...NO_RISK, killSwitch: { enabled: true, consecutiveLosses: null, maxDrawdown: 0.1, onDailyLoss: false } },
      execution: { closeAtEnd: false },
    });
    // 1 ES, 12.5 USD a tick: -800 ticks = -10,000 USD = -10 %
    const b = bars([flat(19200), flat(19200), flat(18800), flat(18400), flat(18400), flat(18400)]);
    const log = newLog();
    const r = runBacktestWith(script({ 0: (c) => c.buy(1), 4: (c) => c.buy(1) }, log), task(cfg, 'script'), b);
    expect(r.stats!.killSwitch?.reason).toBe('max drawdown');
    expect(log.position).toEqual([0, 1, 1, 1, 0, 0]);
  });
});

describe('exposure and volatility targeting', () => {
  it('5 % per-position exposure on initial margin: 1,000,000 USD allows 2 ES at 22,000', () => {
    const cfg = config(ES, { risk: { ...NO_RISK, maxPositionExposure: 0.05 }, execution: { closeAtEnd: false } });
    const log = newLog();
    runBacktestWith(script({ 0: (c) => c.buy(5) }, log), task(cfg, 'script'), bars([flat(19200), flat(19200)]));
    expect(log.position.at(-1)).toBe(2);
  });
  it('volatility scale is target / realized volatility, clamped to [0.25, 2]', () => {
    const mk = (amp: number) => {
      const g = new RiskGuard(riskSchema.parse({ volatilityTarget: { enabled: true, halfLifeBars: 10 } }), new Account(1e12), 252);
      const close = new Float64Array(200).map((_, i) => 10000 + (i % 2 ? amp : 0));
      for (let i = 1; i < 200; i++) g.observeBar(close, i);
      return g.volScale;
    };
    expect(mk(2000)).toBe(0.25); // ~20 % daily moves: far above target
    expect(mk(0)).toBe(2); // no volatility: the cap
    const mid = mk(10); // 0.1 % daily moves ≈ 1.6 % a year
    expect(mid).toBe(2);
    const g = new RiskGuard(riskSchema.parse({}), new Account(1e12), 252);
    expect(g.volScale).toBe(1); // no history yet
  });
});
