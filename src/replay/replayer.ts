// MBO replay into the WebAssembly L3 engine with Databento's semantics (docs/replay.md). The record-by-record
// work happens in assembly/replay.ts; this class feeds it chunks of columns, defines instruments on first
// sight (tick from definitions, --tick, or inferred), keeps the pre-open flags current, and stops the kernel
// at output points (every LAST record, or sampled times) to record MBP-shaped book rows.
import type { ColumnBatch } from '../data/batch.js';
import { Side } from '../core/types.js';
import { DEFAULT_CHUNK_ROWS, ReplayKernel, STOP, mboColumns, type MboColumns, type StatName } from './kernel.js';
import { instrumentFor, type ReplayInstrument } from './definitions.js';
import { PreopenSchedule, type PreopenConfig } from './preopen.js';
import { BookRecorder, type BookLevels } from './book-output.js';

const NO_STOP = 0xffff_ffff_ffff_ffffn;

export interface ReplayOutputOptions {
  levels: BookLevels;
  /** a row at every record with the LAST flag */
  atLast?: boolean;
  /** a row per instrument every `everyNs` nanoseconds (book as of all records before that instant) */
  everyNs?: bigint;
  /** rows at these instants (ns) */
  at?: bigint[];
  /** only these instruments (default all) */
  instruments?: ReadonlySet<number>;
  /** receives each full batch of rows (and the last partial one at finish) */
  sink: (b: ColumnBatch) => void;
}

export interface ReplayOptions {
  /** Definitions by instrument_id (tick size, match algorithm). */
  definitions?: Map<number, ReplayInstrument>;
  /** Tick size (1e-9 units) for instruments without a definition; else inferred from prices. */
  tick?: bigint;
  /** Pre-open windows or status changes, on the exchange clock (ts_event). Output times are on ts_recv. */
  preopen?: PreopenConfig;
  output?: ReplayOutputOptions;
  /** Rows per kernel chunk (the wasm input area). */
  chunkRows?: number;
  /**
   * Order store pre-size (it grows; default 4096). Small is fast: the id map starts at twice this and only
   * grows, and a map much larger than the live book costs cache misses on every lookup.
   */
  maxOrders?: number;
  /** false: run every record through the engine's command loop (reference path for tests). Default true: the
   * replay's own order store (assembly/replay/book.ts). */
  direct?: boolean;
  /** Engine build: 'release' (default) or 'debug' (assertions on; tests). */
  build?: 'release' | 'debug';
}

export interface InstrumentSummary {
  instrumentId: number;
  symbol: string;
  tickSize: string;
  tickSource: ReplayInstrument['tickSource'];
  matchAlgorithm: string;
  counters: Record<StatName, string>;
  restingOrders: number;
  bidLevels: number;
  askLevels: number;
  bidOrders: number;
  askOrders: number;
  bestBid: { price: string; size: number; orders: number } | null;
  bestAsk: { price: string; size: number; orders: number } | null;
  crossedAtEnd: boolean;
}

export interface ReplaySummary {
  records: number;
  instruments: InstrumentSummary[];
  preopen: string;
  outputRows: number;
  /** the acceptance figures summed over instruments */
  totals: { unknownIds: number; negativeSizes: number; crossedOutsidePreopen: number; crossedInPreopen: number };
}

export class MboReplayer {
  readonly kernel: ReplayKernel;
  readonly instruments = new Map<number, ReplayInstrument & { publisherId: number }>();
  records = 0;
  private readonly schedule: PreopenSchedule;
  private readonly recorder: BookRecorder | undefined;
  private nextEvery: bigint | undefined;
  private readonly atTimes: bigint[];
  private atIdx = 0;
  private stopBoundary = NO_STOP;
  private started = false;

  constructor(private readonly opts: ReplayOptions = {}) {
    this.kernel = new ReplayKernel(opts.chunkRows ?? DEFAULT_CHUNK_ROWS, opts.maxOrders ?? 4096, opts.direct ?? true, opts.build ?? 'release');
    this.schedule = new PreopenSchedule(opts.preopen);
    const o = opts.output;
    if (o) {
      this.recorder = new BookRecorder(o.levels, o.sink);
      if (o.everyNs !== undefined && o.everyNs <= 0n) throw new Error('--every: the interval must be positive');
    }
    this.atTimes = [...(o?.at ?? [])].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /** Feed one MBO batch (any reader's: DBN, parquet, cache). */
  feedBatch(batch: ColumnBatch, where = 'input'): void {
    const cols = mboColumns(batch, where);
    this.feed(cols, batch, batch.length);
  }

  /** The replay loop over n rows: chunks into the kernel, stops for definitions, boundaries and outputs. */
  feed(cols: MboColumns, batch: ColumnBatch | undefined, n: number): void {
    const k = this.kernel;
    const atLast = this.recorder !== undefined && this.opts.output!.atLast === true;
    for (let from = 0; from < n; from += k.capacity) {
      const m = Math.min(k.capacity, n - from);
      k.load(cols, from, m, this.records + from);
      if (!this.started && m > 0) this.start(cols.ts_recv[from]!, cols.ts_event[from]!);
      let i = 0;
      while (i < m) {
        i = k.run(i, m, this.nextStop(), this.stopBoundary, atLast);
        const st = k.status;
        if (st === STOP.done) break;
        if (st === STOP.unknownInstrument) {
          this.define(cols, batch, from, i, m);
        } else if (st === STOP.stopTs) {
          this.onTime(cols.ts_recv[from + i]!, cols.ts_event[from + i]!);
        } else if (st === STOP.afterLast) {
          const r = from + i - 1;
          const id = cols.instrument_id[r]!;
          if (this.wanted(id)) this.recordRow(id, batch, r, cols.ts_recv[r]!);
        }
      }
    }
    this.records += n;
  }

  private start(ts: bigint, tsEvent: bigint): void {
    this.started = true;
    const every = this.opts.output?.everyNs;
    if (every !== undefined) this.nextEvery = (ts / every + 1n) * every;
    this.stopBoundary = this.schedule.nextChange(tsEvent);
    while (this.atIdx < this.atTimes.length && this.atTimes[this.atIdx]! <= ts) this.atIdx++;
  }

  /** The next output time (ts_recv clock). */
  private nextStop(): bigint {
    let s = NO_STOP;
    if (this.nextEvery !== undefined && this.nextEvery < s) s = this.nextEvery;
    if (this.atIdx < this.atTimes.length && this.atTimes[this.atIdx]! < s) s = this.atTimes[this.atIdx]!;
    return s;
  }

  private wanted(id: number): boolean {
    const f = this.opts.output?.instruments;
    return f === undefined || f.has(id);
  }

  /** The kernel stopped before a row (capture time ts, exchange time tsEvent): emit due samples, move pre-open flags. */
  private onTime(ts: bigint, tsEvent: bigint): void {
    for (;;) {
      let t: bigint | undefined;
      if (this.nextEvery !== undefined && this.nextEvery <= ts) t = this.nextEvery;
      if (this.atIdx < this.atTimes.length && this.atTimes[this.atIdx]! <= ts && (t === undefined || this.atTimes[this.atIdx]! < t)) {
        t = this.atTimes[this.atIdx]!;
      }
      if (t === undefined) break;
      this.sample(t);
      if (this.nextEvery === t) this.nextEvery = t + this.opts.output!.everyNs!;
      while (this.atIdx < this.atTimes.length && this.atTimes[this.atIdx]! <= t) this.atIdx++;
    }
    if (this.stopBoundary <= tsEvent) {
      if (this.schedule.usesStatus) {
        for (const ch of this.schedule.changesUpTo(tsEvent)) {
          if (ch.instrumentId === undefined) for (const id of this.instruments.keys()) this.kernel.setPreopen(id, ch.preopen);
          else this.kernel.setPreopen(ch.instrumentId, ch.preopen);
          this.statusNow.set(ch.instrumentId ?? -1, ch.preopen);
        }
      } else {
        const on = this.schedule.at(tsEvent);
        for (const id of this.instruments.keys()) this.kernel.setPreopen(id, on);
      }
      this.stopBoundary = this.schedule.nextChange(tsEvent);
    }
  }

  private readonly statusNow = new Map<number, boolean>();

  /** One row per (wanted, consistent) instrument at sampled time t. */
  private sample(t: bigint): void {
    if (!this.recorder) return;
    for (const [id, ins] of this.instruments) {
      if (!this.wanted(id)) continue;
      const s = this.kernel.stats(id);
      if (!s || s.last === 0n) continue; // no LAST record yet: the book is not consistent
      this.recorder.record(this.kernel, id, ins.publisherId, t, null);
    }
  }

  private recordRow(id: number, batch: ColumnBatch | undefined, r: number, ts: bigint): void {
    const c = batch?.columns;
    const ins = this.instruments.get(id);
    this.recorder!.record(this.kernel, id, ins?.publisherId ?? 0, c?.ts_recv ? (c.ts_recv as BigUint64Array)[r]! : ts, {
      action: (c?.action as Uint8Array)[r]!,
      side: (c?.side as Uint8Array)[r]!,
      price: (c?.price as BigInt64Array)[r]!,
      size: (c?.size as Uint32Array)[r]!,
      flags: (c?.flags as Uint8Array)[r]!,
      sequence: c?.sequence ? (c.sequence as Uint32Array)[r]! : 0,
      tsEvent: c?.ts_event ? (c.ts_event as BigUint64Array)[r]! : ts,
    });
  }

  /** Define the instrument of chunk row i (first sight). */
  private define(cols: MboColumns, batch: ColumnBatch | undefined, from: number, i: number, m: number): void {
    const id = cols.instrument_id[from + i]!;
    const ts = cols.ts_event[from + i]!;
    const ins = instrumentFor(id, cols.instrument_id, cols.price, from + i, from + m, this.opts.definitions, this.opts.tick);
    this.kernel.define(ins, ts);
    const pub = batch?.columns.publisher_id ? (batch.columns.publisher_id as Uint16Array)[from + i]! : 0;
    this.instruments.set(id, { ...ins, publisherId: pub });
    const pre = this.schedule.usesStatus ? (this.statusNow.get(id) ?? this.statusNow.get(-1) ?? false) : this.schedule.at(ts);
    this.kernel.setPreopen(id, pre);
  }

  /** Flush the last output rows. */
  finish(): void {
    this.recorder?.flush();
  }

  get outputRows(): number {
    return this.recorder?.rows ?? 0;
  }

  summary(): ReplaySummary {
    const list: InstrumentSummary[] = [];
    const totals = { unknownIds: 0, negativeSizes: 0, crossedOutsidePreopen: 0, crossedInPreopen: 0 };
    for (const [id, ins] of [...this.instruments].sort((a, b) => a[0] - b[0])) {
      const s = this.kernel.stats(id)!;
      const counters = {} as Record<StatName, string>;
      for (const [k, v] of Object.entries(s)) counters[k as StatName] = v.toString();
      const bc = this.kernel.bookCounts(id)!;
      const top = (side: Side.Buy | Side.Sell) => {
        const l = this.kernel.depth(id, side, 1)[0];
        return l ? { price: String(l.price), size: l.visibleQty, orders: l.orders } : null;
      };
      const bestBid = top(Side.Buy);
      const bestAsk = top(Side.Sell);
      totals.unknownIds += Number(s.unknownCancel + s.unknownModify);
      totals.negativeSizes += Number(s.negativeSize);
      totals.crossedOutsidePreopen += Number(s.crossedOutside);
      totals.crossedInPreopen += Number(s.crossedPreopen);
      list.push({
        instrumentId: id,
        symbol: ins.symbol,
        tickSize: ins.tickSize.toString(),
        tickSource: ins.tickSource,
        matchAlgorithm: ins.matchAlgorithm,
        counters,
        restingOrders: bc.bidOrders + bc.askOrders,
        bidLevels: bc.bidLevels,
        askLevels: bc.askLevels,
        bidOrders: bc.bidOrders,
        askOrders: bc.askOrders,
        bestBid,
        bestAsk,
        crossedAtEnd: bestBid !== null && bestAsk !== null && BigInt(bestBid.price) >= BigInt(bestAsk.price),
      });
    }
    return { records: this.records, instruments: list, preopen: this.schedule.describe, outputRows: this.outputRows, totals };
  }
}
