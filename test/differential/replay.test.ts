// The MBO replay's direct path (the replay's own order store, assembly/replay/book.ts) against the TypeScript
// reference (src/replay/reference-book.ts) and against the engine's command path, on random MBO streams with
// every anomaly the semantics name (test/differential/mbo-stream.ts). One instrument spends part of the stream
// in pre-open (status changes on the exchange clock), so crossed books are counted both ways. After every
// batch: every level of every side (price, quantity, order count), every queue in priority order (ids and
// leaves), every kernel counter (RS: counts, crossed-book times and index, first/last ts, the pre-open flag),
// the live order count, the replay's invariant checks, and the command path's book hash and counters.
//   REPLAY_DIFF_RECORDS=3000000 npx vitest run test/differential/replay.test.ts   longer (default 600,000 a seed)
//   REPLAY_DIFF_SEED=7                                                             another stream
import { describe, expect, it } from 'vitest';
import { MboReplayer } from '../../src/replay/replayer.js';
import { RS, type StatName } from '../../src/replay/kernel.js';
import { ReferenceMboBook, type RefCounters } from '../../src/replay/reference-book.js';
import type { ReplayInstrument } from '../../src/replay/definitions.js';
import type { PreopenConfig, StatusChange } from '../../src/replay/preopen.js';
import { Side } from '../../src/core/types.js';
import type { ColumnBatch } from '../../src/data/batch.js';
import { randomMboBatches, type StreamInstrument } from './mbo-stream.js';

const RECORDS = Number(process.env.REPLAY_DIFF_RECORDS ?? 600_000);
const SEEDS = process.env.REPLAY_DIFF_SEED ? [Number(process.env.REPLAY_DIFF_SEED)] : [20_231_225, 7];

const INSTRUMENTS: StreamInstrument[] = [
  { id: 11, tick: 250_000_000n, mid: 19_200 }, // ES-like: 0.25
  { id: 22, tick: 1n, mid: 50_000_000 }, // tick 1e-9
  { id: 33, tick: 5_000_000n, mid: 4_000 }, // 0.005
];

function definitions(): Map<number, ReplayInstrument> {
  return new Map(
    INSTRUMENTS.map((i) => [i.id, { instrumentId: i.id, tickSize: i.tick, matchAlgorithm: 'F', symbol: `I${i.id}`, tickSource: 'definition' as const }]),
  );
}

// The instrument with pre-open spells: from before its first record to 20 % of the stream, and 50–70 %. The
// stream's clock (mbo-stream.ts) starts at T0 and moves ~300 ns a record; the test checks both states occurred.
const PREOPEN_INS = 33;
const T0 = 1_700_000_000_000_000_000n;

function preopenChanges(records: number): StatusChange[] {
  const at = (f: number) => T0 + BigInt(Math.round(records * 300 * f));
  return [
    { ts: T0, instrumentId: PREOPEN_INS, preopen: true },
    { ts: at(0.2), instrumentId: PREOPEN_INS, preopen: false },
    { ts: at(0.5), instrumentId: PREOPEN_INS, preopen: true },
    { ts: at(0.7), instrumentId: PREOPEN_INS, preopen: false },
  ];
}

/**
 * The replayer's pre-open rule for the reference: status changes take effect before the first record that
 * starts an event (the previous record had LAST) with ts_event at or after their time.
 */
class PreopenMirror {
  private next = 0;
  private mid = false;
  private readonly on = new Map<number, boolean>();
  constructor(private readonly changes: readonly StatusChange[]) {}
  /** Before a record with this ts_event and flags. */
  step(tsEvent: bigint, flags: number): void {
    if (!this.mid) {
      while (this.next < this.changes.length && this.changes[this.next]!.ts <= tsEvent) {
        const ch = this.changes[this.next++]!;
        this.on.set(ch.instrumentId!, ch.preopen);
      }
    }
    this.mid = (flags & 0x80) === 0;
  }
  at(instrumentId: number): boolean {
    return this.on.get(instrumentId) ?? false;
  }
}

/** The reference's counts (its other fields are times). */
type CountName = { [K in keyof RefCounters]: RefCounters[K] extends number ? K : never }[keyof RefCounters];

/** The kernel counter `name` the reference predicts (the pre-open flag from the mirror). */
function expectedStat(c: RefCounters, pre: PreopenMirror, ins: number, name: StatName): bigint {
  if (name === 'preopen') return pre.at(ins) ? 1n : 0n;
  const v = (c as Partial<Record<StatName, number | bigint>>)[name];
  if (v === undefined) throw new Error(`kernel counter ${name} has no reference value: add it to src/replay/reference-book.ts`);
  return BigInt(v);
}

/** First difference between the replayed book of one instrument and the reference, or null. */
function bookDiff(r: MboReplayer, ref: ReferenceMboBook, pre: PreopenMirror, ins: number): string | null {
  const k = r.kernel;
  for (const [side, code] of [[Side.Buy, 'B'], [Side.Sell, 'A']] as const) {
    const got = k.depth(ins, side, 1 << 20);
    const want = ref.queues(ins, code);
    if (got.length !== want.length) return `instrument ${ins} side ${code}: ${got.length} levels, reference ${want.length}`;
    for (let l = 0; l < got.length; l++) {
      const g = got[l]!;
      const w = want[l]!;
      const qty = w.sizes.reduce((a, b) => a + b, 0);
      if (BigInt(g.price) !== w.price || g.visibleQty !== qty || g.totalQty !== qty || g.orders !== w.ids.length) {
        return `instrument ${ins} side ${code} level ${l}: ${g.price} ${g.visibleQty}/${g.totalQty} x${g.orders}, reference ${w.price} ${qty} x${w.ids.length}`;
      }
      const q = k.levelOrders(ins, side, w.price);
      const ids = [...q.ids];
      const leaves = [...q.leaves];
      for (let j = 0; j < w.ids.length; j++) {
        if (ids[j] !== w.ids[j] || leaves[j] !== w.sizes[j]) {
          return `instrument ${ins} side ${code} price ${w.price} queue position ${j}: ${ids[j]}/${leaves[j]}, reference ${w.ids[j]}/${w.sizes[j]}`;
        }
      }
      if (ids.length !== w.ids.length) return `instrument ${ins} side ${code} price ${w.price}: queue of ${ids.length}, reference ${w.ids.length}`;
    }
  }
  const s = k.stats(ins);
  const c = ref.countersOf(ins);
  for (const name of Object.keys(RS) as StatName[]) {
    const v = s ? s[name] : 0n;
    const w = expectedStat(c, pre, ins, name);
    if (v !== w) return `instrument ${ins} counter ${name}: ${v}, reference ${w}`;
  }
  return null;
}

function run(seed: number, records: number, opts: { chunkRows: number; build?: 'release' | 'debug'; commandPath: boolean }) {
  const changes = preopenChanges(records);
  const preopen: PreopenConfig = { status: changes };
  const fast = new MboReplayer({ definitions: definitions(), preopen, chunkRows: opts.chunkRows, build: opts.build, maxOrders: 1024 });
  const cmd = opts.commandPath ? new MboReplayer({ definitions: definitions(), preopen, direct: false, build: opts.build }) : undefined;
  const pre = new PreopenMirror(changes);
  const ref = new ReferenceMboBook({ ticks: new Map(INSTRUMENTS.map((i) => [i.id, i.tick])), preopen: (id) => pre.at(id) });
  let batches = 0;
  let rows = 0;
  let maxLive = 0;
  for (const b of randomMboBatches({ records, seed, instruments: INSTRUMENTS, targetLive: 1500 })) {
    fast.feedBatch(b, `seed ${seed} batch ${batches}`);
    cmd?.feedBatch(b);
    applyAll(ref, pre, b);
    batches++;
    rows += b.length;
    const where = `seed ${seed}, after batch ${batches} (${rows} records)`;
    expect(fast.kernel.validate(), `${where}: replay invariants`).toBe(0);
    expect(fast.kernel.liveOrders(), `${where}: live orders`).toBe(ref.size);
    maxLive = Math.max(maxLive, ref.size);
    for (const ins of INSTRUMENTS) {
      const d = bookDiff(fast, ref, pre, ins.id);
      expect(d, where).toBeNull();
    }
    if (cmd) {
      expect(cmd.kernel.bookHash(), `${where}: command path book hash`).toBe(fast.kernel.bookHash());
      for (const ins of INSTRUMENTS) expect(cmd.kernel.stats(ins.id), `${where}: command path counters`).toEqual(fast.kernel.stats(ins.id));
    }
  }
  return { batches, rows, maxLive, fast, ref };
}

function applyAll(ref: ReferenceMboBook, pre: PreopenMirror, b: ColumnBatch): void {
  const c = b.columns;
  const ins = c.instrument_id as Uint32Array;
  const act = c.action as Uint8Array;
  const side = c.side as Uint8Array;
  const id = c.order_id as BigUint64Array;
  const px = c.price as BigInt64Array;
  const sz = c.size as Uint32Array;
  const fl = c.flags as Uint8Array;
  const tse = c.ts_event as BigUint64Array;
  const tsr = c.ts_recv as BigUint64Array;
  for (let i = 0; i < b.length; i++) {
    pre.step(tse[i]!, fl[i]!);
    ref.apply(ins[i]!, act[i]!, side[i]!, id[i]!, px[i]!, sz[i]!, fl[i]!, tse[i]!, tsr[i]!);
  }
}

/** Pre-open crossings happened on the pre-open instrument only, and it was crossed outside pre-open too. */
function expectBothCrossings(ref: ReferenceMboBook): void {
  for (const i of INSTRUMENTS) {
    const c = ref.countersOf(i.id);
    if (i.id === PREOPEN_INS) {
      expect(c.crossedPreopen, `instrument ${i.id} crossed in pre-open`).toBeGreaterThan(0);
      expect(c.crossedOutside, `instrument ${i.id} crossed outside pre-open`).toBeGreaterThan(0);
      expect(c.lastCrossedOutsideTs).toBeGreaterThan(c.firstCrossedOutsideTs);
    } else {
      expect(c.crossedPreopen, `instrument ${i.id} crossed in pre-open`).toBe(0);
    }
  }
}

describe('replay differential: direct path = reference book = engine command path', () => {
  for (const seed of SEEDS) {
    it(`${RECORDS.toLocaleString('en')} random MBO records (seed ${seed}), checked after every batch`, () => {
      const r = run(seed, RECORDS, { chunkRows: 1000, commandPath: true });
      // the stream exercised what it is meant to
      const totals = INSTRUMENTS.map((i) => r.ref.countersOf(i.id));
      const sum = (k: CountName) => totals.reduce((a, t) => a + t[k], 0);
      for (const k of ['clears', 'snapshot', 'unknownCancel', 'unknownModify', 'negativeSize', 'duplicateAdd', 'zeroSize', 'badPrice', 'badSide', 'mismatch', 'sideChange', 'unknownAction', 'tobAdd', 'crossedOutside'] as const) {
        expect(sum(k), k).toBeGreaterThan(0);
      }
      expect(r.maxLive).toBeGreaterThan(2000); // the pools grew past their pre-size (1,024)
      expectBothCrossings(r.ref);
      const p = r.ref.countersOf(PREOPEN_INS);
      console.log(`replay differential seed ${seed}: ${r.rows} records in ${r.batches} batches, up to ${r.maxLive} live orders; instrument ${PREOPEN_INS} crossed at ${p.crossedPreopen} LAST records in pre-open, ${p.crossedOutside} outside`);
    });
  }

  it('debug build (assertions on), small chunks: same books', () => {
    const r = run(99, 100_000, { chunkRows: 257, build: 'debug', commandPath: false });
    expectBothCrossings(r.ref);
  });
});
