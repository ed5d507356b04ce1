// docs/matching-rules.md §2: validation of a new order, in order; the first failing rule is the reason.
import { describe, expect, it } from 'vitest';
import { EventType, MAX_PRICE, OrderFlags, OrderType, Side, TimeInForce, TradingState, type NewOrder } from '../../src/core/types.js';
import { buy, order, Session, sell } from './helpers.js';

/** Tick 25, reference 10,000, band 10 ticks (buys ≤ 10,250, sells ≥ 9,750), max qty 100. */
const session = () => new Session({ tickSize: 25, referencePrice: 10_000, bandTicks: 10, maxOrderQty: 100 });
const o = (over: Partial<NewOrder>) => order({ orderId: 50n, qty: 5, price: 10_000, ...over });

describe('§2 validation order', () => {
  it.each<[string, Partial<NewOrder>, string]>([
    ['unknown instrument before a bad side', { instrumentId: 2, side: 9 as Side }, 'UNKNOWN_INSTRUMENT'],
    ['bad side before a bad type', { side: 0 as Side, orderType: 9 as OrderType }, 'INVALID_SIDE'],
    ['bad type before a bad TIF', { orderType: 6 as OrderType, tif: 9 as TimeInForce }, 'INVALID_ORDER_TYPE'],
    ['TIF 5', { tif: 5 as TimeInForce }, 'INVALID_TIF'],
    ['a stop with FAK', { orderType: OrderType.Stop, stopPrice: 10_100, tif: TimeInForce.FAK }, 'INVALID_TIF'],
    ['a stop-limit with FOK', { orderType: OrderType.StopLimit, stopPrice: 10_100, price: 10_100, tif: TimeInForce.FOK }, 'INVALID_TIF'],
    ['qty 0 before a bad min qty', { qty: 0, minQty: 7 }, 'INVALID_QUANTITY'],
    ['qty above max', { qty: 101 }, 'INVALID_QUANTITY'],
    ['min qty above qty', { minQty: 6 }, 'INVALID_MIN_QTY'],
    ['FOK with a min qty', { tif: TimeInForce.FOK, minQty: 1 }, 'INVALID_MIN_QTY'],
    ['display above qty before a bad price', { displayQty: 6, price: 10_001 }, 'INVALID_DISPLAY_QTY'],
    ['GTD expiring at the clock', { tif: TimeInForce.GTD, ts: 1_000n, expireTs: 1_000n }, 'INVALID_EXPIRY'],
    ['price 2^53', { price: MAX_PRICE + 1 }, 'PRICE_OUT_OF_RANGE'],
    ['price −2^53', { side: Side.Sell, price: -MAX_PRICE - 1 }, 'PRICE_OUT_OF_RANGE'],
    ['price off tick', { price: 10_010 }, 'INVALID_PRICE_TICK'],
    ['buy above the band', { price: 10_275 }, 'PRICE_OUTSIDE_BAND'],
    ['sell below the band', { side: Side.Sell, price: 9_725 }, 'PRICE_OUTSIDE_BAND'],
    // a STOP_LIMIT runs each check over both prices before the next check (clarification in §2)
    ['stop-limit: limit off tick, stop out of range', { orderType: OrderType.StopLimit, price: 10_010, stopPrice: 2 ** 60 }, 'PRICE_OUT_OF_RANGE'],
    ['stop-limit: limit outside band, stop off tick', { orderType: OrderType.StopLimit, price: 10_300, stopPrice: 10_001 }, 'INVALID_PRICE_TICK'],
    ['stop price outside the band', { orderType: OrderType.Stop, stopPrice: 10_300 }, 'PRICE_OUTSIDE_BAND'],
    ['buy stop-limit priced below its stop', { orderType: OrderType.StopLimit, stopPrice: 10_100, price: 10_075 }, 'INVALID_STOP_PRICE'],
    ['sell stop-limit priced above its stop', { side: Side.Sell, orderType: OrderType.StopLimit, stopPrice: 9_900, price: 9_925 }, 'INVALID_STOP_PRICE'],
    ['post-only market order', { orderType: OrderType.Market, flags: OrderFlags.PostOnly }, 'INVALID_POST_ONLY'],
    ['post-only FAK limit', { tif: TimeInForce.FAK, flags: OrderFlags.PostOnly }, 'INVALID_POST_ONLY'],
    ['post-only stop-limit', { orderType: OrderType.StopLimit, stopPrice: 10_100, price: 10_100, flags: OrderFlags.PostOnly }, 'INVALID_POST_ONLY'],
    ['market-limit into an empty book', { orderType: OrderType.MarketLimit, price: 3 }, 'NO_OPPOSITE_SIDE'],
    ['market (price ignored, even off tick) into an empty book', { orderType: OrderType.Market, price: 3 }, 'NO_OPPOSITE_SIDE'],
  ])('%s → %s', (_name, over, reason) => {
    const s = session();
    expect(s.run(o(over))).toEqual([`REJECTED #50 ${reason}`]);
    expect(s.book.liveOrders()).toBe(0);
  });

  it('accepts prices at the band edges and any price on the passive side of the band', () => {
    const s = session();
    expect(s.run(o({ orderId: 1n, price: 10_250 }), o({ orderId: 2n, price: 5_000 }))).toEqual([
      'ACCEPTED #1 BUY 5 @ 10250',
      'ACCEPTED #2 BUY 5 @ 5000',
    ]);
    expect(s.run(o({ orderId: 3n, side: Side.Sell, price: 9_750 }))[0]).toBe('ACCEPTED #3 SELL 5 @ 9750');
  });

  it('DUPLICATE_ORDER_ID for a live id; the id of a dead order may be reused', () => {
    const s = session();
    s.run(o({ orderId: 1n, price: 9_900 }));
    expect(s.run(o({ orderId: 1n, price: 9_800 }))).toEqual(['REJECTED #1 DUPLICATE_ORDER_ID']);
    s.run({ type: 3, orderId: 1n, ts: 0n });
    expect(s.run(o({ orderId: 1n, price: 9_800 }))).toEqual(['ACCEPTED #1 BUY 5 @ 9800']);
  });

  it('GTD expiry must lie after the clock as advanced by the command itself', () => {
    const s = session();
    expect(s.run(o({ orderId: 1n, tif: TimeInForce.GTD, ts: 1_000n, expireTs: 1_001n }))).toEqual(['ACCEPTED #1 BUY 5 @ 10000']);
    expect(s.run(o({ orderId: 2n, tif: TimeInForce.GTD, ts: 2_000n, expireTs: 1_999n }))).toEqual(['EXPIRED #1 GTD 5 @ 10000', 'REJECTED #2 INVALID_EXPIRY']);
  });

  it('a stop must lie beyond the last trade (buy above, sell below)', () => {
    const s = session();
    s.run(sell(1, 1, 10_000), buy(2, 1, 10_000)); // last trade 10,000
    const stop = (id: number, side: Side, stopPrice: number) => o({ orderId: BigInt(id), side, orderType: OrderType.Stop, stopPrice, qty: 1 });
    expect(s.run(stop(3, Side.Buy, 10_000), stop(4, Side.Sell, 10_000))).toEqual([
      'REJECTED #3 INVALID_STOP_PRICE',
      'REJECTED #4 INVALID_STOP_PRICE',
    ]);
    // protection 5 ticks of 25: would-be limits 10,150 and 9,850
    expect(s.run(stop(5, Side.Buy, 10_025), stop(6, Side.Sell, 9_975))).toEqual([
      'ACCEPTED #5 BUY 1 @ 10150 stop 10025',
      'ACCEPTED #6 SELL 1 @ 9850 stop 9975',
    ]);
  });

  it('post-only: rejected when it would trade in OPEN, accepted crossing in PREOPEN', () => {
    const s = session();
    s.run(sell(1, 5, 10_025));
    expect(s.run(o({ orderId: 2n, price: 10_025, flags: OrderFlags.PostOnly }))).toEqual(['REJECTED #2 POST_ONLY_WOULD_CROSS']);
    expect(s.run(o({ orderId: 3n, price: 10_000, flags: OrderFlags.PostOnly }))).toEqual(['ACCEPTED #3 BUY 5 @ 10000']);
    s.run({ type: 6, instrumentId: 1, state: TradingState.PreOpen, ts: 0n });
    expect(s.run(o({ orderId: 4n, price: 10_050, flags: OrderFlags.PostOnly }))).toEqual(['ACCEPTED #4 BUY 5 @ 10050']);
  });

  it('a rejected order emits only REJECTED, carrying instrument, order id and reason and zeros elsewhere', () => {
    const s = session();
    s.run(o({ orderId: 9n, qty: 0, ts: 77n }));
    expect(s.lastEvents).toEqual([
      {
        type: EventType.Rejected, side: 0, reason: 7, orderType: 0, instrumentId: 1, orderId: 9n, aux: 0n, price: 0,
        qty: 0, leaves: 0, makerLeaves: 0, cmdIndex: 0, ts: 77n, seq: 2n,
      },
    ]);
  });
});
