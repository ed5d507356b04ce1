// Built-in strategies: they trade, they never look ahead (prefix invariance of the whole backtest),
// parameters are range-checked, the exit manager takes partial profits and trails, funding carry sits on
// the receiving side, and user modules load from a path.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILTIN_STRATEGIES, runBacktest, runBacktestWith } from '../../src/backtest/index.js';
import { bars, config, flat, newLog, NO_RISK, product, randomWalk, task } from '../backtest/helpers.js';
import type { BarSeries } from '../../src/backtest/api.js';

const ES = product('es');
const BTC = product('btcusdt-perp');
const cases: [string, Record<string, number>, 'es' | 'btc'][] = [
  ['momentum', { fast: 10, mid: 30, slow: 90, threshold: 0 }, 'es'],
  ['mean-reversion', { window: 30, entryZ: 1.5, exitZ: 0.3 }, 'es'],
  ['breakout', { entryBars: 30, exitBars: 15 }, 'es'],
  ['funding-carry', { window: 30, entry: 10_000, exit: 2_000, qty: 1000 }, 'btc'],
  ['ma-cross', { fast: 5, slow: 20 }, 'es'],
  ['volatility-regime', { volWindow: 20, baseWindow: 200, lowRatio: 0.9, highRatio: 1.1, extremeRatio: 3, trendBars: 30, threshold: 0, entryZ: 1.5, exitZ: 0.3 }, 'es'],
];

function prefix(b: BarSeries, n: number): BarSeries {
  const s = <T extends Float64Array | BigInt64Array>(a: T) => a.slice(0, n) as T;
  return { ...b, ts: s(b.ts), open: s(b.open), high: s(b.high), low: s(b.low), close: s(b.close), volume: s(b.volume), mark: b.mark && s(b.mark), fundingRate: b.fundingRate && s(b.fundingRate) };
}

describe('built-in strategies never look ahead', () => {
  for (const [name, params, which] of cases) {
    it(`${name}: the backtest on the first 1500 bars equals the first 1500 bars of the full backtest`, async () => {
      const full = randomWalk(2500, 11, '2024-03-04T00:00:00Z', which === 'btc' ? 600000 : 19200, which === 'btc');
      const cfg = config(which === 'btc' ? BTC : ES, { risk: { killSwitch: { enabled: false } }, execution: { closeAtEnd: false } });
      const a = await runBacktest(task(cfg, name, params), full);
      const b = await runBacktest(task(cfg, name, params), prefix(full, 1500));
      expect(a.metrics.trades).toBeGreaterThan(0);
      expect(Array.from(b.equity.equity)).toEqual(Array.from(a.equity.equity.slice(0, 1500)));
      expect(b.trades).toEqual(a.trades.slice(0, b.trades.length));
    });
  }
  it('each documents its parameters with ranges and rejects out-of-range values', async () => {
    for (const mod of Object.values(BUILTIN_STRATEGIES)) {
      for (const p of mod.params) {
        expect(p.description.length).toBeGreaterThan(5);
        expect(p.min).toBeLessThanOrEqual(p.default);
        expect(p.max).toBeGreaterThanOrEqual(p.default);
      }
    }
    const b = randomWalk(50, 1);
    await expect(runBacktest(task(config(ES), 'momentum', { fast: 0 }), b)).rejects.toThrow(/parameter fast = 0; allowed: an integer from 2/);
    await expect(runBacktest(task(config(ES), 'momentum', { nope: 1 }), b)).rejects.toThrow(/unknown parameter "nope"/);
    await expect(runBacktest(task(config(ES), 'no-such'), b)).rejects.toThrow(/not a built-in/);
  });
});

describe('exit manager', () => {
  // enter 4 lots at 10000 with a one-shot strategy, then let the exit manager work
  const enterOnce = { name: 'enter', params: {} };
  const run = (closes: number[], params: Record<string, number>) => {
    const rows = closes.map(flat);
    const mod = {
      ...BUILTIN_STRATEGIES['breakout']!,
      name: enterOnce.name,
    };
    // momentum with exits, but force the entry: a custom module reusing the ExitManager
    return import('../../src/strategies/exits.js').then(({ ExitManager, EXIT_PARAMS }) => {
      const defaults = Object.fromEntries(EXIT_PARAMS.map((p) => [p.name, p.default]));
      const log = newLog();
      const r = runBacktestWith(
        {
          ...mod,
          params: [],
          passThrough: true,
          create: () => {
            const ex = new ExitManager({ ...defaults, ...params });
            return {
              onBar(c) {
                if (c.bar === 0) c.buy(4);
                else ex.onBar(c);
              },
              onFill(_c, f) {
                log.fills.push({ ...f });
              },
            };
          },
        },
        task(config(ES, { execution: { slippage: false, closeAtEnd: false } }), 'x'),
        bars(rows),
      );
      return { r, log };
    });
  };
  it('takes 25 % at +2/+5/+8/+12 %', async () => {
    const { r } = await run([10000, 10000, 10200, 10200, 10500, 10500, 10800, 10800, 11200, 11200, 11200], {});
    expect(r.trades.map((t) => [t.qty, t.exitPrice])).toEqual([
      [1, 10200],
      [1, 10500],
      [1, 10800],
      [1, 11200],
    ]);
  });
  it('trailing stop arms at +3 % and exits 2 % below the best close', async () => {
    const off = { tp1: 50, tp2: 60, tp3: 70, tp4: 80 };
    const { r } = await run([10000, 10000, 10250, 10400, 10300, 10190, 10150, 10150], off);
    expect(r.trades).toHaveLength(1);
    expect(r.trades[0]!.qty).toBe(4);
    expect(r.trades[0]!.exitPrice).toBe(10150); // signal on the 10190 close (<= 10400 × 0.98), filled at the next open
    const notArmed = await run([10000, 10000, 10250, 10290, 10050, 10050], off);
    expect(notArmed.r.trades).toHaveLength(0); // best +2.9 %: not armed
  });
});

describe('funding carry', () => {
  it('goes short when funding is persistently positive (shorts receive) and collects it', async () => {
    const n = 3 * 480 + 10;
    const b = randomWalk(n, 4, '2024-03-04T00:00:00Z', 600000, true);
    b.fundingRate!.fill(30_000); // +0.03 % per 8 h
    b.close.set(b.open); // flat-ish prices: keep the test about funding
    for (let i = 0; i < n; i++) {
      b.open[i] = b.high[i] = b.low[i] = b.close[i] = 600000;
      b.mark![i] = 600000;
    }
    const r = await runBacktest(task(config(BTC, { risk: NO_RISK }), 'funding-carry', { window: 10, entry: 20_000, exit: 5_000, qty: 1000 }), b);
    expect(r.trades[0]!.side).toBe(-1);
    expect(r.metrics.fundingPaid).toBeLessThan(0);
    expect(r.metrics.fundingPaid).toBe(-3 * 18 * 1_000_000); // three fundings of 60,000 × 0.03 % = 18 USDT received
  });
});

describe('user strategy modules', () => {
  it('loads a factory from a .mjs path and passes parameters through', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'contango-strat-'));
    const file = path.join(dir, 'mine.mjs');
    writeFileSync(
      file,
      `export default function (params) {
         return { onBar(ctx) { if (ctx.bar === params.at) ctx.buy(params.qty); } };
       }\n`,
    );
    const r = await runBacktest(task(config(ES), file, { at: 5, qty: 2 }), randomWalk(20, 1));
    expect(r.trades).toHaveLength(1);
    expect(r.trades[0]!.qty).toBe(2);
  });
});
