// Fuzz: random bytes and random-but-plausible records (extreme ids, prices, quantities, timestamps) pushed
// through process() of the debug build. Asserts: no trap, events well-formed (type, cmdIndex, ts, seq),
// internal invariants intact after every batch/command, and the engine still matches correctly afterwards.
import { describe, expect, it } from 'vitest';
import { CMD_SIZE, EVT, EVT_SIZE } from '../../src/core/abi.js';
import { WasmEngine } from '../../src/core/engine.js';
import { CommandType, Side, type BookCommand, type OrderType, type TimeInForce } from '../../src/core/types.js';
import { buy, define, sell } from './helpers.js';

/** Deterministic PRNG (mulberry32). */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  return { next, int, pick };
}

const M = 2 ** 53 - 1;

function checkEvents(engine: WasmEngine, count: number, batch: number, lastSeq: bigint, tsOf: (i: number) => bigint): bigint {
  const bytes = engine.eventArea(count);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let seq = lastSeq;
  for (let i = 0; i < count; i++) {
    const at = i * EVT_SIZE;
    const type = dv.getUint8(at + EVT.type);
    const idx = dv.getUint32(at + EVT.cmdIndex, true);
    const s = dv.getBigUint64(at + EVT.seq, true);
    if (type < 1 || type > 9) throw new Error(`event ${i}: type ${type}`);
    if (idx >= batch) throw new Error(`event ${i}: cmdIndex ${idx} ≥ ${batch}`);
    if (s !== seq + 1n) throw new Error(`event ${i}: seq ${s} after ${seq}`);
    if (dv.getBigUint64(at + EVT.ts, true) !== tsOf(idx)) throw new Error(`event ${i}: ts`);
    const price = dv.getBigInt64(at + EVT.price, true);
    if (price > BigInt(M) || price < -BigInt(M)) throw new Error(`event ${i}: price ${price}`);
    if (type === 3 && dv.getUint32(at + EVT.qty, true) === 0) throw new Error(`event ${i}: empty fill`);
    seq = s;
  }
  return seq;
}

function stillWorks(engine: WasmEngine): void {
  const id = 0xabcdef01;
  const ev = engine.process([
    define(id),
    sell(1n << 62n, 1000, 5, { instrumentId: id }),
    buy((1n << 62n) + 1n, 1000, 3, { instrumentId: id, tif: 3 }),
  ]);
  expect(ev.map((e) => e.type)).toEqual([8, 1, 1, 3]);
  expect(ev[3]).toMatchObject({ qty: 3, price: 1000, leaves: 0, makerLeaves: 2 });
  expect(engine.validateInternalState()).toBe(0);
}

describe('fuzz: process() never traps and keeps its invariants', () => {
  it.each(['debug', 'release'] as const)('random bytes (%s build)', (build) => {
    const r = rng(build === 'debug' ? 12345 : 54321);
    const engine = new WasmEngine({ build, maxOrders: 256, maxInstruments: 4 });
    let seq = 0n;
    for (let b = 0; b < 250; b++) {
      const n = 1 + r.int(200);
      const area = engine.commandArea();
      const dv = new DataView(area.buffer, area.byteOffset, area.byteLength);
      const ts: bigint[] = [];
      for (let i = 0; i < n; i++) {
        const at = i * CMD_SIZE;
        for (let k = 0; k < CMD_SIZE; k++) area[at + k] = r.int(256);
        if (r.next() < 0.9) area[at] = 1 + r.int(8); // mostly valid command types
        if (r.next() < 0.5) area[at + 4] = r.int(4), area[at + 5] = area[at + 6] = area[at + 7] = 0; // few instruments
        if (r.next() < 0.5) dv.setBigUint64(at + 8, BigInt(r.int(64)), true); // collide ids
        if (r.next() < 0.7) dv.setBigUint64(at + 72, BigInt(b * 1000 + i), true); // plausible time
        if (r.next() < 0.5) area[at + 1] = 1 + r.int(2);
        if (r.next() < 0.5) area[at + 2] = 1 + r.int(5);
        if (r.next() < 0.5) area[at + 3] = r.int(5);
        ts.push(dv.getBigUint64(at + 72, true));
      }
      const count = engine.run(n);
      seq = checkEvents(engine, count, n, seq, (i) => ts[i]!);
      expect(engine.validateInternalState()).toBe(0);
    }
    stillWorks(engine);
  });

  it('random plausible commands with extreme values, invariants after every command', () => {
    const r = rng(777);
    const engine = new WasmEngine({ build: 'debug', maxOrders: 64, maxInstruments: 2 });
    const instruments = [1, 2, 0xfffffffe];
    const ids = [0n, 1n, 2n, 3n, 2n ** 63n, 2n ** 64n - 1n, 12345678901234567890n];
    const price = (tick: number): number => {
      const k = r.int(20);
      if (k === 0) return r.pick([0, M, -M, M - 1, -M + 1, Math.floor(M / tick) * tick]);
      if (k === 1) return (r.int(2_000_000) - 1_000_000) * tick;
      if (k === 2) return (r.int(2000) - 1000) * tick + r.int(2); // maybe off tick
      return (1000 + r.int(30) - 15) * tick;
    };
    const ticks = new Map<number, number>([[1, 1], [2, 5], [0xfffffffe, 250_000_000]]);
    const rare = (p: number) => r.next() < p;
    let seq = 0n;
    let ts = 0n;
    const seen = new Array<number>(10).fill(0);
    const accepted: bigint[] = []; // ids recently accepted: cancels and modifies mostly target live orders
    for (const [ins, tick] of ticks)
      seq += BigInt(engine.process([define(ins, { tickSize: tick, referencePrice: 1000 * tick, bandTicks: ins === 2 ? 20 : 0, protectionTicks: 3 })]).length);
    for (let i = 0; i < 6000; i++) {
      const ins = r.pick(instruments);
      const tick = ticks.get(ins)!;
      if (r.next() < 0.3) ts += BigInt(r.int(5));
      let c: BookCommand;
      const k = r.int(100);
      const oid = rare(0.05) ? r.pick(ids) : BigInt(r.int(200));
      let target = oid;
      for (let t = 0; t < 4 && accepted.length > 0 && !rare(0.1); t++) {
        const cand = accepted[accepted.length - 1 - r.int(Math.min(accepted.length, 100))]!;
        if (engine.orderState(cand) !== null) {
          target = cand;
          break;
        }
      }
      if (k < 1 || (k >= 96 && k < 97)) {
        c = define(r.pick([...instruments, 0xffffffff, 7]), {
          tickSize: r.pick([0, 1, 5, 1_000_000_000_000, 1_000_000_000_001]), referencePrice: rare(0.5) ? undefined : r.pick([1000, M, 3]),
          bandTicks: r.pick([0, 5, 1_000_001]), protectionTicks: r.pick([0, 3, 1_000_000]),
          maxOrderQty: r.pick([0, 1, 100, 1_000_000_000]), state: r.int(5), matchAlgorithm: r.pick([0, 0, 1]), ts,
        });
      } else if (k < 50) {
        c = {
          type: CommandType.NewOrder, instrumentId: rare(0.02) ? 99 : ins, orderId: oid,
          side: (rare(0.02) ? r.pick([0, 3]) : r.pick([Side.Buy, Side.Sell])) as Side,
          orderType: (rare(0.02) ? r.pick([0, 6]) : r.pick([1, 1, 1, 1, 1, 2, 3, 4, 5])) as OrderType,
          tif: (rare(0.02) ? 7 : r.pick([0, 1, 1, 1, 2, 2, 3, 4])) as TimeInForce, price: price(tick), stopPrice: price(tick),
          qty: rare(0.05) ? r.pick([0, 1_000_000_000, 0xffffffff]) : 1 + r.int(12),
          minQty: rare(0.1) ? r.pick([1, 3, 0xffffffff]) : 0, displayQty: rare(0.2) ? r.pick([1, 2, 50]) : 0,
          account: r.int(3), smpId: r.pick([0, 0, 0, 1, 2]), flags: rare(0.15) ? r.int(4) : 0,
          expireTs: r.pick([0n, ts + 3n, ts + 10n, 2n ** 64n - 1n]), ts,
        };
      } else if (k < 58) c = { type: CommandType.Cancel, orderId: target, ts };
      else if (k < 90)
        c = {
          type: CommandType.Modify, orderId: target, price: price(tick), stopPrice: price(tick),
          qty: rare(0.03) ? r.pick([0, 2 ** 31]) : 1 + r.int(12), ts,
        };
      else if (k < 91) c = { type: CommandType.MassCancel, instrumentId: r.pick([ins, 0xffffffff, 99]), account: r.int(3), ts };
      else if (k < 96) c = { type: CommandType.SetState, instrumentId: ins, state: rare(0.7) ? 2 : r.pick([1, 1, 3, 0, 9]), ts };
      else if (k < 98) c = { type: CommandType.EndSession, instrumentId: r.pick([ins, 0xffffffff]), ts };
      else c = { type: CommandType.AdvanceTime, ts: rare(0.02) ? 2n ** 64n - 1n - BigInt(r.int(10)) : ts + 5n };
      const ev = engine.process([c]);
      for (const e of ev) {
        seen[e.type]!++;
        if (e.type === 1) accepted.push(e.orderId);
        expect(e.seq).toBe(++seq);
        expect(e.cmdIndex).toBe(0);
      }
      const code = engine.validateInternalState();
      if (code !== 0) throw new Error(`invariant ${code} after command ${i}`);
    }
    // the flow must reach every event type, not just rejects
    const atLeast = [0, 500, 500, 200, 200, 10, 20, 150, 0, 100];
    for (let t = 1; t <= 9; t++) expect(seen[t], `event type ${t}: ${seen.join(',')}`).toBeGreaterThanOrEqual(atLeast[t]!);
    stillWorks(engine);
  });

  it('a single batch that grows every pool and the event area', () => {
    const engine = new WasmEngine({ build: 'debug', maxOrders: 16, maxInstruments: 1 });
    const cmds: BookCommand[] = [define(1)];
    for (let i = 0; i < 5000; i++) cmds.push(sell(i + 1, 100_000 + (i % 3000) * 7, 1));
    cmds.push(buy(99_999, M, 5000, { tif: 3 }));
    const ev = engine.process(cmds);
    expect(ev.filter((e) => e.type === 3)).toHaveLength(5000);
    expect(engine.validateInternalState()).toBe(0);
    expect(engine.liveOrders()).toBe(0);
  });
});
