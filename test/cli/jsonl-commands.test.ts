// src/io/jsonl-commands.ts: exact price conversion (decimal.js as the oracle), ids, times, enums, and
// errors that name the line and the field.
import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { ALL_INSTRUMENTS, CommandType, EventType, MAX_PRICE, OrderFlags, OrderType, Side, TimeInForce, type BookEvent } from '../../src/core/types.js';
import { JsonlError, eventToJson, formatPrice, parseCommandLine, parseIsoNanos } from '../../src/io/jsonl-commands.js';

const parse = (obj: unknown, line = 1, lastTs = 0n) => parseCommandLine(JSON.stringify(obj), line, { lastTs });
const order = (extra: Record<string, unknown>) => ({ cmd: 'order', id: '1', instrument: 1, side: 'buy', price: '1', qty: 1, ...extra });

function errorOf(text: string): JsonlError {
  try {
    parseCommandLine(text, 7, { lastTs: 0n });
  } catch (e) {
    if (e instanceof JsonlError) return e;
    throw e;
  }
  throw new Error('no error');
}

describe('prices', () => {
  it.each(['4800.25', '0.000000001', '-37.63', '9007199.254740991', '0', '.5', '1e-9' /* not accepted */])('converts %s exactly', (p) => {
    if (p.includes('e')) {
      expect(errorOf(JSON.stringify(order({ price: p }))).field).toBe('price');
      return;
    }
    const cmd = parse(order({ price: p }));
    expect(cmd).toMatchObject({ price: new Decimal(p).mul(1e9).toNumber() });
  });

  it('reads JSON numbers as integer 1e-9 units and rejects fractions with a hint', () => {
    expect(parse(order({ price: 4_800_250_000_000 }))).toMatchObject({ price: 4_800_250_000_000 });
    const e = errorOf(JSON.stringify(order({ price: 4800.25 })));
    expect([e.line, e.field]).toEqual([7, 'price']);
    expect(e.message).toContain('"4800.25"');
  });

  it('rejects more than 9 decimals and passes out-of-range values on as ±2^53 (the engine rejects them)', () => {
    expect(errorOf(JSON.stringify(order({ price: '1.0000000001' }))).field).toBe('price');
    expect(parse(order({ price: '9007199.254740992' }))).toMatchObject({ price: MAX_PRICE + 1 });
    expect(parse(order({ side: 'sell', price: '-1e30'.replace('e30', '000000000000000000000000000000') }))).toMatchObject({ price: -(MAX_PRICE + 1) });
  });

  it('formats 1e-9 units back to decimal strings', () => {
    expect([4_800_250_000_000, -500_000_000, 1, 0, MAX_PRICE].map(formatPrice)).toEqual(['4800.25', '-0.5', '0.000000001', '0', '9007199.254740991']);
  });
});

describe('commands', () => {
  it('an order with every field', () => {
    expect(
      parse(
        order({
          id: '18446744073709551615', type: 'stop-limit', tif: 'GTD', price: '4801', stopPrice: '4800.5', qty: 7, minQty: 2, displayQty: 3,
          account: 9, smpId: 4, smp: 'cancel_aggressor', postOnly: true, expireTs: '2024-03-01T15:00:00.000000001Z', ts: 5,
        }),
      ),
    ).toEqual({
      type: CommandType.NewOrder, instrumentId: 1, orderId: 18446744073709551615n, side: Side.Buy, orderType: OrderType.StopLimit,
      tif: TimeInForce.GTD, price: 4_801_000_000_000, stopPrice: 4_800_500_000_000, qty: 7, minQty: 2, displayQty: 3, account: 9,
      smpId: 4, flags: OrderFlags.PostOnly | OrderFlags.SmpCancelAggressor, expireTs: 1_709_305_200_000_000_001n, ts: 5n,
    });
  });

  it('defaults: limit, day, ts of the previous line; "ioc" means FAK; raw enum codes pass through', () => {
    expect(parse(order({ tif: 'ioc', side: 3 }), 1, 99n)).toMatchObject({ orderType: OrderType.Limit, tif: TimeInForce.FAK, side: 3, ts: 99n });
  });

  it('the other commands', () => {
    expect(parse({ cmd: 'instrument', instrument: 2, tick: '0.01', maxQty: 100 })).toMatchObject({
      type: CommandType.DefineInstrument, tickSize: 10_000_000, referencePrice: undefined, bandTicks: 0, state: 2, matchAlgorithm: 0,
    });
    expect(parse({ cmd: 'modify', id: 5, stopPrice: '3', qty: 2 })).toEqual({ type: CommandType.Modify, orderId: 5n, price: 0, stopPrice: 3e9, qty: 2, ts: 0n });
    expect(parse({ cmd: 'cancel', id: '5' })).toEqual({ type: CommandType.Cancel, orderId: 5n, ts: 0n });
    expect(parse({ cmd: 'mass_cancel', account: 3 })).toEqual({ type: CommandType.MassCancel, account: 3, instrumentId: ALL_INSTRUMENTS, ts: 0n });
    expect(parse({ cmd: 'state', instrument: 1, state: 'pre-open' })).toEqual({ type: CommandType.SetState, instrumentId: 1, state: 1, ts: 0n });
    expect(parse({ cmd: 'end_session', instrument: 'all', ts: '10' })).toEqual({ type: CommandType.EndSession, instrumentId: ALL_INSTRUMENTS, ts: 10n });
    expect(parse({ cmd: 'advance_time', ts: '2024-03-01T00:00:00Z' })).toEqual({ type: CommandType.AdvanceTime, ts: 1_709_251_200_000_000_000n });
    expect(parseCommandLine('   ', 1, { lastTs: 0n })).toBeNull();
    expect(parseCommandLine('# comment', 1, { lastTs: 0n })).toBeNull();
  });

  it.each<[string, string]>([
    ['{"cmd":"order"', '-'],
    ['"order"', '-'],
    ['{"id":1}', 'cmd'],
    ['{"cmd":"sell"}', 'cmd'],
    [JSON.stringify(order({ side: 'long' })), 'side'],
    [JSON.stringify(order({ type: 'iceberg' })), 'type'],
    [JSON.stringify(order({ qty: 1.5 })), 'qty'],
    [JSON.stringify(order({ qty: 2 ** 32 })), 'qty'],
    [JSON.stringify(order({ id: -1 })), 'id'],
    [JSON.stringify(order({ id: '0x10' })), 'id'],
    [JSON.stringify(order({ postOnly: 'yes' })), 'postOnly'],
    [JSON.stringify(order({ ts: 'yesterday' })), 'ts'],
    [JSON.stringify(order({ type: 'stop', price: undefined })), 'stopPrice'],
    [JSON.stringify(order({ price: undefined })), 'price'],
    [JSON.stringify(order({ Price: '1' })), 'Price'],
    ['{"cmd":"advance_time"}', 'ts'],
    ['{"cmd":"mass_cancel","instrument":1}', 'account'],
  ])('%s → error on field %s', (text, field) => {
    const e = errorOf(text);
    expect(e.line).toBe(7);
    expect(e.field ?? '-').toBe(field);
    expect(e.message).toMatch(/^line 7/);
  });

  it('ISO times keep nanoseconds', () => {
    expect(parseIsoNanos('1970-01-01T00:00:01.000000001Z')).toBe(1_000_000_001n);
    expect(parseIsoNanos('2024-03-01T09:30:00.5-05:00')).toBe(1_709_303_400_500_000_000n);
    expect(parseIsoNanos('2024-03-01 09:30')).toBeUndefined();
  });
});

describe('events', () => {
  const base: BookEvent = {
    type: EventType.Rejected, side: 0, reason: 14, orderType: 0, instrumentId: 1, orderId: 42n, aux: 0n, price: 0, qty: 0, leaves: 0,
    makerLeaves: 0, cmdIndex: 0, ts: 5n, seq: 3n,
  };
  it('names instead of codes', () => {
    const cmd = parse(order({ id: '42' }))!;
    expect(eventToJson(base, 9, cmd)).toEqual({ event: 'rejected', line: 9, seq: '3', ts: '5', instrument: 1, id: '42', reason: 'PRICE_OUTSIDE_BAND' });
    expect(eventToJson({ ...base, type: EventType.Cancelled, reason: 5, side: 2, orderType: 3, price: -250_000_000, qty: 2 }, 9, cmd)).toEqual({
      event: 'cancelled', line: 9, seq: '3', ts: '5', instrument: 1, id: '42', side: 'sell', type: 'market', reason: 'SELF_MATCH', price: '-0.25', qty: 2,
    });
    expect(eventToJson({ ...base, reason: 99 }, 1, cmd)).toMatchObject({ reason: '99' });
  });
});
