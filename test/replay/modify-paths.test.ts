// The modify paths that look an order id up once (assembly/replay/kernel.ts applyModify, fast.ts addAbsent and
// resubmit): an unknown id's add and a side change's cancel + add, with every reject the add can give, and an
// unknown-id modify that has to grow the id map first (its earlier probe is then stale). The random stream of
// test/differential/replay.test.ts sends these modifies with valid prices and sizes only, and never at the
// map's growth point. Judges: the engine's command path and the TypeScript reference book.
import { describe, expect, it } from 'vitest';
import { MboReplayer } from '../../src/replay/replayer.js';
import { ReferenceMboBook } from '../../src/replay/reference-book.js';
import { Side } from '../../src/core/types.js';
import type { ColumnBatch } from '../../src/data/batch.js';
import { mbo, TICK, INS, type Rec } from './mbo-fixture.js';

const HUGE = 1_000_000_001; // above the replay's quantity limit

/** An off-tick price for the records at these indices (the fixture writes whole ticks only). */
function offTick(b: ColumnBatch, rows: number[]): ColumnBatch {
  const px = b.columns.price as BigInt64Array;
  for (const i of rows) px[i] = px[i]! + 1n;
  return b;
}

/** The direct path, the command path and the reference after the same records. */
function replayAll(b: ColumnBatch, maxOrders = 4096) {
  const d = new MboReplayer({ tick: TICK, direct: true, maxOrders });
  const c = new MboReplayer({ tick: TICK, direct: false });
  d.feedBatch(b);
  c.feedBatch(b);
  const ref = new ReferenceMboBook({ ticks: new Map([[INS, TICK]]) });
  const col = b.columns;
  for (let i = 0; i < b.length; i++) {
    ref.apply((col.instrument_id as Uint32Array)[i]!, (col.action as Uint8Array)[i]!, (col.side as Uint8Array)[i]!,
      (col.order_id as BigUint64Array)[i]!, (col.price as BigInt64Array)[i]!, (col.size as Uint32Array)[i]!, (col.flags as Uint8Array)[i]!);
  }
  return { d, c, ref };
}

/** Same books (queues in order), counters and invariants on all three. */
function expectSame({ d, c, ref }: ReturnType<typeof replayAll>): void {
  expect(d.kernel.validate()).toBe(0);
  expect(c.kernel.validate()).toBe(0);
  expect(d.kernel.bookHash()).toBe(c.kernel.bookHash());
  expect(d.kernel.stats(INS)).toEqual(c.kernel.stats(INS));
  expect(d.kernel.liveOrders()).toBe(ref.size);
  for (const [side, code] of [[Side.Buy, 'B'], [Side.Sell, 'A']] as const) {
    const got = ref.queues(INS, code).map((q) => q.price).map((p) => {
      const l = d.kernel.levelOrders(INS, side, p);
      return { price: p, ids: [...l.ids], sizes: [...l.leaves] };
    });
    expect(got).toEqual(ref.queues(INS, code));
    expect(d.kernel.depth(INS, side, 1 << 20).length).toBe(got.length);
  }
  const s = d.kernel.stats(INS)!;
  const w = ref.countersOf(INS);
  for (const k of ['unknownModify', 'sideChange', 'badSide', 'zeroSize', 'badPrice', 'otherReject', 'adds', 'modifies'] as const) {
    expect(Number(s[k]), k).toBe(w[k]);
  }
}

describe('a modify looks its id up once', () => {
  it('unknown id: an add, with each of its rejects', () => {
    const recs: Rec[] = [
      { ts: 1n, action: 'M', side: 'N', id: 100n, price: 100n, size: 1 }, // no side
      { ts: 2n, action: 'M', side: 'B', id: 101n, price: 100n, size: 0 }, // size 0
      { ts: 3n, action: 'M', side: 'B', id: 102n, price: 100n, size: HUGE }, // too large
      { ts: 4n, action: 'M', side: 'B', id: 103n, size: 1 }, // undefined price
      { ts: 5n, action: 'M', side: 'B', id: 104n, price: 100n, size: 1 }, // off tick (below)
      { ts: 6n, action: 'M', side: 'A', id: 105n, price: 105n, size: 3 }, // rests
      { ts: 7n, action: 'M', side: 'A', id: 106n, price: 105n, size: 2 }, // rests behind it
    ];
    const r = replayAll(offTick(mbo(recs), [4]));
    expectSame(r);
    const s = r.d.kernel.stats(INS)!;
    expect([s.unknownModify, s.badSide, s.zeroSize, s.badPrice, s.otherReject]).toEqual([7n, 1n, 2n, 2n, 0n]);
    expect(r.d.kernel.levelOrders(INS, Side.Sell, 105n * TICK)).toEqual({ ids: new BigUint64Array([105n, 106n]), leaves: new Uint32Array([3, 2]) });
  });

  it('side change: cancel + add; a rejected add leaves the order cancelled', () => {
    const recs: Rec[] = [];
    const bad: [Rec['side'], bigint | undefined, number][] = [['N', 104n, 1], ['A', 104n, HUGE], ['A', undefined, 1], ['A', 104n, 1]];
    bad.forEach(([side, price, size], j) => {
      const id = BigInt(j + 1);
      recs.push({ ts: BigInt(10 * j + 1), action: 'A', side: 'B', id, price: 100n, size: 5 });
      recs.push({ ts: BigInt(10 * j + 2), action: 'M', side, id, price, size });
    });
    const offTickRow = recs.length - 1; // the last: off tick
    recs.push(
      { ts: 100n, action: 'A', side: 'B', id: 5n, price: 100n, size: 5 },
      { ts: 101n, action: 'A', side: 'B', id: 6n, price: 100n, size: 2 },
      { ts: 102n, action: 'A', side: 'A', id: 7n, price: 104n, size: 1 },
      { ts: 103n, action: 'M', side: 'A', id: 5n, price: 104n, size: 4 }, // to the back of ask 104
      { ts: 104n, action: 'M', side: 'B', id: 7n, price: 103n, size: 1 }, // and the other way, onto a new level
      { ts: 105n, action: 'A', side: 'B', id: 8n, price: 103n, size: 6 }, // behind 7
      { ts: 106n, action: 'C', side: 'A', id: 5n, price: 104n, size: 1 }, // the moved order is found: 4 → 3
    );
    const r = replayAll(offTick(mbo(recs), [offTickRow]));
    expectSame(r);
    const s = r.d.kernel.stats(INS)!;
    expect([s.sideChange, s.badSide, s.zeroSize, s.badPrice, s.mismatch]).toEqual([6n, 1n, 1n, 2n, 0n]);
    for (const id of [1n, 2n, 3n, 4n]) expect(r.d.kernel.orderLeaves(id), `order ${id}`).toBe(0);
    expect(r.d.kernel.levelOrders(INS, Side.Sell, 104n * TICK)).toEqual({ ids: new BigUint64Array([5n]), leaves: new Uint32Array([3]) });
    expect(r.d.kernel.levelOrders(INS, Side.Buy, 103n * TICK)).toEqual({ ids: new BigUint64Array([7n, 8n]), leaves: new Uint32Array([1, 6]) });
    expect(r.d.kernel.levelOrders(INS, Side.Buy, 100n * TICK)).toEqual({ ids: new BigUint64Array([6n]), leaves: new Uint32Array([2]) });
  });

  it('an unknown-id modify that grows the id map first is probed again', () => {
    // pre-size 1,024: the map has 2,048 entries and stays at most half full, so with 1,024 live orders the
    // next new id grows it (assembly/matching/tagmap.ts) — here on a modify, whose lookup came before the growth
    const recs: Rec[] = [];
    for (let j = 0; j < 1024; j++) recs.push({ ts: BigInt(j + 1), action: 'A', side: j % 2 ? 'A' : 'B', id: BigInt(j + 1), price: j % 2 ? 200n + BigInt(j % 50) : 100n - BigInt(j % 50), size: 1 + (j % 7) });
    for (let j = 0; j < 8; j++) recs.push({ ts: BigInt(2000 + j), action: 'M', side: 'B', id: BigInt(5000 + j), price: 150n, size: j + 1 });
    for (let j = 0; j < 8; j += 2) recs.push({ ts: BigInt(3000 + j), action: 'C', side: 'B', id: BigInt(5000 + j), price: 150n, size: j + 1 });
    const r = replayAll(mbo(recs), 1024);
    expectSame(r);
    expect(r.d.kernel.liveOrders()).toBe(1024 + 4);
    for (let j = 0; j < 8; j++) expect(r.d.kernel.orderLeaves(BigInt(5000 + j)), `order ${5000 + j}`).toBe(j % 2 ? j + 1 : 0);
    for (let j = 1; j <= 1024; j++) expect(r.d.kernel.orderLeaves(BigInt(j))).toBe(1 + ((j - 1) % 7));
  });
});
