// L3 backtests on hand-built MBO sequences: the strategy's bid fills exactly when the queue ahead of it has been
// consumed (not a trade earlier), fees are charged once per side, latencies move fills and reports by exactly
// their amounts, and runs are byte-identical.
import { describe, expect, it } from 'vitest';
import { runL3BacktestWith } from '../../src/backtest/l3-run.js';
import type { BacktestResult, MboData } from '../../src/backtest/api.js';
import type { Fill, StrategyContext, StrategyModule } from '../../src/backtest/strategy.js';
import { mbo, type Rec } from '../replay/mbo-fixture.js';
import { config, NO_RISK, product } from './helpers.js';
import { stableJson } from '../../src/report/results.js';

// bid 100: 3 + 2 lots resting, ask 101; we join the bid at t=2000 (5 lots ahead), a later order of 4 lots joins
// behind us; sells print 3 (t=3000) and 2 (t=4000: the queue ahead is exactly used up, no fill for us), then 1
// (t=5000: that one is ours).
const RECS: Rec[] = [
  { ts: 1000n, action: 'A', side: 'B', id: 1n, price: 100n, size: 3 },
  { ts: 1001n, action: 'A', side: 'B', id: 2n, price: 100n, size: 2 },
  { ts: 1002n, action: 'A', side: 'A', id: 3n, price: 101n, size: 10 },
  { ts: 2000n, action: 'A', side: 'A', id: 4n, price: 102n, size: 1 },
  { ts: 2500n, action: 'A', side: 'B', id: 5n, price: 100n, size: 4 },
  { ts: 3000n, action: 'T', side: 'A', price: 100n, size: 3, flags: 0 },
  { ts: 3000n, action: 'F', side: 'B', id: 1n, price: 100n, size: 3, flags: 0 },
  { ts: 3000n, action: 'C', side: 'B', id: 1n, price: 100n, size: 3 },
  { ts: 4000n, action: 'T', side: 'A', price: 100n, size: 2, flags: 0 },
  { ts: 4000n, action: 'F', side: 'B', id: 2n, price: 100n, size: 2, flags: 0 },
  { ts: 4000n, action: 'C', side: 'B', id: 2n, price: 100n, size: 2 },
  { ts: 5000n, action: 'T', side: 'A', price: 100n, size: 1, flags: 0 },
  { ts: 5000n, action: 'F', side: 'B', id: 5n, price: 100n, size: 1, flags: 0 },
  { ts: 5000n, action: 'M', side: 'B', id: 5n, price: 100n, size: 3 },
  { ts: 6000n, action: 'A', side: 'A', id: 6n, price: 103n, size: 1 },
  { ts: 7000n, action: 'A', side: 'A', id: 7n, price: 104n, size: 1 },
];

interface Seen {
  updates: { ts: bigint; now: bigint; bid: number; ask: number; ahead: number }[];
  fills: { orderId: number; side: number; qty: number; price: number; maker: boolean; fee: number; now: bigint }[];
}

/** Joins the bid once (1 lot at 100); once filled, sells 1 at market (a taker exit). */
function script(seen: Seen): StrategyModule {
  return {
    name: 'script',
    description: '',
    params: [],
    create: () => {
      let bid = 0;
      let exited = false;
      return {
        onBook(ctx: StrategyContext) {
          const b = ctx.book!;
          seen.updates.push({ ts: b.ts, now: b.now, bid: b.bestBid, ask: b.bestAsk, ahead: bid ? b.queueAhead(bid) : -1 });
          if (bid === 0) bid = ctx.buy(1, { type: 'limit', price: 100 });
          else if (ctx.position === 1 && !exited) {
            ctx.sell(1);
            exited = true;
          }
        },
        onFill(ctx: StrategyContext, f: Fill) {
          seen.fills.push({ orderId: f.orderId, side: f.side, qty: f.qty, price: f.price, maker: f.maker, fee: f.fee, now: ctx.tsNs() });
        },
      };
    },
  };
}

function run(l3: Record<string, unknown> = {}, recs = RECS): { r: BacktestResult; seen: Seen } {
  const seen: Seen = { updates: [], fills: [] };
  const data: MboData = { file: 'hand-built', batches: [mbo(recs)] };
  const cfg = config(product('es'), { execution: { level: 'L3', l3: { equityInterval: '1us', ...l3 } } });
  const r = runL3BacktestWith(script(seen), { config: cfg, strategy: 'script', params: {}, startNs: 1500n, endNs: 10_000n }, data);
  return { r, seen };
}

const PER_SIDE = 2_250_000; // ES: 0.85 + 1.38 + 0 + 0.02 USD per contract per side, micro-units

describe('L3 backtest: own order in the real queue', () => {
  it('fills exactly when the queue ahead has been consumed, then exits as a taker', () => {
    const { r, seen } = run();
    // the first update in the window is the add at t=2000: the bid is sent then, arrives then (behind 5 lots)
    expect(seen.updates[0]).toMatchObject({ ts: 2000n, bid: 100, ask: 101 });
    const ahead = seen.updates.map((u) => [u.ts, u.ahead]);
    expect(ahead).toContainEqual([2500n, 5]); // order 5 joined behind us: still 5 ahead
    expect(ahead).toContainEqual([3000n, 2]);
    expect(ahead).toContainEqual([4000n, 0]); // queue ahead used up by the 2-lot print, not filled yet
    expect(seen.fills[0]).toEqual({ orderId: 1, side: 1, qty: 1, price: 100, maker: true, fee: PER_SIDE, now: 5000n });
    // exit: a market sell at t=5000 takes the best bid (order 5's remaining 3 lots at 100)
    expect(seen.fills[1]).toMatchObject({ side: -1, qty: 1, price: 100, maker: false, fee: PER_SIDE });
    expect(r.trades).toHaveLength(1);
    expect(r.trades[0]).toMatchObject({ side: 1, qty: 1, entryPrice: 100, exitPrice: 100, entryTs: 5000n, exitTs: 5000n });
    // fees once per side: one entry fee + one exit fee, nothing else
    expect(r.trades[0]!.fees).toBe(2 * PER_SIDE);
    expect(r.metrics.feesPaid).toBe(2 * PER_SIDE);
    expect(r.trades[0]!.pnl).toBe(-2 * PER_SIDE);
    expect(r.stats!.finalEquity).toBe(1_000_000_000_000 - 2 * PER_SIDE);
    expect(r.stats!.l3).toMatchObject({ makerFills: 1, takerFills: 1, ordersSent: 2 });
  });

  it('a trade that only reaches the queue ahead does not fill (one lot short)', () => {
    // without the last print our bid never fills
    const { r, seen } = run({}, RECS.filter((x) => x.ts !== 5000n));
    expect(seen.fills).toEqual([]);
    expect(r.trades).toEqual([]);
    expect(r.metrics.feesPaid).toBe(0);
  });

  it('order-entry latency puts the bid behind an order that arrived first', () => {
    // sent at 2000, arrives at 2600: order 5 (t=2500) is now ahead: 9 lots ahead, the prints total 6: no fill
    const { seen } = run({ entryLatency: { model: 'constant', ns: 600 } });
    expect(seen.fills).toEqual([]);
    expect(seen.updates.find((u) => u.ts === 3000n)!.ahead).toBe(6);
  });

  it('market-data latency delays the book and the fill report by exactly its amount', () => {
    const { seen } = run({ marketDataLatency: { model: 'constant', ns: 300 } });
    expect(seen.updates[0]).toMatchObject({ ts: 2000n, now: 2300n });
    // fill at 5000 exchange time, heard of at 5300 with the update of the same event
    expect(seen.fills[0]).toMatchObject({ price: 100, now: 5300n });
  });

  it('is deterministic, latencies drawn from seeded distributions included', () => {
    const l3 = {
      entryLatency: { model: 'lognormal', medianNs: 100, sigma: 0.5, seed: 7 },
      marketDataLatency: { model: 'lognormal', medianNs: 50, sigma: 0.5, seed: 8 },
    };
    const a = run(l3);
    const b = run(l3);
    expect(stableJson(b.r.metrics)).toBe(stableJson(a.r.metrics));
    expect(b.seen).toEqual(a.seen);
  });

  it('rejects a bar strategy at L3 and an L3 strategy at L2', () => {
    const data: MboData = { file: 'hand-built', batches: [mbo(RECS)] };
    const cfg = config(product('es'), { execution: { level: 'L3' } });
    const bar: StrategyModule = { name: 'bar', description: '', params: [], create: () => ({ onBar() {} }) };
    expect(() => runL3BacktestWith(bar, { config: cfg, strategy: 'bar', params: {}, startNs: 0n, endNs: 10_000n }, data)).toThrow(/onBook/);
  });
});

describe('L3 backtest: order types and pre-trade risk', () => {
  /** places `orders` at the first update in the window, records fills */
  function once(orders: (ctx: StrategyContext) => void, fills: { side: number; qty: number; price: number; maker: boolean; now: bigint }[]): StrategyModule {
    return {
      name: 'once',
      description: '',
      params: [],
      create: () => {
        let done = false;
        return {
          onBook(ctx: StrategyContext) {
            if (!done) orders(ctx);
            done = true;
          },
          onFill(ctx: StrategyContext, f: Fill) {
            fills.push({ side: f.side, qty: f.qty, price: f.price, maker: f.maker, now: ctx.tsNs() });
          },
        };
      },
    };
  }
  const buyPrint: Rec[] = [
    { ts: 6500n, action: 'T', side: 'B', price: 101n, size: 1, flags: 0 },
    { ts: 6500n, action: 'F', side: 'A', id: 3n, price: 101n, size: 1, flags: 0 },
    { ts: 6500n, action: 'M', side: 'A', id: 3n, price: 101n, size: 9 },
  ];
  const recs = [...RECS.slice(0, 14), ...buyPrint, ...RECS.slice(14)];
  const data: MboData = { file: 'hand-built', batches: [mbo(recs)] };

  it('a buy stop is elected by the first print at its trigger and takes the offer', () => {
    const fills: { side: number; qty: number; price: number; maker: boolean; now: bigint }[] = [];
    const cfg = config(product('es'), { execution: { level: 'L3', closeAtEnd: false, l3: { equityInterval: '1us' } } });
    const r = runL3BacktestWith(once((ctx) => ctx.buy(1, { type: 'stop', price: 101 }), fills), { config: cfg, strategy: 'once', params: {}, startNs: 1500n, endNs: 10_000n }, data);
    // the sell prints at 100 do not elect it; the buy print at 101 (t=6500) does: a taker fill at the offer
    expect(fills).toEqual([{ side: 1, qty: 1, price: 101, maker: false, now: 6500n }]);
    expect(r.metrics.feesPaid).toBe(PER_SIDE);
    expect(r.stats!.l3!.takerFills).toBe(1);
  });

  it('risk limits cut an order before it is sent (worst case: open orders on the side count)', () => {
    const fills: { side: number; qty: number; price: number; maker: boolean; now: bigint }[] = [];
    const cfg = config(product('es'), { risk: { ...NO_RISK, maxContracts: 2 }, execution: { level: 'L3', closeAtEnd: false, l3: { equityInterval: '1us' } } });
    const ids: number[] = [];
    const mod = once((ctx) => {
      ids.push(ctx.buy(3, { type: 'limit', price: 99 })); // cut to 2
      ids.push(ctx.buy(1, { type: 'limit', price: 98 })); // the first could fill 2: nothing left
      ids.push(ctx.sell(1, { type: 'limit', price: 105 })); // reduces the worst case: passes
    }, fills);
    const r = runL3BacktestWith(mod, { config: cfg, strategy: 'once', params: {}, startNs: 1500n, endNs: 10_000n }, data);
    expect(ids[0]).toBeGreaterThan(0);
    expect(ids[1]).toBe(0);
    expect(ids[2]).toBeGreaterThan(0);
    expect(r.stats!.refusedLots).toBe(2);
    expect(r.stats!.l3!.ordersSent).toBe(2);
  });
});

describe('L3 backtest: modify', () => {
  it('is cancel/replace: the order goes to the back of the new price level', () => {
    const seen: bigint[][] = [];
    let id = 0;
    const mod: StrategyModule = {
      name: 'mod',
      description: '',
      params: [],
      create: () => ({
        onBook(ctx: StrategyContext) {
          const b = ctx.book!;
          if (b.ts === 2000n) id = ctx.buy(1, { type: 'limit', price: 99 }); // alone at 99: nothing ahead
          if (b.ts === 2500n) ctx.modify(id, { price: 100 }); // now behind 3 + 2 + 4 lots at 100
          seen.push([b.ts, BigInt(b.queueAhead(id))]);
        },
      }),
    };
    const cfg = config(product('es'), { execution: { level: 'L3', l3: { equityInterval: '1us' } } });
    const r = runL3BacktestWith(mod, { config: cfg, strategy: 'mod', params: {}, startNs: 1500n, endNs: 10_000n }, { file: 'hand-built', batches: [mbo(RECS)] });
    expect(seen).toContainEqual([2000n, -1n]); // just sent: not at the exchange yet
    expect(seen).toContainEqual([2500n, 0n]); // resting alone at 99 (the replacement is on its way)
    expect(seen).toContainEqual([3000n, 6n]); // at 100 behind 9 lots, 3 printed
    expect(r.metrics.trades).toBe(0);
    expect(r.stats!.fills).toBe(0); // the prints (6 lots) never reach it
    expect(r.stats!.l3).toMatchObject({ ordersSent: 2, cancelsSent: 1 });
  });
});

describe('L3 backtest: time cadence', () => {
  it('samples the book at every multiple of the cadence; a fill waits for the next sample', () => {
    const { seen } = run({ cadence: 1000 }); // every 1,000 ns from the window start (1500)
    expect(seen.updates.slice(0, 4).map((u) => u.ts)).toEqual([1500n, 2500n, 3500n, 4500n]);
    expect(seen.updates[0]).toMatchObject({ bid: 100, ask: 101 });
    // the bid (sent at 1500, 5 lots ahead) fills at 5000 exchange time; the strategy hears of it at 5500
    expect(seen.fills[0]).toMatchObject({ side: 1, price: 100, maker: true, now: 5500n });
  });
});
