// The obvious Databento book builder (Maps and sorting, one object per order), the reference the WebAssembly
// replay is tested against: A adds; C removes `size` (all of it when size ≥ leaves); M changes price and
// size (an unknown id is an add); R clears the instrument; T, F, N change nothing. Levels aggregate
// size and order count. Slow by design; tests only.
import { UNDEF_PRICE } from '../data/batch.js';

interface RefOrder {
  instrumentId: number;
  side: number; // 'B' 66 / 'A' 65
  price: bigint;
  size: number;
}

export interface RefLevel {
  price: bigint;
  size: number;
  count: number;
}

export class ReferenceMboBook {
  private readonly orders = new Map<bigint, RefOrder>();
  unknownCancels = 0;
  negativeSizes = 0;

  apply(instrumentId: number, action: number, side: number, orderId: bigint, price: bigint, size: number): void {
    switch (action) {
      case 65: // A
        if (price === UNDEF_PRICE || size === 0 || (side !== 65 && side !== 66)) return;
        this.orders.set(orderId, { instrumentId, side, price, size });
        return;
      case 67: {
        // C
        const o = this.orders.get(orderId);
        if (!o) {
          this.unknownCancels++;
          return;
        }
        if (size > o.size) this.negativeSizes++;
        o.size -= Math.min(size, o.size);
        if (o.size === 0) this.orders.delete(orderId);
        return;
      }
      case 77: {
        // M
        const o = this.orders.get(orderId);
        if (!o) {
          this.apply(instrumentId, 65, side, orderId, price, size);
          return;
        }
        if (size === 0) {
          this.orders.delete(orderId);
          return;
        }
        // losing priority matters for queues, not for aggregated levels
        o.price = price;
        o.size = size;
        o.side = side;
        return;
      }
      case 82: // R
        for (const [id, o] of this.orders) if (o.instrumentId === instrumentId) this.orders.delete(id);
        return;
      default:
        return;
    }
  }

  /** Best `n` levels of one side ('B' bids best first, 'A' asks best first). */
  levels(instrumentId: number, side: 'B' | 'A', n: number): RefLevel[] {
    const code = side === 'B' ? 66 : 65;
    const byPrice = new Map<bigint, RefLevel>();
    for (const o of this.orders.values()) {
      if (o.instrumentId !== instrumentId || o.side !== code) continue;
      const l = byPrice.get(o.price) ?? { price: o.price, size: 0, count: 0 };
      l.size += o.size;
      l.count++;
      byPrice.set(o.price, l);
    }
    const all = [...byPrice.values()].sort((a, b) => (a.price < b.price ? -1 : a.price > b.price ? 1 : 0));
    if (side === 'B') all.reverse();
    return all.slice(0, n);
  }

  orderCount(instrumentId: number): number {
    let n = 0;
    for (const o of this.orders.values()) if (o.instrumentId === instrumentId) n++;
    return n;
  }
}
