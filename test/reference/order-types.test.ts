// docs/matching-rules.md §3: market-limit, market with protection, stop with protection, stop-limit.
import { describe, expect, it } from 'vitest';
import { OrderType, Side, TimeInForce } from '../../src/core/types.js';
import { buy, order, Session, sell } from './helpers.js';

describe('§3 MARKET_LIMIT (Globex market-limit)', () => {
  it('takes the best opposite price as its limit, fills there only, rests the remainder there', () => {
    const s = new Session();
    s.run(sell(1, 2, 100), sell(2, 3, 101));
    expect(s.run(order({ orderId: 3n, orderType: OrderType.MarketLimit, qty: 4 }))).toEqual([
      'ACCEPTED #3 BUY 4 @ 100',
      'FILL #3 x #1 2 @ 100 (taker 2 left, maker 0 left)',
    ]);
    expect(s.queue(Side.Buy)).toEqual(['3:2/2@100']);
    expect(s.queue(Side.Sell)).toEqual(['2:3/3@101']);
  });

  it('FAK: the remainder is cancelled; FOK: needs the whole quantity at that one price', () => {
    const s = new Session();
    s.run(sell(1, 2, 100), sell(2, 3, 101));
    expect(s.run(order({ orderId: 3n, orderType: OrderType.MarketLimit, qty: 3, tif: TimeInForce.FOK }))).toEqual([
      'ACCEPTED #3 BUY 3 @ 100',
      'CANCELLED #3 FOK_NOT_FILLED 3 @ 100',
    ]);
    expect(s.run(order({ orderId: 4n, orderType: OrderType.MarketLimit, qty: 3, tif: TimeInForce.FAK }))).toEqual([
      'ACCEPTED #4 BUY 3 @ 100',
      'FILL #4 x #1 2 @ 100 (taker 1 left, maker 0 left)',
      'CANCELLED #4 FAK_REMAINDER 1 @ 100',
    ]);
  });
});

describe('§3 MARKET (Globex market with protection)', () => {
  it('fills up to best ask + protection and rests the remainder AT the protection price', () => {
    // protection 5 ticks: best ask 100 → limit 105; the 106 offer is beyond protection
    const s = new Session({ protectionTicks: 5 });
    s.run(sell(1, 2, 100), sell(2, 2, 103), sell(3, 5, 106));
    expect(s.run(order({ orderId: 4n, orderType: OrderType.Market, qty: 10 }))).toEqual([
      'ACCEPTED #4 BUY 10 @ 105',
      'FILL #4 x #1 2 @ 100 (taker 8 left, maker 0 left)',
      'FILL #4 x #2 2 @ 103 (taker 6 left, maker 0 left)',
    ]);
    expect(s.queue(Side.Buy)).toEqual(['4:6/6@105']);
    expect(s.queue(Side.Sell)).toEqual(['3:5/5@106']);
    expect(s.book.orderState(4n)).toMatchObject({ orderType: OrderType.Market, price: 105, status: 'resting' });
  });

  it('a sell goes down to best bid − protection', () => {
    const s = new Session({ protectionTicks: 5 });
    s.run(buy(1, 1, 100), buy(2, 3, 96), buy(3, 3, 94));
    expect(s.run(order({ orderId: 4n, side: Side.Sell, orderType: OrderType.Market, qty: 5 }))).toEqual([
      'ACCEPTED #4 SELL 5 @ 95',
      'FILL #4 x #1 1 @ 100 (taker 4 left, maker 0 left)',
      'FILL #4 x #2 3 @ 96 (taker 1 left, maker 0 left)',
    ]);
    expect(s.queue(Side.Sell)).toEqual(['4:1/1@95']);
  });

  it('clamps a protection limit beyond ±(2^53 − 1) to the furthest tick inside', () => {
    const tick = 1_000_000_000_000;
    const s = new Session({ tickSize: tick, referencePrice: undefined, protectionTicks: 10 });
    s.run(sell(1, 1, 9_007 * tick), buy(2, 1, -9_007 * tick));
    // 9,007 + 10 ticks would be beyond 2^53 − 1 ≈ 9,007.199 ticks: clamped to 9,007 ticks
    expect(s.run(order({ orderId: 3n, orderType: OrderType.Market, qty: 1 }))).toEqual([
      `ACCEPTED #3 BUY 1 @ ${9_007 * tick}`,
      `FILL #3 x #1 1 @ ${9_007 * tick} (taker 0 left, maker 0 left)`,
    ]);
    expect(s.run(order({ orderId: 4n, side: Side.Sell, orderType: OrderType.Market, qty: 1 }))[0]).toBe(
      `ACCEPTED #4 SELL 1 @ ${-9_007 * tick}`,
    );
  });
});

describe('§3 STOP (stop with protection) and STOP_LIMIT', () => {
  it('a triggered stop becomes a limit at stop + protection, fills up to it and rests there', () => {
    const s = new Session({ protectionTicks: 5 });
    s.run(sell(1, 1, 100), buy(2, 1, 100)); // last trade 100
    expect(s.run(order({ orderId: 3n, orderType: OrderType.Stop, stopPrice: 102, qty: 5 }))).toEqual([
      'ACCEPTED #3 BUY 5 @ 107 stop 102',
    ]);
    s.run(sell(4, 1, 102), sell(5, 2, 104), sell(6, 10, 110));
    expect(s.run(buy(7, 1, 102))).toEqual([
      'ACCEPTED #7 BUY 1 @ 102',
      'FILL #7 x #4 1 @ 102 (taker 0 left, maker 0 left)',
      'TRIGGERED #3 5 @ 107 stop 102',
      'FILL #3 x #5 2 @ 104 (taker 3 left, maker 0 left)',
    ]);
    expect(s.queue(Side.Buy)).toEqual(['3:3/3@107']);
    expect(s.book.orderState(3n)).toMatchObject({ orderType: OrderType.Stop, stopPrice: 102, status: 'resting' });
  });

  it('a sell stop-limit becomes a limit at its own price', () => {
    const s = new Session();
    s.run(sell(1, 1, 100), buy(2, 1, 100));
    expect(s.run(order({ orderId: 3n, side: Side.Sell, orderType: OrderType.StopLimit, stopPrice: 98, price: 97, qty: 4 }))).toEqual([
      'ACCEPTED #3 SELL 4 @ 97 stop 98',
    ]);
    s.run(buy(4, 1, 98), buy(5, 1, 97), buy(6, 1, 96));
    expect(s.run(sell(7, 1, 98))).toEqual([
      'ACCEPTED #7 SELL 1 @ 98',
      'FILL #7 x #4 1 @ 98 (taker 0 left, maker 0 left)',
      'TRIGGERED #3 4 @ 97 stop 98',
      'FILL #3 x #5 1 @ 97 (taker 3 left, maker 0 left)',
    ]);
    expect(s.queue(Side.Sell)).toEqual(['3:3/3@97']);
  });
});
