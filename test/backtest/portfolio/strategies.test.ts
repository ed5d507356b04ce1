// The built-in portfolio strategies. pairs: on two co-moving series whose spread wanders, it trades both legs in opposite directions
// at its z-score thresholds, and never holds one leg without the other after both legs have filled.
import { describe, expect, it } from 'vitest';
import type { BarSeries } from '../../../src/backtest/api.js';
import { resolveConfig } from '../../../src/backtest/config-resolve.js';
import { runPortfolioBacktest, type PortfolioStrategyModule } from '../../../src/backtest/portfolio/index.js';
import { PORTFOLIO_STRATEGIES } from '../../../src/strategies/portfolio.js';
import { bars, config, flat, NO_RISK, product, randomWalk } from '../helpers.js';
import { newPfLog, type PfLog } from './helpers.js';

const ES = product('es');
const NQ = product('nq');

/** NQ = 3.75 × ES plus its own mean-reverting noise (ticks) */
function follower(es: BarSeries): BarSeries {
  const n = es.ts.length;
  const close = new Float64Array(n);
  let noise = 0;
  let s = 12345;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    noise = 0.97 * noise + ((s / 2147483648) - 0.5) * 20;
    close[i] = Math.round(es.close[i]! * 3.75 + noise);
  }
  const open = Float64Array.from(close, (c, i) => (i > 0 ? close[i - 1]! : c));
  return { ...es, symbol: 'NQH4', close, open, high: Float64Array.from(close, (c, i) => Math.max(c, open[i]!) + 1), low: Float64Array.from(close, (c, i) => Math.min(c, open[i]!) - 1) };
}

describe('pairs', () => {
  it('trades both legs in opposite directions', () => {
    const es = randomWalk(3_000, 5);
    const nq = follower(es);
    const log: PfLog = newPfLog();
    const mod = PORTFOLIO_STRATEGIES.pairs!;
    const logged = {
      ...mod,
      create: (p: Record<string, number>) => {
        const s = mod.create(p);
        return { ...s, onBar: (c: Parameters<typeof s.onBar>[0]) => (log.positions.push({ ES: c.instruments[0]!.position, NQ: c.instruments[1]!.position }), s.onBar(c)) };
      },
    };
    const r = runPortfolioBacktest({
      config: resolveConfig(config(ES, { risk: NO_RISK })),
      instruments: [
        { name: 'ES', bars: es, product: ES },
        { name: 'NQ', bars: nq, product: NQ },
      ],
      strategy: logged,
      params: { window: 60, entry: 2, exit: 0.5, qtyA: 1, qtyB: 3 },
    });
    const byLeg = (name: string) => r.trades.filter((t) => t.instrument === name);
    expect(byLeg('ES').length).toBeGreaterThan(3);
    expect(byLeg('NQ').length).toBe(byLeg('ES').length);
    // both legs change together (same bars): every position seen is flat, (1, -3) or (-1, 3)
    const states = new Set(log.positions.map((p) => `${p.ES},${p.NQ}`));
    for (const s of states) expect(['0,0', '1,-3', '-1,3']).toContain(s);
    expect(states.size).toBe(3);
  });

  it('shorts the spread when A is rich (z > entry), closes both legs when it reverts', () => {
    // A wiggles around 1000, then jumps 20 ticks at step 30 and comes back at step 34; B wiggles around 4000
    const a = bars(Array.from({ length: 40 }, (_, i) => flat(i >= 30 && i < 34 ? 1020 : 1000 + (i % 2))));
    const b = bars(Array.from({ length: 40 }, (_, i) => flat(4000 + ((i + 1) % 2))));
    const log = newPfLog();
    const mod = PORTFOLIO_STRATEGIES.pairs!;
    const r = runPortfolioBacktest({
      config: resolveConfig(config(ES, { risk: NO_RISK, execution: { closeAtEnd: false } })),
      instruments: [
        { name: 'A', bars: a, product: ES },
        { name: 'B', bars: b, product: NQ },
      ],
      strategy: { ...mod, create: (p) => { const s = mod.create(p); return { ...s, onFill: (_c, f) => log.fills.push({ ...f }) }; } },
      params: { window: 20, entry: 2, exit: 0.5, qtyA: 1, qtyB: 2 },
    });
    // entry after step 30 fills at step 31's open. After the jump the window's mean sits above the normal level (4 of
    // 20 values rich), so z at step 34 is about -0.5 (not < exit); at step 35 it is inside: the exit fills at step 36
    expect(log.fills.map((f) => [f.instrument, f.side, f.qty, f.bar])).toEqual([
      ['A', -1, 1, 31],
      ['B', 1, 2, 31],
      ['A', 1, 1, 36],
      ['B', -1, 2, 36],
    ]);
    expect(r.stats.instruments.map((x) => x.finalPosition)).toEqual([0, 0]);
  });
});

describe('pairs against a two-pass reference', () => {
  // the reference: the z-score of the window summed afresh at every value (O(window) per step), the rules as in pairs
  const reference: PortfolioStrategyModule = {
    ...PORTFOLIO_STRATEGIES.pairs!,
    create(p) {
      const n = p.window!;
      const ring = new Float64Array(n);
      let count = 0,
        head = 0,
        state = 0;
      return {
        onBar(ctx) {
          const a = ctx.instruments[0]!,
            b = ctx.instruments[1]!;
          if (!a.updated && !b.updated) return;
          const ca = a.close.at(0),
            cb = b.close.at(0);
          if (!(ca > 0 && cb > 0)) return;
          ring[head] = Math.log(ca) - Math.log(cb);
          head = (head + 1) % n;
          if (count < n) count++;
          if (count < n) return;
          let sum = 0;
          for (let k = 0; k < n; k++) sum += ring[k]!;
          const mean = sum / n;
          let ss = 0;
          for (let k = 0; k < n; k++) ss += (ring[k]! - mean) ** 2;
          const sd = Math.sqrt(ss / n);
          if (!(sd > 0)) return;
          const z = (ring[(head + n - 1) % n]! - mean) / sd;
          let want = state;
          if (z > p.entry!) want = -1;
          else if (z < -p.entry!) want = 1;
          else if (Math.abs(z) < p.exit!) want = 0;
          if (want === state || (want !== 0 && ctx.halted)) return;
          state = want;
          for (const [leg, target] of [
            [a, want * p.qtyA!],
            [b, -want * p.qtyB!],
          ] as const) {
            leg.cancelAll();
            const d = target - leg.position;
            if (d > 0) leg.buy(d);
            else if (d < 0) leg.sell(-d);
          }
        },
      };
    },
  };

  it('trades exactly like it on random pairs (several windows, a flat stretch included)', () => {
    for (const [seed, window] of [
      [5, 5],
      [7, 20],
      [11, 60],
      [13, 240],
    ] as const) {
      const es = randomWalk(6_000, seed);
      const nq = follower(es);
      // a flat stretch in both legs: the spread's window is constant, z undefined (no trade either way)
      for (let i = 3_000; i < 3_400; i++) {
        for (const s of [es, nq]) for (const col of [s.open, s.high, s.low, s.close]) col[i] = s.close[2_999]!;
      }
      const run = (strategy: PortfolioStrategyModule) =>
        runPortfolioBacktest({
          config: resolveConfig(config(ES, { risk: NO_RISK })),
          instruments: [
            { name: 'ES', bars: es, product: ES },
            { name: 'NQ', bars: nq, product: NQ },
          ],
          strategy,
          params: { window, entry: 1.5, exit: 0.3, qtyA: 1, qtyB: 3 },
        });
      const fast = run(PORTFOLIO_STRATEGIES.pairs!);
      const ref = run(reference);
      expect(fast.trades.length, `seed ${seed}, window ${window}`).toBeGreaterThan(5);
      expect(fast.trades, `seed ${seed}, window ${window}`).toEqual(ref.trades);
    }
  });
});

describe('rotation', () => {
  it('long the strongest, short the weakest, flat in between; follows a change of leader', () => {
    // A rises then falls, B flat, C falls then rises (one tick a bar)
    const path = (f: (i: number) => number) => bars(Array.from({ length: 40 }, (_, i) => flat(f(i))));
    const a = path((i) => (i < 20 ? 1000 + i : 1040 - i));
    const b = path(() => 1000);
    const c = path((i) => (i < 20 ? 1000 - i : 960 + i));
    const log = newPfLog();
    const mod = PORTFOLIO_STRATEGIES.rotation!;
    runPortfolioBacktest({
      config: resolveConfig(config(ES, { risk: NO_RISK, execution: { closeAtEnd: false } })),
      instruments: [
        { name: 'A', bars: a, product: ES },
        { name: 'B', bars: b, product: ES },
        { name: 'C', bars: c, product: ES },
      ],
      strategy: { ...mod, create: (p) => { const s = mod.create(p); return { onBar: (ctx) => (log.positions.push(Object.fromEntries(ctx.instruments.map((x) => [x.name, x.position]))), s.onBar(ctx)) }; } },
      params: { lookback: 5, rebalance: 10, qty: 2 },
    });
    // rebalances after steps 0 (too few bars), 10, 20, 30: positions as seen after steps 11, 21 and 31
    expect(log.positions[11]).toEqual({ A: 2, B: 0, C: -2 });
    expect(log.positions[21]).toEqual({ A: 2, B: 0, C: -2 }); // at step 20 A is still up over 5 bars (1020 vs 1015)
    expect(log.positions[31]).toEqual({ A: -2, B: 0, C: 2 });
  });
});
