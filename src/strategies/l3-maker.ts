// Queue-aware imbalance market maker (L3: onBook against the replayed MBO book; docs/backtest.md "l3-maker").
// Quotes one order per side at the touch and lets the queue work:
//   - a side is quoted only when the book does not lean against it: no bid while the visible book is
//     ask-heavy (imbalance over the best `levels` levels below −threshold), no offer while it is bid-heavy;
//   - a queue is joined only when it is short enough to be reached (touch size ≤ maxJoin lots);
//   - a resting quote is pulled when the touch moves away from it, or when the imbalance turns against it
//     while it is still far back (more than keepAhead lots ahead): near the front of the queue it is kept;
//   - inventory is capped at maxPosition lots; a position that has moved stopTicks against its entry is
//     flattened at market.
import type { Fill, StrategyContext, StrategyModule } from '../backtest/strategy.js';

interface Quote {
  id: number;
  price: number;
  leaves: number;
}

export const l3Maker: StrategyModule = {
  name: 'l3-maker',
  description: 'L3 only: queue-aware market maker at the touch, skewed by order-book imbalance',
  params: [
    { name: 'qty', default: 1, min: 1, max: 1_000, integer: true, description: 'lots per quote' },
    { name: 'maxPosition', default: 2, min: 1, max: 10_000, integer: true, description: 'largest |position| in lots the quotes may build' },
    { name: 'levels', default: 3, min: 1, max: 64, integer: true, description: 'book levels per side in the imbalance (capped by execution.l3.levels)' },
    { name: 'threshold', default: 0.3, min: 0, max: 1, description: 'imbalance beyond which the side it leans against is not quoted' },
    { name: 'maxJoin', default: 300, min: 1, max: 1_000_000, integer: true, description: 'join a touch queue only when it holds at most this many lots' },
    { name: 'keepAhead', default: 10, min: 0, max: 1_000_000, integer: true, description: 'keep a quote the imbalance turned against when at most this many lots are ahead of it' },
    { name: 'stopTicks', default: 8, min: 1, max: 100_000, integer: true, description: 'flatten at market once the touch is this many ticks against the entry' },
  ],
  create(p) {
    const none = (): Quote => ({ id: 0, price: NaN, leaves: 0 });
    let bid = none();
    let ask = none();
    const pull = (ctx: StrategyContext, q: Quote): Quote => {
      if (q.id) ctx.cancel(q.id);
      return none();
    };
    return {
      onFill(_ctx: StrategyContext, f: Fill) {
        for (const q of [bid, ask]) {
          if (q.id !== f.orderId) continue;
          q.leaves -= f.qty;
          if (q.leaves <= 0) q.id = 0;
        }
      },
      onBook(ctx: StrategyContext) {
        const b = ctx.book!;
        const bb = b.bestBid,
          ba = b.bestAsk;
        if (bb !== bb || ba !== ba || ba <= bb || ctx.halted) {
          // one-sided or crossed book, or the risk guards halted trading: stand aside
          bid = pull(ctx, bid);
          ask = pull(ctx, ask);
          return;
        }
        const pos = ctx.position;
        if (pos !== 0) {
          const entry = ctx.entryPrice;
          const against = pos > 0 ? entry - bb : ba - entry;
          if (against >= p.stopTicks!) {
            bid = none();
            ask = none();
            ctx.flatten();
            return;
          }
        }
        const imb = b.imbalance(p.levels!);
        const th = p.threshold!;
        const q = p.qty!;
        // bid side
        if (bid.id && (bid.price !== bb || (imb < -th && b.queueAhead(bid.id) > p.keepAhead!))) bid = pull(ctx, bid);
        if (!bid.id && pos + q <= p.maxPosition! && imb >= -th && b.bidSz[0]! <= p.maxJoin!) {
          const id = ctx.buy(q, { type: 'limit', price: bb });
          if (id) bid = { id, price: bb, leaves: q };
        }
        // ask side
        if (ask.id && (ask.price !== ba || (imb > th && b.queueAhead(ask.id) > p.keepAhead!))) ask = pull(ctx, ask);
        if (!ask.id && pos - q >= -p.maxPosition! && imb <= th && b.askSz[0]! <= p.maxJoin!) {
          const id = ctx.sell(q, { type: 'limit', price: ba });
          if (id) ask = { id, price: ba, leaves: q };
        }
      },
    };
  },
};
