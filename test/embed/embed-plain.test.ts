// examples/embed-js/minimal.mjs (the plain-WebAssembly snippet of docs/embedding.md) runs as written and
// agrees with the WasmEngine on the same three commands.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { WasmEngine } from '../../src/core/engine.js';
import { CommandType, OrderType, Side, TimeInForce, TradingState, type NewOrder } from '../../src/core/types.js';

const SCRIPT = fileURLToPath(new URL('../../examples/embed-js/minimal.mjs', import.meta.url));

const limit = (orderId: bigint, side: Side, qty: number, price: number, ts: bigint): NewOrder => ({
  type: CommandType.NewOrder, instrumentId: 1, orderId, side, orderType: OrderType.Limit, tif: TimeInForce.GTC,
  price, stopPrice: 0, qty, minQty: 0, displayQty: 0, account: 0, smpId: 0, flags: 0, expireTs: 0n, ts,
});

describe('plain WebAssembly host (examples/embed-js/minimal.mjs)', () => {
  it('prints the events of a define, a resting sell and a crossing buy, and the engine’s book hash', () => {
    const r = spawnSync(process.execPath, [SCRIPT], { encoding: 'utf8', timeout: 30_000 });
    expect(r.stderr).toBe('');
    const lines = r.stdout.trim().split('\n');
    const engine = new WasmEngine();
    engine.process([
      {
        type: CommandType.DefineInstrument, instrumentId: 1, tickSize: 1, referencePrice: undefined, bandTicks: 0,
        protectionTicks: 10, maxOrderQty: 1000, matchAlgorithm: 0, state: TradingState.Open, ts: 0n,
      },
      limit(1n, Side.Sell, 5, 100, 1n),
      limit(2n, Side.Buy, 3, 101, 2n),
    ]);
    expect(lines).toEqual([
      'INSTRUMENT_DEFINED #0 qty 0 price 0',
      'ACCEPTED #1 qty 5 price 100',
      'ACCEPTED #2 qty 3 price 101',
      'FILL taker #2 maker #1 3 @ 100 (taker leaves 0)',
      `bookHash 0x${engine.bookHash().toString(16).padStart(16, '0')}`,
    ]);
  });
});
