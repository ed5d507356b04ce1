// docs/matching-rules.md §11 and the event conventions: reason codes as documented, every field of the
// records the reference book emits.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CommandType, EventType, OrderType, Side, TradingState, type BookEvent } from '../../src/core/types.js';
import { CANCEL_REASON_NAMES, EXPIRE_REASON_NAMES, REJECT_REASON_NAMES } from '../../src/io/names.js';
import { buy, order, Session, sell } from './helpers.js';

const rules = readFileSync(new URL('../../docs/matching-rules.md', import.meta.url), 'utf8');

/** "1 UNKNOWN_INSTRUMENT, 2 DUPLICATE_INSTRUMENT, …" after a heading line of §11. */
function documentedCodes(title: string): Record<number, string> {
  const start = rules.indexOf(title);
  const para = rules.slice(start, rules.indexOf('\n\n', start));
  const out: Record<number, string> = {};
  for (const m of para.matchAll(/(\d+) ([A-Z][A-Z_]+)/g)) out[Number(m[1])] = m[2]!;
  return out;
}

describe('§11 reason codes', () => {
  it('match the rule book', () => {
    expect(documentedCodes('Reject reasons')).toEqual(REJECT_REASON_NAMES);
    expect(documentedCodes('Cancel reasons')).toEqual(CANCEL_REASON_NAMES);
    expect(documentedCodes('Expire reasons')).toEqual(EXPIRE_REASON_NAMES);
  });
});

const ev = (e: Partial<BookEvent>): BookEvent => ({
  type: EventType.Accepted, side: 0, reason: 0, orderType: 0, instrumentId: 1, orderId: 0n, aux: 0n, price: 0, qty: 0,
  leaves: 0, makerLeaves: 0, cmdIndex: 0, ts: 0n, seq: 0n, ...e,
});

describe('event records, field by field', () => {
  it('definition, state change, stop acceptance, fill, trigger, cancel', () => {
    const s = new Session(null);
    const events = s.book.process([
      { type: CommandType.DefineInstrument, instrumentId: 1, tickSize: 1, referencePrice: 100, bandTicks: 0, protectionTicks: 5, maxOrderQty: 10, matchAlgorithm: 0, state: TradingState.PreOpen, ts: 10n },
      { type: CommandType.SetState, instrumentId: 1, state: TradingState.Open, ts: 11n },
      order({ orderId: 5n, side: Side.Buy, orderType: OrderType.Stop, stopPrice: 101, qty: 2, ts: 12n }),
      sell(6, 3, 101, { ts: 13n }),
      buy(7, 1, 101, { ts: 9n }), // ts below the clock: its events still carry 9
    ]);
    expect(events).toEqual([
      ev({ type: EventType.InstrumentDefined, price: 100, cmdIndex: 0, ts: 10n, seq: 1n }),
      ev({ type: EventType.StateChanged, aux: 2n, cmdIndex: 1, ts: 11n, seq: 2n }),
      ev({ type: EventType.Accepted, side: Side.Buy, orderType: OrderType.Stop, orderId: 5n, aux: 101n, price: 106, qty: 2, leaves: 2, cmdIndex: 2, ts: 12n, seq: 3n }),
      ev({ type: EventType.Accepted, side: Side.Sell, orderType: OrderType.Limit, orderId: 6n, price: 101, qty: 3, leaves: 3, cmdIndex: 3, ts: 13n, seq: 4n }),
      ev({ type: EventType.Accepted, side: Side.Buy, orderType: OrderType.Limit, orderId: 7n, price: 101, qty: 1, leaves: 1, cmdIndex: 4, ts: 9n, seq: 5n }),
      ev({ type: EventType.Fill, side: Side.Buy, orderType: OrderType.Limit, orderId: 7n, aux: 6n, price: 101, qty: 1, leaves: 0, makerLeaves: 2, cmdIndex: 4, ts: 9n, seq: 6n }),
      ev({ type: EventType.Triggered, side: Side.Buy, orderType: OrderType.Stop, orderId: 5n, aux: 101n, price: 106, qty: 2, leaves: 2, cmdIndex: 4, ts: 9n, seq: 7n }),
      ev({ type: EventType.Fill, side: Side.Buy, orderType: OrderType.Stop, orderId: 5n, aux: 6n, price: 101, qty: 2, leaves: 0, makerLeaves: 0, cmdIndex: 4, ts: 9n, seq: 8n }),
    ]);
    s.book.process([buy(8, 4, 99), { type: CommandType.Cancel, orderId: 8n, ts: 20n }]);
    expect(s.book.process([buy(9, 4, 99), { type: CommandType.Cancel, orderId: 9n, ts: 21n }])[1]).toEqual(
      ev({ type: EventType.Cancelled, side: Side.Buy, reason: 1, orderType: OrderType.Limit, orderId: 9n, price: 99, qty: 4, cmdIndex: 1, ts: 21n, seq: 12n }),
    );
  });

  it('reset starts the event sequence again at 1', () => {
    const s = new Session();
    s.reset();
    expect(s.run({ type: CommandType.AdvanceTime, ts: 5n }, { type: CommandType.Cancel, orderId: 1n, ts: 5n })).toEqual(['REJECTED #1 UNKNOWN_ORDER']);
    expect(s.lastEvents[0]!.seq).toBe(1n);
  });
});
