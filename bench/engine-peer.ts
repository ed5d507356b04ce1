// Drivers that replay a BookCommand stream through the peer (npm nodejs-order-book) and through the
// TypeScript reference book, for side-by-side benchmarks. Peer arguments are prepared before timing.
import { OrderBook, Side as PeerSide, type LimitOrderOptions } from 'nodejs-order-book';
import { CommandType, Side, TimeInForce, type BookCommand } from '../src/core/types.js';

export type PeerOp =
  | { k: 1; o: LimitOrderOptions }
  | { k: 2; id: string }
  | { k: 3; id: string; price: number; size: number };

/** Translate our commands to the peer's calls (limit GTC/IOC, cancel, modify price+size). */
export function toPeerOps(cmds: readonly BookCommand[]): PeerOp[] {
  // the peer has a single implicit instrument: definitions have no counterpart
  return cmds.filter((c) => c.type !== CommandType.DefineInstrument).map((c): PeerOp => {
    switch (c.type) {
      case CommandType.NewOrder:
        return {
          k: 1,
          o: {
            id: String(c.orderId), side: c.side === Side.Buy ? PeerSide.BUY : PeerSide.SELL, size: c.qty, price: c.price,
            timeInForce: (c.tif === TimeInForce.FAK ? 'IOC' : 'GTC') as LimitOrderOptions['timeInForce'],
          },
        };
      case CommandType.Cancel:
        return { k: 2, id: String(c.orderId) };
      case CommandType.Modify:
        return { k: 3, id: String(c.orderId), price: c.price, size: c.qty };
      default:
        throw new Error(`peer benchmark: command type ${c.type} not supported`);
    }
  });
}

/** Run ops[from, to) on the peer book; returns a checksum so the work cannot be optimised away. */
export function runPeer(book: OrderBook, ops: readonly PeerOp[], from = 0, to = ops.length): number {
  let sum = 0;
  for (let i = from; i < to; i++) {
    const op = ops[i]!;
    if (op.k === 1) sum += book.limit(op.o).done.length;
    else if (op.k === 2) sum += book.cancel(op.id) ? 1 : 0;
    else sum += book.modify(op.id, { price: op.price, size: op.size }).done.length;
  }
  return sum;
}

export function newPeerBook(): OrderBook {
  return new OrderBook();
}
