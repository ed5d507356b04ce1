// Push-based (sans-I/O) DBN decoder: feed it decompressed bytes in chunks of any size, get columnar
// batches back. The async reader (reader.ts) drives it from a file or a zstd stream; tests and
// workers can drive it directly.
//
// Records are decoded in runs: BatchBuilder's generated kernel (columns.ts) copies consecutive
// records of one length and rtype in a single loop, stopping at the first that differs (or, when
// asked, whose index timestamp goes back); this loop handles what lies between runs.
// When a chunk's records start 4-byte aligned (an uncompressed Uint8Array, a v3 file), the run is
// decoded straight from the caller's buffer; otherwise the bytes are first copied into an aligned
// working buffer (DBN v1/v2 metadata lengths are not multiples of 4).
import type { ColumnBatch, SchemaName } from '../batch.js';
import { BatchBuilder, BufferPool, viewsOf, withTsOut, type ByteViews } from './columns.js';
import { RType, schemaForRType } from './enums.js';
import { DbnError, SKIPPABLE, type DbnErrorCode, type DbnIssue } from './errors.js';
import { HEADER_LEN, type RecordLayout } from './layout.js';
import { layoutTable } from './layouts/index.js';
import { PRELUDE_LEN, decodeMetadata, decodePrelude, type DbnMetadata } from './metadata.js';
import { decodeRecordObject, type RecordValue } from './record-object.js';

export const DEFAULT_BATCH_SIZE = 65_536;

export interface DbnDecodeOptions {
  /** Name used in error messages (a path, or a label for in-memory input). */
  file?: string;
  /** Maximum rows per batch (default 65,536). */
  batchSize?: number;
  /** Fail (or, with `tolerate`, skip records) unless the data is of this schema. */
  expectSchema?: SchemaName;
  /** Require the index timestamp (ts_recv, or ts_event for records without it) never to decrease. */
  monotonic?: boolean;
  /**
   * Skip bad records instead of failing: unknown rtype, length mismatch, wrong schema, out-of-order
   * timestamps, a record cut off at the end. They are counted and listed in `issues` (the list keeps
   * the first `maxIssues`, default 10,000). Structural damage (bad magic, unknown version, broken
   * metadata, a record length shorter than a header) still fails.
   */
  tolerate?: boolean | { maxIssues?: number };
  /** Called for each gateway record (system, error, symbol mapping) as it is decoded. */
  onControl?: (msg: DbnControlMessage) => void;
  /** Take batch memory from this pool when it has a buffer of the right size (see reader.ts). */
  pool?: BufferPool;
}

/** A gateway record found among the market data (live streams carry these). */
export interface DbnControlMessage {
  kind: 'error' | 'system' | 'symbol-mapping';
  recordIndex: number;
  byteOffset: number;
  fields: Record<string, RecordValue>;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export class DbnDecoder {
  readonly file: string;
  metadata: DbnMetadata | undefined;
  /** Records seen so far (decoded, control and skipped). */
  recordCount = 0;
  /** Market-data rows delivered in batches. */
  rowCount = 0;
  /** Records skipped under `tolerate`. */
  skipped = 0;
  readonly issues: DbnIssue[] = [];
  readonly control: DbnControlMessage[] = [];

  private readonly batchSize: number;
  private readonly expectSchema: SchemaName | undefined;
  private readonly monotonic: boolean;
  private readonly tolerate: boolean;
  private readonly maxIssues: number;
  private readonly onControl: ((msg: DbnControlMessage) => void) | undefined;
  private readonly pool: BufferPool | undefined;

  private table: readonly (RecordLayout | undefined)[] = [];
  private tsOutBytes = 0;
  private builder: BatchBuilder | undefined;
  private out: ColumnBatch[] = [];
  private prevHi = 0;
  private prevLo = 0;

  // Pending bytes not yet decoded (a partial record, or the metadata), in an aligned buffer.
  private pend = new Uint8Array(1 << 16);
  private pendLen = 0;
  /** Stream offset of the first pending byte (or of the next chunk when nothing is pending). */
  private offset = 0;
  private pendViews: ByteViews | undefined;
  private metaLen = 0;
  private ended = false;

  constructor(opts: DbnDecodeOptions = {}) {
    if (!LITTLE_ENDIAN) throw new Error('the DBN decoder needs a little-endian host');
    this.file = opts.file ?? '<bytes>';
    this.batchSize = opts.batchSize ?? DEFAULT_BATCH_SIZE;
    if (!Number.isInteger(this.batchSize) || this.batchSize < 1) throw new Error(`batchSize must be a positive integer, got ${opts.batchSize}`);
    this.expectSchema = opts.expectSchema;
    this.monotonic = opts.monotonic ?? false;
    this.tolerate = !!opts.tolerate;
    this.maxIssues = typeof opts.tolerate === 'object' ? (opts.tolerate.maxIssues ?? 10_000) : 10_000;
    this.onControl = opts.onControl;
    this.pool = opts.pool;
  }

  /** Feeds the next bytes of the stream; returns the batches completed by them. */
  push(chunk: Uint8Array): ColumnBatch[] {
    if (this.ended) throw new Error('DbnDecoder: push after end');
    if (this.metadata === undefined) {
      // Take only the metadata bytes into the pending buffer, so the records after it can still be
      // decoded in place.
      while (this.metadata === undefined && chunk.length > 0) {
        const want = this.pendLen < PRELUDE_LEN ? PRELUDE_LEN - this.pendLen : PRELUDE_LEN + this.metaLen - this.pendLen;
        this.appendPending(chunk.subarray(0, want));
        chunk = chunk.subarray(Math.min(want, chunk.length));
        if (this.pendLen === PRELUDE_LEN && this.metaLen === 0) {
          this.metaLen = decodePrelude(this.pend.subarray(0, PRELUDE_LEN), this.file).length;
        }
        if (this.pendLen === PRELUDE_LEN + this.metaLen && this.metaLen > 0) this.tryMetadata();
      }
    }
    if (chunk.length === 0) return this.take();
    if (this.pendLen > 0 && ((chunk.byteOffset + this.straddleBytes()) & 3) === 0) {
      // Complete the record that straddles the previous chunk in the pending buffer, so the rest
      // of this chunk can still be decoded in place.
      const take = Math.min(this.straddleBytes(), chunk.length);
      this.appendPending(chunk.subarray(0, take));
      chunk = chunk.subarray(take);
      const used = this.decodeRegion(this.pendViews!, 0, this.pendLen, this.offset);
      this.consumePending(used);
      if (chunk.length === 0) return this.take();
    }
    if (this.pendLen === 0 && (chunk.byteOffset & 3) === 0) {
      // Zero-copy: decode straight from the caller's buffer.
      const v = viewsOf(chunk.buffer);
      const used = this.decodeRegion(v, chunk.byteOffset, chunk.byteOffset + chunk.length, this.offset);
      this.offset += used;
      if (used < chunk.length) this.appendPending(chunk.subarray(used));
      return this.take();
    }
    this.appendPending(chunk);
    if (this.pendLen > 0) {
      const v = this.pendViews!;
      const used = this.decodeRegion(v, 0, this.pendLen, this.offset);
      this.consumePending(used);
    }
    return this.take();
  }

  /** Signals the end of the stream; returns the last batches. */
  end(): ColumnBatch[] {
    if (this.ended) return this.take();
    this.ended = true;
    if (this.metadata === undefined) {
      if (this.pendLen >= PRELUDE_LEN) decodePrelude(this.pend.subarray(0, this.pendLen), this.file);
      throw new DbnError('truncated', this.file, this.pendLen, -1, 'a complete DBN metadata header', `${this.pendLen} bytes`);
    }
    if (this.pendLen > 0) {
      const want = Math.max(this.pend[0]! * 4, HEADER_LEN);
      this.issue('truncated', this.offset, `a complete record of ${want} bytes`, `${this.pendLen} bytes before end of stream`);
      this.consumePending(this.pendLen);
    }
    this.flush();
    return this.take();
  }

  /** Bytes still missing from the partial record in the pending buffer. */
  private straddleBytes(): number {
    return Math.max(HEADER_LEN, this.pend[0]! * 4) - this.pendLen;
  }

  private take(): ColumnBatch[] {
    const out = this.out;
    this.out = [];
    return out;
  }

  private appendPending(bytes: Uint8Array): void {
    const need = this.pendLen + bytes.length;
    if (need > this.pend.length) {
      let cap = this.pend.length;
      while (cap < need) cap *= 2;
      const next = new Uint8Array(cap);
      next.set(this.pend.subarray(0, this.pendLen));
      this.pend = next;
      this.pendViews = undefined;
    }
    this.pend.set(bytes, this.pendLen);
    this.pendLen = need;
    if (this.pendViews === undefined) this.pendViews = viewsOf(this.pend.buffer);
  }

  private consumePending(n: number): void {
    if (n === 0) return;
    this.pend.copyWithin(0, n, this.pendLen);
    this.pendLen -= n;
    this.offset += n;
  }

  private tryMetadata(): void {
    const length = this.metaLen;
    const meta = decodeMetadata(this.pend.subarray(0, PRELUDE_LEN + length), this.file);
    if (this.expectSchema !== undefined && meta.schema !== null && meta.schema !== this.expectSchema) {
      throw new DbnError('wrong-schema', this.file, PRELUDE_LEN + 16, -1, `schema ${this.expectSchema}`, `metadata schema ${meta.schema}`);
    }
    this.metadata = meta;
    this.table = layoutTable(meta.version);
    this.tsOutBytes = meta.ts_out ? 8 : 0;
    // Shift the record region to offset 0 so records are 4-byte aligned.
    this.consumePending(PRELUDE_LEN + length);
  }

  private issue(code: DbnErrorCode, byteOffset: number, expected: string, found: string): void {
    if (!this.tolerate || !SKIPPABLE.has(code)) {
      throw new DbnError(code, this.file, byteOffset, this.recordCount, expected, found);
    }
    this.skipped++;
    if (this.issues.length < this.maxIssues) {
      this.issues.push({ code, recordIndex: this.recordCount, byteOffset, reason: `expected ${expected}, found ${found}` });
    }
    this.recordCount++;
  }

  private flush(): void {
    const b = this.builder;
    if (b !== undefined && b.length > 0) {
      this.out.push(b.finish());
      this.rowCount += b.length;
    }
    this.builder = undefined;
  }

  /**
   * Decodes whole records in v.u8[start, end). `base` is the stream offset of `start`.
   * Returns the number of bytes consumed (the rest is an incomplete record).
   */
  private decodeRegion(v: ByteViews, start: number, end: number, base: number): number {
    const u8 = v.u8;
    const u32 = v.u32;
    const table = this.table;
    const tsOutBytes = this.tsOutBytes;
    const hint = this.metadata!.schema;
    let pos = start;
    while (end - pos >= HEADER_LEN) {
      const lenWords = u8[pos]!;
      const len = lenWords * 4;
      const rtype = u8[pos + 1]!;
      const at = base + (pos - start);
      if (len < HEADER_LEN) {
        throw new DbnError('bad-record-length', this.file, at, this.recordCount, `record length >= ${HEADER_LEN} bytes`, `${len} bytes (length byte ${lenWords})`);
      }
      if (len > end - pos) break;
      const layout = table[rtype];
      if (layout === undefined) {
        this.issue('unknown-rtype', at, `a DBN v${this.metadata!.version} rtype`, `rtype 0x${rtype.toString(16).padStart(2, '0')}`);
        pos += len;
        continue;
      }
      if (len !== layout.size + tsOutBytes) {
        this.issue('length-mismatch', at, `${layout.size + tsOutBytes} bytes for ${layout.name} (rtype 0x${rtype.toString(16)})`, `${len} bytes`);
        pos += len;
        continue;
      }
      if (rtype === RType.SYSTEM || rtype === RType.ERROR || rtype === RType.SYMBOL_MAPPING) {
        this.controlRecord(layout, rtype, u8, pos, at);
        pos += len;
        continue;
      }
      const schema = schemaForRType(rtype, hint)!;
      if (this.expectSchema !== undefined && schema !== this.expectSchema) {
        this.issue('wrong-schema', at, `${this.expectSchema} records`, `a ${schema} record (rtype 0x${rtype.toString(16)})`);
        pos += len;
        continue;
      }
      let b = this.builder;
      if (b === undefined || b.layout !== layout || b.schema !== schema) {
        this.flush();
        const avail = Math.ceil((end - pos) / len);
        b = this.builder = new BatchBuilder(layout, schema, this.batchSize, tsOutBytes > 0, Math.max(1024, avail), this.monotonic, this.pool);
        b.state[0] = this.prevHi;
        b.state[1] = this.prevLo;
      }
      // Copy the run of records identical in length and rtype (the kernel checks each one).
      b.state[2] = 0;
      const n = b.appendRun(v, pos, end, rtype);
      this.recordCount += n;
      pos += n * len;
      const disorder = b.state[2] === 1;
      this.prevHi = b.state[0]!;
      this.prevLo = b.state[1]!;
      if (b.room === 0) this.flush();
      if (disorder) {
        const w = (pos >>> 2) + (layout.byName.get(layout.indexTs)!.offset >>> 2);
        const found = (BigInt(u32[w + 1]!) << 32n) | BigInt(u32[w]!);
        const prev = (BigInt(this.prevHi) << 32n) | BigInt(this.prevLo);
        this.issue('out-of-order', base + (pos - start), `${layout.indexTs} >= ${prev}`, `${layout.indexTs} ${found}`);
        pos += len;
      }
    }
    return pos - start;
  }

  private controlRecord(layout: RecordLayout, rtype: number, u8: Uint8Array, pos: number, at: number): void {
    const kind = rtype === RType.SYSTEM ? 'system' : rtype === RType.ERROR ? 'error' : 'symbol-mapping';
    const msg: DbnControlMessage = {
      kind,
      recordIndex: this.recordCount,
      byteOffset: at,
      fields: decodeRecordObject(withTsOut(layout, this.tsOutBytes > 0), u8, pos),
    };
    this.control.push(msg);
    this.onControl?.(msg);
    this.recordCount++;
  }
}
