// docs/matching-rules.md §9: the clock, GTD expiry, END_SESSION and ADVANCE_TIME.
import { describe, expect, it } from 'vitest';
import { ALL_INSTRUMENTS, CommandType, OrderType, TimeInForce, type BookCommand } from '../../src/core/types.js';
import { buy, instrument, order, Session, sell } from './helpers.js';

const advance = (ts: bigint): BookCommand => ({ type: CommandType.AdvanceTime, ts });
const endSession = (instrumentId: number, ts = 0n): BookCommand => ({ type: CommandType.EndSession, instrumentId, ts });
const gtd = (expireTs: bigint) => ({ tif: TimeInForce.GTD, expireTs });

describe('§9 GTD expiry', () => {
  it('expires due orders before the command, by expireTs then acceptance, across instruments', () => {
    const s = new Session();
    s.run(instrument({ instrumentId: 2 }));
    s.run(buy(1, 1, 90, gtd(5_000n)), buy(2, 2, 90, { instrumentId: 2, ...gtd(3_000n) }), sell(3, 3, 110, gtd(3_000n)), buy(4, 1, 91, gtd(9_000n)));
    expect(s.run(buy(5, 1, 80), advance(6_000n))).toEqual([
      'ACCEPTED #5 BUY 1 @ 80',
      'EXPIRED #2 GTD 2 @ 90',
      'EXPIRED #3 GTD 3 @ 110',
      'EXPIRED #1 GTD 1 @ 90',
    ]);
    expect(s.lastEvents.slice(1).map((e) => [e.cmdIndex, e.ts])).toEqual([[1, 6_000n], [1, 6_000n], [1, 6_000n]]);
    expect(s.book.liveOrders()).toBe(2);
  });

  it('an order expiring at the command time is gone before the command matches', () => {
    const s = new Session();
    s.run(sell(1, 1, 100, gtd(5_000n)));
    expect(s.run(buy(2, 1, 100, { ts: 5_000n }))).toEqual(['EXPIRED #1 GTD 1 @ 100', 'ACCEPTED #2 BUY 1 @ 100']);
  });

  it('a timestamp below the clock does not move it back (and still stamps its events)', () => {
    const s = new Session();
    s.run(advance(10_000n));
    expect(s.run(buy(1, 1, 90, { ts: 8_000n, ...gtd(9_000n) }))).toEqual(['REJECTED #1 INVALID_EXPIRY']);
    expect(s.lastEvents[0]!.ts).toBe(8_000n);
    expect(s.run(buy(2, 1, 90, { ts: 8_000n, ...gtd(10_001n) }))).toEqual(['ACCEPTED #2 BUY 1 @ 90']);
  });

  it('untriggered GTD stops expire too', () => {
    const s = new Session();
    s.run(order({ orderId: 1n, orderType: OrderType.Stop, stopPrice: 105, ...gtd(100n) }));
    expect(s.run(advance(100n))).toEqual(['EXPIRED #1 GTD 1 @ 110']);
  });
});

describe('§9 END_SESSION and ADVANCE_TIME', () => {
  it('END_SESSION expires DAY orders (stops too) in acceptance sequence; GTC and GTD stay', () => {
    const s = new Session();
    s.run(instrument({ instrumentId: 2 }));
    s.run(
      buy(1, 1, 90),
      buy(2, 1, 91, { tif: TimeInForce.GTC }),
      order({ orderId: 3n, orderType: OrderType.Stop, stopPrice: 105 }),
      buy(4, 1, 92, gtd(1_000_000n)),
      buy(5, 1, 93, { instrumentId: 2 }),
      sell(6, 2, 110),
    );
    expect(s.run(endSession(1))).toEqual(['EXPIRED #1 DAY 1 @ 90', 'EXPIRED #3 DAY 1 @ 110', 'EXPIRED #6 DAY 2 @ 110']);
    expect(s.run(endSession(ALL_INSTRUMENTS))).toEqual(['EXPIRED #5 DAY 1 @ 93']);
    expect(s.run(endSession(3))).toEqual(['REJECTED #0 UNKNOWN_INSTRUMENT']);
    expect(s.book.liveOrders()).toBe(2);
  });

  it('ADVANCE_TIME emits nothing but expiries', () => {
    const s = new Session();
    s.run(buy(1, 1, 90));
    expect(s.run(advance(1_000_000_000n))).toEqual([]);
  });
});
