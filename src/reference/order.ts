// One live order of the reference book: a resting limit order or an untriggered stop.
// Plain mutable record; the book (reference-book.ts) owns every change to it.
import type { OrderType, Side, TimeInForce } from '../core/types.js';

export interface RefOrder {
  readonly id: bigint;
  readonly instrumentId: number;
  readonly side: Side;
  /** The type it was entered with, for its whole life (docs/matching-rules.md §3 clarification). */
  readonly orderType: OrderType;
  readonly tif: TimeInForce;
  /** Limit in force; for an untriggered STOP its would-be protection limit. */
  price: number;
  /** 0 unless orderType is STOP or STOP_LIMIT. */
  stopPrice: number;
  /** Open quantity, visible + hidden. */
  leaves: number;
  /** Shown quantity while resting; 0 for an untriggered stop. */
  visible: number;
  readonly displayQty: number;
  readonly account: number;
  readonly smpId: number;
  readonly flags: number;
  /** 0n unless tif is GTD. */
  readonly expireTs: bigint;
  /** Acceptance sequence (§9): orders mass cancels, expiries and election ties. */
  seq: number;
  status: 'resting' | 'stop';
}

/** Visible quantity of an order entering (or re-entering) a level: the iceberg rule of §2 rule 8. */
export function enteringVisible(order: RefOrder): number {
  return order.displayQty > 0 ? Math.min(order.displayQty, order.leaves) : order.leaves;
}
