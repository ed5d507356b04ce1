// docs/matching-rules.md §6: static price band around the reference (definition, then last trade).
import { describe, expect, it } from 'vitest';
import { OrderType, Side } from '../../src/core/types.js';
import { buy, modify, order, Session, sell } from './helpers.js';

describe('§6 price banding', () => {
  it('rejects buys above and sells below reference ± band; the edges are inside', () => {
    const s = new Session({ referencePrice: 100, bandTicks: 10 });
    expect(s.run(buy(1, 1, 110), buy(2, 1, 111), sell(3, 1, 111), sell(4, 1, 89), sell(5, 1, 90), buy(6, 1, 50))).toEqual([
      'ACCEPTED #1 BUY 1 @ 110',
      'REJECTED #2 PRICE_OUTSIDE_BAND',
      'ACCEPTED #3 SELL 1 @ 111',
      'REJECTED #4 PRICE_OUTSIDE_BAND',
      'ACCEPTED #5 SELL 1 @ 90',
      'ACCEPTED #6 BUY 1 @ 50',
    ]);
  });

  it('the last trade becomes the reference', () => {
    const s = new Session({ referencePrice: 100, bandTicks: 10 });
    s.run(sell(1, 1, 105), buy(2, 1, 105));
    expect(s.run(buy(3, 1, 115), buy(4, 1, 116))).toEqual(['ACCEPTED #3 BUY 1 @ 115', 'REJECTED #4 PRICE_OUTSIDE_BAND']);
  });

  it('without a reference price there is no band until the first trade', () => {
    const s = new Session({ referencePrice: undefined, bandTicks: 10 });
    expect(s.run(buy(1, 1, 1000))[0]).toBe('ACCEPTED #1 BUY 1 @ 1000');
    s.run(sell(2, 1, 1000)); // trades at 1000
    expect(s.run(buy(3, 1, 1011), buy(4, 1, 1010))).toEqual(['REJECTED #3 PRICE_OUTSIDE_BAND', 'ACCEPTED #4 BUY 1 @ 1010']);
  });

  it('stop prices are banded; computed limits (market, triggered stops) are not', () => {
    const s = new Session({ referencePrice: 100, bandTicks: 10, protectionTicks: 20 });
    expect(s.run(order({ orderId: 1n, orderType: OrderType.Stop, stopPrice: 111 }))).toEqual(['REJECTED #1 PRICE_OUTSIDE_BAND']);
    expect(s.run(order({ orderId: 2n, orderType: OrderType.Stop, stopPrice: 101 }))).toEqual(['ACCEPTED #2 BUY 1 @ 121 stop 101']);
    s.run(sell(3, 1, 100));
    expect(s.run(order({ orderId: 4n, orderType: OrderType.Market, qty: 2 }))).toEqual([
      'ACCEPTED #4 BUY 2 @ 120',
      'FILL #4 x #3 1 @ 100 (taker 1 left, maker 0 left)',
    ]);
  });

  it('a modify is band-checked only for a price it changes', () => {
    const s = new Session({ referencePrice: 100, bandTicks: 10 });
    s.run(buy(1, 5, 110), sell(2, 1, 95), buy(3, 1, 95)); // trade at 95: band now ends at 105 for buys
    expect(s.run(modify(1, 110, 4))).toEqual(['MODIFIED #1 4 @ 110']);
    expect(s.run(modify(1, 109, 4))).toEqual(['REJECTED #1 PRICE_OUTSIDE_BAND']);
    expect(s.queue(Side.Buy)[0]).toBe('1:4/4@110');
  });
});
