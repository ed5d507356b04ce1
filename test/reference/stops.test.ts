// docs/matching-rules.md §5: stop election at or through the trigger, the trigger queue order, cascades.
import { describe, expect, it } from 'vitest';
import { OrderType, Side, type NewOrder } from '../../src/core/types.js';
import { buy, cancel, modify, order, Session, sell } from './helpers.js';

const stop = (id: number, side: Side, stopPrice: number, over: Partial<NewOrder> = {}) =>
  order({ orderId: BigInt(id), side, orderType: OrderType.Stop, stopPrice, qty: 1, ...over });
const stopLimit = (id: number, side: Side, stopPrice: number, price: number, over: Partial<NewOrder> = {}) =>
  order({ orderId: BigInt(id), side, orderType: OrderType.StopLimit, stopPrice, price, qty: 1, ...over });

describe('§5 election order', () => {
  it('buys by ascending stop then acceptance, then sells by descending stop then acceptance', () => {
    // no trade yet, so stops on both sides of 104 are valid; protection 5 ticks
    const s = new Session({ protectionTicks: 5 });
    s.run(
      stop(1, Side.Buy, 103), // would-be limit 108
      stopLimit(2, Side.Buy, 102, 102),
      stop(3, Side.Buy, 102), // would-be limit 107
      stop(4, Side.Sell, 104), // would-be limit 99
      stop(5, Side.Sell, 105), // would-be limit 100
      stop(6, Side.Buy, 105), // not elected by a trade at 104
      sell(10, 1, 104),
    );
    expect(s.run(buy(11, 1, 104))).toEqual([
      'ACCEPTED #11 BUY 1 @ 104',
      'FILL #11 x #10 1 @ 104 (taker 0 left, maker 0 left)',
      // queue: #2 (102, earlier), #3 (102), #1 (103), then #5 (105), #4 (104)
      'TRIGGERED #2 1 @ 102 stop 102',
      'TRIGGERED #3 1 @ 107 stop 102',
      'TRIGGERED #1 1 @ 108 stop 103',
      'TRIGGERED #5 1 @ 100 stop 105',
      'FILL #5 x #1 1 @ 108 (taker 0 left, maker 0 left)',
      // the trade at 108 elects #6 (buy stop 105): it joins the back of the queue
      'TRIGGERED #4 1 @ 99 stop 104',
      'FILL #4 x #3 1 @ 107 (taker 0 left, maker 0 left)',
      'TRIGGERED #6 1 @ 110 stop 105',
    ]);
    expect(s.queue(Side.Buy)).toEqual(['6:1/1@110', '2:1/1@102']);
  });

  it('a cascade: fills of a triggered stop elect further stops, processed after the ones already queued', () => {
    const s = new Session();
    s.run(sell(1, 1, 100), buy(2, 1, 100)); // last trade 100
    s.run(stopLimit(3, Side.Buy, 101, 102), stopLimit(4, Side.Buy, 102, 103), sell(10, 1, 101), sell(11, 1, 102), sell(12, 5, 103));
    expect(s.run(buy(20, 1, 101))).toEqual([
      'ACCEPTED #20 BUY 1 @ 101',
      'FILL #20 x #10 1 @ 101 (taker 0 left, maker 0 left)',
      'TRIGGERED #3 1 @ 102 stop 101',
      'FILL #3 x #11 1 @ 102 (taker 0 left, maker 0 left)',
      'TRIGGERED #4 1 @ 103 stop 102',
      'FILL #4 x #12 1 @ 103 (taker 0 left, maker 4 left)',
    ]);
  });

  it('a trade through the trigger elects; a trade short of it does not', () => {
    const s = new Session();
    s.run(sell(1, 1, 100), buy(2, 1, 100), stop(3, Side.Sell, 97), sell(4, 1, 98));
    expect(s.run(buy(5, 1, 98))).toEqual(['ACCEPTED #5 BUY 1 @ 98', 'FILL #5 x #4 1 @ 98 (taker 0 left, maker 0 left)']);
    s.run(buy(6, 1, 96));
    expect(s.run(sell(7, 1, 96))).toEqual([
      'ACCEPTED #7 SELL 1 @ 96',
      'FILL #7 x #6 1 @ 96 (taker 0 left, maker 0 left)',
      'TRIGGERED #3 1 @ 92 stop 97',
    ]);
    expect(s.queue(Side.Sell)).toEqual(['3:1/1@92']);
  });

  it('an untriggered stop is cancelled at its would-be limit and its modify re-sequences it', () => {
    const s = new Session();
    s.run(sell(1, 1, 100), buy(2, 1, 100), stop(3, Side.Buy, 102), stop(4, Side.Buy, 102));
    expect(s.run(modify(3, 0, 1, 102))).toEqual(['MODIFIED #3 1 @ 107 stop 102']);
    s.run(sell(5, 1, 102));
    const events = s.run(buy(6, 1, 102));
    expect(events.filter((e) => e.startsWith('TRIGGERED'))).toEqual(['TRIGGERED #4 1 @ 107 stop 102', 'TRIGGERED #3 1 @ 107 stop 102']);
    s.run(stop(7, Side.Sell, 95, { qty: 2 }));
    expect(s.run(cancel(7))).toEqual(['CANCELLED #7 USER 2 @ 90']);
  });

  it('a triggered stop keeps id, smpId and flags: self-match prevention applies to it', () => {
    const s = new Session();
    s.run(sell(1, 1, 100), buy(2, 1, 100), stop(3, Side.Buy, 101, { smpId: 4, qty: 2 }), sell(4, 1, 101), sell(5, 2, 102, { smpId: 4 }));
    expect(s.run(buy(6, 1, 101))).toEqual([
      'ACCEPTED #6 BUY 1 @ 101',
      'FILL #6 x #4 1 @ 101 (taker 0 left, maker 0 left)',
      'TRIGGERED #3 2 @ 106 stop 101',
      'CANCELLED #5 SELF_MATCH 2 @ 102',
    ]);
    expect(s.queue(Side.Buy)).toEqual(['3:2/2@106']);
  });
});
