// L3 smoke tests on real and bundled data: the built-in l3-maker against the real ESH4 book (Databento MBO,
// 2023-12-25 open) and configs/es-l3.yaml on the bundled synthetic sample. Fills must be consistent with the book
// (maker fills at the price the strategy quoted, fees once per filled lot), and two runs byte-identical.
import { existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runL3BacktestWith } from '../../src/backtest/l3-run.js';
import { loadMbo } from '../../src/backtest/mbo-data.js';
import { builtinStrategy } from '../../src/strategies/index.js';
import type { Fill, StrategyContext, StrategyModule } from '../../src/backtest/strategy.js';
import { dataFileOf, loadStudyConfig, resolveStudy } from '../../src/config/study.js';
import { stableJson } from '../../src/report/results.js';
import { windowOf } from '../../src/walkforward/window.js';
import { mboRange } from '../../src/backtest/mbo-data.js';
import { config, product } from './helpers.js';

const ES = fileURLToPath(new URL('../../../shared/data/databento/esh4-glbx-mdp3-20231225.mbo.dbn.zst', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PER_SIDE = 2_250_000;
const ns = (iso: string) => BigInt(Date.parse(iso)) * 1_000_000n;

/** l3-maker, with every fill and the quote it answers recorded */
function spy(quotes: Map<number, number>, fills: { id: number; price: number; qty: number; maker: boolean; fee: number }[]): StrategyModule {
  const base = builtinStrategy('l3-maker')!;
  return {
    ...base,
    create(p) {
      const s = base.create(p);
      return {
        onBook(ctx: StrategyContext) {
          const wrapped = Object.create(ctx, {
            buy: { value: (q: number, o?: { type?: 'limit'; price?: number }) => record(ctx.buy(q, o), o) },
            sell: { value: (q: number, o?: { type?: 'limit'; price?: number }) => record(ctx.sell(q, o), o) },
          }) as StrategyContext;
          s.onBook!(wrapped);
        },
        onFill(ctx: StrategyContext, f: Fill) {
          fills.push({ id: f.orderId, price: f.price, qty: f.qty, maker: f.maker, fee: f.fee });
          s.onFill?.(ctx, f);
        },
      };
    },
  };
  function record(id: number, o?: { price?: number }): number {
    if (id && o?.price !== undefined) quotes.set(id, o.price);
    return id;
  }
}

describe.skipIf(!existsSync(ES))('L3 on the real ESH4 book', () => {
  it('quotes, fills at its own prices, pays fees per lot and side, and is deterministic', async () => {
    const data = await loadMbo(ES);
    const cfg = config(product('es'), {
      execution: {
        level: 'L3',
        l3: {
          levels: 5,
          entryLatency: { model: 'lognormal', medianNs: 250_000, sigma: 0.5, seed: 1 },
          marketDataLatency: { model: 'lognormal', medianNs: 100_000, sigma: 0.5, seed: 2 },
        },
      },
    });
    const task = { config: cfg, strategy: 'l3-maker', params: { maxJoin: 100_000 }, startNs: ns('2023-12-25T23:00:00Z'), endNs: ns('2023-12-25T23:30:00Z') };
    const run = () => {
      const quotes = new Map<number, number>();
      const fills: { id: number; price: number; qty: number; maker: boolean; fee: number }[] = [];
      const r = runL3BacktestWith(spy(quotes, fills), task, data);
      return { r, quotes, fills };
    };
    const a = run();
    const b = run();
    expect(stableJson(b.r.metrics)).toBe(stableJson(a.r.metrics));
    expect(b.fills).toEqual(a.fills);
    const l3 = a.r.stats!.l3!;
    expect(l3.instrument).toBe(17077);
    expect(l3.updates).toBeGreaterThan(1000);
    expect(l3.ordersSent).toBeGreaterThan(0);
    expect(l3.makerFills).toBeGreaterThan(0);
    expect(a.r.equity.ts.length).toBe(30); // one point a minute
    for (const f of a.fills) {
      if (f.maker) expect(f.price).toBe(a.quotes.get(f.id)); // a queue fill is at the quoted price
      expect(f.fee).toBe(f.qty * PER_SIDE);
    }
    // fees once per side: everything paid is the fills' fees (including an end-of-window exit)
    const lots = l3.makerLots + l3.takerLots;
    expect(a.r.metrics.feesPaid).toBe(lots * PER_SIDE);
    // ESH4 around 4,800 points: the quotes are real touch prices (ticks of 0.25)
    for (const px of a.quotes.values()) expect(px * 0.25).toBeGreaterThan(4000);
  });
});

describe('configs/es-l3.yaml on the bundled sample', () => {
  it('is small, and runs byte-identically twice with fills', async () => {
    const cfgFile = path.join(ROOT, 'configs/es-l3.yaml');
    const cfg = loadStudyConfig(cfgFile, [`data.mbo=${path.join(ROOT, 'data/es-mbo-sample.dbn')}`]);
    const study = resolveStudy(cfg, cfgFile, path.join(ROOT, 'configs/products'));
    const file = dataFileOf(cfg);
    expect(statSync(file).size).toBeLessThan(2 * 2 ** 20);
    const data = await loadMbo(file, { cache: false });
    const w = windowOf(cfg.window, mboRange(data));
    const mod = builtinStrategy(cfg.strategy.name)!;
    const task = { config: study.engine, strategy: cfg.strategy.name, params: cfg.strategy.params, ...w };
    const a = runL3BacktestWith(mod, task, data);
    const b = runL3BacktestWith(mod, task, data);
    expect(stableJson(b.metrics)).toBe(stableJson(a.metrics));
    expect(a.stats!.l3!.makerFills).toBeGreaterThan(5);
    expect(a.metrics.trades).toBeGreaterThan(0);
  });
});
