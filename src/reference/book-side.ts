// One side of one instrument's book: price levels kept sorted best first, each level a FIFO queue.
// Arrays and binary search: clear rather than fast (the WebAssembly engine is the fast one).
import { Side } from '../core/types.js';
import type { RefOrder } from './order.js';

export interface PriceLevel {
  readonly price: number;
  /** Strict time priority: index 0 is the head. */
  readonly queue: RefOrder[];
}

export class BookSide {
  /** Best first: bids by descending price, asks by ascending price. */
  readonly levels: PriceLevel[] = [];

  constructor(readonly side: Side.Buy | Side.Sell) {}

  /** True when price p ranks ahead of price q on this side. */
  better(p: number, q: number): boolean {
    return this.side === Side.Buy ? p > q : p < q;
  }

  best(): PriceLevel | undefined {
    return this.levels[0];
  }

  isEmpty(): boolean {
    return this.levels.length === 0;
  }

  /** Index of the level at `price`, or where it would be inserted. */
  private search(price: number): { index: number; found: boolean } {
    let lo = 0;
    let hi = this.levels.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const p = this.levels[mid]!.price;
      if (p === price) return { index: mid, found: true };
      if (this.better(p, price)) lo = mid + 1;
      else hi = mid;
    }
    return { index: lo, found: false };
  }

  /** Appends the order at the back of its price level (creating the level if needed). */
  pushBack(order: RefOrder): void {
    const { index, found } = this.search(order.price);
    if (found) this.levels[index]!.queue.push(order);
    else this.levels.splice(index, 0, { price: order.price, queue: [order] });
  }

  /** Takes the order out of its level (dropping the level when it empties). */
  remove(order: RefOrder): void {
    const { index, found } = this.search(order.price);
    if (!found) throw new Error(`reference book: order ${order.id} not at level ${order.price}`);
    const level = this.levels[index]!;
    const at = level.queue.indexOf(order);
    if (at < 0) throw new Error(`reference book: order ${order.id} missing from its level`);
    level.queue.splice(at, 1);
    if (level.queue.length === 0) this.levels.splice(index, 1);
  }

  /** Every resting order in priority order. */
  *orders(): IterableIterator<RefOrder> {
    for (const level of this.levels) yield* level.queue;
  }
}
