// Hand-worked scenarios for every rule of docs/matching-rules.md, on the debug build, with the internal
// invariants checked after every command.
import { describe, expect, it } from 'vitest';
import { CheckedEngine, brief, buy, cancel, define, modify, sell, setState } from './helpers.js';
import {
  CancelReason as X, CommandType, OrderType as T, RejectReason as R, Side, TimeInForce as TIF, TradingState,
} from '../../src/core/types.js';

const briefs = (ev: ReturnType<CheckedEngine['run']>) => ev.map(brief);

describe('validation (§2)', () => {
  it('rejects in the documented order with the documented reasons', () => {
    const e = new CheckedEngine();
    e.run(define(1, { tickSize: 5, maxOrderQty: 100, referencePrice: 1000, bandTicks: 10 }));
    const rej = (c: Parameters<CheckedEngine['run']>[0]) => {
      const ev = e.run(c);
      expect(ev).toHaveLength(1);
      expect(ev[0]!.type).toBe(2);
      return ev[0]!.reason;
    };
    expect(rej(buy(1, 1000, 1, { instrumentId: 2 }))).toBe(R.UnknownInstrument);
    expect(rej(buy(1, 1000, 1, { side: 3 as Side }))).toBe(R.InvalidSide);
    expect(rej(buy(1, 1000, 1, { orderType: 6 as T }))).toBe(R.InvalidOrderType);
    expect(rej(buy(1, 1000, 1, { tif: 5 as TIF }))).toBe(R.InvalidTif);
    expect(rej(buy(1, 1000, 1, { orderType: T.Stop, tif: TIF.FAK, stopPrice: 1000 }))).toBe(R.InvalidTif);
    expect(rej(buy(1, 1000, 0))).toBe(R.InvalidQuantity);
    expect(rej(buy(1, 1000, 101))).toBe(R.InvalidQuantity);
    expect(rej(buy(1, 1000, 10, { minQty: 11 }))).toBe(R.InvalidMinQty);
    expect(rej(buy(1, 1000, 10, { tif: TIF.FOK, minQty: 1 }))).toBe(R.InvalidMinQty);
    expect(rej(buy(1, 1000, 10, { displayQty: 11 }))).toBe(R.InvalidDisplayQty);
    expect(rej(buy(1, 1000, 10, { tif: TIF.GTD, expireTs: 0n }))).toBe(R.InvalidExpiry);
    expect(rej(buy(1, 2 ** 53, 10))).toBe(R.PriceOutOfRange);
    expect(rej(buy(1, 1001, 10))).toBe(R.InvalidPriceTick);
    expect(rej(buy(1, 1055, 10))).toBe(R.PriceOutsideBand);
    expect(rej(sell(1, 945, 10))).toBe(R.PriceOutsideBand);
    expect(rej(buy(1, 1000, 10, { orderType: T.StopLimit, stopPrice: 1005 }))).toBe(R.InvalidStopPrice);
    expect(rej(buy(1, 1000, 10, { tif: TIF.FAK, flags: 1 }))).toBe(R.InvalidPostOnly);
    expect(rej(buy(1, 0, 10, { orderType: T.Market, tif: TIF.FAK }))).toBe(R.NoOppositeSide);
    expect(briefs(e.run(buy(1, 1050, 10), sell(2, 1000, 5, { flags: 1 })))).toEqual([
      'ACC 1 10@1050',
      'REJ 2 r17',
    ]);
    expect(rej(buy(1, 1000, 10))).toBe(R.DuplicateOrderId);
    // ids of dead orders may be reused
    expect(briefs(e.run(cancel(1), buy(1, 1000, 3)))).toEqual(['CXL 1 r1 10@1050', 'ACC 1 3@1000']);
    // prices the type does not use are ignored (MARKET_LIMIT price 7 is off tick)
    expect(briefs(e.run(sell(3, 7, 2, { orderType: T.MarketLimit, tif: TIF.FAK })))).toEqual([
      'ACC 3 2@1000',
      'FILL 3x1 2@1000 L0/1',
    ]);
    expect(e.engine.liveOrders()).toBe(1);
  });

  it('rejects bad instrument definitions and commands without panicking', () => {
    const e = new CheckedEngine();
    const ev = e.run(
      define(1),
      define(1),
      define(2, { tickSize: 0 }),
      define(3, { matchAlgorithm: 1 }),
      define(4, { referencePrice: 7, tickSize: 5 }),
      define(0xffffffff),
      define(5, { state: 4 as TradingState }),
      setState(9, 2),
      setState(1, 0),
      { type: CommandType.EndSession, instrumentId: 9, ts: 0n },
      { type: CommandType.MassCancel, instrumentId: 9, account: 0, ts: 0n },
      cancel(42),
      modify(42, 1, 1),
    );
    expect(ev.map((x) => (x.type === 2 ? x.reason : -x.type))).toEqual([
      -8, R.DuplicateInstrument, R.InvalidInstrument, R.InvalidInstrument, R.InvalidInstrument, R.InvalidInstrument,
      R.InvalidInstrument, R.UnknownInstrument, R.InvalidState, R.UnknownInstrument, R.UnknownInstrument,
      R.UnknownOrder, R.UnknownOrder,
    ]);
  });
});

describe('continuous FIFO matching (§4)', () => {
  it('fills at resting prices in price-time priority and rests the remainder', () => {
    const e = new CheckedEngine();
    e.run(define(), sell(1, 101, 5), sell(2, 100, 3), sell(3, 100, 4), sell(4, 102, 1));
    expect(briefs(e.run(buy(10, 101, 10)))).toEqual([
      'ACC 10 10@101',
      'FILL 10x2 3@100 L7/0',
      'FILL 10x3 4@100 L3/0',
      'FILL 10x1 3@101 L0/2',
    ]);
    expect(e.engine.top(1)).toMatchObject({ bidPrice: null, askPrice: 101, askQty: 2, askOrders: 1 });
    expect(briefs(e.run(buy(11, 103, 5)))).toEqual([
      'ACC 11 5@103',
      'FILL 11x1 2@101 L3/0',
      'FILL 11x4 1@102 L2/0',
    ]);
    expect(e.engine.top(1)).toMatchObject({ bidPrice: 103, bidQty: 2, askPrice: null });
    expect(e.engine.orderState(11n)).toMatchObject({ leaves: 2, visible: 2, status: 'resting', price: 103 });
  });

  it('FAK remainder is cancelled, FOK and min quantity are checked before matching', () => {
    const e = new CheckedEngine();
    e.run(define(), sell(1, 100, 5), sell(2, 101, 5, { displayQty: 1 }));
    expect(briefs(e.run(buy(3, 100, 8, { tif: TIF.FAK })))).toEqual([
      'ACC 3 8@100',
      'FILL 3x1 5@100 L3/0',
      `CXL 3 r${X.FakRemainder} 3@100`,
    ]);
    expect(briefs(e.run(buy(4, 101, 6, { tif: TIF.FOK })))).toEqual(['ACC 4 6@101', `CXL 4 r${X.FokNotFilled} 6@101`]);
    expect(briefs(e.run(buy(5, 101, 7, { minQty: 6 })))).toEqual(['ACC 5 7@101', `CXL 5 r${X.MinQtyNotMet} 7@101`]);
    // iceberg hidden quantity counts, and the iceberg is revisited after each refill
    expect(briefs(e.run(buy(6, 101, 3, { tif: TIF.FOK })))).toEqual([
      'ACC 6 3@101',
      'FILL 6x2 1@101 L2/4',
      'FILL 6x2 1@101 L1/3',
      'FILL 6x2 1@101 L0/2',
    ]);
    expect(briefs(e.run(buy(7, 101, 3, { minQty: 2 })))).toEqual([
      'ACC 7 3@101',
      'FILL 7x2 1@101 L2/1',
      'FILL 7x2 1@101 L1/0',
      'ACC_REST_CHECK',
    ].slice(0, 3));
    expect(e.engine.orderState(7n)).toMatchObject({ leaves: 1, price: 101, status: 'resting' });
  });

  it('iceberg refill loses time priority', () => {
    const e = new CheckedEngine();
    e.run(define(), sell(1, 100, 10, { displayQty: 2 }), sell(2, 100, 3));
    expect(e.engine.depth(1, Side.Sell, 5)).toEqual([{ price: 100, visibleQty: 5, totalQty: 13, orders: 2 }]);
    expect(briefs(e.run(buy(3, 100, 4, { tif: TIF.FAK })))).toEqual([
      'ACC 3 4@100',
      'FILL 3x1 2@100 L2/8',
      'FILL 3x2 2@100 L0/1',
    ]);
    expect(e.engine.depth(1, Side.Sell, 5)).toEqual([{ price: 100, visibleQty: 3, totalQty: 9, orders: 2 }]);
    expect(briefs(e.run(buy(4, 100, 2, { tif: TIF.FAK })))).toEqual(['ACC 4 2@100', 'FILL 4x2 1@100 L1/0', 'FILL 4x1 1@100 L0/7']);
  });

  it('self-match prevention: cancel resting (default) and cancel aggressor', () => {
    const e = new CheckedEngine();
    e.run(define(), sell(1, 100, 2), sell(2, 100, 2, { smpId: 7 }), sell(3, 101, 2));
    expect(briefs(e.run(buy(4, 101, 5, { smpId: 7 })))).toEqual([
      'ACC 4 5@101',
      'FILL 4x1 2@100 L3/0',
      `CXL 2 r${X.SelfMatch} 2@100`,
      'FILL 4x3 2@101 L1/0',
    ]);
    e.run(sell(5, 102, 2), sell(6, 102, 2, { smpId: 8 }), sell(7, 102, 2));
    expect(briefs(e.run(buy(8, 102, 5, { smpId: 8, flags: 2 })))).toEqual([
      'ACC 8 5@102',
      'FILL 8x5 2@102 L3/0',
      `CXL 8 r${X.SelfMatch} 3@102`,
    ]);
    expect(e.engine.orderState(8n)).toBeNull();
    expect(e.engine.orderState(6n)).not.toBeNull();
    // FOK pre-check: cancel-aggressor walks stop at the first own order
    expect(briefs(e.run(buy(9, 102, 3, { smpId: 8, flags: 2, tif: TIF.FOK })))).toEqual([
      'ACC 9 3@102',
      `CXL 9 r${X.FokNotFilled} 3@102`,
    ]);
  });
});

describe('market orders (§3)', () => {
  it('market-limit fills at the best price only and rests there; market uses protection', () => {
    const e = new CheckedEngine();
    e.run(define(1, { tickSize: 5, protectionTicks: 2 }), sell(1, 100, 2), sell(2, 105, 2), sell(3, 115, 2));
    expect(briefs(e.run(buy(4, 0, 5, { orderType: T.MarketLimit, tif: TIF.Day })))).toEqual([
      'ACC 4 5@100',
      'FILL 4x1 2@100 L3/0',
    ]);
    expect(e.engine.orderState(4n)).toMatchObject({ price: 100, leaves: 3, orderType: T.MarketLimit });
    e.run(cancel(4));
    expect(briefs(e.run(buy(5, 0, 5, { orderType: T.Market })))).toEqual([
      'ACC 5 5@115',
      'FILL 5x2 2@105 L3/0',
      'FILL 5x3 2@115 L1/0',
    ]);
    expect(e.engine.top(1)).toMatchObject({ bidPrice: 115, bidQty: 1 });
    expect(briefs(e.run(sell(6, 0, 1, { orderType: T.Market, tif: TIF.FAK })))).toEqual(['ACC 6 1@105', 'FILL 6x5 1@115 L0/0']);
  });

  it('clamps a computed limit to the furthest tick inside ±(2^53 − 1)', () => {
    const e = new CheckedEngine();
    const max = Math.floor((2 ** 53 - 1) / 10) * 10;
    e.run(define(1, { tickSize: 10, protectionTicks: 1_000_000 }), sell(1, max - 10, 1));
    expect(briefs(e.run(buy(2, 0, 2, { orderType: T.Market })))).toEqual([`ACC 2 2@${max}`, `FILL 2x1 1@${max - 10} L1/0`]);
    expect(e.engine.top(1)).toMatchObject({ bidPrice: max });
  });
});

describe('stops (§5)', () => {
  it('elects at or through the trigger, in the documented order, and cascades', () => {
    const e = new CheckedEngine();
    e.run(define(1, { protectionTicks: 10 }), sell(1, 100, 1), buy(2, 100, 1)); // last = 100
    e.run(
      buy(10, 0, 1, { orderType: T.Stop, stopPrice: 102 }),
      buy(11, 105, 1, { orderType: T.StopLimit, stopPrice: 101 }),
      buy(12, 0, 1, { orderType: T.Stop, stopPrice: 101 }),
      sell(13, 0, 1, { orderType: T.Stop, stopPrice: 95 }),
    );
    e.run(sell(20, 101, 1), sell(21, 102, 1), sell(22, 103, 1), sell(23, 104, 1));
    // a buy at 101 trades at 101: elects 11 then 12 (stop 101, by sequence); 11 buys 102, which elects 10
    expect(briefs(e.run(buy(30, 101, 1)))).toEqual([
      'ACC 30 1@101',
      'FILL 30x20 1@101 L0/0',
      'TRIG 11 1@105 aux101',
      'FILL 11x21 1@102 L0/0',
      'TRIG 12 1@111 aux101',
      'FILL 12x22 1@103 L0/0',
      'TRIG 10 1@112 aux102',
      'FILL 10x23 1@104 L0/0',
    ]);
    expect(e.engine.orderState(13n)).toMatchObject({ status: 'stop', stopPrice: 95, price: 85 });
    expect(e.engine.liveOrders()).toBe(1);
  });

  it('validates stop prices against the last trade and can modify and cancel stops', () => {
    const e = new CheckedEngine();
    e.run(define(1, { protectionTicks: 3 }), sell(1, 100, 1), buy(2, 100, 1));
    expect(briefs(e.run(buy(3, 0, 1, { orderType: T.Stop, stopPrice: 100 })))).toEqual([`REJ 3 r${R.InvalidStopPrice}`]);
    expect(briefs(e.run(sell(3, 0, 1, { orderType: T.Stop, stopPrice: 100 })))).toEqual([`REJ 3 r${R.InvalidStopPrice}`]);
    expect(briefs(e.run(sell(3, 0, 4, { orderType: T.Stop, stopPrice: 98, tif: TIF.Day })))).toEqual(['ACC 3 4@95 aux98']);
    expect(briefs(e.run(modify(3, 0, 2, 101)))).toEqual([`REJ 3 r${R.InvalidStopPrice}`]);
    expect(briefs(e.run(modify(3, 0, 2, 97)))).toEqual(['MOD 3 2@94 aux97']);
    expect(e.engine.orderState(3n)).toMatchObject({ stopPrice: 97, price: 94, leaves: 2, status: 'stop' });
    expect(briefs(e.run(cancel(3)))).toEqual([`CXL 3 r1 2@94`]);
  });
});

describe('modify priority (§8)', () => {
  it('qty down keeps the queue position; qty up or a price change loses it; crossing modifies match', () => {
    const e = new CheckedEngine();
    e.run(define(), buy(1, 100, 5), buy(2, 100, 5), buy(3, 100, 5));
    expect(briefs(e.run(modify(1, 100, 3)))).toEqual(['MOD 1 3@100']);
    expect(briefs(e.run(modify(2, 100, 6)))).toEqual(['MOD 2 6@100']);
    expect(briefs(e.run(sell(4, 100, 9, { tif: TIF.FAK })))).toEqual([
      'ACC 4 9@100',
      'FILL 4x1 3@100 L6/0',
      'FILL 4x3 5@100 L1/0',
      'FILL 4x2 1@100 L0/5',
    ]);
    e.run(sell(5, 102, 2), sell(6, 103, 2));
    expect(briefs(e.run(modify(2, 101, 5)))).toEqual(['MOD 2 5@101']);
    expect(briefs(e.run(modify(2, 103, 5)))).toEqual(['MOD 2 5@103', 'FILL 2x5 2@102 L3/0', 'FILL 2x6 2@103 L1/0']);
    expect(e.engine.top(1)).toMatchObject({ bidPrice: 103, bidQty: 1, askPrice: null });
    expect(briefs(e.run(modify(2, 103, 1)))).toEqual(['MOD 2 1@103']);
    expect(briefs(e.run(modify(99, 103, 1)))).toEqual([`REJ 99 r${R.UnknownOrder}`]);
    expect(briefs(e.run(modify(2, 103, 0)))).toEqual([`REJ 2 r${R.InvalidQuantity}`]);
  });

  it('iceberg modify: qty down trims visible; re-entry shows a fresh slice', () => {
    const e = new CheckedEngine();
    e.run(define(), sell(1, 100, 10, { displayQty: 4 }));
    e.run(modify(1, 100, 3));
    expect(e.engine.orderState(1n)).toMatchObject({ leaves: 3, visible: 3 });
    e.run(modify(1, 101, 9));
    expect(e.engine.orderState(1n)).toMatchObject({ leaves: 9, visible: 4, price: 101 });
  });
});

describe('banding (§6), pre-open and uncross (§7), halts', () => {
  it('bands around the reference, then around the last trade', () => {
    const e = new CheckedEngine();
    e.run(define(1, { referencePrice: 100, bandTicks: 5 }));
    expect(briefs(e.run(buy(1, 106, 1)))[0]).toBe(`REJ 1 r${R.PriceOutsideBand}`);
    e.run(buy(1, 105, 1), sell(2, 105, 1)); // trade at 105 moves the reference
    expect(briefs(e.run(buy(3, 110, 1)))).toEqual(['ACC 3 1@110']);
    expect(briefs(e.run(sell(4, 99, 1)))).toEqual([`REJ 4 r${R.PriceOutsideBand}`]);
    // a modify that does not change the price is not band-checked
    expect(briefs(e.run(modify(3, 110, 1)))).toEqual(['MOD 3 1@110']);
  });

  it('pre-open rests crossing orders and the opening uncross picks the IOP', () => {
    const e = new CheckedEngine();
    e.run(define(1, { state: TradingState.PreOpen, referencePrice: 100 }));
    expect(briefs(e.run(buy(1, 0, 1, { orderType: T.Market })))).toEqual([`REJ 1 r${R.MarketNotOpen}`]);
    expect(briefs(e.run(buy(1, 100, 1, { tif: TIF.FAK })))).toEqual([`REJ 1 r${R.MarketNotOpen}`]);
    expect(briefs(e.run(buy(1, 100, 1, { minQty: 1 })))).toEqual([`REJ 1 r${R.MarketNotOpen}`]);
    e.run(buy(1, 103, 5), buy(2, 101, 5), sell(3, 100, 4), sell(4, 102, 4, { displayQty: 1 }), sell(5, 104, 9));
    // candidates 100..103: at 101 bidVol 10 askVol 4 → 4; at 102 bidVol 5 askVol 8 → 5; at 103 5 vs 8 → 5
    // 102 and 103 tie on volume and imbalance (3); 102 is closer to the reference 100
    const ev = e.run(setState(1, TradingState.Open));
    expect(briefs(ev)).toEqual(['STATE 1 2', 'FILL 1x3 4@102 L1/0', 'FILL 1x4 1@102 L0/3']);
    expect(ev[1]!.side).toBe(Side.None);
    expect(e.engine.orderState(4n)).toMatchObject({ leaves: 3, visible: 1 });
    expect(e.engine.top(1)).toMatchObject({ bidPrice: 101, askPrice: 102, state: TradingState.Open });
  });

  it('PREOPEN → HALTED → OPEN uncrosses like PREOPEN → OPEN (§1, §7)', () => {
    const crossedPreopen = (e: CheckedEngine) => {
      e.run(define(1, { state: TradingState.PreOpen, referencePrice: 100 }));
      e.run(buy(1, 103, 5), buy(2, 101, 5), sell(3, 100, 4), sell(4, 102, 4, { displayQty: 1 }), sell(5, 104, 9));
    };
    const direct = new CheckedEngine();
    crossedPreopen(direct);
    direct.run(setState(1, TradingState.Open));
    const e = new CheckedEngine();
    crossedPreopen(e);
    expect(briefs(e.run(setState(1, TradingState.Halted)))).toEqual(['STATE 1 3']);
    // still crossed while halted; orders are refused, cancels work
    expect(e.engine.top(1)).toMatchObject({ bidPrice: 103, askPrice: 100, state: TradingState.Halted });
    expect(briefs(e.run(buy(6, 100, 1)))).toEqual([`REJ 6 r${R.InstrumentHalted}`]);
    // same IOP as straight from pre-open: 102 (ties with 103 on volume 5 and imbalance 3; closer to 100)
    const ev = e.run(setState(1, TradingState.Open));
    expect(briefs(ev)).toEqual(['STATE 1 2', 'FILL 1x3 4@102 L1/0', 'FILL 1x4 1@102 L0/3']);
    expect(ev.slice(1).every((x) => x.side === Side.None)).toBe(true);
    expect(e.engine.orderState(4n)).toMatchObject({ leaves: 3, visible: 1 });
    expect(e.engine.top(1)).toMatchObject({ bidPrice: 101, askPrice: 102, state: TradingState.Open });
    expect(e.engine.bookHash()).toBe(direct.engine.bookHash());
    // a further halt and reopen of the now uncrossed book changes nothing but the state
    expect(briefs(e.run(setState(1, TradingState.Halted), setState(1, TradingState.Open)))).toEqual(['STATE 1 3', 'STATE 1 2']);
    expect(e.engine.bookHash()).toBe(direct.engine.bookHash());
  });

  it('halted instruments reject orders and modifies but accept cancels', () => {
    const e = new CheckedEngine();
    e.run(define(), buy(1, 100, 1), setState(1, TradingState.Halted));
    expect(briefs(e.run(buy(2, 100, 1)))).toEqual([`REJ 2 r${R.InstrumentHalted}`]);
    expect(briefs(e.run(modify(1, 100, 1)))).toEqual([`REJ 1 r${R.InstrumentHalted}`]);
    expect(briefs(e.run(cancel(1)))).toEqual(['CXL 1 r1 1@100']);
  });
});

describe('time, expiry, sessions, mass cancel (§8–§9)', () => {
  it('expires GTD by expireTs then sequence, DAY at end of session, mass cancels by account', () => {
    const e = new CheckedEngine();
    e.run(
      define(1),
      define(2),
      buy(1, 100, 1, { tif: TIF.GTD, expireTs: 50n }),
      buy(2, 99, 1, { tif: TIF.GTD, expireTs: 40n }),
      buy(3, 98, 1, { tif: TIF.GTD, expireTs: 50n, instrumentId: 2 }),
      buy(4, 97, 1, { tif: TIF.Day, account: 7 }),
      buy(5, 96, 1, { tif: TIF.Day, account: 7, instrumentId: 2 }),
      buy(6, 95, 1, { account: 7 }),
    );
    const ev = e.run({ type: CommandType.AdvanceTime, ts: 50n });
    expect(briefs(ev)).toEqual(['EXP 2 r2 1@99', 'EXP 1 r2 1@100', 'EXP 3 r2 1@98']);
    expect(ev.every((x) => x.ts === 50n)).toBe(true);
    expect(briefs(e.run({ type: CommandType.EndSession, instrumentId: 2, ts: 10n }))).toEqual(['EXP 5 r1 1@96']);
    expect(briefs(e.run({ type: CommandType.MassCancel, instrumentId: 0xffffffff, account: 7, ts: 0n }))).toEqual([
      `CXL 4 r${X.MassCancel} 1@97`,
      `CXL 6 r${X.MassCancel} 1@95`,
    ]);
    expect(e.engine.liveOrders()).toBe(0);
  });
});

describe('book hash and queries', () => {
  it('is deterministic and changes with the book', () => {
    const a = new CheckedEngine();
    const b = new CheckedEngine();
    const cmds = [define(1), define(2, { tickSize: 3 }), buy(1, 100, 5), sell(2, 103, 5, { instrumentId: 2 }), sell(3, 105, 2)];
    a.run(...cmds);
    b.run(...cmds.slice().reverse().filter((c) => c.type === CommandType.DefineInstrument).reverse(), ...cmds.slice(2));
    expect(a.engine.bookHash()).toBe(b.engine.bookHash());
    const h0 = a.engine.bookHash();
    a.run(modify(1, 100, 4));
    expect(a.engine.bookHash()).not.toBe(h0);
    a.engine.reset();
    expect(a.engine.liveOrders()).toBe(0);
    expect(a.engine.top(1)).toBeNull();
  });

  it('handles extreme prices and far-apart levels (window growth and far levels)', () => {
    const e = new CheckedEngine();
    const M = 2 ** 53 - 1;
    e.run(define(1));
    const prices = [0, 1, -1, M, -M, 1000, 70_000, -70_000, 5_000_000, M - 1, -M + 1, 300, 301, 299];
    prices.forEach((p, i) => e.run(buy(100 + i, p, 1)));
    prices.forEach((p, i) => e.run(sell(200 + i, p + 2 ** 40 > M ? M : p, 1, { tif: TIF.FAK })));
    const bids = e.engine.depth(1, Side.Buy, 100);
    for (let i = 1; i < bids.length; i++) expect(bids[i - 1]!.price).toBeGreaterThan(bids[i]!.price);
    expect(e.engine.validateInternalState()).toBe(0);
  });
});

describe('more §5/§7/§9 cases', () => {
  it('stops elected by the uncross are processed after it, in OPEN state', () => {
    const e = new CheckedEngine();
    e.run(define(1, { state: TradingState.PreOpen, protectionTicks: 2 }));
    // no reference, no trade yet: stop prices are not checked against a last trade
    e.run(
      buy(1, 101, 3),
      sell(2, 99, 3),
      sell(3, 103, 1),
      buy(9, 0, 2, { orderType: T.Stop, stopPrice: 100 }),
    );
    // IOP: candidates 99 and 101, both match 3 with imbalance 0 → no reference → lowest price 99
    expect(briefs(e.run(setState(1, TradingState.Open)))).toEqual([
      'STATE 1 2',
      'FILL 1x2 3@99 L0/0',
    ]);
    expect(e.engine.orderState(9n)).toMatchObject({ status: 'stop' });
    // the next trade at 103 ≥ 100 elects the stop; its limit is 100 + 2 ticks = 102, below the 103 ask: it rests
    expect(briefs(e.run(buy(4, 103, 1)))).toEqual([
      'ACC 4 1@103',
      'FILL 4x3 1@103 L0/0',
      'TRIG 9 2@102 aux100',
    ]);
    expect(e.engine.top(1)).toMatchObject({ bidPrice: 102, bidQty: 2, askPrice: null });
  });

  it('an uncross fill elects a stop that then trades in OPEN state', () => {
    const e = new CheckedEngine();
    e.run(define(1, { state: TradingState.PreOpen, protectionTicks: 5 }));
    e.run(
      sell(1, 100, 2),
      buy(2, 100, 1),
      sell(3, 104, 1),
      buy(9, 0, 1, { orderType: T.Stop, stopPrice: 100 }),
    );
    expect(briefs(e.run(setState(1, TradingState.Open)))).toEqual([
      'STATE 1 2',
      'FILL 2x1 1@100 L0/1',
      'TRIG 9 1@105 aux100',
      'FILL 9x1 1@100 L0/0',
    ]);
  });

  it('GTD stops expire like resting orders; END_SESSION for all instruments', () => {
    const e = new CheckedEngine();
    e.run(define(1), define(2), sell(1, 100, 1), buy(2, 100, 1));
    e.run(sell(3, 0, 1, { orderType: T.Stop, stopPrice: 90, tif: TIF.GTD, expireTs: 20n }));
    e.run(buy(4, 50, 1, { tif: TIF.Day }), buy(5, 50, 1, { tif: TIF.Day, instrumentId: 2 }));
    expect(briefs(e.run({ type: CommandType.AdvanceTime, ts: 20n }))).toEqual(['EXP 3 r2 1@85']);
    expect(briefs(e.run({ type: CommandType.EndSession, instrumentId: 0xffffffff, ts: 21n }))).toEqual([
      'EXP 4 r1 1@50',
      'EXP 5 r1 1@50',
    ]);
    expect(e.engine.liveOrders()).toBe(0);
  });
});
