// One instrument hosted by the reference book: its definition, trading state, both sides of the book and
// its stop book (docs/matching-rules.md §1, §5, §6).
import { Side, TradingState, type DefineInstrument } from '../core/types.js';
import { BookSide } from './book-side.js';
import type { RefOrder } from './order.js';

export class RefInstrument {
  readonly id: number;
  readonly tickSize: number;
  /** The definition's reference price, or undefined (no banding reference until a trade). */
  readonly definedReference: number | undefined;
  readonly bandTicks: number;
  readonly protectionTicks: number;
  readonly maxOrderQty: number;
  state: TradingState;
  lastTrade: number | undefined = undefined;
  readonly bids = new BookSide(Side.Buy);
  readonly asks = new BookSide(Side.Sell);
  /** Untriggered stops by order id. */
  readonly stops = new Map<bigint, RefOrder>();

  constructor(def: DefineInstrument) {
    this.id = def.instrumentId;
    this.tickSize = def.tickSize;
    this.definedReference = def.referencePrice;
    this.bandTicks = def.bandTicks;
    this.protectionTicks = def.protectionTicks;
    this.maxOrderQty = def.maxOrderQty;
    this.state = def.state;
  }

  /** The band reference of §6: the definition's until the first trade, then the last trade price. */
  get reference(): number | undefined {
    return this.lastTrade ?? this.definedReference;
  }

  side(side: Side): BookSide {
    return side === Side.Buy ? this.bids : this.asks;
  }

  opposite(side: Side): BookSide {
    return side === Side.Buy ? this.asks : this.bids;
  }
}
