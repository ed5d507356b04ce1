// Book outputs of a replay, shaped like Databento's MBP-1 / MBP-10 records (same column names and types, so
// the parquet writer writes them in Databento's layout): one row per output point and instrument. At a LAST
// record the row carries that record's action, side, price, size, flags and sequence (as an MBP record
// carries the event that changed the book); at a sampled time they are 'N', 'N', undefined, 0.
import type { ColumnBatch } from '../data/batch.js';
import { UNDEF_PRICE } from '../data/batch.js';
import { Side } from '../core/types.js';
import type { ReplayKernel } from './kernel.js';

export type BookLevels = 1 | 10;

export interface TriggerRecord {
  action: number;
  side: number;
  price: bigint;
  size: number;
  flags: number;
  sequence: number;
  tsEvent: bigint;
}

const N = 78; // 'N'
const U32_MAX = 0xffff_ffff;

/** Collects rows into ColumnBatches of `rowsPerBatch` rows and hands each full one to `sink`. */
export class BookRecorder {
  readonly schema: 'mbp-1' | 'mbp-10';
  rows = 0;
  private cols!: Record<string, Uint8Array | Uint16Array | Uint32Array | Int32Array | BigInt64Array | BigUint64Array>;
  private n = 0;

  constructor(
    readonly levels: BookLevels,
    private readonly sink: (b: ColumnBatch) => void,
    private readonly rowsPerBatch = 65_536,
  ) {
    this.schema = levels === 1 ? 'mbp-1' : 'mbp-10';
    this.alloc();
  }

  private alloc(): void {
    const r = this.rowsPerBatch;
    this.cols = {
      ts_event: new BigUint64Array(r),
      rtype: new Uint8Array(r),
      publisher_id: new Uint16Array(r),
      instrument_id: new Uint32Array(r),
      action: new Uint8Array(r),
      side: new Uint8Array(r),
      depth: new Uint8Array(r),
      price: new BigInt64Array(r),
      size: new Uint32Array(r),
      flags: new Uint8Array(r),
      ts_in_delta: new Int32Array(r),
      sequence: new Uint32Array(r),
      ts_recv: new BigUint64Array(r),
    };
    for (let l = 0; l < this.levels; l++) {
      const s = String(l).padStart(2, '0');
      this.cols[`bid_px_${s}`] = new BigInt64Array(r);
      this.cols[`ask_px_${s}`] = new BigInt64Array(r);
      this.cols[`bid_sz_${s}`] = new Uint32Array(r);
      this.cols[`ask_sz_${s}`] = new Uint32Array(r);
      this.cols[`bid_ct_${s}`] = new Uint32Array(r);
      this.cols[`ask_ct_${s}`] = new Uint32Array(r);
    }
    this.n = 0;
  }

  /** One row: the book of `instrumentId` as it is now in the kernel. */
  record(kernel: ReplayKernel, instrumentId: number, publisherId: number, tsRecv: bigint, trigger: TriggerRecord | null): void {
    const c = this.cols;
    const i = this.n;
    (c.ts_event as BigUint64Array)[i] = trigger ? trigger.tsEvent : tsRecv;
    (c.rtype as Uint8Array)[i] = this.levels === 1 ? 0x01 : 0x0a;
    (c.publisher_id as Uint16Array)[i] = publisherId;
    (c.instrument_id as Uint32Array)[i] = instrumentId;
    (c.action as Uint8Array)[i] = trigger ? trigger.action : N;
    (c.side as Uint8Array)[i] = trigger ? trigger.side : N;
    (c.depth as Uint8Array)[i] = 0;
    (c.price as BigInt64Array)[i] = trigger ? trigger.price : UNDEF_PRICE;
    (c.size as Uint32Array)[i] = trigger ? trigger.size : 0;
    (c.flags as Uint8Array)[i] = trigger ? trigger.flags : 0;
    (c.sequence as Uint32Array)[i] = trigger ? trigger.sequence : 0;
    (c.ts_recv as BigUint64Array)[i] = tsRecv;
    for (const [side, pre] of [[Side.Buy, 'bid'], [Side.Sell, 'ask']] as const) {
      const lv = kernel.depth(instrumentId, side, this.levels);
      for (let l = 0; l < this.levels; l++) {
        const s = String(l).padStart(2, '0');
        const x = lv[l];
        (c[`${pre}_px_${s}`] as BigInt64Array)[i] = x ? BigInt(x.price) : UNDEF_PRICE;
        (c[`${pre}_sz_${s}`] as Uint32Array)[i] = x ? Math.min(x.visibleQty, U32_MAX) : 0;
        (c[`${pre}_ct_${s}`] as Uint32Array)[i] = x ? x.orders : 0;
      }
    }
    this.n++;
    this.rows++;
    if (this.n === this.rowsPerBatch) this.flush();
  }

  /** Hand the rows collected so far to the sink. */
  flush(): void {
    if (this.n === 0) return;
    const n = this.n;
    const columns: ColumnBatch['columns'] = {};
    for (const [k, v] of Object.entries(this.cols)) columns[k] = n === this.rowsPerBatch ? v : (v.slice(0, n) as typeof v);
    this.sink({ schema: this.schema, length: n, columns });
    this.alloc();
  }
}

/**
 * A bounded hand-off between the replay (producer, synchronous per chunk) and the parquet writer (async
 * consumer): `push` queues a batch, `drain` waits until the writer has caught up, `close` ends the stream.
 */
export class BatchChannel implements AsyncIterable<ColumnBatch> {
  private queue: ColumnBatch[] = [];
  private closed = false;
  private wake: (() => void) | undefined;
  private drained: (() => void) | undefined;
  private failure: unknown;

  /** The consumer failed: wake the producer, which then throws this error. */
  fail(e: unknown): void {
    this.failure = e ?? new Error('book output writer failed');
    this.queue = [];
    this.drained?.();
  }

  push(b: ColumnBatch): void {
    if (this.failure !== undefined) throw this.failure;
    this.queue.push(b);
    this.wake?.();
  }

  close(): void {
    this.closed = true;
    this.wake?.();
  }

  /** Resolves when at most `max` batches are waiting. */
  async drain(max = 2): Promise<void> {
    while (this.queue.length > max && this.failure === undefined) await new Promise<void>((r) => (this.drained = r));
    if (this.failure !== undefined) throw this.failure;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<ColumnBatch> {
    for (;;) {
      const b = this.queue.shift();
      if (b) {
        this.drained?.();
        yield b;
        continue;
      }
      if (this.closed) return;
      await new Promise<void>((r) => (this.wake = r));
      this.wake = undefined;
    }
  }
}
