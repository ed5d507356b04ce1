// docs/matching-rules.md §1: instrument definitions and trading states.
import { describe, expect, it } from 'vitest';
import { ALL_INSTRUMENTS, MAX_PRICE, OrderType, Side, TimeInForce, TradingState } from '../../src/core/types.js';
import { buy, cancel, instrument, modify, order, Session, sell, setState } from './helpers.js';

describe('§1 instruments', () => {
  it('defines an instrument once; a second definition of the id is DUPLICATE_INSTRUMENT', () => {
    const s = new Session(null);
    expect(s.run(instrument())).toEqual(['INSTRUMENT_DEFINED 1 ref 100']);
    expect(s.run(instrument({ tickSize: 7 }))).toEqual(['REJECTED #0 DUPLICATE_INSTRUMENT']);
    expect(s.run(instrument({ instrumentId: 2, referencePrice: undefined }))).toEqual(['INSTRUMENT_DEFINED 2 ref 0']);
  });

  it.each([
    ['tick 0', { tickSize: 0 }],
    ['tick above 10^12', { tickSize: 1e12 + 1 }],
    ['band above 10^6 ticks', { bandTicks: 1e6 + 1 }],
    ['protection above 10^6 ticks', { protectionTicks: 1e6 + 1 }],
    ['max qty 0', { maxOrderQty: 0 }],
    ['max qty above 10^9', { maxOrderQty: 1e9 + 1 }],
    ['pro rata (not yet)', { matchAlgorithm: 1 }],
    ['reference off tick', { tickSize: 25, referencePrice: 110 }],
    ['reference beyond 2^53 − 1', { referencePrice: MAX_PRICE + 1 }],
    ['state 0', { state: 0 as TradingState }],
    ['state 4', { state: 4 as TradingState }],
    ['id 0xFFFFFFFF (means all)', { instrumentId: ALL_INSTRUMENTS }],
  ])('rejects a definition with %s as INVALID_INSTRUMENT', (_name, over) => {
    const s = new Session(null);
    expect(s.run(instrument({ instrumentId: 9, ...over }))).toEqual([`REJECTED #0 INVALID_INSTRUMENT`]);
    expect(s.book.top((over as { instrumentId?: number }).instrumentId ?? 9)).toBeNull();
  });

  it('accepts the bounds themselves', () => {
    const s = new Session(null);
    expect(
      s.run(instrument({ tickSize: 1e12, bandTicks: 1e6, protectionTicks: 1e6, maxOrderQty: 1e9, referencePrice: 9_007_000_000_000_000 })),
    ).toEqual(['INSTRUMENT_DEFINED 1 ref 9007000000000000']);
  });

  it('keeps books of different instruments apart', () => {
    const s = new Session();
    s.run(instrument({ instrumentId: 2 }));
    expect(s.run(sell(1, 5, 100), buy(2, 5, 100, { instrumentId: 2 }))).toEqual([
      'ACCEPTED #1 SELL 5 @ 100',
      'ACCEPTED #2 BUY 5 @ 100',
    ]);
  });
});

describe('§1 trading states', () => {
  it('SET_STATE: unknown instrument first, then the state value; same state just reports', () => {
    const s = new Session();
    expect(s.run(setState(9, 77))).toEqual(['REJECTED #0 UNKNOWN_INSTRUMENT']);
    expect(s.run(setState(4))).toEqual(['REJECTED #0 INVALID_STATE']);
    expect(s.run(setState(0))).toEqual(['REJECTED #0 INVALID_STATE']);
    expect(s.run(setState(TradingState.Open))).toEqual(['STATE_CHANGED 1 Open']);
  });

  it('PREOPEN: limit orders rest without matching (the book may cross); stops are accepted', () => {
    const s = new Session({ state: TradingState.PreOpen });
    expect(
      s.run(
        buy(1, 5, 101),
        sell(2, 5, 99),
        order({ orderId: 3n, side: Side.Buy, orderType: OrderType.Stop, stopPrice: 105, qty: 1 }),
      ),
    ).toEqual(['ACCEPTED #1 BUY 5 @ 101', 'ACCEPTED #2 SELL 5 @ 99', 'ACCEPTED #3 BUY 1 @ 110 stop 105']);
    expect(s.book.top(1)).toMatchObject({ bidPrice: 101, askPrice: 99, state: TradingState.PreOpen });
  });

  it.each([
    ['a market-limit order', { orderType: OrderType.MarketLimit }],
    ['a market order', { orderType: OrderType.Market }],
    ['a FAK order', { tif: TimeInForce.FAK, price: 100 }],
    ['a FOK order', { tif: TimeInForce.FOK, price: 100 }],
    ['a minimum-quantity order', { minQty: 1, price: 100 }],
  ])('PREOPEN rejects %s with MARKET_NOT_OPEN', (_name, over) => {
    const s = new Session({ state: TradingState.PreOpen });
    s.run(sell(1, 5, 100));
    expect(s.run(order({ orderId: 2n, qty: 2, ...over }))).toEqual(['REJECTED #2 MARKET_NOT_OPEN']);
  });

  it('PREOPEN: a modify never matches', () => {
    const s = new Session({ state: TradingState.PreOpen });
    s.run(buy(1, 5, 99), sell(2, 5, 101));
    expect(s.run(modify(1, 102, 5))).toEqual(['MODIFIED #1 5 @ 102']);
    expect(s.queue(Side.Buy)).toEqual(['1:5/5@102']);
  });

  it('HALTED: new orders and modifies are INSTRUMENT_HALTED, cancels work', () => {
    const s = new Session();
    s.run(buy(1, 5, 99), setState(TradingState.Halted));
    expect(s.run(buy(2, 1, 98))).toEqual(['REJECTED #2 INSTRUMENT_HALTED']);
    expect(s.run(modify(1, 99, 4))).toEqual(['REJECTED #1 INSTRUMENT_HALTED']);
    expect(s.run(cancel(1))).toEqual(['CANCELLED #1 USER 5 @ 99']);
  });

  it('PREOPEN → HALTED → OPEN: the book stays crossed while halted and uncrosses on entering OPEN', () => {
    const s = new Session({ state: TradingState.PreOpen, referencePrice: 100 });
    s.run(buy(1, 5, 101), sell(2, 3, 99), sell(3, 4, 100));
    expect(s.run(setState(TradingState.Halted))).toEqual(['STATE_CHANGED 1 Halted']);
    expect(s.book.top(1)).toMatchObject({ bidPrice: 101, askPrice: 99, state: TradingState.Halted });
    // candidates 99: min(5, 3) = 3; 100: min(5, 7) = 5, imbalance 2; 101: min(5, 7) = 5, imbalance 2
    // → 100 and 101 tie on volume and imbalance; 100 is the reference
    expect(s.run(setState(TradingState.Open))).toEqual([
      'STATE_CHANGED 1 Open',
      'FILL #1 x #2 3 @ 100 (taker 2 left, maker 0 left)',
      'FILL #1 x #3 2 @ 100 (taker 0 left, maker 2 left)',
    ]);
    expect(s.queue(Side.Buy)).toEqual([]);
    expect(s.queue(Side.Sell)).toEqual(['3:2/2@100']);
  });

  it('HALTED → OPEN: stops elected by that uncross are processed after it, in OPEN', () => {
    const s = new Session({ state: TradingState.PreOpen, referencePrice: 100, protectionTicks: 5 });
    s.run(buy(1, 5, 101), sell(2, 3, 99), sell(3, 4, 100), sell(5, 2, 103));
    expect(s.run(order({ orderId: 4n, orderType: OrderType.Stop, stopPrice: 100, qty: 1 }))).toEqual([
      'ACCEPTED #4 BUY 1 @ 105 stop 100',
    ]);
    s.run(setState(TradingState.Halted));
    // same IOP 100 as above (103 is outside [best ask 99, best bid 101]); the first fill at 100 elects #4,
    // whose limit 100 + 5 ticks takes the 100 ask left over by the uncross
    expect(s.run(setState(TradingState.Open))).toEqual([
      'STATE_CHANGED 1 Open',
      'FILL #1 x #2 3 @ 100 (taker 2 left, maker 0 left)',
      'FILL #1 x #3 2 @ 100 (taker 0 left, maker 2 left)',
      'TRIGGERED #4 1 @ 105 stop 100',
      'FILL #4 x #3 1 @ 100 (taker 0 left, maker 1 left)',
    ]);
    expect(s.queue(Side.Sell)).toEqual(['3:1/1@100', '5:2/2@103']);
  });

  it('OPEN → HALTED → OPEN and OPEN → OPEN only change the state (an OPEN book is never crossed)', () => {
    const s = new Session();
    s.run(buy(1, 5, 99), sell(2, 5, 100));
    expect(s.run(setState(TradingState.Halted), setState(TradingState.Open), setState(TradingState.Open))).toEqual([
      'STATE_CHANGED 1 Halted',
      'STATE_CHANGED 1 Open',
      'STATE_CHANGED 1 Open',
    ]);
    expect(s.queue(Side.Buy)).toEqual(['1:5/5@99']);
    expect(s.queue(Side.Sell)).toEqual(['2:5/5@100']);
  });
});
