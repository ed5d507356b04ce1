// Own orders on the real ESH4 day: a passive bid joined at the best bid after the open is filled no earlier
// than the first trade at its price and no later than the first trade through it; runs are deterministic.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readDbnAll, concatBatches } from '../../src/data/dbn/index.js';
import { QueueVenue } from '../../src/replay/venue.js';
import { lognormalLatency } from '../../src/replay/latency.js';
import { Side } from '../../src/core/types.js';
import type { OwnFill } from '../../src/replay/own-orders.js';

const ES = fileURLToPath(new URL('../../../shared/data/databento/esh4-glbx-mdp3-20231225.mbo.dbn.zst', import.meta.url));
const T0 = BigInt(Date.parse('2023-12-25T23:30:00Z')) * 1_000_000n;
const END = BigInt(Date.parse('2023-12-27T00:00:00Z')) * 1_000_000n;

describe.skipIf(!existsSync(ES))('own orders against the real ESH4 book', () => {
  it('a bid at the touch fills between the first trade at its price and the first trade through it', async () => {
    const batch = concatBatches((await readDbnAll(ES)).batches);
    const run = () => {
      const v = new QueueVenue([batch], {
        entryLatency: lognormalLatency({ medianNs: 200_000, sigma: 0.5, seed: 1 }),
        marketDataLatency: lognormalLatency({ medianNs: 100_000, sigma: 0.5, seed: 2 }),
      });
      v.advanceOwn(T0);
      const bid = v.kernel.depth(17077, Side.Buy, 1)[0]!;
      const arrival = v.send({ id: 1, side: 1, qty: 3, type: 'limit', price: BigInt(bid.price) }, T0);
      v.advanceOwn(arrival);
      const pos = v.queuePosition(1);
      const fills: OwnFill[] = [];
      for (let t = arrival; t < END && (fills.reduce((a, f) => a + f.qty, 0) < 3); t += 60_000_000_000n) fills.push(...v.advanceOwn(t));
      return { bid: BigInt(bid.price), arrival, pos, fills };
    };
    const a = run();
    const b = run();
    expect(b).toEqual(a); // deterministic, latencies included
    expect(a.pos!.aheadAtArrival).toBeGreaterThan(0);
    expect(a.fills.length).toBeGreaterThan(0);
    // first sell-aggressor trade at our price, and the first one below it, after we arrived
    const c = batch.columns;
    let atPrice: bigint | undefined;
    let through: bigint | undefined;
    for (let i = 0; i < batch.length; i++) {
      const ts = (c.ts_event as BigUint64Array)[i]!;
      if (ts <= a.arrival || (c.action as Uint8Array)[i] !== 84 || (c.side as Uint8Array)[i] !== 65) continue;
      const p = (c.price as BigInt64Array)[i]!;
      if (p === a.bid && atPrice === undefined) atPrice = ts;
      if (p < a.bid) {
        through = ts;
        break;
      }
    }
    const firstFill = a.fills[0]!.exchangeTs;
    const lastFill = a.fills[a.fills.length - 1]!.exchangeTs;
    expect(firstFill).toBeGreaterThanOrEqual(atPrice ?? through!);
    if (through !== undefined) expect(lastFill).toBeLessThanOrEqual(through);
    for (const f of a.fills) {
      expect(f.price).toBe(a.bid);
      expect(f.reportTs).toBeGreaterThan(f.exchangeTs);
    }
  });
});
