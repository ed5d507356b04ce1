// docs/matching-rules.md §8: cancel, modify with Globex priority rules, mass cancel.
import { describe, expect, it } from 'vitest';
import { ALL_INSTRUMENTS, CommandType, OrderFlags, OrderType, Side, TradingState } from '../../src/core/types.js';
import { buy, cancel, instrument, modify, order, Session, sell, setState } from './helpers.js';

describe('§8 modify: queue priority', () => {
  it('quantity down at the same price keeps the place in the queue', () => {
    const s = new Session();
    s.run(buy(1, 5, 100), buy(2, 5, 100));
    expect(s.run(modify(1, 100, 3))).toEqual(['MODIFIED #1 3 @ 100']);
    expect(s.queue(Side.Buy)).toEqual(['1:3/3@100', '2:5/5@100']);
  });

  it('same price and same quantity is accepted and keeps priority', () => {
    const s = new Session();
    s.run(buy(1, 5, 100), buy(2, 5, 100));
    expect(s.run(modify(1, 100, 5))).toEqual(['MODIFIED #1 5 @ 100']);
    expect(s.queue(Side.Buy)).toEqual(['1:5/5@100', '2:5/5@100']);
  });

  it('quantity up loses priority: back of the queue', () => {
    const s = new Session();
    s.run(buy(1, 5, 100), buy(2, 5, 100));
    expect(s.run(modify(1, 100, 6))).toEqual(['MODIFIED #1 6 @ 100']);
    expect(s.queue(Side.Buy)).toEqual(['2:5/5@100', '1:6/6@100']);
  });

  it('a price change loses priority, also when the price comes back', () => {
    const s = new Session();
    s.run(buy(1, 5, 100), buy(2, 5, 100), buy(3, 5, 99));
    expect(s.run(modify(1, 99, 5))).toEqual(['MODIFIED #1 5 @ 99']);
    expect(s.queue(Side.Buy)).toEqual(['2:5/5@100', '3:5/5@99', '1:5/5@99']);
    s.run(modify(1, 100, 5));
    expect(s.queue(Side.Buy)).toEqual(['2:5/5@100', '1:5/5@100', '3:5/5@99']);
  });

  it('icebergs: a decrease trims the visible slice, a priority-losing modify shows a fresh slice', () => {
    const s = new Session();
    s.run(sell(1, 10, 100, { displayQty: 4 }));
    s.run(modify(1, 100, 3));
    expect(s.queue(Side.Sell)).toEqual(['1:3/3@100']);
    s.run(modify(1, 100, 9));
    expect(s.queue(Side.Sell)).toEqual(['1:9/4@100']);
  });

  it('in OPEN a modify to a crossing price trades as an aggressor first, then rests', () => {
    const s = new Session();
    s.run(buy(1, 5, 99), sell(2, 3, 101));
    expect(s.run(modify(1, 101, 5))).toEqual([
      'MODIFIED #1 5 @ 101',
      'FILL #1 x #2 3 @ 101 (taker 2 left, maker 0 left)',
    ]);
    expect(s.queue(Side.Buy)).toEqual(['1:2/2@101']);
  });

  it('qty is the new LEAVES quantity, not the original order quantity', () => {
    const s = new Session();
    s.run(buy(1, 10, 100), sell(2, 4, 100)); // 6 left
    expect(s.run(modify(1, 100, 6))).toEqual(['MODIFIED #1 6 @ 100']);
    expect(s.book.orderState(1n)).toMatchObject({ leaves: 6 });
  });

  it('a resting market order is a limit order now: its price is modifiable', () => {
    const s = new Session({ protectionTicks: 2 });
    s.run(sell(1, 1, 100), order({ orderId: 2n, orderType: OrderType.Market, qty: 3 }));
    expect(s.queue(Side.Buy)).toEqual(['2:2/2@102']);
    expect(s.run(modify(2, 101, 2))).toEqual(['MODIFIED #2 2 @ 101']);
  });
});

describe('§8 modify: validation', () => {
  it('rejects and leaves the order untouched', () => {
    const s = new Session({ tickSize: 5, referencePrice: 100, maxOrderQty: 50 });
    s.run(buy(1, 5, 100, { flags: OrderFlags.PostOnly }), sell(2, 5, 110));
    expect(s.run(modify(9, 100, 1), modify(1, 100, 0), modify(1, 100, 51), modify(1, 101, 5), modify(1, 110, 5))).toEqual([
      'REJECTED #9 UNKNOWN_ORDER',
      'REJECTED #1 INVALID_QUANTITY',
      'REJECTED #1 INVALID_QUANTITY',
      'REJECTED #1 INVALID_PRICE_TICK',
      'REJECTED #1 POST_ONLY_WOULD_CROSS',
    ]);
    expect(s.lastEvents.every((e) => e.instrumentId === 0)).toBe(true);
    expect(s.queue(Side.Buy)).toEqual(['1:5/5@100']);
  });

  it('a stop modify is checked against the last trade', () => {
    const s = new Session();
    s.run(sell(1, 1, 100), buy(2, 1, 100), order({ orderId: 3n, orderType: OrderType.StopLimit, stopPrice: 102, price: 103 }));
    expect(s.run(modify(3, 103, 1, 100), modify(3, 101, 1, 102), modify(3, 104, 2, 103))).toEqual([
      'REJECTED #3 INVALID_STOP_PRICE',
      'REJECTED #3 INVALID_STOP_PRICE',
      'MODIFIED #3 2 @ 104 stop 103',
    ]);
  });
});

describe('§8 cancel and mass cancel', () => {
  it('cancel removes a live order with its leaves; unknown ids are rejected', () => {
    const s = new Session();
    s.run(buy(1, 10, 100), sell(2, 4, 100));
    expect(s.run(cancel(1), cancel(1))).toEqual(['CANCELLED #1 USER 6 @ 100', 'REJECTED #1 UNKNOWN_ORDER']);
  });

  it('mass cancel: every live order of the account, in acceptance sequence (a priority-losing modify re-sequences)', () => {
    const s = new Session();
    s.run(instrument({ instrumentId: 2 }));
    s.run(
      buy(1, 1, 90, { account: 7 }),
      buy(2, 1, 91, { account: 8 }),
      sell(3, 1, 110, { account: 7 }),
      order({ orderId: 4n, orderType: OrderType.Stop, stopPrice: 120, account: 7 }),
      buy(5, 1, 90, { account: 7, instrumentId: 2 }),
      modify(1, 89, 1),
    );
    expect(s.run({ type: CommandType.MassCancel, instrumentId: 1, account: 7, ts: 0n })).toEqual([
      'CANCELLED #3 MASS_CANCEL 1 @ 110',
      'CANCELLED #4 MASS_CANCEL 1 @ 125',
      'CANCELLED #1 MASS_CANCEL 1 @ 89',
    ]);
    expect(s.run({ type: CommandType.MassCancel, instrumentId: ALL_INSTRUMENTS, account: 7, ts: 0n })).toEqual([
      'CANCELLED #5 MASS_CANCEL 1 @ 90',
    ]);
    expect(s.run({ type: CommandType.MassCancel, instrumentId: ALL_INSTRUMENTS, account: 7, ts: 0n })).toEqual([]);
    expect(s.run({ type: CommandType.MassCancel, instrumentId: 3, account: 8, ts: 0n })).toEqual(['REJECTED #0 UNKNOWN_INSTRUMENT']);
    expect(s.book.liveOrders()).toBe(1);
  });

  it('cancels and mass cancels work while HALTED', () => {
    const s = new Session();
    s.run(buy(1, 1, 90), buy(2, 1, 91), setState(TradingState.Halted));
    expect(s.run(cancel(1), { type: CommandType.MassCancel, instrumentId: 1, account: 1, ts: 0n })).toEqual([
      'CANCELLED #1 USER 1 @ 90',
      'CANCELLED #2 MASS_CANCEL 1 @ 91',
    ]);
  });
});
