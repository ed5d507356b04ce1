// Accounting worked examples with exact numbers: variation margin at settlement, funding at funding
// instants, margin across all open positions, position limits.
import { describe, expect, it } from 'vitest';
import { runBacktestWith } from '../../src/backtest/index.js';
import { Account } from '../../src/backtest/account.js';
import { RiskGuard } from '../../src/backtest/risk.js';
import { resolveProduct } from '../../src/backtest/product.js';
import { riskSchema } from '../../src/config/risk.js';
import { barsAt, config, flat, newLog, NO_RISK, product, script, task, USD, bars } from './helpers.js';

const ES = product('es');
const FEE = 2.25 * USD;

describe('daily variation margin (CME)', () => {
  it('credits (settlement - previous settlement or entry) × qty × tick value at each settlement', () => {
    // March 2024, CST (UTC-6): 14:59 CT = 20:59 UTC. ES settles on the bar ending 15:00 CT.
    const times = [
      '2024-03-05T20:57:00Z', // 14:57 CT: buy 1
      '2024-03-05T20:58:00Z', // fill at 19200
      '2024-03-05T20:59:00Z', // 14:59 bar: settlement at its close, 19220 → +20 ticks = +250 USD
      '2024-03-06T20:59:00Z', // next day's settlement bar: 19180 → -40 ticks = -500 USD; sell
      '2024-03-06T21:05:00Z', // 15:05 CT: exit fill at 19190 → +10 ticks vs settlement = +125 USD
    ];
    const b = barsAt(times, [flat(19200), flat(19200), [19200, 19220, 19200, 19220], [19220, 19220, 19180, 19180], flat(19190)]);
    const log = newLog();
    // settlement at the close of the settlement bar (the VWAP window is tested in settlement.test.ts)
    const atClose = product('es', { session: { ...ES.session, settlementPrice: { method: 'close', barPrice: 'bridge' } } });
    const r = runBacktestWith(script({ 0: (c) => c.buy(1), 3: (c) => c.sell(1) }, log), task(config(atClose), 'script'), b);
    const c0 = 1_000_000 * USD;
    expect(log.cash).toEqual([c0, c0 - FEE, c0 - FEE + 250 * USD, c0 - FEE + 250 * USD - 500 * USD, c0 - 2 * FEE - 125 * USD]);
    expect(r.stats!.variationMargin).toBe(-250 * USD);
    // the trade's PnL is against the entry price, not the settlements: (19190 - 19200) × 12.5 - fees
    expect(r.trades[0]!.pnl).toBe(-125 * USD - 2 * FEE);
    // equity never jumps at settlement: VM only moves unrealized PnL into cash
    expect(Array.from(r.equity.equity)).toEqual([c0, c0 - FEE, c0 - FEE + 250 * USD, c0 - FEE - 250 * USD, c0 - 2 * FEE - 125 * USD]);
  });
});

describe('funding (perpetuals)', () => {
  const BTC = product('btcusdt-perp');
  // 07:58, 07:59, 08:00, 08:01 UTC; mark 60,000.0 USDT = 600,000 ticks; rate 0.01 % = 10,000 / 1e8
  const times = ['2024-03-05T07:58:00Z', '2024-03-05T07:59:00Z', '2024-03-05T08:00:00Z', '2024-03-05T08:01:00Z'];
  const mk = () => {
    const b = barsAt(times, [flat(600000), flat(600000), flat(600000), flat(600000)]);
    b.mark = new Float64Array([600000, 600000, 600000, 600000]);
    b.fundingRate = new Float64Array([10_000, 10_000, 10_000, 10_000]);
    return b;
  };
  const cfg = config(BTC, { execution: { slippage: false, closeAtEnd: false } });
  it('a long of 1 BTC open at 08:00 UTC pays mark × size × rate = 6 USDT', () => {
    const r = runBacktestWith(script({ 0: (c) => c.buy(1000) }), task(cfg, 'script'), mk());
    expect(r.metrics.fundingPaid).toBe(6 * USD);
  });
  it('a short receives it', () => {
    const r = runBacktestWith(script({ 0: (c) => c.sell(1000) }), task(cfg, 'script'), mk());
    expect(r.metrics.fundingPaid).toBe(-6 * USD);
  });
  it('a position opened at the 08:00 bar (after the instant) pays nothing; one closed then still pays', () => {
    const opened = runBacktestWith(script({ 1: (c) => c.buy(1000) }), task(cfg, 'script'), mk());
    expect(opened.metrics.fundingPaid).toBe(0);
    const closed = runBacktestWith(script({ 0: (c) => c.buy(1000), 1: (c) => c.sell(1000) }), task(cfg, 'script'), mk());
    expect(closed.metrics.fundingPaid).toBe(6 * USD);
    expect(closed.trades[0]!.funding).toBe(6 * USD);
    expect(closed.trades[0]!.pnl).toBe(-6 * USD - 2 * 30 * USD); // funding + two taker fees of 30 USDT
  });
  it('no funding between funding instants (no pro-rata by default)', () => {
    const b = barsAt(['2024-03-05T09:00:00Z', '2024-03-05T09:01:00Z', '2024-03-05T15:59:00Z'], [flat(600000), flat(600000), flat(600000)]);
    b.mark = Float64Array.from(b.close);
    b.fundingRate = new Float64Array([10_000, 10_000, 10_000]);
    const r = runBacktestWith(script({ 0: (c) => c.buy(1000) }), task(cfg, 'script'), b);
    expect(r.metrics.fundingPaid).toBe(0);
  });
});

describe('margin across ALL open positions (SPEC §7)', () => {
  it('adding to a position checks the whole position, not just the new order', () => {
    // 50,000 USD, 22,000 initial per ES contract: 2 fit, a third does not (an order-only check would allow it)
    const log = newLog();
    const b = bars([flat(19200), flat(19200), flat(19200), flat(19200), flat(19200)]);
    const cfg = config(ES, { account: { initialCapital: 50_000 }, execution: { closeAtEnd: false } });
    const r = runBacktestWith(script({ 0: (c) => c.buy(2), 2: (c) => c.buy(1) }, log), task(cfg, 'script'), b);
    expect(log.position.at(-1)).toBe(2);
    expect(log.fills).toHaveLength(1);
    expect(r.stats!.refusedLots).toBe(1);
  });
  it('positions in other products count too', () => {
    const acct = new Account(70_000 * USD);
    const es = acct.addPosition(resolveProduct(ES));
    const nq = acct.addPosition(resolveProduct(product('nq')));
    const guard = new RiskGuard(riskSchema.parse(NO_RISK), acct, 252 * 1380);
    acct.fill(es, { side: 1, qty: 2, price: 19200, ts: 0n, fee: 0, slip: 0 }); // 44,000 initial
    expect(guard.fits(nq, 1, 72000)).toBe(false); // + 29,700 > 70,000
    expect(guard.allowedIncrease(nq, 1, 72000)).toBe(0);
    const alone = new Account(70_000 * USD);
    const nq2 = alone.addPosition(resolveProduct(product('nq')));
    expect(new RiskGuard(riskSchema.parse(NO_RISK), alone, 1).fits(nq2, 2, 72000)).toBe(true);
  });
});

describe('position limits (SPEC §7: max position not enforced)', () => {
  it('maxContracts 10: buying 15 gives 10 and refuses 5, in one order or in several', () => {
    const cfg = config(ES, { risk: { ...NO_RISK, maxContracts: 10 }, execution: { closeAtEnd: false } });
    const b = bars([flat(100), flat(100), flat(100), flat(100)]);
    const log = newLog();
    const r = runBacktestWith(script({ 0: (c) => c.buy(15) }, log), task(cfg, 'script'), b);
    expect(log.position.at(-1)).toBe(10);
    expect(log.fills[0]!.refused).toBe(5);
    expect(r.stats!.refusedLots).toBe(5);
    const log2 = newLog();
    runBacktestWith(script({ 0: (c) => c.buy(6), 1: (c) => c.buy(6), 2: (c) => c.sell(20) }, log2), task(cfg, 'script'), b);
    expect(log2.position).toEqual([0, 6, 10, -10]);
  });
  it("the product's own position limit applies as well", () => {
    const cfg = config(product('es', { positionLimit: 3 }), { execution: { closeAtEnd: false } });
    const log = newLog();
    runBacktestWith(script({ 0: (c) => c.buy(5) }, log), task(cfg, 'script'), bars([flat(100), flat(100)]));
    expect(log.position.at(-1)).toBe(3);
  });
});
