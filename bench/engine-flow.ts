// The exchange-core-shaped order flow shared by the engine benchmarks: one ES-like instrument (tick 0.25 =
// 250,000,000 price units), ~1,000 resting GTC orders over ~750 price levels around a fixed centre, then a
// command mix of 9 % GTC adds, 3 % IOC (FAK) takers, 6 % cancels and 82 % modifies that move an order to a
// new passive price on its own side. The stream is generated against a shadow engine so cancels and moves
// always target live orders; every engine under test then replays the identical stream.
import { WasmEngine } from '../src/core/engine.js';
import { CMD_SIZE, encodeCommand } from '../src/core/abi.js';
import {
  CommandType, EventType, OrderType, Side, TimeInForce, TradingState, type BookCommand, type NewOrder,
} from '../src/core/types.js';

export const TICK = 250_000_000;
export const CENTER = 4_800 * 1_000_000_000; // ES 4800.00
export const HALF_RANGE_TICKS = 375; // 750 price levels in all
export const TARGET_ORDERS = 1_000;

export enum OpKind {
  Add = 1,
  Ioc = 2,
  Cancel = 3,
  Move = 4,
}

export interface Flow {
  /** instrument definition + the initial book */
  setup: BookCommand[];
  /** the measured stream */
  commands: BookCommand[];
  /** operation kind per measured command */
  kinds: Uint8Array;
  /** setup and commands pre-encoded as 80-byte records */
  setupBytes: Uint8Array;
  bytes: Uint8Array;
  /** live orders after the setup and, at the end, in the shadow engine (book shape check) */
  liveAfterSetup: number;
  liveAtEnd: number;
  levelsAtEnd: number;
}

/** Deterministic PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function encodeAll(cmds: readonly BookCommand[]): Uint8Array {
  const bytes = new Uint8Array(cmds.length * CMD_SIZE);
  const dv = new DataView(bytes.buffer);
  cmds.forEach((c, i) => encodeCommand(dv, i * CMD_SIZE, c));
  return bytes;
}

/** A passive price on this side: bids in [centre − 375, centre − 1] ticks, asks in [centre + 1, centre + 375]. */
function passivePrice(side: Side, rnd: () => number): number {
  const k = 1 + Math.floor(rnd() * HALF_RANGE_TICKS);
  return side === Side.Buy ? CENTER - k * TICK : CENTER + k * TICK;
}

export function generateFlow(count: number, seed = 42): Flow {
  const rnd = prng(seed);
  const shadow = new WasmEngine({ maxOrders: 4096 });
  let nextId = 1n;
  let ts = 1_000_000_000n;
  // live orders: id → {side, price, qty}; ids array with index map for O(1) random pick and removal
  const ids: bigint[] = [];
  const index = new Map<bigint, number>();
  const info = new Map<bigint, { side: Side; qty: number }>();
  const addLive = (id: bigint, side: Side, qty: number) => {
    index.set(id, ids.length);
    ids.push(id);
    info.set(id, { side, qty });
  };
  const removeLive = (id: bigint) => {
    const i = index.get(id);
    if (i === undefined) return;
    const last = ids.pop()!;
    if (last !== id) {
      ids[i] = last;
      index.set(last, i);
    }
    index.delete(id);
    info.delete(id);
  };
  const newOrder = (side: Side, price: number, qty: number, tif: TimeInForce): NewOrder => ({
    type: CommandType.NewOrder, instrumentId: 1, orderId: nextId++, side, orderType: OrderType.Limit, tif, price,
    stopPrice: 0, qty, minQty: 0, displayQty: 0, account: 1, smpId: 0, flags: 0, expireTs: 0n, ts,
  });
  const apply = (c: BookCommand) => {
    for (const e of shadow.process([c])) {
      if (e.type === EventType.Accepted && c.type === CommandType.NewOrder && c.tif === TimeInForce.GTC) addLive(e.orderId, c.side, c.qty);
      else if (e.type === EventType.Fill) {
        if (e.makerLeaves === 0) removeLive(e.aux);
        else info.get(e.aux)!.qty = e.makerLeaves;
        if (e.leaves === 0) removeLive(e.orderId);
      } else if (e.type === EventType.Cancelled) removeLive(e.orderId);
    }
  };

  const setup: BookCommand[] = [
    {
      type: CommandType.DefineInstrument, instrumentId: 1, tickSize: TICK, referencePrice: CENTER, bandTicks: 0,
      protectionTicks: 10, maxOrderQty: 1_000_000, matchAlgorithm: 0, state: TradingState.Open, ts,
    },
  ];
  apply(setup[0]!);
  for (let i = 0; i < TARGET_ORDERS; i++) {
    const side = i % 2 === 0 ? Side.Buy : Side.Sell;
    const c = newOrder(side, passivePrice(side, rnd), 1 + Math.floor(rnd() * 10), TimeInForce.GTC);
    setup.push(c);
    apply(c);
  }
  const liveAfterSetup = shadow.liveOrders();

  const commands: BookCommand[] = new Array(count);
  const kinds = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    ts += 1000n;
    const u = rnd() * 100;
    let kind = u < 9 ? OpKind.Add : u < 12 ? OpKind.Ioc : u < 18 ? OpKind.Cancel : OpKind.Move;
    // keep the book near its target size, as exchange-core's generator does
    if (kind === OpKind.Cancel && ids.length < TARGET_ORDERS * 0.9) kind = OpKind.Add;
    else if (kind === OpKind.Add && ids.length > TARGET_ORDERS * 1.1) kind = OpKind.Cancel;
    if (ids.length === 0) kind = OpKind.Add;
    let c: BookCommand;
    if (kind === OpKind.Add) {
      const side = rnd() < 0.5 ? Side.Buy : Side.Sell;
      c = newOrder(side, passivePrice(side, rnd), 1 + Math.floor(rnd() * 10), TimeInForce.GTC);
    } else if (kind === OpKind.Ioc) {
      const side = rnd() < 0.5 ? Side.Buy : Side.Sell;
      const through = (1 + Math.floor(rnd() * 4)) * TICK;
      const top = shadow.top(1)!;
      const px = side === Side.Buy ? (top.askPrice ?? CENTER) + through : (top.bidPrice ?? CENTER) - through;
      c = newOrder(side, px, 1 + Math.floor(rnd() * 10), TimeInForce.FAK);
    } else {
      const id = ids[Math.floor(rnd() * ids.length)]!;
      if (kind === OpKind.Cancel) c = { type: CommandType.Cancel, orderId: id, ts };
      else {
        const o = info.get(id)!;
        c = { type: CommandType.Modify, orderId: id, price: passivePrice(o.side, rnd), stopPrice: 0, qty: o.qty, ts };
      }
    }
    commands[i] = c;
    kinds[i] = kind;
    apply(c);
  }
  let levels = 0;
  levels += shadow.depth(1, Side.Buy, 10_000).length;
  levels += shadow.depth(1, Side.Sell, 10_000).length;
  return {
    setup, commands, kinds, setupBytes: encodeAll(setup), bytes: encodeAll(commands), liveAfterSetup,
    liveAtEnd: shadow.liveOrders(), levelsAtEnd: levels,
  };
}
