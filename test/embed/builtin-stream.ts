// The built-in command stream of examples/embed-c/host.c (builtin_command), command for command, as
// BookCommand objects: the embed test runs it through the JavaScript WasmEngine and compares with the C host.
// Keep the two in step: same xorshift32 draws in the same order.
import { CommandType, OrderType, Side, TimeInForce, TradingState, type BookCommand } from '../../src/core/types.js';

export function* builtinStream(n: number): Generator<BookCommand> {
  let x = 2463534242 | 0;
  const rnd = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
  const ids: bigint[] = [];
  const insOf: number[] = [];
  let nextId = 0n;
  const half = Math.floor(n / 2);
  const threeQuarters = Math.floor((n * 3) / 4);
  for (let i = 0; i < n; i++) {
    const ts = BigInt(i) * 1000n;
    if (i < 2) {
      const second = i === 1;
      yield {
        type: CommandType.DefineInstrument,
        instrumentId: second ? 2 : 1,
        tickSize: second ? 5 : 1,
        referencePrice: second ? 5000 : undefined,
        bandTicks: second ? 100 : 0,
        protectionTicks: 10,
        maxOrderQty: 1000,
        matchAlgorithm: 0,
        state: second ? TradingState.PreOpen : TradingState.Open,
        ts,
      };
      continue;
    }
    if (i === half || i === threeQuarters) {
      yield { type: CommandType.SetState, instrumentId: 2, state: i === half ? TradingState.Halted : TradingState.Open, ts };
      continue;
    }
    const kind = rnd() % 100;
    if (kind < 45 || ids.length === 0) {
      const ins = rnd() % 10 === 0 ? 2 : 1;
      const side = 1 + (rnd() & 1);
      const tick = ins === 1 ? 1 : 5;
      const centre = ins === 1 ? 1000 : 5000;
      const off = (rnd() % 41) - 20 + (side === Side.Buy ? -2 : 2);
      const qty = 1 + (rnd() % 20);
      const tif = rnd() % 8 === 0 ? TimeInForce.FAK : TimeInForce.GTC;
      const displayQty = rnd() % 16 === 0 ? 2 : 0;
      const orderId = ++nextId;
      ids.push(orderId);
      insOf.push(ins);
      yield {
        type: CommandType.NewOrder,
        instrumentId: ins,
        orderId,
        side: side as Side,
        orderType: OrderType.Limit,
        tif,
        price: centre + off * tick,
        stopPrice: 0,
        qty,
        minQty: 0,
        displayQty,
        account: 1 + (rnd() % 4),
        smpId: 0,
        flags: 0,
        expireTs: 0n,
        ts,
      };
    } else if (kind < 60) {
      yield { type: CommandType.Cancel, orderId: ids[rnd() % ids.length]!, ts };
    } else {
      const k = rnd() % ids.length;
      const tick = insOf[k] === 1 ? 1 : 5;
      const centre = insOf[k] === 1 ? 1000 : 5000;
      const off = (rnd() % 41) - 20;
      yield { type: CommandType.Modify, orderId: ids[k]!, price: centre + off * tick, stopPrice: 0, qty: 1 + (rnd() % 20), ts };
    }
  }
}
