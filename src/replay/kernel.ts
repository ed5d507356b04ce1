import type { ColumnBatch } from '../data/batch.js';
// The host side of assembly/replay/ (docs/replay.md "How it runs"): a WasmEngine plus the replay input columns
// in its linear memory. Copies MBO columns in (one typed-array copy per column per chunk), runs replayMbo,
// reads the per-instrument counters and the replayed books. The stats field numbers (RS) mirror
// assembly/replay/stats.ts and are pinned by test/replay/kernel.test.ts.
import { WasmEngine } from '../core/engine.js';
import type { EngineBuild } from '../core/loader.js';
import { CommandType, EventType, TradingState, type Level, type Side } from '../core/types.js';

/** Stats fields (u64 index within a 256-byte per-instrument block), as in assembly/replay/stats.ts. */
export const RS = {
  records: 0,
  adds: 1,
  cancels: 2,
  modifies: 3,
  clears: 4,
  trades: 5,
  fills: 6,
  none: 7,
  unknownCancel: 8,
  unknownModify: 9,
  negativeSize: 10,
  otherReject: 11,
  last: 12,
  crossedPreopen: 13,
  crossedOutside: 14,
  firstCrossedOutsideTs: 15,
  lastCrossedOutsideTs: 16,
  preopen: 17,
  duplicateAdd: 18,
  zeroSize: 19,
  badPrice: 20,
  badSide: 21,
  mismatch: 22,
  sideChange: 23,
  unknownAction: 24,
  tobAdd: 25,
  crossedNow: 26,
  firstTs: 27,
  lastTs: 28,
  snapshot: 29,
  firstCrossedOutsideIndex: 30,
} as const;
export type StatName = keyof typeof RS;
const STAT_BYTES = 256;

/**
 * Rows copied into wasm memory per chunk. 16 Ki rows (700 KB of columns) rather than 64 Ki: the copy of a chunk
 * passes through the cache the book lives in, and a smaller one leaves more of the book there (measured on the
 * synthetic ES day: kernel −10 to −20 %, copy unchanged).
 */
export const DEFAULT_CHUNK_ROWS = 1 << 14;

/** Why replayMbo stopped. */
export const STOP = { done: 0, unknownInstrument: 1, stopTs: 2, afterLast: 3 } as const;

/** Input columns in their wasm order (assembly/replay/input.ts). */
const COLS = ['action', 'side', 'flags', 'instrument_id', 'size', 'order_id', 'price', 'ts_recv', 'ts_event'] as const;
const WIDTH = [1, 1, 1, 4, 4, 8, 8, 8, 8];

interface ReplayExports {
  memory: { buffer: ArrayBuffer };
  replayInit(cap: number, orders: number): number;
  replayColumn(k: number): number;
  replayStatus(): number;
  replayStatsPtr(): number;
  replayStatsCap(): number;
  replayInstrumentIndex(insId: number): number;
  replaySetBase(b: bigint): void;
  replaySetPreopen(insId: number, on: number): void;
  replayMbo(start: number, end: number, stopTs: bigint, stopEventTs: bigint, stopAtLast: number): number;
  replayLevelOrders(insId: number, side: number, price: bigint): number;
  replayLevelOut(): number;
  replayBookCounts(insId: number): number;
  replaySetFast(on: number): number;
  replayOrderLeaves(id: bigint): number;
  replayLiveOrders(): number;
  replayBookHash(): bigint;
  replayValidate(): number;
}

/** MBO columns as the DBN reader, the parquet reader and the cache all produce them (src/data/batch.ts). */
export interface MboColumns {
  action: Uint8Array;
  side: Uint8Array;
  flags: Uint8Array;
  instrument_id: Uint32Array;
  size: Uint32Array;
  order_id: BigUint64Array;
  price: BigInt64Array;
  /** capture time: the order Databento sorts by; output times (samples) are on this clock */
  ts_recv: BigUint64Array;
  /** exchange time: pre-open windows and status changes are on this clock */
  ts_event: BigUint64Array;
}

/** The MBO columns the replay reads, taken from any reader's batch; an error names `where` and what is missing. */
export function mboColumns(batch: ColumnBatch, where: string): MboColumns {
  if (batch.schema !== 'mbo') throw new Error(`${where}: replay needs MBO records, found a ${batch.schema} batch`);
  const c = batch.columns;
  const need = ['action', 'side', 'flags', 'instrument_id', 'size', 'order_id', 'price', 'ts_recv', 'ts_event'] as const;
  for (const key of need) if (!c[key]) throw new Error(`${where}: MBO batch without the '${key}' column`);
  return {
    action: c.action as Uint8Array,
    side: c.side as Uint8Array,
    flags: c.flags as Uint8Array,
    instrument_id: c.instrument_id as Uint32Array,
    size: c.size as Uint32Array,
    order_id: c.order_id as BigUint64Array,
    price: c.price as BigInt64Array,
    ts_recv: c.ts_recv as BigUint64Array,
    ts_event: c.ts_event as BigUint64Array,
  };
}

export interface InstrumentSetup {
  instrumentId: number;
  tickSize: bigint;
}

export class ReplayKernel {
  readonly engine: WasmEngine;
  readonly capacity: number;
  /** true: the replay's own order store; false: engine commands (reference path) */
  readonly direct: boolean;
  private readonly ex: ReplayExports;

  /**
   * `direct` (default true): records go to the replay's own order store (assembly/replay/book.ts: 32-byte
   * orders in the engine's price levels, no matching machinery); false: every record becomes an engine command
   * run through its batch loop (the reference path; same books, slower). `maxOrders` pre-sizes whichever
   * store is used (both grow).
   */
  constructor(capacity = DEFAULT_CHUNK_ROWS, maxOrders = 4096, direct = true, build: EngineBuild = 'release') {
    // the engine's own pool holds orders only on the reference path
    this.engine = new WasmEngine({ maxOrders: direct ? 1024 : maxOrders, maxInstruments: 16, build });
    this.ex = this.engine.exports as unknown as ReplayExports;
    if (typeof this.ex.replayMbo !== 'function' || typeof this.ex.replayBookHash !== 'function') {
      throw new Error('build/contango.wasm has no replay exports (assembly/replay/); run `npm run build:wasm`');
    }
    this.capacity = capacity;
    this.direct = direct;
    if (this.ex.replayInit(capacity, direct ? maxOrders : 1024) === 0) {
      throw new Error(`replay: cannot allocate ${capacity} input rows and ${maxOrders} orders in wasm memory`);
    }
    if (this.ex.replaySetFast(direct ? 1 : 0) !== 1) throw new Error('replay: cannot choose the backend of a non-empty book');
  }

  /**
   * Define an instrument for replay: PREOPEN forever (orders rest, never match), no band, any quantity.
   * The engine's match algorithm is irrelevant in PREOPEN; the definition's is kept by the caller.
   */
  define(s: InstrumentSetup, ts: bigint): void {
    if (s.tickSize <= 0n || s.tickSize > 1_000_000_000_000n) {
      throw new Error(`instrument ${s.instrumentId}: tick size ${s.tickSize} (1e-9 units) outside 1..1e12`);
    }
    const ev = this.engine.process([
      {
        type: CommandType.DefineInstrument,
        instrumentId: s.instrumentId,
        tickSize: Number(s.tickSize),
        bandTicks: 0,
        protectionTicks: 0,
        maxOrderQty: 1_000_000_000,
        matchAlgorithm: 0,
        state: TradingState.PreOpen,
        ts,
      },
    ]);
    const rej = ev.find((e) => e.type === EventType.Rejected);
    if (rej) throw new Error(`instrument ${s.instrumentId}: the engine rejected its definition (reason ${rej.reason})`);
  }

  known(instrumentId: number): boolean {
    return this.ex.replayInstrumentIndex(instrumentId >>> 0) !== 0;
  }

  setPreopen(instrumentId: number, on: boolean): void {
    this.ex.replaySetPreopen(instrumentId >>> 0, on ? 1 : 0);
  }

  /** Copy rows [from, from + n) of the columns into the input area (n ≤ capacity). */
  load(cols: MboColumns, from: number, n: number, baseIndex: number): void {
    if (n > this.capacity) throw new Error(`replay: ${n} rows exceed the input capacity ${this.capacity}`);
    const buf = this.ex.memory.buffer;
    for (let k = 0; k < COLS.length; k++) {
      const src = cols[COLS[k]!];
      const w = WIDTH[k]!;
      const bytes = new Uint8Array(src.buffer, src.byteOffset + from * w, n * w);
      new Uint8Array(buf, this.ex.replayColumn(k), n * w).set(bytes);
    }
    this.ex.replaySetBase(BigInt(baseIndex));
  }

  /**
   * Apply loaded rows [start, end); returns where it stopped (see `status`): before the first row starting an
   * event with ts_recv ≥ stopTs or ts_event ≥ stopEventTs, or after a LAST row when stopAtLast.
   */
  run(start: number, end: number, stopTs: bigint, stopEventTs: bigint, stopAtLast: boolean): number {
    return this.ex.replayMbo(start, end, stopTs, stopEventTs, stopAtLast ? 1 : 0);
  }

  get status(): number {
    return this.ex.replayStatus();
  }

  /** Input row i's instrument id and ts (after load). */
  rowInstrument(i: number): number {
    return new Uint32Array(this.ex.memory.buffer, this.ex.replayColumn(3) + i * 4, 1)[0]!;
  }

  /** Every counter of an instrument (bigint, exact). */
  stats(instrumentId: number): Record<StatName, bigint> | null {
    const idx = this.ex.replayInstrumentIndex(instrumentId >>> 0);
    if (idx === 0) return null;
    const out = {} as Record<StatName, bigint>;
    if (idx >= this.ex.replayStatsCap()) {
      for (const k of Object.keys(RS) as StatName[]) out[k] = 0n;
      return out;
    }
    const v = new BigUint64Array(this.ex.memory.buffer, this.ex.replayStatsPtr() + idx * STAT_BYTES, STAT_BYTES / 8);
    for (const [k, f] of Object.entries(RS) as [StatName, number][]) out[k] = v[f]!;
    return out;
  }

  /** The resting orders at one price level in queue order (side 1 bids, 2 asks). */
  levelOrders(instrumentId: number, side: Side.Buy | Side.Sell, price: bigint): { ids: BigUint64Array; leaves: Uint32Array } {
    const n = this.ex.replayLevelOrders(instrumentId >>> 0, side, price);
    const ids = new BigUint64Array(n);
    const leaves = new Uint32Array(n);
    if (n > 0) {
      const p = this.ex.replayLevelOut();
      const buf = this.ex.memory.buffer;
      const v64 = new BigUint64Array(buf, p, n * 2);
      const v32 = new Uint32Array(buf, p, n * 4);
      for (let i = 0; i < n; i++) {
        ids[i] = v64[i * 2]!;
        leaves[i] = v32[i * 4 + 2]!;
      }
    }
    return { ids, leaves };
  }

  /** Levels, orders and total quantity on each side of an instrument's book (whole book, not just N levels). */
  bookCounts(instrumentId: number): { bidLevels: number; bidOrders: number; bidQty: bigint; askLevels: number; askOrders: number; askQty: bigint } | null {
    if (this.ex.replayBookCounts(instrumentId >>> 0) === 0) return null;
    const p = this.ex.replayLevelOut();
    const u32 = new Uint32Array(this.ex.memory.buffer, p, 8);
    const u64 = new BigUint64Array(this.ex.memory.buffer, p, 4);
    return { bidLevels: u32[0]!, bidOrders: u32[1]!, bidQty: u64[1]!, askLevels: u32[4]!, askOrders: u32[5]!, askQty: u64[3]! };
  }

  /** Price levels, best first (the engine's depth query: the replayed books live in its price levels). */
  depth(instrumentId: number, side: Side.Buy | Side.Sell, levels: number): Level[] {
    return this.engine.depth(instrumentId, side, levels);
  }

  /** Open quantity of a live replayed order, 0 when the id is not live. */
  orderLeaves(orderId: bigint): number {
    return this.ex.replayOrderLeaves(BigInt.asUintN(64, orderId));
  }

  /** Live replayed orders (all instruments). */
  liveOrders(): number {
    return this.ex.replayLiveOrders();
  }

  /**
   * FNV-1a hash of every replayed book (docs/matching-rules.md §10): equal for equal books whichever path
   * built them. (The engine's own bookHash() sees only engine orders, i.e. the reference path's.)
   */
  bookHash(): bigint {
    return BigInt.asUintN(64, this.ex.replayBookHash());
  }

  /** 0 when every invariant of the replayed books holds, else the first violation's code (assembly/replay/book.ts). */
  validate(): number {
    return this.ex.replayValidate();
  }
}
