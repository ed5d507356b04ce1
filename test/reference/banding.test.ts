// docs/matching-rules.md §6: static price band around the reference (definition, then last trade).
import { describe, expect, it } from 'vitest';
import { OrderType, Side } from '../../src/core/types.js';
import { buy, modify, order, Session, sell } from './helpers.js';

describe('§6 price banding', () => {
  it('rejects buys above and sells below reference ± band; the edges are inside', () => {
    const buys = new Session({ referencePrice: 100, bandTicks: 10 });
    expect(buys.run(buy(1, 1, 110), buy(2, 1, 111), buy(3, 1, 50))).toEqual([
      'ACCEPTED #1 BUY 1 @ 110',
      'REJECTED #2 PRICE_OUTSIDE_BAND',
      'ACCEPTED #3 BUY 1 @ 50',
    ]);
    const sells = new Session({ referencePrice: 100, bandTicks: 10 });
    expect(sells.run(sell(1, 1, 90), sell(2, 1, 89), sell(3, 1, 150))).toEqual([
      'ACCEPTED #1 SELL 1 @ 90',
      'REJECTED #2 PRICE_OUTSIDE_BAND',
      'ACCEPTED #3 SELL 1 @ 150',
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
    // a triggered stop rests at its protection limit, beyond the band (triggered stops are not banded)
    const s = new Session({ referencePrice: 100, bandTicks: 10, protectionTicks: 20 });
    s.run(order({ orderId: 1n, orderType: OrderType.Stop, stopPrice: 101, qty: 5 }), sell(2, 1, 101), buy(3, 1, 101));
    expect(s.queue(Side.Buy)).toEqual(['1:5/5@121']); // reference now 101: buys up to 111
    expect(s.run(modify(1, 121, 4))).toEqual(['MODIFIED #1 4 @ 121 stop 101']); // aux keeps the stop price of a triggered stop
    expect(s.run(modify(1, 122, 4))).toEqual(['REJECTED #1 PRICE_OUTSIDE_BAND']);
    expect(s.queue(Side.Buy)).toEqual(['1:4/4@121']);
    expect(s.run(modify(1, 111, 4))).toEqual(['MODIFIED #1 4 @ 111 stop 101']);
  });
});
