// The engine's hooks into the settlement price column (variation margin at the settlement VWAP), the risk guard's
// clock (trailing-24 h funding exposure) and `stats.risk` (docs/backtest.md "Engine hooks").
import { describe, expect, it } from 'vitest';
import { runBacktestWith } from '../../src/backtest/index.js';
import type { RiskReport } from '../../src/backtest/risk.js';
import { barsAt, bars, config, flat, newLog, NO_RISK, product, script, task, USD } from './helpers.js';

const ES = product('es');

describe('variation margin at the settlement price (VWAP window)', () => {
  it('settles at (open + 3 × close) / 4 of the 14:59 bar, not its close: +187.50 then −450 USD', () => {
    const times = [
      '2024-03-05T20:57:00Z', // 14:57 CT: buy 1
      '2024-03-05T20:58:00Z', // fill at 19200
      '2024-03-05T20:59:00Z', // 14:59 bar: settlement (19201 + 3 × 19220) / 4 = 19215.25 → 19215: +15 ticks
      '2024-03-06T20:59:00Z', // next day: (19220 + 3 × 19165) / 4 = 19178.75 → 19179: −36 ticks; sell
      '2024-03-06T21:05:00Z', // exit at 19190
    ];
    const b = barsAt(times, [flat(19200), flat(19200), [19201, 19230, 19196, 19220], [19220, 19220, 19160, 19165], flat(19190)]);
    const fees = { type: 'per-contract', commission: 0 } as const;
    const log = newLog();
    const r = runBacktestWith(script({ 0: (c) => c.buy(1), 3: (c) => c.sell(1) }, log), task(config(ES, { fees }), 's'), b);
    const c0 = 1_000_000 * USD;
    expect(log.cash).toEqual([c0, c0, c0 + 187.5 * USD, c0 + 187.5 * USD - 450 * USD, c0 - 125 * USD]);
    expect(r.stats!.variationMargin).toBe((187.5 - 450) * USD);
    // equity is marked at the close as before: settlement only moves money between unrealized and cash
    expect(Array.from(r.equity.equity)).toEqual([c0, c0, c0 + 250 * USD, c0 - 437.5 * USD, c0 - 125 * USD]);
  });
});

describe('stats.risk and the funding guard through the engine', () => {
  const BTC = product('btcusdt-perp');
  it('reports margin-ratio closes and refuses increases while the trailing-24 h funding is above the limit', () => {
    // 2 BTC long at 60,000 from 00:00; funding 0.05 % at 00/08/16 UTC = 60 USDT each; limit 0.1 % of 100,000
    const n = 20 * 60; // 00:00 to 20:00, one-minute bars
    const b = bars(Array.from({ length: n }, () => flat(600_000)), '2024-03-05T00:00:00Z');
    b.mark = new Float64Array(n).fill(600_000);
    b.fundingRate = new Float64Array(n).fill(50_000);
    const cfg = config(BTC, {
      account: { initialCapital: 100_000 },
      fees: { type: 'bps', makerBps: 0, takerBps: 0 },
      risk: { ...NO_RISK, fundingExposure: { enabled: true, max24h: 0.001 } },
      execution: { slippage: false, closeAtEnd: false },
    });
    const log = newLog();
    // buy before 00:00's funding is charged to nobody (flat); 08:00 (60) and 16:00 (120 > 100) are paid
    const r = runBacktestWith(script({ 0: (c) => c.buy(2000), [17 * 60]: (c) => c.buy(100) }, log), task(cfg, 's'), b);
    const risk = (r.stats as { risk?: RiskReport }).risk!;
    expect(r.metrics.fundingPaid).toBe(120 * USD);
    expect(risk.funding).toMatchObject({ active: true, max24h: 120 * USD, breaches: n - 16 * 60 });
    expect(risk.refusedBy.funding).toBe(100);
    expect(log.position.at(-1)).toBe(2000);
    const closes = Object.values(risk.marginRatio.levelCloses).reduce((a, x) => a + x, 0);
    expect(closes).toBe(n);
  });
});
