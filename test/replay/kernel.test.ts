// The replay kernel (assembly/replay.ts): the direct path (engine internals) and the reference path (every
// record as an engine command) build identical books (book hash, engine invariants) on real and synthetic
// data; Databento semantics and the anomaly counters on hand-built sequences; output stops.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MboReplayer } from '../../src/replay/replayer.js';
import { RS } from '../../src/replay/kernel.js';
import { readDbnAll, concatBatches } from '../../src/data/dbn/index.js';
import { mboDayBatches } from '../../src/generate/mbo-day.js';
import { Side } from '../../src/core/types.js';
import type { ColumnBatch } from '../../src/data/batch.js';
import { mbo, TICK, INS, type Rec } from './mbo-fixture.js';

const ES = fileURLToPath(new URL('../../../shared/data/databento/esh4-glbx-mdp3-20231225.mbo.dbn.zst', import.meta.url));

function both(batches: ColumnBatch[], opts = {}) {
  const d = new MboReplayer({ ...opts, direct: true });
  const c = new MboReplayer({ ...opts, direct: false });
  for (const b of batches) {
    d.feedBatch(b);
    c.feedBatch(b);
  }
  return { d, c };
}

describe('direct path = command path', () => {
  it.skipIf(!existsSync(ES))('real ESH4 day: same book hash, invariants hold, same counters', async () => {
    const batch = concatBatches((await readDbnAll(ES)).batches);
    const { d, c } = both([batch]);
    expect(d.kernel.bookHash()).toBe(c.kernel.bookHash());
    expect(d.kernel.validate()).toBe(0);
    expect(c.kernel.validate()).toBe(0);
    expect(d.kernel.stats(17077)).toEqual(c.kernel.stats(17077));
  });

  it.skipIf(!existsSync(ES))('debug build (assertions on): the ES day replays without an abort, same hash', async () => {
    const batch = concatBatches((await readDbnAll(ES)).batches);
    const d = new MboReplayer({ build: 'debug' });
    d.feedBatch(batch);
    const r = new MboReplayer();
    r.feedBatch(batch);
    expect(d.kernel.validate()).toBe(0);
    expect(d.kernel.bookHash()).toBe(r.kernel.bookHash());
  });

  it('synthetic day (200k records): same book hash and counters, nothing anomalous', () => {
    const batches = [...mboDayBatches({ records: 200_000, seed: 5 })];
    const { d, c } = both(batches, { preopen: { open: '23:00' } });
    expect(d.kernel.bookHash()).toBe(c.kernel.bookHash());
    expect(d.kernel.validate()).toBe(0);
    const s = d.summary();
    expect(s.totals).toEqual({ unknownIds: 0, negativeSizes: 0, crossedOutsidePreopen: 0, crossedInPreopen: 0 });
    expect(d.kernel.stats(17077)).toEqual(c.kernel.stats(17077));
  });

  it('anomalies: both paths count them the same way and keep the same book', () => {
    const recs: Rec[] = [
      { ts: 1n, action: 'A', side: 'B', id: 1n, price: 100n, size: 5 },
      { ts: 2n, action: 'A', side: 'B', id: 1n, price: 101n, size: 5 }, // duplicate id
      { ts: 3n, action: 'A', side: 'A', id: 2n, price: 102n, size: 0 }, // zero size
      { ts: 4n, action: 'C', side: 'B', id: 9n, price: 100n, size: 1 }, // unknown id
      { ts: 5n, action: 'C', side: 'B', id: 1n, price: 100n, size: 7 }, // more than the leaves: negative size
      { ts: 6n, action: 'M', side: 'A', id: 3n, price: 103n, size: 2 }, // unknown modify: an add
      { ts: 7n, action: 'M', side: 'B', id: 3n, price: 99n, size: 2 }, // side change
      { ts: 8n, action: 'A', side: 'N', id: 4n, price: 99n, size: 2 }, // no side
      { ts: 9n, action: 'X' as 'N', side: 'N' }, // unknown action
    ];
    const { d, c } = both([mbo(recs)], { tick: TICK });
    const sd = d.kernel.stats(INS)!;
    expect(sd).toEqual(c.kernel.stats(INS));
    expect(d.kernel.bookHash()).toBe(c.kernel.bookHash());
    expect([sd.duplicateAdd, sd.zeroSize, sd.unknownCancel, sd.negativeSize, sd.unknownModify, sd.sideChange, sd.badSide, sd.unknownAction])
      .toEqual([1n, 1n, 1n, 1n, 1n, 1n, 1n, 1n]);
    expect(d.kernel.depth(INS, Side.Buy, 5).map((l) => [l.price, l.visibleQty])).toEqual([[Number(99n * TICK), 2]]);
    expect(d.kernel.depth(INS, Side.Sell, 5)).toEqual([]);
  });
});

describe('Databento semantics', () => {
  it('C removes size (partial), M keeps priority only for a same-price decrease, R clears, T/F change nothing', () => {
    const recs: Rec[] = [
      { ts: 1n, action: 'A', side: 'B', id: 1n, price: 100n, size: 5, flags: 0x28 },
      { ts: 1n, action: 'A', side: 'B', id: 2n, price: 100n, size: 3, flags: 0x28 },
      { ts: 1n, action: 'A', side: 'A', id: 3n, price: 101n, size: 4, flags: 0xa8 },
      { ts: 2n, action: 'C', side: 'B', id: 1n, price: 100n, size: 2 }, // 5 → 3
      { ts: 3n, action: 'T', side: 'A', id: 0n, price: 100n, size: 3, flags: 0 },
      { ts: 3n, action: 'F', side: 'B', id: 1n, price: 100n, size: 3 },
      { ts: 4n, action: 'M', side: 'B', id: 1n, price: 100n, size: 4 }, // increase: loses priority
    ];
    const r = new MboReplayer({ tick: TICK });
    r.feedBatch(mbo(recs));
    const k = r.kernel;
    expect(k.levelOrders(INS, Side.Buy, 100n * TICK)).toEqual({ ids: new BigUint64Array([2n, 1n]), leaves: new Uint32Array([3, 4]) });
    expect(k.stats(INS)!.snapshot).toBe(3n);
    r.feedBatch(mbo([{ ts: 5n, action: 'R', side: 'N' }, { ts: 5n, action: 'A', side: 'A', id: 7n, price: 102n, size: 1, flags: 0xa8 }]));
    expect(k.bookCounts(INS)).toEqual({ bidLevels: 0, bidOrders: 0, bidQty: 0n, askLevels: 1, askOrders: 1, askQty: 1n });
  });

  it('the book is read only after LAST: a crossed book in the middle of an event is not counted', () => {
    const recs: Rec[] = [
      { ts: 1n, action: 'A', side: 'A', id: 1n, price: 100n, size: 1 },
      { ts: 2n, action: 'A', side: 'B', id: 2n, price: 100n, size: 1, flags: 0 }, // crossed, not LAST
      { ts: 2n, action: 'C', side: 'A', id: 1n, price: 100n, size: 1 }, // LAST: uncrossed again
      { ts: 3n, action: 'A', side: 'A', id: 3n, price: 99n, size: 1 }, // LAST and crossed
    ];
    const r = new MboReplayer({ tick: TICK });
    r.feedBatch(mbo(recs));
    const s = r.kernel.stats(INS)!;
    expect(s.last).toBe(3n);
    expect(s.crossedOutside).toBe(1n);
    expect(s.firstCrossedOutsideTs).toBe(3n);
    expect(s.firstCrossedOutsideIndex).toBe(3n);
  });

  it('several instruments per file, each defined on first sight with its own tick', () => {
    const recs: Rec[] = [
      { ts: 1n, action: 'A', side: 'B', id: 1n, price: 100n, size: 1, instrument: 5 },
      { ts: 2n, action: 'A', side: 'B', id: 2n, price: 300n, size: 2, instrument: 6 },
      { ts: 3n, action: 'A', side: 'B', id: 3n, price: 102n, size: 1, instrument: 5 },
    ];
    const r = new MboReplayer();
    r.feedBatch(mbo(recs));
    const s = r.summary();
    expect(s.instruments.map((i) => [i.instrumentId, i.restingOrders, i.tickSource])).toEqual([[5, 2, 'inferred'], [6, 1, 'inferred']]);
    expect(s.instruments[0]!.tickSize).toBe(String(2n * TICK)); // GCD of 100 and 102 ticks of 0.25
  });

  it('stats field numbers match the kernel', () => {
    expect(RS.firstCrossedOutsideIndex).toBe(30);
    expect(Object.values(RS)).toEqual([...Array(31).keys()]);
  });
});

describe('outputs', () => {
  const recs: Rec[] = [
    { ts: 1_000n, action: 'A', side: 'B', id: 1n, price: 100n, size: 5 },
    { ts: 2_000n, action: 'A', side: 'A', id: 2n, price: 101n, size: 3, flags: 0 },
    { ts: 2_000n, action: 'A', side: 'A', id: 3n, price: 102n, size: 1 },
    { ts: 5_500n, action: 'C', side: 'B', id: 1n, price: 100n, size: 5 },
  ];
  it('a row at every LAST record, carrying that record', () => {
    const out: ColumnBatch[] = [];
    const r = new MboReplayer({ tick: TICK, output: { levels: 1, atLast: true, sink: (b) => out.push(b) } });
    r.feedBatch(mbo(recs));
    r.finish();
    const b = out[0]!;
    expect(b.schema).toBe('mbp-1');
    expect(b.length).toBe(3);
    expect([...(b.columns.ts_recv as BigUint64Array)]).toEqual([1_000n, 2_000n, 5_500n]);
    expect([...(b.columns.ask_px_00 as BigInt64Array)]).toEqual([0x7fff_ffff_ffff_ffffn, 101n * TICK, 101n * TICK]);
    expect([...(b.columns.bid_sz_00 as Uint32Array)]).toEqual([5, 5, 0]);
    expect(String.fromCharCode((b.columns.action as Uint8Array)[2]!)).toBe('C');
  });
  it('rows at sampled times: the book before the first event at or after each instant', () => {
    const out: ColumnBatch[] = [];
    const r = new MboReplayer({ tick: TICK, output: { levels: 10, everyNs: 1_000n, at: [2_500n], sink: (b) => out.push(b) } });
    r.feedBatch(mbo(recs));
    r.finish();
    const b = out[0]!;
    expect([...(b.columns.ts_recv as BigUint64Array)]).toEqual([2_000n, 2_500n, 3_000n, 4_000n, 5_000n]);
    expect([...(b.columns.ask_ct_00 as Uint32Array)]).toEqual([0, 1, 1, 1, 1]); // at 2000 the event at 2000 is not in yet
    expect([...(b.columns.ask_px_01 as BigInt64Array)].slice(1)).toEqual([102n * TICK, 102n * TICK, 102n * TICK, 102n * TICK]);
  });
});
