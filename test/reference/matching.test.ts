// docs/matching-rules.md §4: FIFO continuous matching, icebergs, self-match prevention, FAK/FOK/min qty.
import { describe, expect, it } from 'vitest';
import { OrderFlags, Side, TimeInForce } from '../../src/core/types.js';
import { buy, Session, sell } from './helpers.js';

describe('§4 FIFO', () => {
  it('fills the best price first, and within a price strictly in time order, at the resting price', () => {
    // the published FIFO example: three offers at 100 (5, 3, 2 lots, in that order) and one at 101
    const s = new Session();
    s.run(sell(1, 5, 100), sell(2, 3, 100), sell(3, 2, 100), sell(4, 4, 101));
    expect(s.run(buy(10, 9, 101))).toEqual([
      'ACCEPTED #10 BUY 9 @ 101',
      'FILL #10 x #1 5 @ 100 (taker 4 left, maker 0 left)',
      'FILL #10 x #2 3 @ 100 (taker 1 left, maker 0 left)',
      'FILL #10 x #3 1 @ 100 (taker 0 left, maker 1 left)',
    ]);
    expect(s.queue(Side.Sell)).toEqual(['3:1/1@100', '4:4/4@101']);
    expect(s.book.top(1)).toMatchObject({ askPrice: 100, askQty: 1, askOrders: 1 });
  });

  it('a better price later in time goes first; the aggressor walks levels up to its limit and rests', () => {
    const s = new Session();
    s.run(sell(1, 5, 101), sell(2, 5, 100));
    expect(s.run(buy(3, 12, 101))).toEqual([
      'ACCEPTED #3 BUY 12 @ 101',
      'FILL #3 x #2 5 @ 100 (taker 7 left, maker 0 left)',
      'FILL #3 x #1 5 @ 101 (taker 2 left, maker 0 left)',
    ]);
    expect(s.queue(Side.Buy)).toEqual(['3:2/2@101']);
  });
});

describe('§4 icebergs', () => {
  it('a refilled iceberg loses time priority to the orders behind it', () => {
    // iceberg #1: 10 lots showing 3; #2: 4 lots behind it at the same price
    const s = new Session();
    s.run(sell(1, 10, 100, { displayQty: 3 }), sell(2, 4, 100));
    expect(s.book.depth(1, Side.Sell, 1)).toEqual([{ price: 100, visibleQty: 7, totalQty: 14, orders: 2 }]);
    expect(s.run(buy(3, 5, 100))).toEqual([
      'ACCEPTED #3 BUY 5 @ 100',
      'FILL #3 x #1 3 @ 100 (taker 2 left, maker 7 left)',
      'FILL #3 x #2 2 @ 100 (taker 0 left, maker 2 left)',
    ]);
    expect(s.queue(Side.Sell)).toEqual(['2:2/2@100', '1:7/3@100']);
  });

  it('one aggressor can come back to the same iceberg after its refill', () => {
    const s = new Session();
    s.run(sell(1, 5, 100, { displayQty: 2 }));
    expect(s.run(buy(2, 5, 100))).toEqual([
      'ACCEPTED #2 BUY 5 @ 100',
      'FILL #2 x #1 2 @ 100 (taker 3 left, maker 3 left)',
      'FILL #2 x #1 2 @ 100 (taker 1 left, maker 1 left)',
      'FILL #2 x #1 1 @ 100 (taker 0 left, maker 0 left)',
    ]);
  });

  it('the last slice shows only what is left', () => {
    const s = new Session();
    s.run(sell(1, 5, 100, { displayQty: 4 }), buy(2, 4, 100));
    expect(s.queue(Side.Sell)).toEqual(['1:1/1@100']);
  });
});

describe('§4 self-match prevention', () => {
  it('default (cancel resting): the resting order with the same smpId is cancelled, matching goes on', () => {
    const s = new Session();
    s.run(sell(1, 3, 100, { smpId: 7 }), sell(2, 2, 100));
    expect(s.run(buy(3, 3, 100, { smpId: 7 }))).toEqual([
      'ACCEPTED #3 BUY 3 @ 100',
      'CANCELLED #1 SELF_MATCH 3 @ 100',
      'FILL #3 x #2 2 @ 100 (taker 1 left, maker 0 left)',
    ]);
    expect(s.queue(Side.Buy)).toEqual(['3:1/1@100']);
  });

  it('cancel aggressing: earlier fills stand, the remainder is cancelled and nothing rests', () => {
    const s = new Session();
    s.run(sell(1, 2, 100), sell(2, 3, 100, { smpId: 7 }), sell(3, 4, 100));
    expect(s.run(buy(4, 5, 101, { smpId: 7, flags: OrderFlags.SmpCancelAggressor }))).toEqual([
      'ACCEPTED #4 BUY 5 @ 101',
      'FILL #4 x #1 2 @ 100 (taker 3 left, maker 0 left)',
      'CANCELLED #4 SELF_MATCH 3 @ 101',
    ]);
    expect(s.queue(Side.Sell)).toEqual(['2:3/3@100', '3:4/4@100']);
    expect(s.book.orderState(4n)).toBeNull();
  });

  it('smpId 0 means no self-match prevention', () => {
    const s = new Session();
    s.run(sell(1, 1, 100, { account: 5 }));
    expect(s.run(buy(2, 1, 100, { account: 5 }))[1]).toBe('FILL #2 x #1 1 @ 100 (taker 0 left, maker 0 left)');
  });
});

describe('§4 FAK, FOK and minimum quantity', () => {
  it('FAK: fills what it can, cancels the rest', () => {
    const s = new Session();
    s.run(sell(1, 2, 100));
    expect(s.run(buy(2, 5, 100, { tif: TimeInForce.FAK }))).toEqual([
      'ACCEPTED #2 BUY 5 @ 100',
      'FILL #2 x #1 2 @ 100 (taker 3 left, maker 0 left)',
      'CANCELLED #2 FAK_REMAINDER 3 @ 100',
    ]);
  });

  it('FOK: all or nothing, decided before touching the book (iceberg hidden quantity counts)', () => {
    const s = new Session();
    s.run(sell(1, 6, 100, { displayQty: 2 }), sell(2, 3, 101));
    expect(s.run(buy(3, 10, 101, { tif: TimeInForce.FOK }))).toEqual([
      'ACCEPTED #3 BUY 10 @ 101',
      'CANCELLED #3 FOK_NOT_FILLED 10 @ 101',
    ]);
    expect(s.queue(Side.Sell)).toEqual(['1:6/2@100', '2:3/3@101']);
    expect(s.run(buy(4, 8, 101, { tif: TimeInForce.FOK }))).toEqual([
      'ACCEPTED #4 BUY 8 @ 101',
      'FILL #4 x #1 2 @ 100 (taker 6 left, maker 4 left)',
      'FILL #4 x #1 2 @ 100 (taker 4 left, maker 2 left)',
      'FILL #4 x #1 2 @ 100 (taker 2 left, maker 0 left)',
      'FILL #4 x #2 2 @ 101 (taker 0 left, maker 1 left)',
    ]);
  });

  it('FOK liquidity skips own-smp orders under cancel-resting and stops at them under cancel-aggressing', () => {
    const s = new Session();
    s.run(sell(1, 2, 100), sell(2, 3, 100, { smpId: 7 }), sell(3, 4, 100));
    // cancel resting: 2 + 4 = 6 reachable
    expect(s.run(buy(4, 7, 100, { tif: TimeInForce.FOK, smpId: 7 }))).toEqual([
      'ACCEPTED #4 BUY 7 @ 100',
      'CANCELLED #4 FOK_NOT_FILLED 7 @ 100',
    ]);
    // cancel aggressing: the walk ends at #2, only 2 reachable
    expect(s.run(buy(5, 3, 100, { tif: TimeInForce.FOK, smpId: 7, flags: OrderFlags.SmpCancelAggressor }))).toEqual([
      'ACCEPTED #5 BUY 3 @ 100',
      'CANCELLED #5 FOK_NOT_FILLED 3 @ 100',
    ]);
    expect(s.run(buy(6, 6, 100, { tif: TimeInForce.FOK, smpId: 7 }))).toEqual([
      'ACCEPTED #6 BUY 6 @ 100',
      'FILL #6 x #1 2 @ 100 (taker 4 left, maker 0 left)',
      'CANCELLED #2 SELF_MATCH 3 @ 100',
      'FILL #6 x #3 4 @ 100 (taker 0 left, maker 0 left)',
    ]);
  });

  it('minimum quantity: cancelled whole unless minQty can fill at once; the remainder follows its TIF', () => {
    const s = new Session();
    s.run(sell(1, 3, 100));
    expect(s.run(buy(2, 5, 100, { minQty: 4 }))).toEqual(['ACCEPTED #2 BUY 5 @ 100', 'CANCELLED #2 MIN_QTY_NOT_MET 5 @ 100']);
    expect(s.run(buy(3, 5, 100, { minQty: 3 }))).toEqual([
      'ACCEPTED #3 BUY 5 @ 100',
      'FILL #3 x #1 3 @ 100 (taker 2 left, maker 0 left)',
    ]);
    expect(s.queue(Side.Buy)).toEqual(['3:2/2@100']);
    // nothing to take at all: a min-quantity order does not rest
    expect(s.run(buy(4, 5, 99, { minQty: 1 }))).toEqual(['ACCEPTED #4 BUY 5 @ 99', 'CANCELLED #4 MIN_QTY_NOT_MET 5 @ 99']);
  });

  it('every fill is a trade: it moves the last trade price', () => {
    const s = new Session();
    const before = s.book.bookHash();
    s.run(sell(1, 1, 103), buy(2, 1, 105));
    expect(s.book.bookHash()).not.toBe(before); // the hash covers the last trade price
    // a buy stop at 103 is now at (not beyond) the last trade
    expect(s.run({ ...buy(3, 1, 0), orderType: 4, stopPrice: 103 })).toEqual(['REJECTED #3 INVALID_STOP_PRICE']);
  });
});
