// Anchors 3 and 4: one risk guard over every position. Correlated-group exposure (ES and NQ both equity-index)
// and initial margin of all open positions cut a second entry that passes alone; a flatten closes every position.
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../src/backtest/config-resolve.js';
import { runPortfolioBacktest } from '../../../src/backtest/portfolio/index.js';
import type { ProductConfig } from '../../../src/config/product.js';
import { bars, config, flat, NO_RISK, product } from '../helpers.js';
import { newPfLog, pfScript, type PfLog } from './helpers.js';

const ES = product('es');
const NQ = product('nq');
const esBars = () => bars(Array.from({ length: 10 }, () => flat(20_000)), '2024-03-05T15:00:00Z', 60e9, 'ESH4');
const nqBars = () => bars(Array.from({ length: 10 }, () => flat(72_000)), '2024-03-05T15:00:00Z', 60e9, 'NQH4');

/** the strategy's own fills (not the close-out at the end) */
const orders = (log: PfLog) => log.fills.filter((f) => f.reason === 'order');

/** buy 1 ES after step 0, nqQty NQ after step 1 */
function run(risk: object, nq: ProductConfig = NQ, capital = 1_000_000, withEs = true, nqQty = 2) {
  const log = newPfLog();
  const cfg = resolveConfig(config(ES, { risk: { ...NO_RISK, ...risk }, account: { initialCapital: capital } }));
  const r = runPortfolioBacktest({
    config: cfg,
    instruments: [
      { name: 'ES', bars: esBars(), product: ES },
      { name: 'NQ', bars: nqBars(), product: nq },
    ],
    strategy: pfScript({ 0: (c) => withEs && c.instrument('ES').buy(1), 1: (c) => c.instrument('NQ').buy(nqQty) }, log),
  });
  return { r, log };
}

describe('fill-time limits across positions', () => {
  // exposure basis margin (default): ES 22,000, NQ 29,700 per lot; 4 % of 1 M = 40,000 for the group
  it('group exposure: ES + NQ (equity-index) refuses the NQ lot; with NQ in another group it passes', () => {
    const { r, log } = run({ maxGroupExposure: 0.04 }, NQ, 1_000_000, true, 1);
    expect(r.stats.risk!.refusedBy.groupExposure).toBe(1);
    expect(r.stats.refusedLots).toBe(1);
    expect(orders(log).map((f) => [f.instrument, f.qty])).toEqual([['ES', 1]]);
    const other = run({ maxGroupExposure: 0.04 }, { ...NQ, group: 'tech' }, 1_000_000, true, 1);
    expect(other.r.stats.risk!.refusedBy.groupExposure).toBe(0);
    expect(other.r.stats.refusedLots).toBe(0);
    expect(orders(other.log).map((f) => [f.instrument, f.qty])).toEqual([['ES', 1], ['NQ', 1]]);
  });

  it('group exposure cuts to what fits: 1 NQ lot fits next to ES at 6 %, the 2nd does not', () => {
    const { r, log } = run({ maxGroupExposure: 0.06 }); // 60,000 ≥ 22,000 + 29,700, < 22,000 + 59,400
    expect(r.stats.risk!.refusedBy.groupExposure).toBe(1);
    expect(orders(log).map((f) => [f.instrument, f.qty, f.refused])).toEqual([['ES', 1, 0], ['NQ', 1, 1]]);
  });

  it('initial margin of both positions against equity: NQ refused next to ES, accepted alone', () => {
    // 60,000 capital: ES 22,000 + 1 NQ 29,700 = 51,700 fits, the 2nd NQ lot (81,400) does not; alone 2 NQ = 59,400 fit
    const both = run({}, NQ, 60_000);
    expect(both.r.stats.risk!.refusedBy.initialMargin).toBe(1);
    expect(orders(both.log).map((f) => [f.instrument, f.qty])).toEqual([['ES', 1], ['NQ', 1]]);
    const alone = run({}, NQ, 60_000, false);
    expect(alone.r.stats.risk!.refusedBy.initialMargin).toBe(0);
    expect(orders(alone.log).map((f) => [f.instrument, f.qty])).toEqual([['NQ', 2]]);
  });

  it('portfolio exposure counts the other instrument', () => {
    const { r } = run({ maxPortfolioExposure: 0.04 }, { ...NQ, group: 'tech' }, 1_000_000, true, 1);
    expect(r.stats.risk!.refusedBy.portfolioExposure).toBe(1);
  });
});

describe('a flatten closes every position', () => {
  // ES drops 1,000 ticks (12,500 $) at step 3: a 1 % daily loss on 1 M; NQ has no bar at step 4
  function dropBars() {
    const es = bars([flat(20_000), flat(20_000), flat(20_000), [20_000, 20_000, 19_000, 19_000], flat(19_000), flat(19_000), flat(19_000)]);
    const nqAll = bars(Array.from({ length: 7 }, () => flat(72_000)));
    const keep = [0, 1, 2, 3, 5, 6];
    const pick = (a: Float64Array) => Float64Array.from(keep, (i) => a[i]!);
    const nq = { ...nqAll, ts: BigInt64Array.from(keep, (i) => nqAll.ts[i]!), open: pick(nqAll.open), high: pick(nqAll.high), low: pick(nqAll.low), close: pick(nqAll.close), volume: pick(nqAll.volume) };
    return { es, nq };
  }
  for (const [name, risk] of [
    ['daily loss limit', { dailyLossLimit: 0.01 }],
    ['kill switch (max drawdown)', { killSwitch: { enabled: true, maxDrawdown: 0.01, consecutiveLosses: null, onDailyLoss: false } }],
  ] as const) {
    it(`${name}: both legs flattened, each at its own next bar`, () => {
      const { es, nq } = dropBars();
      const log = newPfLog();
      const cfg = resolveConfig(config(ES, { risk: { ...NO_RISK, ...risk } }));
      const r = runPortfolioBacktest({
        config: cfg,
        instruments: [
          { name: 'ES', bars: es, product: ES },
          { name: 'NQ', bars: nq, product: NQ },
        ],
        strategy: pfScript({ 0: (c) => (c.instrument('ES').buy(1), c.instrument('NQ').sell(1)), 4: (c) => c.instrument('NQ').sell(1) }, log),
      });
      const risky = log.fills.filter((f) => f.reason === 'risk');
      // ES at step 4 (its bar 4), NQ at its next bar: step 5 (its bar 4)
      expect(risky.map((f) => [f.instrument, f.side, f.qty, f.bar])).toEqual([['ES', -1, 1, 4], ['NQ', 1, 1, 4]]);
      expect(r.stats.riskFlattens).toBe(2);
      expect(log.positions[5]).toEqual({ ES: 0, NQ: 0 });
      expect(log.halted[3]).toBe(true);
      // the new NQ entry placed after step 4 is refused (halted), not filled
      expect(r.stats.risk!.refusedBy.halted).toBe(1);
      expect(r.stats.instruments.map((x) => x.finalPosition)).toEqual([0, 0]);
      if (name.startsWith('kill')) expect(r.stats.killSwitch).toEqual({ reason: 'max drawdown', ts: es.ts[3] });
    });
  }
});

describe('one-shot flattens (margin call, margin ratio) close every position', () => {
  // ES long 1 from 20,000 and NQ short 1 from 72,000 (both fill at step 1). ES drops at step 3's close; NQ has no bar
  // at steps 3 and 4: the guard fires at a close where NQ only keeps its last close, and the flatten it orders is due
  // at step 4, where NQ has no bar either: NQ must be closed at its next bar (step 5, its bar 3), not forgotten.
  // Maintenance of both: ES 20,000 + NQ 27,000 = 47,000 USD; initial 22,000 + 29,700 = 51,700 fits in 60,000.
  const NQ_STEPS = [0, 1, 2, 5, 6];
  function gapBars(esDropTo: number) {
    const es = bars([flat(20_000), flat(20_000), flat(20_000), [20_000, 20_000, esDropTo, esDropTo], flat(esDropTo), flat(esDropTo), flat(esDropTo)]);
    const nq = bars(NQ_STEPS.map(() => flat(72_000)));
    nq.ts = BigInt64Array.from(NQ_STEPS, (s) => es.ts[s]!);
    return { es, nq };
  }
  function runFlatten(esDropTo: number, risk: object) {
    const { es, nq } = gapBars(esDropTo);
    const log = newPfLog();
    const cfg = resolveConfig(config(ES, { risk: { ...NO_RISK, ...risk }, account: { initialCapital: 60_000 } }));
    const r = runPortfolioBacktest({
      config: cfg,
      instruments: [
        { name: 'ES', bars: es, product: ES },
        { name: 'NQ', bars: nq, product: NQ },
      ],
      strategy: pfScript({ 0: (c) => (c.instrument('ES').buy(1), c.instrument('NQ').sell(1)) }, log),
    });
    return { r, log };
  }
  /** what both tests require: one flatten of each leg, ES at step 4 (its bar 4), NQ at step 5 (its bar 3) */
  function expectBothFlattened({ r, log }: ReturnType<typeof runFlatten>) {
    expect(orders(log).map((f) => [f.instrument, f.qty])).toEqual([['ES', 1], ['NQ', 1]]);
    const risky = log.fills.filter((f) => f.reason === 'risk');
    expect(risky.map((f) => [f.instrument, f.side, f.qty, f.bar])).toEqual([['ES', -1, 1, 4], ['NQ', 1, 1, 3]]);
    expect(log.positions[3]).toEqual({ ES: 1, NQ: -1 }); // the close that fires the guard
    expect(log.positions[4]).toEqual({ ES: 0, NQ: -1 }); // NQ has no bar at step 4: still open
    expect(log.positions[5]).toEqual({ ES: 0, NQ: 0 });
    expect(r.stats.riskFlattens).toBe(2);
    expect(r.stats.instruments.map((x) => x.finalPosition)).toEqual([0, 0]);
  }

  it('margin call: equity at or below the maintenance margin of both legs flattens both, NQ at its next bar', () => {
    // ES 20,000 → 18,900: −13,750 USD, equity ≈ 46,250 ≤ 47,000 (liquidation level); the ratio levels are off
    const res = runFlatten(18_900, {});
    expectBothFlattened(res);
    expect(res.r.stats.risk!.marginCalls).toBe(1);
    expect(res.r.stats.risk!.marginRatio.flattens).toBe(0);
  });

  it('margin ratio flattenAt critical: a close at ratio ≥ 0.85 flattens both, NQ at its next bar', () => {
    // ES 20,000 → 19,500: −6,250 USD, equity ≈ 53,750, ratio 47,000 / 53,750 ≈ 0.874 (critical, not liquidation);
    // before the drop 47,000 / 60,000 ≈ 0.78 (danger): no flatten
    const res = runFlatten(19_500, { marginRatio: { enabled: true, blockAt: null, flattenAt: 'critical' } });
    expectBothFlattened(res);
    expect(res.r.stats.risk!.marginCalls).toBe(0);
    expect(res.r.stats.risk!.marginRatio.flattens).toBe(1);
  });
});
