// Own orders in the real queue (src/replay/venue.ts, own-orders.ts) on hand-built MBO sequences: queue
// position arithmetic, cancels and modifies ahead, FIFO consumption by trades, trade-through, latency
// ordering, and that own orders never change the replayed book.
import { describe, expect, it } from 'vitest';
import { QueueVenue } from '../../src/replay/venue.js';
import { constantLatency, FifoLink, lognormalLatency, empiricalLatency } from '../../src/replay/latency.js';
import { Side } from '../../src/core/types.js';
import { mbo, TICK, type Rec } from './mbo-fixture.js';

const P = 4000n; // 1000.00
const px = (ticks: bigint) => ticks * TICK;

/** Three bids at P (5, 3, 2) and an ask at P+1. */
const BOOK: Rec[] = [
  { ts: 100n, action: 'A', side: 'B', id: 11n, price: P, size: 5 },
  { ts: 110n, action: 'A', side: 'B', id: 12n, price: P, size: 3 },
  { ts: 120n, action: 'A', side: 'B', id: 13n, price: P, size: 2 },
  { ts: 130n, action: 'A', side: 'A', id: 21n, price: P + 1n, size: 4 },
];

function venue(recs: Rec[], entryNs = 0, mdNs = 0): QueueVenue {
  return new QueueVenue([mbo(recs)], { entryLatency: constantLatency(entryNs), marketDataLatency: constantLatency(mdNs) });
}

describe('own-order queue position', () => {
  it('joins behind the resting quantity; cancels and reductions ahead move it up; orders behind do not', () => {
    const v = venue([
      ...BOOK,
      { ts: 300n, action: 'A', side: 'B', id: 14n, price: P, size: 9 }, // behind us
      { ts: 310n, action: 'C', side: 'B', id: 12n, price: P, size: 3 }, // cancel ahead (whole)
      { ts: 320n, action: 'C', side: 'B', id: 11n, price: P, size: 2 }, // partial cancel ahead: 5 → 3
      { ts: 330n, action: 'M', side: 'B', id: 11n, price: P, size: 1 }, // reduce in place: 3 → 1, keeps priority
      { ts: 340n, action: 'M', side: 'B', id: 13n, price: P, size: 4 }, // size up: loses priority, goes behind
      { ts: 350n, action: 'C', side: 'B', id: 14n, price: P, size: 9 }, // behind us: no change
    ]);
    v.advanceOwn(200n);
    v.send({ id: 1, side: 1, qty: 4, type: 'limit', price: px(P) }, 200n);
    v.advanceOwn(200n);
    expect(v.queuePosition(1)).toEqual({ ahead: 10, aheadAtArrival: 10, leaves: 4 });
    v.advanceOwn(300n);
    expect(v.queuePosition(1)!.ahead).toBe(10);
    v.advanceOwn(310n);
    expect(v.queuePosition(1)!.ahead).toBe(7);
    v.advanceOwn(320n);
    expect(v.queuePosition(1)!.ahead).toBe(5);
    v.advanceOwn(330n);
    expect(v.queuePosition(1)!.ahead).toBe(3);
    v.advanceOwn(340n);
    expect(v.queuePosition(1)!.ahead).toBe(1);
    v.advanceOwn(350n);
    expect(v.queuePosition(1)!.ahead).toBe(1);
  });

  it('a price change of an order ahead sends it out of the queue ahead', () => {
    const v = venue([...BOOK, { ts: 300n, action: 'M', side: 'B', id: 11n, price: P - 1n, size: 5 }]);
    v.send({ id: 1, side: 1, qty: 1, type: 'limit', price: px(P) }, 200n);
    v.advanceOwn(299n);
    expect(v.queuePosition(1)!.ahead).toBe(10);
    v.advanceOwn(300n);
    expect(v.queuePosition(1)!.ahead).toBe(5);
  });
});

describe('fills', () => {
  it('trades at the level consume the queue FIFO and fill us when they reach us; F/C after a trade do not count twice', () => {
    const v = venue([
      ...BOOK,
      // a sell aggressor takes 12 at P: 10 ahead of us, then 2 of ours; the book's F and C records follow
      { ts: 400n, action: 'T', side: 'A', id: 99n, price: P, size: 12, flags: 0 },
      { ts: 400n, action: 'F', side: 'B', id: 11n, price: P, size: 5, flags: 0 },
      { ts: 400n, action: 'F', side: 'B', id: 12n, price: P, size: 3, flags: 0 },
      { ts: 400n, action: 'F', side: 'B', id: 13n, price: P, size: 2, flags: 0 },
      { ts: 400n, action: 'C', side: 'B', id: 11n, price: P, size: 5, flags: 0 },
      { ts: 400n, action: 'C', side: 'B', id: 12n, price: P, size: 3, flags: 0 },
      { ts: 400n, action: 'C', side: 'B', id: 13n, price: P, size: 2 },
      { ts: 500n, action: 'A', side: 'B', id: 15n, price: P, size: 6 }, // joins behind us
      { ts: 600n, action: 'T', side: 'A', id: 98n, price: P, size: 1 },
    ]);
    v.send({ id: 7, side: 1, qty: 4, type: 'limit', price: px(P) }, 200n);
    const f1 = v.advanceOwn(450n);
    expect(f1.map((f) => [f.orderId, f.qty, f.price, f.liquidity, f.leaves, f.exchangeTs])).toEqual([[7, 2, px(P), 'queue', 2, 400n]]);
    expect(v.queuePosition(7)).toEqual({ ahead: 0, aheadAtArrival: 10, leaves: 2 });
    const f2 = v.advanceOwn(700n);
    expect(f2.map((f) => [f.qty, f.leaves])).toEqual([[1, 1]]); // first in the queue now
  });

  it('a trade at a worse price than ours fills us (trade-through), up to the trade size', () => {
    const v = venue([
      ...BOOK,
      { ts: 400n, action: 'T', side: 'A', id: 99n, price: P, size: 3 },
      { ts: 500n, action: 'T', side: 'A', id: 98n, price: P - 2n, size: 5 },
    ]);
    v.send({ id: 1, side: 1, qty: 2, type: 'limit', price: px(P + 0n) }, 200n); // 10 ahead at P
    v.send({ id: 2, side: 1, qty: 6, type: 'limit', price: px(P - 1n) }, 200n); // alone at P-1
    const fills = v.advanceOwn(1000n);
    // 400: trade of 3 at P consumes 3 of the 10 ahead of order 1: nothing for us
    // 500: trade at P-2 went through both our prices: order 1 (better) first 2, then order 2 gets 3
    expect(fills.map((f) => [f.orderId, f.qty, f.price, f.liquidity, f.exchangeTs])).toEqual([
      [1, 2, px(P), 'through', 500n],
      [2, 3, px(P - 1n), 'through', 500n],
    ]);
  });

  it('trades on the other side and buy aggressors do not fill a bid', () => {
    const v = venue([...BOOK, { ts: 400n, action: 'T', side: 'B', id: 99n, price: P + 1n, size: 4 }]);
    v.send({ id: 1, side: 1, qty: 2, type: 'limit', price: px(P) }, 200n);
    expect(v.advanceOwn(1000n)).toEqual([]);
  });

  it('a marketable limit takes the displayed liquidity as taker; the remainder rests', () => {
    const v = venue([...BOOK]);
    v.send({ id: 1, side: 1, qty: 6, type: 'limit', price: px(P + 1n) }, 200n);
    const f = v.advanceOwn(300n);
    expect(f.map((x) => [x.qty, x.price, x.liquidity])).toEqual([[4, px(P + 1n), 'taker']]);
    expect(v.queuePosition(1)).toEqual({ ahead: 0, aheadAtArrival: 0, leaves: 2 });
  });

  it('a buy stop is elected by a trade at or above its trigger and executes as a market order', () => {
    const v = venue([...BOOK, { ts: 400n, action: 'T', side: 'B', id: 99n, price: P + 1n, size: 1 }]);
    v.send({ id: 1, side: 1, qty: 3, type: 'stop', price: px(P + 1n) }, 200n);
    const f = v.advanceOwn(500n);
    expect(f.map((x) => [x.qty, x.price, x.liquidity, x.exchangeTs])).toEqual([[3, px(P + 1n), 'taker', 400n]]);
  });
});

describe('latency', () => {
  const recs: Rec[] = [
    ...BOOK,
    { ts: 1000n, action: 'A', side: 'B', id: 16n, price: P, size: 7 },
    { ts: 2000n, action: 'T', side: 'A', id: 99n, price: P, size: 12 },
  ];

  it('order-entry latency decides who is ahead: an add during our flight time queues before us', () => {
    const fast = venue(recs, 500);
    fast.send({ id: 1, side: 1, qty: 5, type: 'limit', price: px(P) }, 400n); // arrives 900, before the add at 1000
    fast.advanceOwn(1500n);
    expect(fast.queuePosition(1)!.aheadAtArrival).toBe(10);
    const slow = venue(recs, 700);
    slow.send({ id: 1, side: 1, qty: 5, type: 'limit', price: px(P) }, 400n); // arrives 1100, after the add
    slow.advanceOwn(1500n);
    expect(slow.queuePosition(1)!.aheadAtArrival).toBe(17);
    // the trade of 12 reaches the fast order (2 lots) but not the slow one
    expect(fast.advanceOwn(3000n).map((f) => f.qty)).toEqual([2]);
    expect(slow.advanceOwn(3000n)).toEqual([]);
  });

  it('a record at exactly the arrival time is processed before the own order (market first on ties)', () => {
    const v = venue(recs, 600);
    v.send({ id: 1, side: 1, qty: 5, type: 'limit', price: px(P) }, 400n); // arrives 1000 = the add's time
    v.advanceOwn(1500n);
    expect(v.queuePosition(1)!.aheadAtArrival).toBe(17);
  });

  it('a cancel in flight does not stop a fill that happens before it arrives', () => {
    const v = venue(recs, 1000);
    v.send({ id: 1, side: 1, qty: 5, type: 'limit', price: px(P) }, 0n); // arrives 1000 (ties: after the add) → 17 ahead
    v.advanceOwn(1500n);
    v.sendCancel(1, 1500n); // arrives 2500, after the trade at 2000 ... which does not reach us (12 < 17)
    expect(v.advanceOwn(3000n)).toEqual([]);
    expect(v.queuePosition(1)).toBeNull();

    const w = venue([...BOOK, { ts: 2000n, action: 'T', side: 'A', id: 99n, price: P, size: 12 }], 1000);
    w.send({ id: 1, side: 1, qty: 5, type: 'limit', price: px(P) }, 0n); // 10 ahead
    w.advanceOwn(1500n);
    w.sendCancel(1, 1500n); // arrives 2500: too late
    const f = w.advanceOwn(3000n);
    expect(f.map((x) => [x.qty, x.exchangeTs])).toEqual([[2, 2000n]]);
    expect(w.queuePosition(1)).toBeNull(); // the cancel took the rest
  });

  it('market-data latency delays the fill report', () => {
    const v = venue([...BOOK, { ts: 2000n, action: 'T', side: 'A', id: 99n, price: P, size: 12 }], 0, 300);
    v.send({ id: 1, side: 1, qty: 5, type: 'limit', price: px(P) }, 200n);
    expect(v.advanceOwn(2200n)).toEqual([]); // filled at 2000, heard of at 2300
    const f = v.advanceOwn(2300n);
    expect(f.map((x) => [x.qty, x.exchangeTs, x.reportTs])).toEqual([[2, 2000n, 2300n]]);
  });

  it('sampled latencies are deterministic per seed and never reorder messages on a link', () => {
    const a = lognormalLatency({ medianNs: 50_000, sigma: 1, seed: 7 });
    const b = lognormalLatency({ medianNs: 50_000, sigma: 1, seed: 7 });
    const xs = Array.from({ length: 200 }, () => a.sample());
    expect(Array.from({ length: 200 }, () => b.sample())).toEqual(xs);
    const sorted = [...xs].sort((p, q) => (p < q ? -1 : 1));
    const median = Number(sorted[100]!);
    expect(median).toBeGreaterThan(30_000);
    expect(median).toBeLessThan(80_000);
    const link = new FifoLink(lognormalLatency({ medianNs: 50_000, sigma: 2, seed: 1 }));
    let prev = 0n;
    for (let t = 0n; t < 100_000n; t += 1_000n) {
      const at = link.next(t);
      expect(at >= prev && at >= t).toBe(true);
      prev = at;
    }
    const e = empiricalLatency({ samplesNs: [10, 20, 30], seed: 3 });
    for (let i = 0; i < 20; i++) expect([10n, 20n, 30n]).toContain(e.sample());
  });
});

describe('no market impact', () => {
  it('own orders never change the replayed book', () => {
    const recs: Rec[] = [...BOOK, { ts: 400n, action: 'T', side: 'A', id: 99n, price: P, size: 3 }, { ts: 400n, action: 'C', side: 'B', id: 11n, price: P, size: 3 }];
    const a = venue(recs);
    const b = venue(recs);
    a.send({ id: 1, side: 1, qty: 50, type: 'limit', price: px(P + 1n) }, 200n); // takes the ask, rests at P+1
    a.send({ id: 2, side: -1, qty: 5, type: 'limit', price: px(P) }, 200n); // marketable sell
    a.advanceOwn(1000n);
    b.advanceOwn(1000n);
    expect(a.kernel.bookHash()).toBe(b.kernel.bookHash());
    expect(a.kernel.depth(1, Side.Buy, 5)).toEqual(b.kernel.depth(1, Side.Buy, 5));
    expect(a.kernel.depth(1, Side.Sell, 5)).toEqual(b.kernel.depth(1, Side.Sell, 5));
  });
});

describe('OrderVenue seam (prices in ticks)', () => {
  it('submits, fills and reports in ticks', () => {
    const v = new QueueVenue([mbo([...BOOK, { ts: 2000n, action: 'T', side: 'A', id: 99n, price: P, size: 12 }])], { tickSize: TICK });
    v.advanceTo(150n);
    v.submit({ id: 3, side: 1, qty: 5, type: 'limit', price: Number(P) });
    expect(v.cancel(99)).toBe(false);
    const f = v.advanceTo(3000n);
    expect(f).toEqual([{ orderId: 3, side: 1, qty: 2, price: Number(P), ts: 2000n, maker: true }]);
  });
});
