// Pins every offset and size of docs/abi.md against src/core/abi.ts AND the real module: commands are written
// byte by byte at the documented offsets (not through the encoder) and the events and query records are read
// back at documented offsets.
import { describe, expect, it } from 'vitest';
import {
  ABI_VERSION, CMD, CMD_SIZE, EVT, EVT_SIZE, LEVEL, LEVEL_SIZE, ORDER, ORDER_SIZE, TOP, TOP_SIZE, encodeCommand,
} from '../../src/core/abi.js';
import { instantiateEngine, moduleInterface } from '../../src/core/loader.js';
import { CommandType, OrderType, Side, TimeInForce, TradingState } from '../../src/core/types.js';

describe('ABI layout (docs/abi.md)', () => {
  it('sizes and offsets in abi.ts match the document', () => {
    expect([CMD_SIZE, EVT_SIZE, TOP_SIZE, LEVEL_SIZE, ORDER_SIZE, ABI_VERSION]).toEqual([80, 64, 48, 32, 64, 1]);
    expect(CMD).toEqual({
      type: 0, side: 1, matchAlgorithm: 1, state: 2, setState: 1, orderType: 2, tif: 3, instrumentId: 4, orderId: 8,
      tickSize: 8, price: 16, referencePrice: 16, stopPrice: 24, bandTicks: 24, protectionTicks: 28, qty: 32,
      maxOrderQty: 32, minQty: 36, displayQty: 40, account: 44, smpId: 48, flags: 52, expireTs: 56, ts: 72,
    });
    expect(EVT).toEqual({
      type: 0, side: 1, reason: 2, orderType: 3, instrumentId: 4, orderId: 8, aux: 16, price: 24, qty: 32, leaves: 36,
      makerLeaves: 40, cmdIndex: 44, ts: 48, seq: 56,
    });
    expect(TOP).toEqual({ bidPrice: 0, bidQty: 8, bidOrders: 16, askPrice: 24, askQty: 32, askOrders: 40, state: 44 });
    expect(LEVEL).toEqual({ price: 0, visibleQty: 8, totalQty: 16, orders: 24 });
    expect(ORDER).toEqual({
      orderId: 0, price: 8, stopPrice: 16, instrumentId: 24, leaves: 28, visible: 32, displayQty: 36, account: 40,
      smpId: 44, side: 48, orderType: 49, tif: 50, status: 51, flags: 52, expireTs: 56,
    });
  });

  it('imports nothing but (optionally) env.abort and exports the documented functions', () => {
    for (const build of ['release', 'debug'] as const) {
      const { imports, exports } = moduleInterface(build);
      for (const i of imports) expect(`${i.module}.${i.name}:${i.kind}`).toBe('env.abort:function');
      const names = exports.map((e) => e.name);
      for (const n of [
        'memory', 'init', 'reset', 'cmdPtr', 'cmdCapacity', 'evtPtr', 'evtCapacity', 'process', 'qryPtr', 'top', 'depth',
        'orderState', 'bookHash', 'liveOrders', 'abiVersion', 'validateInternalState',
      ]) expect(names).toContain(n);
    }
  });

  it('the module reads commands and writes events/queries at the documented offsets', () => {
    const ex = instantiateEngine('release');
    expect(ex.init(100, 4)).toBe(1);
    expect(ex.abiVersion()).toBe(1);
    expect(ex.cmdCapacity()).toBeGreaterThanOrEqual(1024);
    expect(ex.evtCapacity()).toBeGreaterThanOrEqual(1024);
    let dv = new DataView(ex.memory.buffer);
    const c = ex.cmdPtr();
    new Uint8Array(ex.memory.buffer, c, 80 * 4).fill(0);
    // DEFINE_INSTRUMENT at documented offsets
    dv.setUint8(c + 0, 1);
    dv.setUint8(c + 1, 0);
    dv.setUint8(c + 2, 2);
    dv.setUint32(c + 4, 77, true);
    dv.setBigInt64(c + 8, 25n, true);
    dv.setBigInt64(c + 16, 1000n, true);
    dv.setUint32(c + 24, 0, true);
    dv.setUint32(c + 28, 4, true);
    dv.setUint32(c + 32, 500, true);
    dv.setBigUint64(c + 72, 11n, true);
    // NEW_ORDER (STOP_LIMIT would need a trade; use a LIMIT iceberg GTD with every field set)
    const o = c + 80;
    dv.setUint8(o + 0, 2);
    dv.setUint8(o + 1, 2); // sell
    dv.setUint8(o + 2, 1); // limit
    dv.setUint8(o + 3, 2); // GTD
    dv.setUint32(o + 4, 77, true);
    dv.setBigUint64(o + 8, 0xfedcba9876543210n, true);
    dv.setBigInt64(o + 16, 1050n, true);
    dv.setBigInt64(o + 24, 0n, true);
    dv.setUint32(o + 32, 40, true);
    dv.setUint32(o + 36, 0, true);
    dv.setUint32(o + 40, 10, true);
    dv.setUint32(o + 44, 12345, true);
    dv.setUint32(o + 48, 678, true);
    dv.setUint8(o + 52, 1); // post-only
    dv.setBigUint64(o + 56, 999_999n, true);
    dv.setBigUint64(o + 72, 12n, true);
    // NEW_ORDER buy FAK crossing 15 lots
    const b = c + 160;
    dv.setUint8(b + 0, 2);
    dv.setUint8(b + 1, 1);
    dv.setUint8(b + 2, 1);
    dv.setUint8(b + 3, 3);
    dv.setUint32(b + 4, 77, true);
    dv.setBigUint64(b + 8, 5n, true);
    dv.setBigInt64(b + 16, 1100n, true);
    dv.setUint32(b + 32, 15, true);
    dv.setBigUint64(b + 72, 13n, true);
    // unknown command type
    dv.setUint8(c + 240, 99);
    dv.setBigUint64(c + 240 + 72, 14n, true);
    const n = ex.process(4);
    dv = new DataView(ex.memory.buffer);
    const e = ex.evtPtr();
    const ev = (i: number, off: number, w: 1 | 4 | 8) =>
      w === 1 ? dv.getUint8(e + i * 64 + off) : w === 4 ? dv.getUint32(e + i * 64 + off, true) : dv.getBigUint64(e + i * 64 + off, true);
    // DEFINED, ACCEPTED(sell), ACCEPTED(buy), FILL 10, FILL 5 (after refill), CANCELLED? no: 15 filled fully; REJECTED
    const types = Array.from({ length: n }, (_, i) => ev(i, 0, 1));
    expect(types).toEqual([8, 1, 1, 3, 3, 2]);
    expect(ev(0, 4, 4)).toBe(77);
    expect(ev(0, 24, 8)).toBe(1000n);
    expect(ev(0, 48, 8)).toBe(11n);
    expect(ev(0, 56, 8)).toBe(1n); // seq from 1
    expect([ev(1, 1, 1), ev(1, 3, 1), ev(1, 8, 8), ev(1, 24, 8), ev(1, 32, 4), ev(1, 36, 4), ev(1, 44, 4)]).toEqual([
      2, 1, 0xfedcba9876543210n, 1050n, 40, 40, 1,
    ]);
    // first fill: taker 5, maker the sell, 10 (visible slice) @1050, taker leaves 5, maker leaves 30
    expect([ev(3, 1, 1), ev(3, 8, 8), ev(3, 16, 8), ev(3, 24, 8), ev(3, 32, 4), ev(3, 36, 4), ev(3, 40, 4)]).toEqual([
      1, 5n, 0xfedcba9876543210n, 1050n, 10, 5, 30,
    ]);
    expect([ev(4, 32, 4), ev(4, 36, 4), ev(4, 40, 4), ev(4, 44, 4)]).toEqual([5, 0, 25, 2]);
    expect([ev(5, 2, 1), ev(5, 44, 4), ev(5, 48, 8), ev(5, 56, 8)]).toEqual([23, 3, 14n, 6n]);
    // ORDER record
    expect(ex.orderState(0xfedcba9876543210n)).toBe(1);
    const q = ex.qryPtr();
    expect(dv.getBigUint64(q + 0, true)).toBe(0xfedcba9876543210n);
    expect(dv.getBigInt64(q + 8, true)).toBe(1050n);
    expect(dv.getBigInt64(q + 16, true)).toBe(0n);
    expect(dv.getUint32(q + 24, true)).toBe(77);
    expect(dv.getUint32(q + 28, true)).toBe(25);
    expect(dv.getUint32(q + 32, true)).toBe(5);
    expect(dv.getUint32(q + 36, true)).toBe(10);
    expect(dv.getUint32(q + 40, true)).toBe(12345);
    expect(dv.getUint32(q + 44, true)).toBe(678);
    expect([dv.getUint8(q + 48), dv.getUint8(q + 49), dv.getUint8(q + 50), dv.getUint8(q + 51), dv.getUint8(q + 52)]).toEqual([
      2, 1, 2, 1, 1,
    ]);
    expect(dv.getBigUint64(q + 56, true)).toBe(999_999n);
    // TOP record
    expect(ex.top(77)).toBe(1);
    expect(dv.getBigInt64(q + 0, true)).toBe(-(2n ** 63n));
    expect(dv.getBigUint64(q + 8, true)).toBe(0n);
    expect(dv.getUint32(q + 16, true)).toBe(0);
    expect(dv.getBigInt64(q + 24, true)).toBe(1050n);
    expect(dv.getBigUint64(q + 32, true)).toBe(5n);
    expect(dv.getUint32(q + 40, true)).toBe(1);
    expect(dv.getUint8(q + 44)).toBe(2);
    expect(ex.top(78)).toBe(0);
    // LEVEL record
    expect(ex.depth(77, 2, 10, c)).toBe(1);
    expect(dv.getBigInt64(c + 0, true)).toBe(1050n);
    expect(dv.getBigUint64(c + 8, true)).toBe(5n);
    expect(dv.getBigUint64(c + 16, true)).toBe(25n);
    expect(dv.getUint32(c + 24, true)).toBe(1);
    expect(ex.liveOrders()).toBe(1);
    expect(ex.validateInternalState()).toBe(0);
  });

  it('abi.ts encodes every command field at its documented offset', () => {
    const dv = new DataView(new ArrayBuffer(80));
    encodeCommand(dv, 0, {
      type: CommandType.NewOrder, instrumentId: 9, orderId: 2n ** 64n - 1n, side: Side.Sell, orderType: OrderType.StopLimit,
      tif: TimeInForce.GTD, price: -(2 ** 53 - 1), stopPrice: 2 ** 53 - 1, qty: 7, minQty: 3, displayQty: 2, account: 4,
      smpId: 5, flags: 3, expireTs: 6n, ts: 8n,
    });
    expect([dv.getUint8(0), dv.getUint8(1), dv.getUint8(2), dv.getUint8(3), dv.getUint32(4, true)]).toEqual([2, 2, 5, 2, 9]);
    expect(dv.getBigUint64(8, true)).toBe(2n ** 64n - 1n);
    expect(dv.getBigInt64(16, true)).toBe(-(2n ** 53n - 1n));
    expect(dv.getBigInt64(24, true)).toBe(2n ** 53n - 1n);
    expect([32, 36, 40, 44, 48].map((o) => dv.getUint32(o, true))).toEqual([7, 3, 2, 4, 5]);
    expect(dv.getUint8(52)).toBe(3);
    expect(dv.getBigUint64(56, true)).toBe(6n);
    expect(dv.getBigUint64(72, true)).toBe(8n);
    encodeCommand(dv, 0, {
      type: CommandType.DefineInstrument, instrumentId: 3, tickSize: 250_000_000, referencePrice: undefined, bandTicks: 100,
      protectionTicks: 20, maxOrderQty: 1000, matchAlgorithm: 0, state: TradingState.PreOpen, ts: 1n,
    });
    expect([dv.getUint8(0), dv.getUint8(1), dv.getUint8(2), dv.getUint32(4, true)]).toEqual([1, 0, 1, 3]);
    expect(dv.getBigInt64(8, true)).toBe(250_000_000n);
    expect(dv.getBigInt64(16, true)).toBe(2n ** 63n - 1n);
    expect([24, 28, 32].map((o) => dv.getUint32(o, true))).toEqual([100, 20, 1000]);
    encodeCommand(dv, 0, { type: CommandType.SetState, instrumentId: 3, state: 2, ts: 5n });
    expect([dv.getUint8(0), dv.getUint8(1), dv.getUint32(4, true)]).toEqual([6, 2, 3]);
    encodeCommand(dv, 0, { type: CommandType.MassCancel, instrumentId: 0xffffffff, account: 42, ts: 5n });
    expect([dv.getUint8(0), dv.getUint32(4, true), dv.getUint32(44, true)]).toEqual([5, 0xffffffff, 42]);
    encodeCommand(dv, 0, { type: CommandType.Modify, orderId: 12n, price: 100, stopPrice: 90, qty: 4, ts: 5n });
    expect([dv.getUint8(0), Number(dv.getBigUint64(8, true)), Number(dv.getBigInt64(16, true)), Number(dv.getBigInt64(24, true)), dv.getUint32(32, true)]).toEqual([4, 12, 100, 90, 4]);
  });
});
