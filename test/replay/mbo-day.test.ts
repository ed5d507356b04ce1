// The synthetic ES day (src/generate/mbo-day.ts): deterministic per seed, a valid Databento MBO stream that
// replays clean, an action mix near the real ESH4 day, a price that moves, written through the DBN writer.
import { describe, expect, it } from 'vitest';
import { mboDayBatches } from '../../src/generate/mbo-day.js';
import { encodeDbn, readDbnAll } from '../../src/data/dbn/index.js';
import { MboReplayer } from '../../src/replay/replayer.js';
import { ReferenceMboBook } from '../../src/replay/reference-book.js';

const N = 120_000;

describe('synthetic full-day MBO', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    const a = encodeDbn({ dataset: 'GLBX.MDP3', schema: 'mbo' }, mboDayBatches({ records: 20_000, seed: 3 }));
    const b = encodeDbn({ dataset: 'GLBX.MDP3', schema: 'mbo' }, mboDayBatches({ records: 20_000, seed: 3 }));
    const c = encodeDbn({ dataset: 'GLBX.MDP3', schema: 'mbo' }, mboDayBatches({ records: 20_000, seed: 4 }));
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    expect(Buffer.from(a).equals(Buffer.from(c))).toBe(false);
  });

  it('round-trips through DBN, sorted by ts_recv, and replays with no anomalies; the reference book agrees', async () => {
    const bytes = encodeDbn({ dataset: 'GLBX.MDP3', schema: 'mbo' }, mboDayBatches({ records: N, seed: 11 }));
    const r = await readDbnAll(bytes, { expectSchema: 'mbo', monotonic: true });
    expect(r.rowCount).toBeGreaterThanOrEqual(N);
    const rep = new MboReplayer({ preopen: { open: '23:00' } });
    const ref = new ReferenceMboBook();
    const mix: Record<string, number> = {};
    let first = 0n;
    for (const b of r.batches) {
      rep.feedBatch(b);
      const c = b.columns;
      for (let i = 0; i < b.length; i++) {
        const a = String.fromCharCode((c.action as Uint8Array)[i]!);
        mix[a] = (mix[a] ?? 0) + 1;
        ref.apply((c.instrument_id as Uint32Array)[i]!, (c.action as Uint8Array)[i]!, (c.side as Uint8Array)[i]!,
          (c.order_id as BigUint64Array)[i]!, (c.price as BigInt64Array)[i]!, (c.size as Uint32Array)[i]!);
        if (first === 0n && a === 'T') first = (c.ts_event as BigUint64Array)[i]!;
      }
    }
    const s = rep.summary();
    expect(s.totals).toEqual({ unknownIds: 0, negativeSizes: 0, crossedOutsidePreopen: 0, crossedInPreopen: 0 });
    const es = s.instruments[0]!;
    expect(es.counters.otherReject).toBe('0');
    expect(es.counters.duplicateAdd).toBe('0');
    expect(es.restingOrders).toBe(ref.orderCount(17077));
    const top = ref.levels(17077, 'B', 1)[0]!;
    expect(BigInt(es.bestBid!.price)).toBe(top.price);
    expect(es.bestBid!.size).toBe(top.size);
    // no trade before the 23:00 UTC open
    expect(first).toBeGreaterThanOrEqual(BigInt(Date.parse('2023-12-25T23:00:00Z')) * 1_000_000n);
    // mix near the real day (A 42 %, C 26 %, M 18 %, T 4 %, F 9 %), loosely
    const n = r.rowCount;
    expect(mix.A! / n).toBeGreaterThan(0.3);
    expect(mix.C! / n).toBeGreaterThan(0.2);
    expect(mix.M! / n).toBeGreaterThan(0.1);
    expect(mix.T! / n).toBeGreaterThan(0.01);
    expect(mix.F! / n).toBeGreaterThan(mix.T! / n);
    // the price moved away from the 4800.00 start
    expect(es.bestBid!.price).not.toBe('4800000000000');
  });
});
