// Load OHLCV bars into a BarSeries (src/backtest/api.ts): prices converted from Databento's 1e-9 fixed
// point to integer ticks of the instrument, exactly. A price that is not a whole number of ticks (or a float
// that does not round-trip to one) is an error naming the file, the row and the column: silently rounding
// would move every fill and every PnL figure.
//
// Sources: DBN ohlcv-1m (through the DBN reader in src/data/dbn/) and Databento-layout parquet
// (`DBNStore.to_parquet`: ts_event index, open/high/low/close as float64 or int64 fixed-point, volume,
// symbol), optionally with the perpetual columns `mark_price` (same price encoding) and `funding_rate`
// (a fraction, e.g. 0.0001 = 1 bp, per funding interval).
import { readFile } from 'node:fs/promises';
import type * as ArrowNS from 'apache-arrow';
import type { BarSeries } from '../backtest/api.js';
import { firstNotIncreasing, int64Words } from '../util/int64-words.js';
import { inSharedMemory } from '../util/shared-memory.js';
import type { Column, ColumnBatch } from './batch.js';
import { concatBatches } from './dbn/concat.js';
import { UNDEF_PRICE } from './batch.js';
import { loadEntry, readManifest } from './cache/load.js';
import { readTickBars, tickBarsDir, writeTickBars } from './cache/tick-bars.js';

// apache-arrow, parquet-wasm, the DBN reader and the cache builder are imported on first use: a backtest
// worker that reads a ready cache entry never loads them, which keeps worker start-up short.
let arrow: typeof ArrowNS;
const arrowLib = async () => (arrow ??= await import('apache-arrow'));

export interface BarLoadOptions {
  /** tick size in 1e-9 price units (ES 0.25 → 250_000_000n) */
  tickUnits: bigint;
  /** keep only this instrument when the file holds several (parquet `symbol` column) */
  symbol?: string;
  /** bar length in ns; checked against the data (60e9 for ohlcv-1m) */
  barNs?: number;
  /**
   * Read through the columnar cache (src/data/cache): the first load decodes the file into column files,
   * later loads (every worker of a study, every later study) map them straight into typed arrays. Files
   * the cache does not take (the perpetual layout with mark_price/funding_rate) are read directly.
   */
  cache?: boolean | { cacheDir?: string };
  /**
   * Put the columns in SharedArrayBuffers: a walk-forward study hands them to its workers with every task, and a
   * structured clone shares such memory instead of copying it (src/walkforward/shared-bars.ts).
   */
  shared?: boolean;
}

/** Raw columns of one instrument's bars before tick conversion. Prices are 1e-9 units or float quote. */
export interface RawBars {
  file: string;
  symbol: string;
  ts: BigInt64Array;
  /** per price column: int64 1e-9 units, or float64 in quote currency */
  prices: Record<'open' | 'high' | 'low' | 'close', BigInt64Array | Float64Array>;
  mark?: BigInt64Array | Float64Array;
  volume: Float64Array;
  fundingRate?: Float64Array;
  /** row number in the source file of each kept row (for error messages) */
  sourceRow?: Int32Array;
}

export class BarDataError extends Error {
  constructor(file: string, row: number | undefined, column: string | undefined, detail: string) {
    super(`${file}${row !== undefined ? `: row ${row}` : ''}${column ? `, column ${column}` : ''}: ${detail}`);
    this.name = 'BarDataError';
  }
}

/** Load bars from a DBN ohlcv file or a Databento-layout parquet file. */
export async function loadBars(file: string, opts: BarLoadOptions): Promise<BarSeries> {
  if (opts.cache) {
    // through the cache entry (built on first use), and the ticks kept beside it after the first conversion
    const entry = await cacheEntryFor(file, typeof opts.cache === 'object' ? opts.cache.cacheDir : undefined);
    if (entry !== undefined) {
      try {
        return loadBarsFromEntry(file, entry, opts);
      } catch (e) {
        if (e instanceof BarDataError) throw e; // the data is wrong, not the cache
      }
    }
  }
  const raw = isParquet(file) ? await readParquetBars(file, opts.symbol) : await readDbnBars(file, opts.symbol);
  return toBarSeries(raw, opts);
}

/** The cache entry directory for a file (built if missing), or undefined when the cache does not take it. */
export async function cacheEntryFor(file: string, cacheDir?: string): Promise<string | undefined> {
  try {
    const { ensureCache } = await import('./cache/index.js');
    return (await ensureCache(file, { cacheDir })).dir;
  } catch {
    return undefined;
  }
}

/**
 * Bars from a cache entry directory another thread has just validated (a study's main thread): no
 * freshness check, no source hashing, only the column files read into typed arrays.
 */
export function loadBarsFromEntry(file: string, entryDir: string, opts: BarLoadOptions): BarSeries {
  // the entry's bars already converted to ticks and checked (./cache/tick-bars.ts), when a load kept them
  const key = { tickUnits: opts.tickUnits, symbol: opts.symbol, barNs: opts.barNs };
  const dir = tickBarsDir(entryDir, key);
  const kept = readTickBars(dir, key, opts.shared ?? false);
  if (kept) return kept;
  const batch = loadEntry(entryDir, readManifest(entryDir));
  const series = toBarSeries(rawBarsFromCacheBatch(file, batch, opts.symbol), opts);
  writeTickBars(dir, key, series);
  return series;
}

function rawBarsFromCacheBatch(file: string, batch: ReturnType<typeof loadEntry>, symbol?: string): RawBars {
  const names = new Map<number, string>();
  const dict = batch.dictionaries?.['symbol'];
  const ids = batch.columns['instrument_id'];
  if (dict && ids) {
    let prev = -1;
    for (let i = 0; i < batch.length; i++) {
      const id = Number(ids[i]);
      if (id !== prev && !names.has(id)) names.set(id, dict.values[dict.codes[i]!]!);
      prev = id;
    }
  }
  return rawBarsFromBatches(file, [batch], symbol, (id) => names.get(id));
}

export function isParquet(file: string): boolean {
  return /\.parquet$/i.test(file);
}

/** Convert raw bars to ticks, checking order, exactness and the bar length. */
export function toBarSeries(raw: RawBars, opts: BarLoadOptions): BarSeries {
  const n = raw.ts.length;
  const rowOf = (i: number) => (raw.sourceRow ? raw.sourceRow[i]! : i);
  if (n === 0) throw new BarDataError(raw.file, undefined, undefined, `no bars${raw.symbol ? ` for symbol ${raw.symbol}` : ''}`);
  if (opts.tickUnits <= 0n) throw new Error(`tick size must be positive (got ${opts.tickUnits} price units)`);
  const bad = firstNotIncreasing(raw.ts);
  if (bad > 0) throw new BarDataError(raw.file, rowOf(bad), 'ts_event', `timestamps must increase (${raw.ts[bad]} after ${raw.ts[bad - 1]})`);
  const f64 = (): Float64Array => (opts.shared ? new Float64Array(new SharedArrayBuffer(n * 8)) : new Float64Array(n));
  const conv = (col: BigInt64Array | Float64Array, name: string) => toTicks(col, opts.tickUnits, raw.file, name, rowOf, f64());
  const barNs = opts.barNs ?? inferBarNs(raw.ts);
  const series: BarSeries = {
    symbol: raw.symbol,
    ts: opts.shared ? inSharedMemory(raw.ts) : raw.ts,
    open: conv(raw.prices.open, 'open'),
    high: conv(raw.prices.high, 'high'),
    low: conv(raw.prices.low, 'low'),
    close: conv(raw.prices.close, 'close'),
    volume: opts.shared ? inSharedMemory(raw.volume) : raw.volume,
    barNs,
  };
  for (let i = 0; i < n; i++) {
    const o = series.open[i]!, h = series.high[i]!, l = series.low[i]!, c = series.close[i]!;
    if (!(l <= o && l <= c && h >= o && h >= c && l <= h)) {
      throw new BarDataError(raw.file, rowOf(i), 'high/low', `inconsistent bar: open ${o} high ${h} low ${l} close ${c} (ticks)`);
    }
  }
  if (raw.mark) series.mark = conv(raw.mark, 'mark_price');
  if (raw.fundingRate) series.fundingRate = opts.shared ? inSharedMemory(raw.fundingRate) : raw.fundingRate;
  return series;
}

/** A numeric column as float64, 64-bit integers converted exactly below 2^53 (and rounded like Number() above). */
function toFloat64(c: Column): Float64Array {
  const n = c.length;
  const out = new Float64Array(n);
  if (c instanceof BigInt64Array || c instanceof BigUint64Array) {
    const w = int64Words(c);
    if (w === null) {
      for (let i = 0; i < n; i++) out[i] = Number(c[i]!);
    } else if (c instanceof BigUint64Array) {
      for (let i = 0; i < n; i++) out[i] = (w[2 * i + 1]! >>> 0) * 4294967296 + (w[2 * i]! >>> 0);
    } else {
      for (let i = 0; i < n; i++) out[i] = w[2 * i + 1]! * 4294967296 + (w[2 * i]! >>> 0);
    }
    return out;
  }
  for (let i = 0; i < n; i++) out[i] = Number(c[i]!);
  return out;
}

/** The most common spacing between consecutive bars (the bar length; gaps are sessions and halts). */
function inferBarNs(ts: BigInt64Array): number {
  if (ts.length < 2) return 60e9;
  const counts = new Map<bigint, number>();
  for (let i = 1; i < Math.min(ts.length, 10_000); i++) {
    const d = ts[i]! - ts[i - 1]!;
    counts.set(d, (counts.get(d) ?? 0) + 1);
  }
  let best = 0n, bestCount = -1;
  for (const [d, c] of counts) if (c > bestCount || (c === bestCount && d < best)) [best, bestCount] = [d, c];
  return Number(best);
}

/**
 * Prices → integer ticks. int64 input: 1e-9 units, must be a multiple of the tick. float64 input: the
 * quote price; it must be the double nearest to some multiple of the tick (either as N/1e9 or N·1e-9,
 * the two ways writers scale), else it is not on the tick grid.
 */
export function toTicks(
  col: BigInt64Array | Float64Array,
  tickUnits: bigint,
  file: string,
  column: string,
  rowOf: (i: number) => number = (i) => i,
  out: Float64Array = new Float64Array(col.length),
): Float64Array {
  const n = col.length;
  const tick = Number(tickUnits);
  if (col instanceof BigInt64Array) {
    // Fast path without a BigInt per row: |v| < 2^52 (the high half in [-2^20, 2^20)) is exact as a double, and
    // so are v / tick when the tick divides v and q · tick, which must give v back. Anything else (huge values,
    // INT64_MAX for "undefined", a tick that doesn't fit a double exactly) takes the BigInt path below.
    const w = tickUnits < 2n ** 52n ? int64Words(col) : null;
    for (let i = 0; i < n; i++) {
      if (w !== null) {
        const hi = w[2 * i + 1]!;
        if (hi >= -1048576 && hi < 1048576) {
          const x = hi * 4294967296 + (w[2 * i]! >>> 0);
          const q = Math.round(x / tick);
          if (q * tick === x) {
            out[i] = q === 0 ? 0 : q; // no -0
            continue;
          }
        }
      }
      const v = col[i]!;
      if (v === UNDEF_PRICE) throw new BarDataError(file, rowOf(i), column, 'undefined price (INT64_MAX)');
      const q = v / tickUnits;
      if (q * tickUnits !== v) {
        throw new BarDataError(file, rowOf(i), column, `price ${formatFixed(v)} is not a multiple of the tick ${formatFixed(tickUnits)}`);
      }
      if (q > 9007199254740991n || q < -9007199254740991n) throw new BarDataError(file, rowOf(i), column, `price ${v} out of range`);
      out[i] = Number(q);
    }
    return out;
  }
  for (let i = 0; i < n; i++) {
    const p = col[i]!;
    if (!Number.isFinite(p)) throw new BarDataError(file, rowOf(i), column, `price is ${p}`);
    const q = Math.round((p * 1e9) / tick);
    const units = q * tick; // exact while |units| < 2^53 (prices below ~9,000,000)
    if (!Number.isSafeInteger(units)) throw new BarDataError(file, rowOf(i), column, `price ${p} is out of the exact range (|price| < 9,007,199)`);
    if (units / 1e9 !== p && units * 1e-9 !== p) {
      throw new BarDataError(file, rowOf(i), column, `price ${p} is not a whole number of ticks of ${formatFixed(tickUnits)}`);
    }
    out[i] = q === 0 ? 0 : q; // no -0
  }
  return out;
}

/** 1e-9 units as a decimal string (250000000 → "0.25"). */
export function formatFixed(v: bigint): string {
  const neg = v < 0n;
  const a = neg ? -v : v;
  const int = a / 1_000_000_000n;
  const frac = (a % 1_000_000_000n).toString().padStart(9, '0').replace(/0+$/, '');
  return `${neg ? '-' : ''}${int}${frac ? '.' + frac : ''}`;
}

/** Decimal text of a price ("0.25") → 1e-9 units, exactly. */
export function parseFixed(text: string): bigint {
  const m = /^(-)?(\d+)(?:\.(\d{1,9}))?$/.exec(text.trim());
  if (!m) throw new Error(`"${text}" is not a decimal price with at most 9 decimals`);
  const v = BigInt(m[2]!) * 1_000_000_000n + BigInt((m[3] ?? '').padEnd(9, '0'));
  return m[1] ? -v : v;
}

// ---- parquet ---------------------------------------------------------------------------------------------

/** Read a Databento-layout parquet file of OHLCV bars (one instrument, or filtered by `symbol`). */
export async function readParquetBars(file: string, symbol?: string): Promise<RawBars> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(file));
  } catch (e) {
    throw new BarDataError(file, undefined, undefined, `cannot read (${(e as Error).message})`);
  }
  await arrowLib();
  const { readParquet } = await import('parquet-wasm');
  let table: ArrowNS.Table;
  try {
    table = arrow.tableFromIPC(readParquet(bytes).intoIPCStream());
  } catch (e) {
    throw new BarDataError(file, undefined, undefined, `not a readable parquet file (${String(e)})`);
  }
  const names = table.schema.fields.map((f) => f.name);
  const need = (name: string) => {
    const c = table.getChild(name);
    if (!c) throw new BarDataError(file, undefined, name, `missing column; the file has: ${names.join(', ')}`);
    return c;
  };
  const tsCol = table.getChild('ts_event') ?? need('ts_event');
  const n = table.numRows;
  const ts = bigintColumn(tsCol, file, 'ts_event');
  const symbols = table.getChild('symbol');
  let keep: Int32Array | undefined;
  let sym = symbol ?? '';
  if (symbols) {
    const values = symbols.toArray() as (string | null)[];
    const distinct = [...new Set(values)];
    if (symbol === undefined) {
      if (distinct.length > 1) {
        throw new BarDataError(file, undefined, 'symbol', `holds ${distinct.length} instruments (${distinct.slice(0, 8).join(', ')}); set data.symbol`);
      }
      sym = distinct[0] ?? '';
    } else if (distinct.length > 1 || distinct[0] !== symbol) {
      const rows: number[] = [];
      for (let i = 0; i < n; i++) if (values[i] === symbol) rows.push(i);
      if (rows.length === 0) throw new BarDataError(file, undefined, 'symbol', `no rows for symbol ${symbol}; the file has ${distinct.slice(0, 8).join(', ')}`);
      keep = Int32Array.from(rows);
    }
  }
  const pick = <T extends BigInt64Array | Float64Array>(a: T): T => {
    if (!keep) return a;
    const out = new (a.constructor as new (n: number) => T)(keep.length);
    for (let i = 0; i < keep.length; i++) out[i] = a[keep[i]!]!;
    return out;
  };
  const priceCol = (name: string) => pick(priceColumn(need(name), file, name));
  const raw: RawBars = {
    file,
    symbol: sym,
    ts: pick(ts),
    prices: { open: priceCol('open'), high: priceCol('high'), low: priceCol('low'), close: priceCol('close') },
    volume: pick(floatColumn(need('volume'), file, 'volume')),
    sourceRow: keep,
  };
  if (table.getChild('mark_price')) raw.mark = priceCol('mark_price');
  const fr = table.getChild('funding_rate');
  if (fr) raw.fundingRate = pick(fundingColumn(fr, file));
  return raw;
}

type Vec = ArrowNS.Vector;

function chunksOf(v: Vec, file: string, column: string): { values: ArrayLike<unknown>; nulls: number }[] {
  return v.data.map((d) => {
    if (d.nullCount > 0) {
      // find the first null for the message
      for (let i = 0; i < d.length; i++) if (!d.getValid(i)) throw new BarDataError(file, undefined, column, `null value (first null at offset ${i} of a chunk)`);
    }
    return { values: d.values as ArrayLike<unknown>, nulls: d.nullCount };
  });
}

function bigintColumn(v: Vec, file: string, column: string): BigInt64Array {
  const out = new BigInt64Array(v.length);
  let o = 0;
  for (const { values } of chunksOf(v, file, column)) {
    if (values instanceof BigInt64Array || values instanceof BigUint64Array) {
      for (let i = 0; i < values.length; i++) out[o++] = BigInt.asIntN(64, values[i]!);
    } else throw new BarDataError(file, undefined, column, `expected a 64-bit integer or timestamp[ns] column, found ${v.type}`);
  }
  if (v.type instanceof arrow.Timestamp && v.type.unit !== arrow.TimeUnit.NANOSECOND) {
    throw new BarDataError(file, undefined, column, `timestamps must be in nanoseconds, found ${v.type}`);
  }
  return out;
}

function priceColumn(v: Vec, file: string, column: string): BigInt64Array | Float64Array {
  const t = v.type;
  if (t instanceof arrow.Float && t.precision === arrow.Precision.DOUBLE) return floatColumn(v, file, column);
  if (t instanceof arrow.Int && t.bitWidth === 64) return bigintColumn(v, file, column);
  throw new BarDataError(file, undefined, column, `price columns must be float64 (quote currency) or int64 (1e-9 units), found ${t}`);
}

function floatColumn(v: Vec, file: string, column: string): Float64Array {
  const out = new Float64Array(v.length);
  let o = 0;
  for (const { values } of chunksOf(v, file, column)) {
    if (values instanceof BigInt64Array || values instanceof BigUint64Array) {
      for (let i = 0; i < values.length; i++) out[o++] = Number(values[i]!);
    } else {
      const a = values as ArrayLike<number>;
      for (let i = 0; i < a.length; i++) out[o++] = a[i]!;
    }
  }
  return out;
}

/** funding_rate as a fraction (0.0001) → parts per 1e8 (10_000), exactly; more than 8 decimals is an error. */
function fundingColumn(v: Vec, file: string): Float64Array {
  const f = floatColumn(v, file, 'funding_rate');
  const out = new Float64Array(f.length);
  for (let i = 0; i < f.length; i++) {
    const x = f[i]! * 1e8;
    const r = Math.round(x);
    if (!Number.isFinite(x) || Math.abs(x - r) > 1e-6) {
      throw new BarDataError(file, i, 'funding_rate', `${f[i]} is not a whole number of 1e-8 (parts per 1e8)`);
    }
    out[i] = r === 0 ? 0 : r;
  }
  return out;
}

// ---- DBN -------------------------------------------------------------------------------------------------

/** Columns of an ohlcv batch stream (from the DBN reader) → RawBars. */
export function rawBarsFromBatches(file: string, batches: ColumnBatch[], symbol?: string, symbolOf?: (instrumentId: number) => string | undefined): RawBars {
  for (const b of batches) {
    if (!b.schema.startsWith('ohlcv')) throw new BarDataError(file, undefined, undefined, `expected OHLCV records, found schema ${b.schema}`);
  }
  if (batches.length === 0) throw new BarDataError(file, undefined, undefined, 'no bars');
  // one batch (a cache entry, a small file) is used as it is: its 64-bit columns are views, not copies
  const all = concatBatches(batches);
  const n = all.length;
  const col = (name: string): Column => {
    const c = all.columns[name];
    if (!c) throw new BarDataError(file, undefined, name, `missing field in ${all.schema} batch`);
    return c;
  };
  const ts = asI64(col('ts_event'));
  const prices = { open: asI64(col('open')), high: asI64(col('high')), low: asI64(col('low')), close: asI64(col('close')) };
  const volume = toFloat64(col('volume'));
  const ids = all.columns['instrument_id'];
  const inst = new Uint32Array(n);
  const seen = new Set<number>();
  if (ids) {
    let prev = -1;
    for (let i = 0; i < n; i++) {
      const id = Number(ids[i]!);
      inst[i] = id;
      if (id !== prev) seen.add((prev = id));
    }
  } else if (n) seen.add(0);
  const distinct = [...seen];
  const nameOf = (id: number) => symbolOf?.(id) ?? String(id);
  let keep: number[] | undefined;
  let sym = symbol ?? (distinct.length === 1 ? nameOf(distinct[0]!) : '');
  if (distinct.length > 1 || (symbol !== undefined && nameOf(distinct[0]!) !== symbol && String(distinct[0]) !== symbol)) {
    if (symbol === undefined) {
      throw new BarDataError(file, undefined, 'instrument_id', `holds ${distinct.length} instruments (${distinct.map(nameOf).slice(0, 8).join(', ')}); set data.symbol`);
    }
    keep = [];
    for (let i = 0; i < n; i++) if (nameOf(inst[i]!) === symbol || String(inst[i]) === symbol) keep.push(i);
    if (keep.length === 0) throw new BarDataError(file, undefined, 'instrument_id', `no records for ${symbol}; the file has ${distinct.map(nameOf).join(', ')}`);
    sym = symbol;
  }
  if (!keep) return { file, symbol: sym, ts, prices, volume };
  const k = keep;
  const sel = <T extends BigInt64Array | Float64Array>(a: T): T => {
    const out = new (a.constructor as new (n: number) => T)(k.length);
    for (let i = 0; i < k.length; i++) out[i] = a[k[i]!]!;
    return out;
  };
  return {
    file,
    symbol: sym,
    ts: sel(ts),
    prices: { open: sel(prices.open), high: sel(prices.high), low: sel(prices.low), close: sel(prices.close) },
    volume: sel(volume),
    sourceRow: Int32Array.from(k),
  };
}

function asI64(c: Column): BigInt64Array {
  if (c instanceof BigInt64Array) return c;
  if (c instanceof BigUint64Array) return new BigInt64Array(c.buffer, c.byteOffset, c.length);
  throw new Error(`expected a 64-bit column, found ${c.constructor.name}`);
}

/** Read a DBN ohlcv file (plain or zstd) through the project's DBN reader; symbols from its mappings. */
export async function readDbnBars(file: string, symbol?: string): Promise<RawBars> {
  const { openDbn } = await import('./dbn/index.js');
  const reader = await openDbn(file);
  const batches: ColumnBatch[] = [];
  for await (const b of reader.batches()) batches.push(b);
  const names = new Map<number, string>();
  for (const m of reader.metadata.mappings) for (const iv of m.intervals) if (/^\d+$/.test(iv.symbol)) names.set(Number(iv.symbol), m.raw_symbol);
  return rawBarsFromBatches(file, batches, symbol, (id) => names.get(id));
}
