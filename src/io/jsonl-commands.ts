// The JSON-lines command format of `contango match` (docs/jsonl.md): one command per line in, one event
// per line out. Human-friendly on the outside (enum names, decimal prices, ids as strings), the exact
// engine records (src/core/types.ts) inside. Prices: a JSON string is a decimal in price units, converted
// exactly with decimal.js to 1e-9 units (docs/scales.md); a JSON number is an integer in 1e-9 units.
// Anything that cannot be represented exactly is an error naming the line and the field, never a guess.
import { Decimal } from 'decimal.js';
import {
  ALL_INSTRUMENTS,
  CommandType,
  EventType,
  MAX_PRICE,
  OrderFlags,
  OrderType,
  Side,
  TimeInForce,
  TradingState,
  type BookCommand,
  type BookEvent,
} from '../core/types.js';
import {
  CANCEL_REASON_NAMES,
  EVENT_NAMES,
  EXPIRE_REASON_NAMES,
  ORDER_TYPE_NAMES,
  REJECT_REASON_NAMES,
  SIDE_NAMES,
  STATE_NAMES,
  nameOf,
} from './names.js';

/** A line that could not become a command: which line, which field (if one), and why. */
export class JsonlError extends Error {
  constructor(
    readonly line: number,
    readonly field: string | undefined,
    readonly detail: string,
  ) {
    super(`line ${line}${field !== undefined ? `, field '${field}'` : ''}: ${detail}`);
  }
}

/** State carried from line to line: a command without `ts` takes the previous command's. */
export interface ParseContext {
  lastTs: bigint;
}

const PRICE_SCALE = new Decimal(1_000_000_000);
const U64_MAX = (1n << 64n) - 1n;
const U32_MAX = 0xffff_ffff;

type Json = Record<string, unknown>;

// Field names each command accepts (anything else is an error: typos must not pass silently).
const FIELDS: Record<string, readonly string[]> = {
  instrument: ['cmd', 'instrument', 'tick', 'reference', 'bandTicks', 'protectionTicks', 'maxQty', 'algorithm', 'state', 'ts'],
  order: [
    'cmd', 'id', 'instrument', 'side', 'type', 'tif', 'price', 'stopPrice', 'qty', 'minQty', 'displayQty', 'account',
    'smpId', 'smp', 'postOnly', 'expireTs', 'ts',
  ],
  modify: ['cmd', 'id', 'price', 'stopPrice', 'qty', 'ts'],
  cancel: ['cmd', 'id', 'ts'],
  mass_cancel: ['cmd', 'account', 'instrument', 'ts'],
  state: ['cmd', 'instrument', 'state', 'ts'],
  end_session: ['cmd', 'instrument', 'ts'],
  advance_time: ['cmd', 'ts'],
};

const CMD_ALIASES: Record<string, string> = {
  instrument: 'instrument', define: 'instrument', define_instrument: 'instrument',
  order: 'order', new_order: 'order',
  modify: 'modify', replace: 'modify',
  cancel: 'cancel',
  mass_cancel: 'mass_cancel',
  state: 'state', set_state: 'state',
  end_session: 'end_session',
  advance_time: 'advance_time', time: 'advance_time',
};

const SIDES: Record<string, Side> = { buy: Side.Buy, sell: Side.Sell };
const TYPES: Record<string, OrderType> = {
  limit: OrderType.Limit, market_limit: OrderType.MarketLimit, market: OrderType.Market, stop: OrderType.Stop,
  stop_limit: OrderType.StopLimit,
};
const TIFS: Record<string, TimeInForce> = {
  day: TimeInForce.Day, gtc: TimeInForce.GTC, gtd: TimeInForce.GTD, fak: TimeInForce.FAK, ioc: TimeInForce.FAK, fok: TimeInForce.FOK,
};
const STATES: Record<string, TradingState> = { preopen: TradingState.PreOpen, open: TradingState.Open, halted: TradingState.Halted };
const SMP_MODES: Record<string, number> = { cancel_resting: 0, cancel_aggressor: OrderFlags.SmpCancelAggressor };
const ALGORITHMS: Record<string, number> = { fifo: 0 };

/** Field readers bound to one line, so every error names the line and the field. */
class Fields {
  constructor(
    private readonly obj: Json,
    readonly line: number,
  ) {}

  fail(field: string | undefined, detail: string): never {
    throw new JsonlError(this.line, field, detail);
  }

  has(f: string): boolean {
    return this.obj[f] !== undefined && this.obj[f] !== null;
  }

  private required(f: string, why = 'is required'): unknown {
    if (!this.has(f)) this.fail(f, why);
    return this.obj[f];
  }

  /** An enum: a name from `names` (case-insensitive, '-' and ' ' read as '_'), or a raw code 0..255. */
  enumValue(f: string, names: Record<string, number>, fallback?: number): number {
    if (!this.has(f)) return fallback ?? this.fail(f, `is required (one of ${Object.keys(names).join(', ')})`);
    const v = this.obj[f];
    if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 255) return v;
    if (typeof v === 'string') {
      const key = v.trim().toLowerCase().replace(/[- ]/g, '_');
      const code = names[key] ?? names[key.replace(/_/g, '')];
      if (code !== undefined) return code;
    }
    return this.fail(f, `${JSON.stringify(v)} is not one of ${Object.keys(names).join(', ')}`);
  }

  /** An unsigned integer up to `max` (a JSON number, or a string of digits). */
  uint(f: string, max: number, fallback?: number): number {
    if (!this.has(f)) return fallback ?? this.fail(f, 'is required');
    const v = this.obj[f];
    const n = typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > max) {
      this.fail(f, `${JSON.stringify(v)} is not an integer in 0..${max}`);
    }
    return n;
  }

  /** An instrument id, or "all" (0xFFFFFFFF) where allowed. */
  instrument(f: string, allowAll: boolean, fallback?: number): number {
    if (allowAll && (this.obj[f] === 'all' || this.obj[f] === 'ALL')) return ALL_INSTRUMENTS;
    return this.uint(f, U32_MAX, fallback);
  }

  /** A u64 id: a JSON number (safe integer) or a string of decimal digits. */
  id(f: string): bigint {
    const v = this.required(f);
    if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return BigInt(v);
    if (typeof v === 'string' && /^\d+$/.test(v.trim())) {
      const b = BigInt(v.trim());
      if (b <= U64_MAX) return b;
    }
    return this.fail(f, `${JSON.stringify(v)} is not an unsigned 64-bit id (a string of digits, or an integer below 2^53)`);
  }

  /**
   * A price: decimal string in price units ("4800.25") or integer JSON number in 1e-9 units. Values beyond
   * ±(2^53 − 1) are passed on as ±2^53 so that the engine rejects them (PRICE_OUT_OF_RANGE) as it should.
   */
  price(f: string, fallback?: number): number {
    if (!this.has(f)) return fallback ?? this.fail(f, 'is required');
    const v = this.obj[f];
    let units: Decimal;
    if (typeof v === 'number') {
      if (!Number.isInteger(v)) {
        this.fail(f, `${v} is a JSON number, read as integer 1e-9 units; write decimal prices as strings ("${v}")`);
      }
      units = new Decimal(v);
    } else if (typeof v === 'string' && /^\s*[-+]?(\d+(\.\d*)?|\.\d+)\s*$/.test(v)) {
      units = new Decimal(v.trim()).mul(PRICE_SCALE);
      if (!units.isInteger()) this.fail(f, `${JSON.stringify(v)} has more than 9 decimals (prices are in 1e-9 units)`);
    } else {
      return this.fail(f, `${JSON.stringify(v)} is not a price (a decimal string like "4800.25" or integer 1e-9 units)`);
    }
    if (units.abs().gt(MAX_PRICE)) return units.isNegative() ? -(MAX_PRICE + 1) : MAX_PRICE + 1;
    return units.toNumber();
  }

  /** A timestamp: integer nanoseconds (number or digit string) or an ISO-8601 UTC time with up to 9 decimals. */
  time(f: string, fallback?: bigint): bigint {
    if (!this.has(f)) return fallback ?? this.fail(f, 'is required');
    const v = this.obj[f];
    if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return BigInt(v);
    if (typeof v === 'string') {
      const s = v.trim();
      if (/^\d+$/.test(s) && BigInt(s) <= U64_MAX) return BigInt(s);
      const ns = parseIsoNanos(s);
      if (ns !== undefined) return ns;
    }
    return this.fail(f, `${JSON.stringify(v)} is not a time (integer nanoseconds or ISO-8601 like "2024-03-01T14:30:00.5Z")`);
  }

  bool(f: string): boolean {
    if (!this.has(f)) return false;
    const v = this.obj[f];
    if (typeof v !== 'boolean') this.fail(f, `${JSON.stringify(v)} is not true or false`);
    return v;
  }

  rejectUnknown(allowed: readonly string[]): void {
    for (const k of Object.keys(this.obj)) {
      if (!allowed.includes(k)) this.fail(k, `unknown field (this command takes ${allowed.filter((a) => a !== 'cmd').join(', ')})`);
    }
  }
}

/** "2024-03-01T14:30:00.123456789Z" (or +hh:mm) → ns since the epoch; undefined when not that shape. */
export function parseIsoNanos(s: string): bigint | undefined {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/.exec(s);
  if (m === null) return undefined;
  const ms = Date.parse(`${m[1]}${m[3]}`);
  if (Number.isNaN(ms) || ms < 0) return undefined;
  return BigInt(ms) * 1_000_000n + BigInt((m[2] ?? '').padEnd(9, '0') || '0');
}

/**
 * One input line → a command, or null for a blank line or a comment (# …). Throws JsonlError for
 * malformed JSON, an unknown command or field, or a field that cannot be read exactly.
 */
export function parseCommandLine(text: string, line: number, ctx: ParseContext): BookCommand | null {
  const trimmed = text.trim();
  if (trimmed === '' || trimmed.startsWith('#')) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch (e) {
    throw new JsonlError(line, undefined, `malformed JSON (${(e as Error).message})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new JsonlError(line, undefined, 'expected a JSON object');
  }
  const f: Fields = new Fields(parsed as Json, line);
  const rawCmd = (parsed as Json).cmd;
  if (typeof rawCmd !== 'string') f.fail('cmd', `is required (one of ${Object.keys(FIELDS).join(', ')})`);
  const cmd = CMD_ALIASES[rawCmd.trim().toLowerCase().replace(/-/g, '_')];
  if (cmd === undefined) f.fail('cmd', `${JSON.stringify(rawCmd)} is not one of ${Object.keys(FIELDS).join(', ')}`);
  f.rejectUnknown(FIELDS[cmd]!);
  const ts = cmd === 'advance_time' ? f.time('ts') : f.time('ts', ctx.lastTs);
  ctx.lastTs = ts;

  switch (cmd) {
    case 'instrument':
      return {
        type: CommandType.DefineInstrument,
        instrumentId: f.instrument('instrument', false),
        tickSize: f.price('tick'),
        referencePrice: f.has('reference') ? f.price('reference') : undefined,
        bandTicks: f.uint('bandTicks', U32_MAX, 0),
        protectionTicks: f.uint('protectionTicks', U32_MAX, 0),
        maxOrderQty: f.uint('maxQty', U32_MAX),
        matchAlgorithm: f.enumValue('algorithm', ALGORITHMS, 0),
        state: f.enumValue('state', STATES, TradingState.Open) as TradingState,
        ts,
      };
    case 'order': {
      const orderType = f.enumValue('type', TYPES, OrderType.Limit) as OrderType;
      const needsPrice = orderType === OrderType.Limit || orderType === OrderType.StopLimit;
      const needsStop = orderType === OrderType.Stop || orderType === OrderType.StopLimit;
      const tif = f.enumValue('tif', TIFS, TimeInForce.Day) as TimeInForce;
      let flags = f.bool('postOnly') ? OrderFlags.PostOnly : 0;
      flags |= f.enumValue('smp', SMP_MODES, 0);
      return {
        type: CommandType.NewOrder,
        instrumentId: f.instrument('instrument', false),
        orderId: f.id('id'),
        side: f.enumValue('side', SIDES) as Side,
        orderType,
        tif,
        price: needsPrice ? f.price('price') : f.price('price', 0),
        stopPrice: needsStop ? f.price('stopPrice') : f.price('stopPrice', 0),
        qty: f.uint('qty', U32_MAX),
        minQty: f.uint('minQty', U32_MAX, 0),
        displayQty: f.uint('displayQty', U32_MAX, 0),
        account: f.uint('account', U32_MAX, 0),
        smpId: f.uint('smpId', U32_MAX, 0),
        flags,
        expireTs: tif === TimeInForce.GTD ? f.time('expireTs') : f.time('expireTs', 0n),
        ts,
      };
    }
    case 'modify':
      if (!f.has('price') && !f.has('stopPrice')) f.fail('price', 'is required (or stopPrice, for a stop not yet triggered)');
      return {
        type: CommandType.Modify,
        orderId: f.id('id'),
        price: f.price('price', 0),
        stopPrice: f.price('stopPrice', 0),
        qty: f.uint('qty', U32_MAX),
        ts,
      };
    case 'cancel':
      return { type: CommandType.Cancel, orderId: f.id('id'), ts };
    case 'mass_cancel':
      return {
        type: CommandType.MassCancel,
        instrumentId: f.instrument('instrument', true, ALL_INSTRUMENTS),
        account: f.uint('account', U32_MAX),
        ts,
      };
    case 'state':
      return {
        type: CommandType.SetState,
        instrumentId: f.instrument('instrument', false),
        state: f.enumValue('state', STATES),
        ts,
      };
    case 'end_session':
      return { type: CommandType.EndSession, instrumentId: f.instrument('instrument', true, ALL_INSTRUMENTS), ts };
    default:
      return { type: CommandType.AdvanceTime, ts };
  }
}

/** 1e-9 units → decimal string in price units ("4800.25", "-0.5", "100"). */
export function formatPrice(units: number): string {
  return new Decimal(units).div(PRICE_SCALE).toFixed();
}

const isStopType = (t: number) => t === OrderType.Stop || t === OrderType.StopLimit;

/**
 * One event as a JSON object with names instead of codes (docs/jsonl.md). `line` is the input line of the
 * command that produced it; `command` that command (to know whether a reject concerns an order id).
 */
export function eventToJson(e: BookEvent, line: number, command: BookCommand | undefined): Json {
  const head: Json = { event: EVENT_NAMES[e.type] ?? String(e.type), line, seq: e.seq.toString(), ts: e.ts.toString() };
  const orderPart = () => ({
    instrument: e.instrumentId,
    id: e.orderId.toString(),
    side: nameOf(SIDE_NAMES, e.side),
    type: nameOf(ORDER_TYPE_NAMES, e.orderType),
  });
  switch (e.type) {
    case EventType.Accepted:
    case EventType.Modified:
    case EventType.Triggered:
      return {
        ...head, ...orderPart(), price: formatPrice(e.price),
        ...(isStopType(e.orderType) ? { stopPrice: formatPrice(Number(e.aux)) } : {}),
        qty: e.qty, leaves: e.leaves,
      };
    case EventType.Rejected: {
      const hasId = command !== undefined && 'orderId' in command;
      const hasInstrument = command !== undefined && 'instrumentId' in command;
      return {
        ...head,
        ...(hasInstrument ? { instrument: e.instrumentId === ALL_INSTRUMENTS ? 'all' : e.instrumentId } : {}),
        ...(hasId ? { id: e.orderId.toString() } : {}),
        reason: nameOf(REJECT_REASON_NAMES, e.reason),
      };
    }
    case EventType.Fill: {
      const uncross = e.side === Side.None;
      return {
        ...head, instrument: e.instrumentId,
        ...(uncross ? { bid: e.orderId.toString(), ask: e.aux.toString() } : { taker: e.orderId.toString(), maker: e.aux.toString() }),
        aggressor: nameOf(SIDE_NAMES, e.side), price: formatPrice(e.price), qty: e.qty,
        ...(uncross ? { bidLeaves: e.leaves, askLeaves: e.makerLeaves } : { takerLeaves: e.leaves, makerLeaves: e.makerLeaves }),
      };
    }
    case EventType.Cancelled:
      return { ...head, ...orderPart(), reason: nameOf(CANCEL_REASON_NAMES, e.reason), price: formatPrice(e.price), qty: e.qty };
    case EventType.Expired:
      return { ...head, ...orderPart(), reason: nameOf(EXPIRE_REASON_NAMES, e.reason), price: formatPrice(e.price), qty: e.qty };
    case EventType.InstrumentDefined: {
      const defined = command?.type === CommandType.DefineInstrument ? command.referencePrice : undefined;
      return { ...head, instrument: e.instrumentId, reference: defined === undefined ? null : formatPrice(e.price) };
    }
    case EventType.StateChanged:
      return { ...head, instrument: e.instrumentId, state: nameOf(STATE_NAMES, Number(e.aux)) };
    default:
      return { ...head, code: e.type };
  }
}

/** The error line written for a JsonlError. */
export function errorToJson(err: JsonlError): Json {
  return { event: 'error', line: err.line, ...(err.field !== undefined ? { field: err.field } : {}), message: err.detail };
}
