// Columnar batch builder: copies runs of same-layout records into one typed array per field.
//
// The hot path is a generated "run kernel" per record layout (see runKernel): one loop over the
// records of a run, straight-line typed-array copies with constant offsets, into four views
// (f64/u32/u16/u8) over the batch's single buffer. 64-bit fields move as one float64 (records
// 8-byte aligned) or as two u32 words (records at 4 mod 8), never through BigInt or DataView.
// Records start 4-byte aligned (the decoder guarantees it), and every field of 2, 4 or 8 bytes
// sits at an offset that is a multiple of its size inside the record, so the word indexes are
// exact. Little-endian host assumed (checked once in decoder.ts). On the benchmark machine this
// decodes MBO at ~38-45 M records/s from memory (the previous per-column-view kernel: ~20 M/s).
import type { Column, ColumnBatch, SchemaName } from '../batch.js';
import type { FieldSpec, RecordLayout } from './layout.js';
import { dataFields } from './layout.js';
import { readCStr } from './metadata.js';
import { allocUninit } from '../alloc.js';

/** Views over one ArrayBuffer holding records; positions are absolute byte offsets in it. */
export interface ByteViews {
  buffer: ArrayBufferLike;
  u8: Uint8Array;
  u16: Uint16Array;
  u32: Uint32Array;
  f64: Float64Array;
}

export function viewsOf(buffer: ArrayBufferLike): ByteViews {
  const n = buffer.byteLength;
  return {
    buffer,
    u8: new Uint8Array(buffer, 0, n),
    u16: new Uint16Array(buffer, 0, n >>> 1),
    u32: new Uint32Array(buffer, 0, n >>> 2),
    f64: new Float64Array(buffer, 0, n >>> 3),
  };
}

// ---- column allocation ---------------------------------------------------------------------------

export function allocColumn(type: FieldSpec['type'], n: number): Column {
  switch (type) {
    case 'u8':
    case 'char':
      return new Uint8Array(n);
    case 'i8':
      return new Int8Array(n);
    case 'u16':
      return new Uint16Array(n);
    case 'i16':
      return new Int16Array(n);
    case 'u32':
      return new Uint32Array(n);
    case 'i32':
      return new Int32Array(n);
    case 'u64':
      return new BigUint64Array(n);
    case 'i64':
      return new BigInt64Array(n);
    default:
      throw new Error(`field type ${type} has no column`);
  }
}

/** The element width in bytes of a scalar field type. */
export function widthOf(type: FieldSpec['type']): number {
  switch (type) {
    case 'u8': case 'i8': case 'char': return 1;
    case 'u16': case 'i16': return 2;
    case 'u32': case 'i32': return 4;
    case 'u64': case 'i64': return 8;
    default: return 0;
  }
}

/** Adds the appended `ts_out` field when the file has one. */
export function withTsOut(layout: RecordLayout, tsOut: boolean): FieldSpec[] {
  const fields = dataFields(layout);
  if (tsOut) fields.push({ name: 'ts_out', type: 'u64', offset: layout.size, size: 8, role: 'ts' });
  return fields;
}

// ---- run kernels ---------------------------------------------------------------------------------

/**
 * A run kernel copies consecutive records of one layout into the columns in a single pass, and
 * stops at the first record whose length byte or rtype differs (or, when compiled with a
 * timestamp check, whose index timestamp is lower than the previous one: then it sets st[2] = 1).
 * Returns the number of records copied.
 *
 * Arguments: source views (u32 words, and f64 for 8-byte moves), the run's start byte `pos`, the
 * most records to copy `lim`, the expected low half-word of the header (`length | rtype << 8`),
 * the first destination row `d`, the batch capacity `cap` (a multiple of 8), the state array, and
 * four views over the whole batch buffer. Column k starts at byte `cap * prefix_k` (columns sorted
 * by width, widest first), so its element index is `q + K_k * cap` with a constant K_k.
 */
type RunKernel = (
  s32: Uint32Array, sf: Float64Array, pos: number, lim: number, head: number, d: number, cap: number,
  st: Uint32Array, df: Float64Array, d32: Uint32Array, d16: Uint16Array, d8: Uint8Array,
) => number;

/**
 * How 8-byte fields move. 'f64': one Float64Array load and store per field (record and column
 * 8-byte aligned). Bit patterns survive: a typed-array to typed-array float64 move never
 * canonicalises NaNs in V8 (no arithmetic touches the value; test/dbn/kernel.test.ts checks
 * signalling-NaN, INT64_MAX and negative patterns through the hot kernel). 'u32': two 32-bit words
 * per field, for records that start at 4 mod 8 (DBN v1/v2 buffers decoded in place).
 */
export type WideMode = 'f64' | 'u32';

const kernelCache = new Map<string, RunKernel>();

/**
 * Generates the kernel for a field list (sorted widest first): straight-line code with constant
 * word offsets, so V8 compiles one tight loop per record layout. Fewer typed-array accesses and
 * fewer live values is what counts (each access costs a bounds check; a view per column used to
 * spill registers, 1.4x slower): the destination is four views over the one batch buffer; the
 * header word is loaded once and serves the run check and publisher_id; every 32-bit word that
 * holds 1- or 2-byte fields is loaded once and split with shifts (a store into a Uint8Array or
 * Uint16Array truncates); rtype is constant within a run and filled once after the loop; 8-byte
 * fields move as one float64 (mode 'f64').
 */
function runKernel(key: string, fields: readonly FieldSpec[], stride: number, tsOffset: number, mode: WideMode): RunKernel {
  const cacheKey = `${key}|${mode}`;
  const cached = kernelCache.get(cacheKey);
  if (cached) return cached;
  if (stride % 8 !== 0) throw new Error(`record stride ${stride} is not a multiple of 8`);
  const pre: string[] = [];
  const body: string[] = [];
  const after: string[] = [];
  const small = new Map<number, { at: string; f: FieldSpec }[]>();
  let prefix = 0;
  let needQ2 = false;
  fields.forEach((f, k) => {
    const width = widthOf(f.type);
    const coef = prefix / width; // element index of the column start, in units of cap
    if (!Number.isInteger(coef)) throw new Error(`${key}: column ${f.name} misaligned (fields not sorted by width)`);
    prefix += width;
    const base = (units: number) => {
      if (units === 0) return '';
      pre.push(`const o${k} = ${units} * cap;`);
      return `o${k} + `;
    };
    if (width === 8) {
      if (mode === 'f64') body.push(`  df[${base(coef)}q] = sf[x + ${f.offset / 8}];`);
      else {
        needQ2 = true;
        const b = base(coef * 2);
        body.push(`  d32[${b}q2] = s32[w + ${f.offset / 4}]; d32[${b}q2 + 1] = s32[w + ${f.offset / 4 + 1}];`);
      }
    } else if (width === 4) {
      body.push(`  d32[${base(coef)}q] = s32[w + ${f.offset / 4}];`);
    } else if (f.offset === 1 && f.name === 'rtype') {
      pre.push(`const o${k} = ${coef} * cap;`);
      after.push(`d8.fill(head >>> 8, o${k} + d, o${k} + q);`);
    } else {
      const word = f.offset >>> 2;
      if (!small.has(word)) small.set(word, []);
      small.get(word)!.push({ at: `${width === 2 ? 'd16' : 'd8'}[${base(coef)}q]`, f });
    }
  });
  for (const [word, list] of small) {
    const v = word === 0 ? 'v0' : `v${word}`;
    if (word !== 0) body.push(`  const ${v} = s32[w + ${word}];`);
    for (const { at, f } of list) {
      const shift = (f.offset & 3) * 8;
      body.push(`  ${at} = ${shift === 0 ? v : `${v} >>> ${shift}`};`);
    }
  }
  const lines: string[] = [...pre];
  lines.push('let w = pos >>> 2, x = pos >>> 3, n = 0, q = d;');
  if (tsOffset >= 0) lines.push('let hi0 = st[0], lo0 = st[1];');
  lines.push(`for (; n < lim; n++, q++, w += ${stride / 4}, x += ${stride / 8}) {`);
  lines.push('  const v0 = s32[w];');
  lines.push('  if ((v0 & 0xffff) !== head) break;');
  if (tsOffset >= 0) {
    const tw = tsOffset / 4;
    lines.push(`  const lo = s32[w + ${tw}], hi = s32[w + ${tw + 1}];`);
    lines.push('  if (hi < hi0 || (hi === hi0 && lo < lo0)) { st[2] = 1; break; }');
    lines.push('  hi0 = hi; lo0 = lo;');
  }
  if (needQ2) lines.push('  const q2 = q << 1;');
  lines.push(...body, '}', ...after);
  if (tsOffset >= 0) lines.push('st[0] = hi0; st[1] = lo0;');
  lines.push('return n;');
  const params = ['s32', 'sf', 'pos', 'lim', 'head', 'd', 'cap', 'st', 'df', 'd32', 'd16', 'd8'];
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const fn = new Function(...params, lines.join('\n')) as RunKernel;
  kernelCache.set(cacheKey, fn);
  return fn;
}

/** Numeric (kernel) fields of a layout, widest first: the column order inside a batch buffer. */
function kernelFields(layout: RecordLayout, tsOut: boolean): FieldSpec[] {
  // Array.prototype.sort is stable: equal widths keep the layout's order.
  return withTsOut(layout, tsOut).filter((f) => f.type !== 'cstr').sort((a, b) => widthOf(b.type) - widthOf(a.type));
}

/** The generated source of a layout's kernel (for docs and debugging). */
export function kernelSource(layout: RecordLayout, mode: WideMode, monotonic = false): string {
  const tsOffset = monotonic ? layout.byName.get(layout.indexTs)!.offset : -1;
  return runKernel(`${layout.name}|false|${monotonic}`, kernelFields(layout, false), layout.size, tsOffset, mode).toString();
}

// ---- batch builder -------------------------------------------------------------------------------

/**
 * Recycled batch memory (opt-in, see DbnOpenOptions.reuseBatches): the reader puts back the buffer
 * of a batch the consumer has moved past; builders take a buffer of exactly the size they need.
 * Saves the allocation, zero-fill and page faults of a fresh multi-megabyte buffer per batch.
 */
export class BufferPool {
  private readonly free: ArrayBuffer[] = [];
  take(bytes: number): ArrayBuffer | undefined {
    const i = this.free.findIndex((b) => b.byteLength === bytes);
    return i < 0 ? undefined : this.free.splice(i, 1)[0];
  }
  give(buffer: ArrayBufferLike): void {
    if (buffer instanceof ArrayBuffer && this.free.length < 4) this.free.push(buffer);
  }
}

interface NumCol {
  spec: FieldSpec;
  width: number;
  col: Column;
}

function typedView(type: FieldSpec['type'], buffer: ArrayBuffer, byteOffset: number, n: number): Column {
  switch (type) {
    case 'u8': case 'char': return new Uint8Array(buffer, byteOffset, n);
    case 'i8': return new Int8Array(buffer, byteOffset, n);
    case 'u16': return new Uint16Array(buffer, byteOffset, n);
    case 'i16': return new Int16Array(buffer, byteOffset, n);
    case 'u32': return new Uint32Array(buffer, byteOffset, n);
    case 'i32': return new Int32Array(buffer, byteOffset, n);
    case 'u64': return new BigUint64Array(buffer, byteOffset, n);
    case 'i64': return new BigInt64Array(buffer, byteOffset, n);
    default: throw new Error(`field type ${type} has no column`);
  }
}

/**
 * Accumulates up to `maxRows` records of one layout. All numeric columns of a batch share one
 * ArrayBuffer (one allocation per batch, not zero-filled: see ../alloc.ts), widest columns first
 * and the capacity a multiple of 8 rows, so every column is 8-byte aligned. Capacity starts at the
 * caller's estimate and doubles, so a two-record definition file does not allocate 65,536-row
 * columns.
 */
export class BatchBuilder {
  readonly layout: RecordLayout;
  readonly schema: SchemaName;
  readonly maxRows: number;
  length = 0;
  private capacity = 0;
  private readonly nums: NumCol[];
  private readonly strs: { spec: FieldSpec; values: string[] }[] = [];
  private readonly kernelF64: RunKernel;
  private readonly kernelU32: RunKernel;
  /** Views over the whole batch buffer (the kernel's destinations). */
  private df = new Float64Array(0);
  private d32 = new Uint32Array(0);
  private d16 = new Uint16Array(0);
  private d8 = new Uint8Array(0);
  private readonly stride: number;
  /** Kernel state: [prev ts hi, prev ts lo, disorder flag]. */
  readonly state = new Uint32Array(3);
  private readonly pool: BufferPool | undefined;

  constructor(
    layout: RecordLayout,
    schema: SchemaName,
    maxRows: number,
    tsOut: boolean,
    initialRows: number,
    monotonic: boolean,
    pool?: BufferPool,
  ) {
    this.pool = pool;
    this.layout = layout;
    this.schema = schema;
    this.maxRows = maxRows;
    const fields = withTsOut(layout, tsOut);
    this.stride = layout.size + (tsOut ? 8 : 0);
    const numeric = kernelFields(layout, tsOut);
    for (const f of fields) if (f.type === 'cstr') this.strs.push({ spec: f, values: [] });
    const empty = new Uint8Array(0);
    this.nums = numeric.map((spec) => ({ spec, width: widthOf(spec.type), col: empty }));
    const tsOffset = monotonic ? layout.byName.get(layout.indexTs)!.offset : -1;
    const key = `${layout.name}|${tsOut}|${monotonic}`;
    this.kernelF64 = runKernel(key, numeric, this.stride, tsOffset, 'f64');
    this.kernelU32 = runKernel(key, numeric, this.stride, tsOffset, 'u32');
    this.allocate(Math.max(1, Math.min(maxRows, initialRows)));
  }

  get room(): number {
    return this.maxRows - this.length;
  }

  private allocate(rows: number): void {
    // A multiple of 8 rows keeps every column 8-byte aligned (column k starts at cap * prefix_k).
    const cap = (rows + 7) & ~7;
    let rowBytes = 0;
    for (const c of this.nums) rowBytes += c.width;
    const bytes = Math.max(8, rowBytes * cap);
    const buffer = (this.pool?.take(bytes)) ?? allocUninit(bytes);
    let off = 0;
    for (const c of this.nums) {
      const col = typedView(c.spec.type, buffer, off, cap);
      if (this.length > 0) (col as Uint8Array).set((c.col as Uint8Array).subarray(0, this.length));
      c.col = col;
      off += c.width * cap;
    }
    this.capacity = cap;
    this.df = new Float64Array(buffer, 0, bytes >>> 3);
    this.d32 = new Uint32Array(buffer, 0, bytes >>> 2);
    this.d16 = new Uint16Array(buffer, 0, bytes >>> 1);
    this.d8 = new Uint8Array(buffer, 0, bytes);
  }

  /**
   * Copies the run of records starting at byte `pos` (4-byte aligned) that share this layout's
   * length and `rtype`, up to the room left and the end of the region. Returns how many.
   * With a monotonic check, a decreasing timestamp stops the run and sets state[2].
   */
  appendRun(v: ByteViews, pos: number, end: number, rtype: number): number {
    const maxN = Math.min(this.room, Math.floor((end - pos) / this.stride));
    if (maxN <= 0) return 0;
    if (this.length + maxN > this.capacity) {
      let cap = this.capacity;
      while (cap < this.length + maxN) cap *= 2;
      this.allocate(Math.min(cap, this.maxRows));
    }
    const head = (this.stride >>> 2) | (rtype << 8);
    const kernel = (pos & 7) === 0 ? this.kernelF64 : this.kernelU32;
    const n = kernel(v.u32, v.f64, pos, maxN, head, this.length, this.capacity, this.state, this.df, this.d32, this.d16, this.d8);
    for (const s of this.strs) {
      let p = pos + s.spec.offset;
      for (let i = 0; i < n; i++, p += this.stride) s.values.push(readCStr(v.u8, p, s.spec.size));
    }
    this.length += n;
    return n;
  }

  /** The batch so far; columns are trimmed views when the builder is not full. */
  finish(): ColumnBatch {
    const columns: Record<string, Column> = {};
    // Columns in the layout's field order (the buffer order is by width).
    const byName = new Map(this.nums.map((c) => [c.spec.name, c]));
    for (const f of this.layout.fields) {
      const c = byName.get(f.name);
      if (c) columns[f.name] = this.length === this.capacity ? c.col : (c.col.subarray(0, this.length) as Column);
    }
    const ts = byName.get('ts_out');
    if (ts) columns.ts_out = this.length === this.capacity ? ts.col : (ts.col.subarray(0, this.length) as Column);
    const batch: ColumnBatch = { schema: this.schema, length: this.length, columns };
    if (this.strs.length > 0) {
      const strings: Record<string, string[]> = {};
      for (const s of this.strs) strings[s.spec.name] = s.values;
      batch.strings = strings;
    }
    return batch;
  }
}
