// What an L3 strategy sees of the replayed order book (ctx.book): the best N levels per side in ticks, lots and
// order counts, taken just after a LAST record (or at a sampling instant), and the model's queue position of
// its own resting orders. One object, refilled in place at every update: copy what you keep.

export class BookState {
  /** levels per side captured (execution.l3.levels) */
  readonly depth: number;
  /** best first; beyond bidLevels / askLevels the price is NaN and sizes 0 */
  readonly bidPx: Float64Array;
  readonly bidSz: Float64Array;
  readonly bidCt: Float64Array;
  readonly askPx: Float64Array;
  readonly askSz: Float64Array;
  readonly askCt: Float64Array;
  bidLevels = 0;
  askLevels = 0;
  /** exchange time (ts_event) of the book state, ns */
  ts = 0n;
  /** when the strategy hears of it: ts + market-data latency (the strategy's clock), ns */
  now = 0n;
  /** how many updates were delivered before this one */
  seq = -1;
  /** @internal set by the engine: lots ahead of an own resting order, or -1 */
  queueAheadOf: (orderId: number) => number = () => -1;

  constructor(depth: number) {
    this.depth = depth;
    this.bidPx = new Float64Array(depth).fill(NaN);
    this.bidSz = new Float64Array(depth);
    this.bidCt = new Float64Array(depth);
    this.askPx = new Float64Array(depth).fill(NaN);
    this.askSz = new Float64Array(depth);
    this.askCt = new Float64Array(depth);
  }

  /** best bid in ticks, NaN when the side is empty */
  get bestBid(): number {
    return this.bidPx[0]!;
  }
  get bestAsk(): number {
    return this.askPx[0]!;
  }
  /** (bid + ask) / 2 in ticks (may be a half tick); NaN when a side is empty */
  get mid(): number {
    return (this.bidPx[0]! + this.askPx[0]!) / 2;
  }
  /** ask − bid in ticks; NaN when a side is empty */
  get spread(): number {
    return this.askPx[0]! - this.bidPx[0]!;
  }

  /** (Σ bid size − Σ ask size) / (Σ both) over the best `levels` levels, in [−1, 1]; 0 for an empty book */
  imbalance(levels = this.depth): number {
    let b = 0,
      a = 0;
    const n = Math.min(levels, this.depth);
    for (let k = 0; k < n; k++) {
      b += this.bidSz[k]!;
      a += this.askSz[k]!;
    }
    return b + a > 0 ? (b - a) / (b + a) : 0;
  }

  /**
   * Lots ahead of an own resting order in its queue, per the queue model (docs/replay.md "Own orders"), as of
   * `ts`; -1 when the order is not resting (not yet arrived, filled or cancelled).
   */
  queueAhead(orderId: number): number {
    return this.queueAheadOf(orderId);
  }

  /** @internal refill one side from the engine's levels (prices in 1e-9 units, converted to ticks) */
  setSide(side: 1 | -1, levels: readonly { price: number; visibleQty: number; orders: number }[], tickUnits: number): void {
    const P = side === 1 ? this.bidPx : this.askPx;
    const S = side === 1 ? this.bidSz : this.askSz;
    const C = side === 1 ? this.bidCt : this.askCt;
    const m = Math.min(levels.length, this.depth);
    for (let k = 0; k < this.depth; k++) {
      const l = k < m ? levels[k]! : undefined;
      P[k] = l ? l.price / tickUnits : NaN;
      S[k] = l ? l.visibleQty : 0;
      C[k] = l ? l.orders : 0;
    }
    if (side === 1) this.bidLevels = m;
    else this.askLevels = m;
  }
}
