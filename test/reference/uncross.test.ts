// docs/matching-rules.md §7: the opening uncross when PREOPEN turns OPEN.
import { describe, expect, it } from 'vitest';
import { OrderType, Side, TradingState } from '../../src/core/types.js';
import { buy, order, Session, sell, setState } from './helpers.js';

const open = () => setState(TradingState.Open);

describe('§7 opening uncross', () => {
  it('picks the price of maximum volume and matches head against head at it', () => {
    const s = new Session({ state: TradingState.PreOpen });
    s.run(buy(1, 5, 102), buy(2, 3, 101), buy(3, 4, 100), sell(4, 4, 99), sell(5, 2, 100), sell(6, 5, 101));
    // volume at 99: min(12, 4) = 4; 100: min(12, 6) = 6; 101: min(8, 11) = 8; 102: min(5, 11) = 5 → 101
    expect(s.run(open())).toEqual([
      'STATE_CHANGED 1 Open',
      'FILL #1 x #4 4 @ 101 (taker 1 left, maker 0 left)',
      'FILL #1 x #5 1 @ 101 (taker 0 left, maker 1 left)',
      'FILL #2 x #5 1 @ 101 (taker 2 left, maker 0 left)',
      'FILL #2 x #6 2 @ 101 (taker 0 left, maker 3 left)',
    ]);
    expect(s.lastEvents.slice(1).every((e) => e.side === Side.None && e.orderType === 0)).toBe(true);
    expect(s.queue(Side.Buy)).toEqual(['3:4/4@100']);
    expect(s.queue(Side.Sell)).toEqual(['6:3/3@101']);
  });

  it('ties on volume go to the smaller imbalance', () => {
    // 100: min(8, 5) = 5, imbalance 3; 101: min(5, 5) = 5, imbalance 0 → 101, though 100 is the reference
    const s = new Session({ state: TradingState.PreOpen, referencePrice: 100 });
    s.run(buy(1, 5, 101), buy(2, 3, 100), sell(3, 5, 100));
    expect(s.run(open())[1]).toBe('FILL #1 x #3 5 @ 101 (taker 0 left, maker 0 left)');
  });

  it.each([
    ['the reference is 100', 100, 100],
    ['the reference is 102', 102, 101],
    ['there is no reference: the lowest', undefined, 100],
  ])('then the price closest to the reference: %s', (_name, referencePrice, expected) => {
    const s = new Session({ state: TradingState.PreOpen, referencePrice });
    s.run(buy(1, 5, 101), sell(2, 5, 100));
    expect(s.run(open())[1]).toBe(`FILL #1 x #2 5 @ ${expected} (taker 0 left, maker 0 left)`);
  });

  it('icebergs trade their whole quantity; traded ones then show a fresh slice, others keep theirs', () => {
    const s = new Session({ referencePrice: 100 });
    s.run(buy(9, 10, 95, { displayQty: 4 }), sell(10, 1, 95)); // #9 shows 3 of its first slice of 4
    s.run(setState(TradingState.PreOpen), buy(1, 10, 101, { displayQty: 2 }), sell(2, 7, 100));
    expect(s.run(open())).toEqual(['STATE_CHANGED 1 Open', 'FILL #1 x #2 7 @ 100 (taker 3 left, maker 0 left)']);
    expect(s.queue(Side.Buy)).toEqual(['1:3/2@101', '9:9/3@95']);
  });

  it('self-match prevention does not apply; stops elected by the uncross run after it, in OPEN', () => {
    const s = new Session({ state: TradingState.PreOpen, protectionTicks: 5 });
    s.run(
      buy(1, 2, 101, { smpId: 3 }),
      sell(2, 2, 100, { smpId: 3 }),
      sell(3, 4, 104),
      order({ orderId: 4n, orderType: OrderType.Stop, stopPrice: 100, qty: 1 }),
    );
    expect(s.run(open())).toEqual([
      'STATE_CHANGED 1 Open',
      'FILL #1 x #2 2 @ 100 (taker 0 left, maker 0 left)',
      'TRIGGERED #4 1 @ 105 stop 100',
      'FILL #4 x #3 1 @ 104 (taker 0 left, maker 3 left)',
    ]);
  });

  it('a book that is not crossed just opens', () => {
    const s = new Session({ state: TradingState.PreOpen });
    s.run(buy(1, 2, 99), sell(2, 2, 100));
    expect(s.run(open())).toEqual(['STATE_CHANGED 1 Open']);
  });
});
