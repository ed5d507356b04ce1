// Latency per operation type through the batch interface: passive add, aggressive add with fills, cancel,
// modify (a move to another price), on a steady book of ~1,000 orders over ~750 levels (bench/engine-flow.ts).
// Two ways, both reported: (a) batches of BATCH commands of one type, timed with process.hrtime.bigint() and
// divided by BATCH (each sample is the mean of one batch: the timer's own ~30–60 ns stays out of the figure);
// (b) single-command batches, one timer pair per command (the timer's cost is included; the "timer" row shows
// it). The timed region is the whole batch interface: writing the records into the command area, process(),
// and reading the event count. The same operations through the reference book and nodejs-order-book give the
// ratios (their (a) figure: BATCH calls timed together).
//
//   node dist/bench/engine-latency.js [rounds=4000] [batch=16]
import os from 'node:os';
import { report, type BenchRow } from './lib/results.js';
import { CENTER, HALF_RANGE_TICKS, TICK, encodeAll, generateFlow, prng } from './engine-flow.js';
import { newPeerBook, runPeer, toPeerOps } from './engine-peer.js';
import { WasmEngine } from '../src/core/engine.js';
import { CMD_SIZE } from '../src/core/abi.js';
import { ReferenceBook } from '../src/reference/index.js';
import { CommandType, OrderType, Side, TimeInForce, type BookCommand, type NewOrder } from '../src/core/types.js';

const ROUNDS = Number(process.argv[2] ?? 4000);
const BATCH = Number(process.argv[3] ?? 16);
const OPS = ['passive add', 'aggressive add (fills)', 'cancel', 'modify (move)'] as const;
type Op = (typeof OPS)[number];

/** Something that runs a list of commands; prepare() happens outside the timed region. */
interface Driver {
  name: string;
  prepare(cmds: BookCommand[]): unknown;
  exec(prepared: unknown): void;
}

function oursDriver(): Driver & { engine: WasmEngine } {
  const engine = new WasmEngine({ maxOrders: 2048 });
  return {
    name: 'contango wasm',
    engine,
    prepare: (cmds) => encodeAll(cmds),
    exec: (p) => {
      const bytes = p as Uint8Array;
      const cap = engine.batchCapacity * CMD_SIZE;
      if (bytes.length <= cap) {
        engine.commandArea().set(bytes);
        if (engine.run(bytes.length / CMD_SIZE) === 0) throw new Error('no events');
        return;
      }
      for (let off = 0; off < bytes.length; off += cap) {
        const chunk = bytes.subarray(off, Math.min(bytes.length, off + cap));
        engine.commandArea().set(chunk);
        engine.run(chunk.length / CMD_SIZE);
      }
    },
  };
}
function referenceDriver(): Driver {
  const ref = new ReferenceBook();
  return { name: 'reference (TS)', prepare: (cmds) => cmds, exec: (p) => void ref.process(p as BookCommand[]) };
}
function peerDriver(): Driver {
  const book = newPeerBook();
  return { name: 'nodejs-order-book', prepare: (cmds) => toPeerOps(cmds), exec: (p) => void runPeer(book, p as ReturnType<typeof toPeerOps>) };
}

/** Round generator: per op, the untimed preparation commands and the timed commands of one round. */
function makeRounds(seed: number) {
  const rnd = prng(seed);
  let nextId = 10_000_000n;
  let ts = 10n ** 15n;
  const order = (side: Side, price: number, qty: number, tif: TimeInForce): NewOrder => ({
    type: CommandType.NewOrder, instrumentId: 1, orderId: nextId++, side, orderType: OrderType.Limit, tif, price,
    stopPrice: 0, qty, minQty: 0, displayQty: 0, account: 2, smpId: 0, flags: 0, expireTs: 0n, ts,
  });
  // far passive prices (20..375 ticks away) so the aggressive rounds never reach them
  const farPrice = (side: Side) => {
    const k = 20 + Math.floor(rnd() * (HALF_RANGE_TICKS - 20));
    return side === Side.Buy ? CENTER - k * TICK : CENTER + k * TICK;
  };
  const movers: { id: bigint; side: Side; qty: number }[] = [];
  const moverSetup: BookCommand[] = [];
  for (let i = 0; i < 256; i++) {
    const side = i % 2 ? Side.Sell : Side.Buy;
    const o = order(side, farPrice(side), 5, TimeInForce.GTC);
    movers.push({ id: o.orderId, side, qty: 5 });
    moverSetup.push(o);
  }
  let aggressiveSide = Side.Buy;
  const round = (op: Op, n: number): { before: BookCommand[]; timed: BookCommand[]; after: BookCommand[] } => {
    ts += 1000n;
    const timed: BookCommand[] = [];
    const before: BookCommand[] = [];
    const after: BookCommand[] = [];
    if (op === 'passive add') {
      for (let i = 0; i < n; i++) {
        const side = rnd() < 0.5 ? Side.Buy : Side.Sell;
        const o = order(side, farPrice(side), 1 + Math.floor(rnd() * 10), TimeInForce.GTC);
        timed.push(o);
        after.push({ type: CommandType.Cancel, orderId: o.orderId, ts });
      }
    } else if (op === 'cancel') {
      for (let i = 0; i < n; i++) {
        const side = rnd() < 0.5 ? Side.Buy : Side.Sell;
        const o = order(side, farPrice(side), 1 + Math.floor(rnd() * 10), TimeInForce.GTC);
        before.push(o);
        timed.push({ type: CommandType.Cancel, orderId: o.orderId, ts });
      }
    } else if (op === 'modify (move)') {
      for (let i = 0; i < n; i++) {
        const m = movers[Math.floor(rnd() * movers.length)]!;
        timed.push({ type: CommandType.Modify, orderId: m.id, price: farPrice(m.side), stopPrice: 0, qty: m.qty, ts });
      }
    } else {
      // liquidity one tick from the centre, then takers that fill against it (1–2 fills each)
      const side = aggressiveSide;
      aggressiveSide = side === Side.Buy ? Side.Sell : Side.Buy;
      const makerSide = side === Side.Buy ? Side.Sell : Side.Buy;
      const px = side === Side.Buy ? CENTER + TICK : CENTER - TICK;
      for (let i = 0; i < n; i++) before.push(order(makerSide, px, 4, TimeInForce.GTC));
      for (let i = 0; i < n; i++) timed.push(order(side, px, 4 + (i % 2) * 2 - (i === n - 1 ? 2 : 0), TimeInForce.FAK));
    }
    return { before, timed, after };
  };
  return { moverSetup, round };
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function measure(driver: Driver, op: Op, rounds: number, batch: number, setup: BookCommand[], seed: number): Float64Array {
  const g = makeRounds(seed);
  driver.exec(driver.prepare(setup));
  driver.exec(driver.prepare(g.moverSetup));
  const samples = new Float64Array(rounds);
  const warm = Math.min(500, rounds);
  for (let r = -warm; r < rounds; r++) {
    const { before, timed, after } = g.round(op, batch);
    if (before.length) driver.exec(driver.prepare(before));
    const p = driver.prepare(timed);
    const t0 = process.hrtime.bigint();
    driver.exec(p);
    const t1 = process.hrtime.bigint();
    if (after.length) driver.exec(driver.prepare(after));
    if (r >= 0) samples[r] = Number(t1 - t0) / batch;
  }
  return samples.sort();
}

function timerCost(n: number): Float64Array {
  const s = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    const t1 = process.hrtime.bigint();
    s[i] = Number(t1 - t0);
  }
  return s.sort();
}

function main(): void {
  const flow = generateFlow(20_000, 7); // a steady ~1,000-order book: setup + 20 k flow commands
  const setup = [...flow.setup, ...flow.commands];
  const rows: BenchRow[] = [];
  const p50s = new Map<string, number>();
  const add = (engine: string, mode: string, op: string, s: Float64Array) => {
    const row = {
      engine, mode, op, samples: s.length,
      'p50 ns': Number(percentile(s, 50).toFixed(1)),
      'p99 ns': Number(percentile(s, 99).toFixed(1)),
      'p99.9 ns': Number(percentile(s, 99.9).toFixed(1)),
    };
    rows.push(row);
    p50s.set(`${engine}|${mode}|${op}`, row['p50 ns']);
    console.log(`${engine} ${mode} ${op}: p50 ${row['p50 ns']} p99 ${row['p99 ns']} p99.9 ${row['p99.9 ns']} ns/cmd`);
  };
  OPS.forEach((op, i) => {
    add('contango wasm', `batch of ${BATCH}`, op, measure(oursDriver(), op, ROUNDS, BATCH, setup, 100 + i));
    add('contango wasm', 'batch of 1', op, measure(oursDriver(), op, ROUNDS * 4, 1, setup, 200 + i));
    add('reference (TS)', `batch of ${BATCH}`, op, measure(referenceDriver(), op, ROUNDS, BATCH, setup, 100 + i));
    add('nodejs-order-book', `${BATCH} calls`, op, measure(peerDriver(), op, Math.max(500, ROUNDS >> 2), BATCH, setup, 100 + i));
  });
  add('hrtime.bigint() pair', '-', 'timer cost', timerCost(100_000));
  const ratios: Record<string, { peerOverOurs: number; referenceOverOurs: number }> = {};
  for (const op of OPS) {
    const ours = p50s.get(`contango wasm|batch of ${BATCH}|${op}`)!;
    ratios[op] = {
      peerOverOurs: Number((p50s.get(`nodejs-order-book|${BATCH} calls|${op}`)! / ours).toFixed(1)),
      referenceOverOurs: Number((p50s.get(`reference (TS)|batch of ${BATCH}|${op}`)! / ours).toFixed(1)),
    };
  }
  console.log('p50 ratios (how many times faster ours is):', JSON.stringify(ratios));
  report('engine-latency', rows, { rounds: ROUNDS, batch: BATCH, ratiosAtP50: ratios, targets: { p99Ns: 1000 }, loadAverage: os.loadavg() });
}

main();
