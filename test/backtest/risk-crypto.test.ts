// Crypto risk guards (SPEC §7): the leverage cap at order time, margin-ratio levels (healthy, warning, danger,
// critical, liquidation) reported at each close, blocking increases and flattening at configured levels, and the
// trailing-24 h funding exposure.
import { describe, expect, it } from 'vitest';
import { Account } from '../../src/backtest/account.js';
import { runBacktestWith } from '../../src/backtest/index.js';
import { resolveProduct } from '../../src/backtest/product.js';
import { RiskGuard } from '../../src/backtest/risk.js';
import { riskSchema } from '../../src/config/risk.js';
import { validateBacktestConfig } from '../../src/config/backtest.js';
import { bars, config, flat, newLog, NO_RISK, product, script, task, USD } from './helpers.js';

const BTC = product('btcusdt-perp');
const ES = product('es');
const NO_FEES_ES = { type: 'per-contract', commission: 0 } as const;
const NO_FEES_BTC = { type: 'bps', makerBps: 0, takerBps: 0 } as const;

describe('leverage cap', () => {
  it('cuts an increase to Σ notional / equity <= maxLeverage: 100,000 USDT at 3x holds 5 BTC at 60,000, not 6', () => {
    const cfg = config(BTC, { account: { initialCapital: 100_000 }, fees: NO_FEES_BTC, risk: { ...NO_RISK, maxLeverage: 3 }, execution: { closeAtEnd: false } });
    const log = newLog();
    const r = runBacktestWith(script({ 0: (c) => c.buy(6000) }, log), task(cfg, 's'), bars([flat(600_000), flat(600_000), flat(600_000)]));
    expect(log.position.at(-1)).toBe(5000);
    expect(r.stats!.refusedLots).toBe(1000);
  });
  it('counts other positions and names the limit that bound', () => {
    const acct = new Account(100_000 * USD);
    const btc = acct.addPosition(resolveProduct(BTC));
    const es = acct.addPosition(resolveProduct(ES));
    acct.fill(es, { side: 1, qty: 1, price: 20_000, ts: 0n, fee: 0, slip: 0 }); // 1 ES at 5,000 = 250,000 USD notional
    es.last = 20_000;
    const g = new RiskGuard(riskSchema.parse({ ...NO_RISK, maxLeverage: 3 }), acct, 1);
    // 300,000 allowed in all: 50,000 left = 0.833 BTC at 60,000 → 833 lots
    expect(g.allowedIncrease(btc, 2000, 600_000)).toBe(833);
    expect(g.report().refusedBy.leverage).toBe(2000 - 833);
  });
  it('defaults to 10 and can be switched off with null', () => {
    expect(riskSchema.parse({}).maxLeverage).toBe(10);
    expect(riskSchema.parse({ maxLeverage: null }).maxLeverage).toBeNull();
  });
});

describe('margin-ratio levels', () => {
  const g = new RiskGuard(riskSchema.parse({}), new Account(0), 1);
  it('classifies maintenance / equity with the documented defaults 0.5 / 0.7 / 0.85, liquidation at equity <= maintenance', () => {
    const lvl = (mm: number, eq: number) => ['healthy', 'warning', 'danger', 'critical', 'liquidation'][g.levelOf(mm, eq)];
    expect([lvl(0, 100), lvl(49, 100), lvl(50, 100), lvl(69.9, 100), lvl(70, 100), lvl(85, 100), lvl(99.9, 100)]).toEqual([
      'healthy',
      'healthy',
      'warning',
      'warning',
      'danger',
      'critical',
      'critical',
    ]);
    expect([lvl(100, 100), lvl(1, 0), lvl(0, -1)]).toEqual(['liquidation', 'liquidation', 'liquidation']);
  });
  it('thresholds must be ordered; errors name the key', () => {
    expect(() => validateBacktestConfig({ product: ES, risk: { marginRatio: { warning: 0.8, danger: 0.7 } } })).toThrow(/risk\.marginRatio: .*warning < danger < critical/);
    expect(() => validateBacktestConfig({ product: ES, risk: { marginRatio: { flattenAt: 'sometimes' } } })).toThrow(
      /risk\.marginRatio\.flattenAt: found "sometimes"; allowed: "warning" \| "danger" \| "critical"/,
    );
  });

  // 1 ES, maintenance 20,000 USD, no fees. Equity 25,000: ratio 0.8 (danger)
  const esCfg = (capital: number, marginRatio: object) =>
    config(ES, { account: { initialCapital: capital }, fees: NO_FEES_ES, risk: { ...NO_RISK, marginRatio: { enabled: true, ...marginRatio } }, execution: { closeAtEnd: false } });
  it('blockAt danger: an entry that would put the ratio at 0.8 is refused; at 0.667 (warning) it passes', () => {
    const tight = newLog();
    const r = runBacktestWith(script({ 0: (c) => c.buy(1) }, tight), task(esCfg(25_000, {}), 's'), bars([flat(19200), flat(19200), flat(19200)]));
    expect(tight.position.at(-1)).toBe(0);
    expect(r.stats!.refusedLots).toBe(1);
    const roomy = newLog();
    runBacktestWith(script({ 0: (c) => c.buy(1) }, roomy), task(esCfg(30_000, {}), 's'), bars([flat(19200), flat(19200), flat(19200)]));
    expect(roomy.position.at(-1)).toBe(1);
  });
  it('flattenAt critical: a close at ratio >= 0.85 flattens at the next open; 0.8497 does not', () => {
    // entry 19200 with 25,000 USD; critical when equity <= 20,000 / 0.85 = 23,529.41: a loss of 117.65 ticks
    const run = (low: number) => {
      const log = newLog();
      runBacktestWith(
        script({ 0: (c) => c.buy(1) }, log),
        task(esCfg(25_000, { blockAt: null }), 's'),
        bars([flat(19200), flat(19200), flat(low), flat(low), flat(low)]),
      );
      return log;
    };
    expect(run(19083).position).toEqual([0, 1, 1, 1, 1]); // equity 23,537.50: 0.8497, danger
    expect(run(19082).fills.map((f) => [f.bar, f.reason])).toEqual([
      [1, 'order'],
      [3, 'risk'],
    ]); // equity 23,525: 0.8502, critical
  });
  it('reports closes per level and the worst ratio', () => {
    const acct = new Account(25_000 * USD);
    const es = acct.addPosition(resolveProduct(ES));
    const g2 = new RiskGuard(riskSchema.parse({ ...NO_RISK, marginRatio: { enabled: true, flattenAt: null } }), acct, 1);
    g2.checkAtClose(25_000 * USD, es, 0); // flat: healthy
    acct.fill(es, { side: 1, qty: 1, price: 19200, ts: 0n, fee: 0, slip: 0 });
    for (const [px, bar] of [[19200, 1], [19100, 2], [19050, 3], [18800, 4]] as const) {
      es.last = px;
      g2.checkAtClose(acct.equity(), es, bar);
    }
    const rep = g2.report();
    // 25,000 → ratio 0.8 danger; 23,750 → 0.842 danger; 23,125 → 0.865 critical; 20,000 → 1.0 liquidation
    expect(rep.marginRatio.levelCloses).toEqual({ healthy: 1, warning: 0, danger: 2, critical: 1, liquidation: 1 });
    expect(rep.marginRatio.worst).toBe(1);
    expect(rep.marginCalls).toBe(1);
    expect(g2.flattenPending).toBe(true);
  });
});

describe('funding exposure (trailing 24 h)', () => {
  // hourly closes over two days; 2 BTC (2,000 lots) long at a mark of 60,000; 100,000 USDT; limit 0.1 % = 100 USDT
  const HOUR = 3_600_000_000_000n;
  const t0 = BigInt(Date.parse('2024-03-05T00:00:00Z')) * 1_000_000n;
  const ts = BigInt64Array.from({ length: 49 }, (_, i) => t0 + BigInt(i) * HOUR);
  function setup(flatten = false) {
    const acct = new Account(100_000 * USD);
    const pos = acct.addPosition(resolveProduct(BTC));
    acct.fill(pos, { side: 1, qty: 2000, price: 600_000, ts: t0, fee: 0, slip: 0 });
    pos.last = 600_000;
    const g = new RiskGuard(riskSchema.parse({ ...NO_RISK, fundingExposure: { enabled: true, max24h: 0.001, flatten } }), acct, 1);
    g.bindClock(ts);
    return { acct, pos, g };
  }
  /** funding at 00/08/16 UTC at `rate` (parts per 1e8) for hours in [from, to), then a close at every hour */
  function run(s: ReturnType<typeof setup>, rates: (hour: number) => number, upto: number) {
    const seen: boolean[] = [];
    for (let h = 0; h < upto; h++) {
      if (h % 8 === 0) s.acct.fund(s.pos, 600_000, rates(h));
      s.g.checkAtClose(s.acct.equity(), s.pos, h);
      seen.push(s.g.halted);
    }
    return seen;
  }
  it('0.05 % per funding on 120,000 USDT = 60 USDT: the second funding within 24 h (120 > 100) halts increases', () => {
    const s = setup();
    const halted = run(s, () => 50_000, 9);
    expect(halted.slice(0, 8).every((h) => !h)).toBe(true); // 60 USDT after 00:00
    expect(halted[8]).toBe(true); // 120 USDT after 08:00
    expect(s.g.allowedIncrease(s.pos, 100, 600_000)).toBe(0);
    expect(s.g.report().refusedBy.funding).toBe(100);
    expect(s.g.flattenPending).toBe(false); // no flatten unless asked
    expect(s.g.report().funding).toMatchObject({ active: true, max24h: 120 * USD, breaches: 1 });
  });
  it('the window slides: once the fundings fall out of the last 24 h the halt lifts', () => {
    const s = setup();
    // paying on day 1 (00, 08, 16 → 180 USDT), nothing after: at 08:00 day 2 only 16:00 day 1 (60) remains
    const halted = run(s, (h) => (h < 24 ? 50_000 : 0), 33);
    expect(halted[16]).toBe(true);
    expect(halted[31]).toBe(true); // 07:00 day 2: 08:00 and 16:00 of day 1 are inside (120)
    expect(halted[32]).toBe(false); // 08:00 day 2: 08:00 day 1 is exactly 24 h old and drops out (60)
    expect(s.g.report().funding.max24h).toBe(180 * USD);
  });
  it('received funding does not count against the limit; `flatten` closes the position', () => {
    const s = setup();
    expect(run(s, () => -50_000, 24).some((h) => h)).toBe(false);
    const f = setup(true);
    run(f, () => 50_000, 9);
    expect(f.g.flattenPending).toBe(true);
  });
  it('without a clock from the engine the guard is inactive and says so', () => {
    const acct = new Account(100_000 * USD);
    const g = new RiskGuard(riskSchema.parse({}), acct, 1);
    expect(g.report().funding.active).toBe(false);
  });
});
