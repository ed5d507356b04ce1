// Differential run: the same seeded random command stream through two OrderBookEngine implementations
// (the TypeScript reference book and the WebAssembly engine), comparing every event field after every
// batch, the book hash after every batch, and top of book, depth, live counts and order states now and
// then. Stops at the first difference and describes it: seed, command index, the last commands and both
// event lists.
import { EventType, Side, TradingState, type BookCommand, type BookEvent, type OrderBookEngine } from '../core/types.js';
import { CANCEL_REASON_NAMES, EVENT_NAMES, EXPIRE_REASON_NAMES, REJECT_REASON_NAMES, nameOf } from '../io/names.js';
import { Prng } from './prng.js';
import { DEFAULT_PROFILES, RandomCommands, describeCommand } from './random-commands.js';

export interface DifferentialOptions {
  seed: number;
  commands: number;
  /** Largest batch; batch sizes vary between 1 and this (default 1024). */
  maxBatch?: number;
  /** Compare queries (top, depth, order states) every this many batches (default 25). */
  queryEvery?: number;
  /** Commands of unknown type in the stream (the engine must reject them). */
  unknownCommands?: boolean;
}

export interface DifferentialResult {
  commands: number;
  batches: number;
  events: number;
  ms: number;
  /** Human-readable description of the first difference, or undefined when none was found. */
  mismatch?: string;
  /**
   * How often each kind of event occurred, keyed "EVENT" and "EVENT:reason" (event and reason names as
   * in docs/jsonl.md, e.g. "rejected:PRICE_OUTSIDE_BAND", "fill:uncross"; "fill:uncross:from-halted" counts
   * uncross fills of a HALTED → OPEN transition): shows what the stream exercised.
   */
  coverage: Record<string, number>;
}

const EVENT_FIELDS: readonly (keyof BookEvent)[] = [
  'type', 'side', 'reason', 'orderType', 'instrumentId', 'orderId', 'aux', 'price', 'qty', 'leaves',
  'makerLeaves', 'cmdIndex', 'ts', 'seq',
];

const show = (v: unknown) => JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x));

export function describeEvent(e: BookEvent): string {
  return show(e);
}

/** First field where two events differ, or undefined. */
function eventDifference(a: BookEvent, b: BookEvent): keyof BookEvent | undefined {
  for (const f of EVENT_FIELDS) if (a[f] !== b[f]) return f;
  return undefined;
}

export function runDifferential(
  reference: OrderBookEngine,
  engine: OrderBookEngine,
  options: DifferentialOptions,
): DifferentialResult {
  const started = performance.now();
  reference.reset();
  engine.reset();
  const generator = new RandomCommands({
    seed: options.seed,
    unknownCommands: options.unknownCommands ?? true,
    isLive: (id) => reference.orderState(id) !== null,
  });
  const sizes = new Prng(options.seed ^ 0x5eed);
  const maxBatch = options.maxBatch ?? 1024;
  const queryEvery = options.queryEvery ?? 25;
  const history: BookCommand[] = []; // the last commands, for the report
  let done = 0;
  let batches = 0;
  let events = 0;
  const coverage: Record<string, number> = {};
  const count = (key: string) => (coverage[key] = (coverage[key] ?? 0) + 1);
  // last state each instrument was set to, to recognise an uncross on the way from HALTED into OPEN
  const lastState = new Map<number, number>();
  let reopenedFromHalt = -1; // event-batch cmdIndex of a HALTED → OPEN transition, else -1
  const fail = (why: string, atCommand: number, batch: BookCommand[], refEvents: BookEvent[], engEvents: BookEvent[]) => {
    const local = atCommand - (done - batch.length);
    const window = history.slice(-Math.min(history.length, 30 + (batch.length - local)), history.length - (batch.length - local) + 1);
    const lines = [
      `differential mismatch: ${why}`,
      `seed ${options.seed}, command index ${atCommand} (batch ${batches}, index ${local} in it of ${batch.length})`,
      `last commands up to it:`,
      ...window.map((c, i) => `  #${atCommand - window.length + 1 + i} ${describeCommand(c)}`),
      `reference events of that command:`,
      ...refEvents.filter((e) => e.cmdIndex === local).map((e) => `  ${describeEvent(e)}`),
      `engine events of that command:`,
      ...engEvents.filter((e) => e.cmdIndex === local).map((e) => `  ${describeEvent(e)}`),
    ];
    return { commands: done, batches, events, ms: performance.now() - started, mismatch: lines.join('\n'), coverage };
  };

  while (done < options.commands) {
    const n = Math.min(options.commands - done, 1 + sizes.int(maxBatch));
    const batch = generator.take(n);
    history.push(...batch);
    if (history.length > 4096) history.splice(0, history.length - 2048);
    const refEvents = reference.process(batch);
    const engEvents = engine.process(batch);
    generator.processed();
    done += n;
    batches++;
    events += refEvents.length;
    reopenedFromHalt = -1;
    for (const e of refEvents) {
      const name = EVENT_NAMES[e.type];
      count(name);
      if (e.type === EventType.Rejected) count(`${name}:${nameOf(REJECT_REASON_NAMES, e.reason)}`);
      else if (e.type === EventType.Cancelled) count(`${name}:${nameOf(CANCEL_REASON_NAMES, e.reason)}`);
      else if (e.type === EventType.Expired) count(`${name}:${nameOf(EXPIRE_REASON_NAMES, e.reason)}`);
      else if (e.type === EventType.Fill && e.side === Side.None) {
        count('fill:uncross');
        if (e.cmdIndex === reopenedFromHalt) count('fill:uncross:from-halted');
      } else if (e.type === EventType.StateChanged) {
        const to = Number(e.aux);
        reopenedFromHalt = lastState.get(e.instrumentId) === TradingState.Halted && to === TradingState.Open ? e.cmdIndex : -1;
        lastState.set(e.instrumentId, to);
      }
    }
    const common = Math.min(refEvents.length, engEvents.length);
    for (let i = 0; i < common; i++) {
      const field = eventDifference(refEvents[i]!, engEvents[i]!);
      if (field !== undefined) {
        const at = done - n + refEvents[i]!.cmdIndex;
        return fail(
          `event ${i} of the batch differs in '${field}': reference ${show(refEvents[i]![field])}, engine ${show(engEvents[i]![field])}`,
          at, batch, refEvents, engEvents,
        );
      }
    }
    if (refEvents.length !== engEvents.length) {
      const extra = refEvents[common] ?? engEvents[common]!;
      return fail(
        `event counts differ: reference ${refEvents.length}, engine ${engEvents.length}`,
        done - n + extra.cmdIndex, batch, refEvents, engEvents,
      );
    }
    const refHash = reference.bookHash();
    const engHash = engine.bookHash();
    if (refHash !== engHash) {
      return fail(
        `book hash after the batch: reference ${refHash.toString(16)}, engine ${engHash.toString(16)}`,
        done - 1, batch, refEvents, engEvents,
      );
    }
    if (batches % queryEvery === 0) {
      const why = compareQueries(reference, engine, batch);
      if (why !== undefined) return fail(why, done - 1, batch, refEvents, engEvents);
    }
  }
  return { commands: done, batches, events, ms: performance.now() - started, coverage };
}

/** top, depth, live count and the state of the orders the batch touched. */
function compareQueries(reference: OrderBookEngine, engine: OrderBookEngine, batch: readonly BookCommand[]): string | undefined {
  if (reference.liveOrders() !== engine.liveOrders()) {
    return `liveOrders: reference ${reference.liveOrders()}, engine ${engine.liveOrders()}`;
  }
  for (const p of [...DEFAULT_PROFILES.map((d) => d.id), 999_999]) {
    const a = show(reference.top(p));
    const b = show(engine.top(p));
    if (a !== b) return `top(${p}): reference ${a}, engine ${b}`;
    for (const side of [Side.Buy, Side.Sell] as const) {
      const da = show(reference.depth(p, side, 10));
      const db = show(engine.depth(p, side, 10));
      if (da !== db) return `depth(${p}, ${side}, 10): reference ${da}, engine ${db}`;
    }
  }
  for (const cmd of batch) {
    if (!('orderId' in cmd)) continue;
    const a = show(reference.orderState(cmd.orderId));
    const b = show(engine.orderState(cmd.orderId));
    if (a !== b) return `orderState(${cmd.orderId}): reference ${a}, engine ${b}`;
  }
  return undefined;
}
