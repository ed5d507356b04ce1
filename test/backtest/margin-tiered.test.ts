// Binance tiered (bracket) margin for perpetuals (SPEC §5): brackets from the product config (validated, cum derived),
// maintenance = notional × MMR − cum with the bracket of the notional, initial = notional / leverage, the
// liquidation price with the bracket recomputed at LP, and the backtest's margin call at the same point.
// decimal.js is the oracle for every money number.
import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { Account } from '../../src/backtest/account.js';
import { runBacktestWith } from '../../src/backtest/index.js';
import { liquidationPrice, TieredMargin } from '../../src/backtest/margin.js';
import { resolveProduct } from '../../src/backtest/product.js';
import { positionLiquidationTicks } from '../../src/backtest/risk.js';
import { validateProduct } from '../../src/config/backtest.js';
import { bars, config, flat, newLog, NO_RISK, product, script, task, USD } from './helpers.js';

const BTC = product('btcusdt-perp');
const spec = resolveProduct(BTC);
const model = spec.margin as TieredMargin;
// the shipped brackets, in USDT, as the oracle reads them
const table = (BTC.margin as { brackets: { floor: number; cap: number; maxLeverage: number; mmr: number; cum?: number }[] }).brackets;

/** Decimal oracle: MM in USDT for a notional in USDT, cum derived from the table by the SPEC formula */
function oracleMM(notional: Decimal): Decimal {
  let cum = new Decimal(0);
  let prev = new Decimal(0);
  let k = 0;
  const cums: Decimal[] = [];
  for (const b of table) {
    cum = new Decimal(b.floor).mul(new Decimal(b.mmr).sub(prev)).add(cum);
    prev = new Decimal(b.mmr);
    cums.push(cum);
  }
  while (k < table.length - 1 && notional.gt(table[k]!.cap)) k++;
  const mm = notional.mul(table[k]!.mmr).sub(cums[k]!);
  return Decimal.max(0, mm);
}

describe('bracket config (configs/products/btcusdt-perp.yaml)', () => {
  it('loads as tiered; cum derived as floor × (MMR − previous MMR) + previous cum matches the published values', () => {
    expect(model).toBeInstanceOf(TieredMargin);
    expect(model.leverage).toBe(20);
    // the Binance FAQ example: level floor 250,000 → 250,000 × (1 % − 0.5 %) + 50 = 1,300 USDT
    expect(model.brackets[2]!.cum).toBe(1300 * USD);
    expect(model.brackets.map((b) => b.cum / USD)).toEqual([0, 50, 1300, 16300, 266300, 1266300, 2516300, 5016300, 25016300, 100016300]);
  });

  const tiered = (brackets: unknown[], leverage = 20) => ({ ...BTC, margin: { type: 'tiered', leverage, brackets } });
  const ok = [
    { floor: 0, cap: 50000, maxLeverage: 125, mmr: 0.004 },
    { floor: 50000, cap: 250000, maxLeverage: 100, mmr: 0.005 },
  ];
  it('a wrong cum names the key, the value found and the derived value', () => {
    expect(() => validateProduct(tiered([ok[0], { ...ok[1], cum: 60 }]), 'p.yaml')).toThrow(
      /margin\.brackets\.1\.cum: found 60; allowed: 50 \(floor × \(MMR − previous MMR\) \+ previous cum\)/,
    );
  });
  it('gaps, falling MMR, rising leverage, MMR at or above 1 / leverage and too much leverage are errors naming the key', () => {
    expect(() => validateProduct(tiered([ok[0], { ...ok[1], floor: 60000 }]))).toThrow(/margin\.brackets\.1\.floor: found 60000; allowed: 50000/);
    expect(() => validateProduct(tiered([ok[0], { ...ok[1], mmr: 0.003 }]))).toThrow(/margin\.brackets\.1\.mmr: found 0\.003; allowed: >= 0\.004/);
    expect(() => validateProduct(tiered([ok[0], { ...ok[1], maxLeverage: 150 }]))).toThrow(/brackets\.1\.maxLeverage: found 150/);
    expect(() => validateProduct(tiered([{ ...ok[0], mmr: 0.01 }]))).toThrow(/brackets\.0\.mmr: found 0\.01; allowed: < 1 \/ maxLeverage = 0\.008/);
    expect(() => validateProduct(tiered(ok, 126))).toThrow(/margin\.leverage: found 126/);
    expect(() => validateProduct(tiered([{ ...ok[0], floor: 10 }]))).toThrow(/brackets\.0\.floor: found 10; allowed: 0/);
    expect(() => validateProduct(tiered([{ ...ok[0], mmr: 0.0000001 }]))).toThrow(/brackets\.0\.mmr: .*6 decimals/);
  });
});

describe('maintenance and initial margin', () => {
  // 1 lot = 0.001 BTC, 1 tick = 0.1 USDT: notional (USDT) = lots × ticks / 10,000
  const mm = (lots: number, ticks: number) => model.maintenance(lots, ticks);
  it('published-style numbers: 264,000 USDT is in the 1 % bracket (cum 1,300): MM = 1,340 USDT', () => {
    expect(mm(10_000, 264_000)).toBe(1340 * USD); // 10 BTC at 26,400
    expect(mm(10_000, 500_000)).toBe(3700 * USD); // 500,000 × 1 % − 1,300
    expect(mm(1_000, 400_000)).toBe(160 * USD); // 40,000 × 0.4 %
  });
  it('is continuous at every bracket boundary (the point of the cum derivation)', () => {
    for (let k = 1; k < model.brackets.length; k++) {
      const b = model.brackets[k]!;
      const prev = model.brackets[k - 1]!;
      // at notional = floor_k both brackets give the same maintenance
      const atFloorPrev = (b.floor * prev.mmrPpm) / 1e6 - prev.cum;
      const atFloorThis = (b.floor * b.mmrPpm) / 1e6 - b.cum;
      expect(atFloorThis).toBe(atFloorPrev);
    }
  });
  it('equals the decimal.js oracle (rounded up to a micro-unit) over 2,000 random positions, every bracket', () => {
    let s = 12345;
    const rnd = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let i = 0; i < 2000; i++) {
      const lots = 1 + Math.floor(rnd() ** 3 * 5_000_000); // up to 5,000 BTC
      const ticks = 100_000 + Math.floor(rnd() * 900_000); // 10,000 to 100,000 USDT
      const notional = new Decimal(lots).mul(ticks).div(10_000);
      const want = oracleMM(notional).mul(1e6).ceil().toNumber();
      expect(mm(lots, ticks), `${lots} lots at ${ticks}`).toBe(want);
    }
  });
  it('initial = notional / leverage (20), rounded up; refused (Infinity) where the bracket allows less than 20x', () => {
    expect(model.initial(3_000, 600_000)).toBe(9_000 * USD); // 180,000 / 20
    expect(model.initial(7, 600_001)).toBe(Math.ceil((7 * 600_001 * 100) / 20)); // 420.0007 USDT / 20, up
    expect(model.maxNotional()).toBe(10_000_000 * USD);
    expect(Number.isFinite(model.initial(166_000, 600_000))).toBe(true); // 9.96 M: 20x allowed
    expect(model.initial(167_000, 600_000)).toBe(Infinity); // 10.02 M: bracket max 10x < 20x
    // a cap is inclusive: exactly 10,000,000 USDT (200,000 lots at 50,000) is still in the 20x bracket
    expect(model.initial(200_000, 500_000)).toBe(500_000 * USD);
    expect(model.initial(200_001, 500_000)).toBe(Infinity);
  });
});

describe('liquidation price (SPEC §5)', () => {
  // brackets in USDT for the formula in currency units
  const bs = model.brackets.map((b) => ({ floor: b.floor / USD, cap: b.cap / USD, mmr: b.mmrPpm / 1e6, cum: b.cum / USD }));
  /** Decimal oracle of LP for one bracket */
  const lpWith = (side: number, pos: number, ep: number, wb: number, k: number) =>
    new Decimal(wb).add(bs[k]!.cum).sub(new Decimal(side).mul(pos).mul(ep)).div(new Decimal(pos).mul(bs[k]!.mmr).sub(new Decimal(side).mul(pos)));

  it('isolated long 10 BTC at 26,400, 20x (wallet 13,200): LP = (13,200 + 1,300 − 264,000) / (10 × 1 % − 10) = 25,202.02', () => {
    const r = liquidationPrice({ side: 1, size: 10, entryPrice: 26_400, walletBalance: 13_200, brackets: bs });
    expect(r.bracket).toBe(2);
    expect(r.price).toBeCloseTo(lpWith(1, 10, 26_400, 13_200, 2).toNumber(), 9);
    expect(r.price).toBeCloseTo(25_202.0202, 4);
    // at LP, margin balance = maintenance margin
    const lp = new Decimal(r.price);
    const balance = new Decimal(13_200).add(lp.sub(26_400).mul(10));
    expect(balance.sub(oracleMM(lp.mul(10))).abs().toNumber()).toBeLessThan(1e-6);
  });
  it('recomputes with the bracket of the notional at LP: long 10 at 25,500 falls from the 1 % bracket into the 0.5 % one', () => {
    const first = lpWith(1, 10, 25_500, 12_750, 2).toNumber(); // 24,338.38: notional 243,384 < 250,000
    expect(first * 10).toBeLessThan(250_000);
    const r = liquidationPrice({ side: 1, size: 10, entryPrice: 25_500, walletBalance: 12_750, brackets: bs });
    expect(r.bracket).toBe(1);
    expect(r.price).toBeCloseTo(lpWith(1, 10, 25_500, 12_750, 1).toNumber(), 9); // (12,750 + 50 − 255,000) / (0.05 − 10)
    expect(r.price).toBeCloseTo(24_341.7085, 4);
  });
  it('short 1 BTC at 60,000, 10x isolated: LP = (6,000 + 50 + 60,000) / (0.005 + 1) = 65,721.39', () => {
    const r = liquidationPrice({ side: -1, size: 1, entryPrice: 60_000, walletBalance: 6_000, brackets: bs });
    expect(r.price).toBeCloseTo(66_050 / 1.005, 9);
    expect(r.price).toBeCloseTo(65_721.393, 3);
  });
  it('cross: other positions’ maintenance and unrealized PnL move it', () => {
    const base = liquidationPrice({ side: 1, size: 10, entryPrice: 26_400, walletBalance: 13_200, brackets: bs }).price;
    const worse = liquidationPrice({ side: 1, size: 10, entryPrice: 26_400, walletBalance: 13_200, otherMaintenance: 500, otherUnrealized: -1_000, brackets: bs }).price;
    expect(worse - base).toBeCloseTo(1_500 / 9.9, 9); // 1,500 less margin over (10 − 10 × 1 %)
  });
});

describe('the backtest uses the brackets for perpetuals', () => {
  // 10,000 USDT, fees off; buy 3 BTC (3,000 lots) at 60,000: notional 180,000, IM 9,000, bracket 0.5 %, cum 50.
  // LP = (10,000 + 50 − 180,000) / (3 × 0.005 − 3) = 56,934.67 USDT = 569,346.7 ticks
  const cfg = (over = {}) =>
    config(BTC, {
      account: { initialCapital: 10_000 },
      fees: { type: 'bps', makerBps: 0, takerBps: 0 },
      risk: NO_RISK,
      execution: { slippage: false, closeAtEnd: false },
      ...over,
    });
  const run = (low: number) => {
    const log = newLog();
    const r = runBacktestWith(
      script({ 0: (c) => c.buy(3000) }, log),
      task(cfg(), 'script'),
      bars([flat(600_000), flat(600_000), flat(low), flat(low), flat(low)], '2024-03-05T09:00:00Z'),
    );
    return { r, log };
  };
  it('the liquidation price of the account’s position agrees with the formula', () => {
    const acct = new Account(10_000 * USD);
    const p = acct.addPosition(spec);
    acct.fill(p, { side: 1, qty: 3000, price: 600_000, ts: 0n, fee: 0, slip: 0 });
    const lp = positionLiquidationTicks(acct, p);
    expect(lp).toBeCloseTo(new Decimal(-169_950).div(-2.985).mul(10).toNumber(), 6);
  });
  it('a close just above LP keeps the position; one tick below flattens it at the next open (margin call)', () => {
    const above = run(569_347);
    expect(above.log.position.at(-1)).toBe(3000);
    expect(above.r.stats!.riskFlattens).toBe(0);
    const below = run(569_346);
    expect(below.log.fills.map((f) => [f.bar, f.reason])).toEqual([
      [1, 'order'],
      [3, 'risk'],
    ]);
    expect(below.r.stats!.riskFlattens).toBe(1);
  });
  it('increases past the leverage setting’s largest notional are cut (bracket max 10x < 20x)', () => {
    const log = newLog();
    const r = runBacktestWith(
      script({ 0: (c) => c.buy(200_000) }, log), // 200 BTC at 60,000 = 12 M
      task(cfg({ account: { initialCapital: 10_000_000 } }), 'script'),
      bars([flat(600_000), flat(600_000), flat(600_000)], '2024-03-05T09:00:00Z'),
    );
    expect(log.position.at(-1)).toBe(166_666); // 10,000,000 / 60 USDT per lot, rounded down
    expect(r.stats!.refusedLots).toBe(200_000 - 166_666);
  });
});
