// `contango generate sample`: the bundled sample data in data/, produced deterministically from a seed.
//   es-ohlcv-1m.parquet        ES-like one-minute bars, Databento `to_parquet` layout (float prices)
//   es-ohlcv-1m-2024-01.dbn    the January 2024 part of the same bars as DBN ohlcv-1m (uncompressed DBN v3:
//                              the project has no zstd compressor, so the DBN copy is one month to stay small)
//   btcusdt-perp-1m.parquet    BTCUSDT-like perpetual bars with mark_price and funding_rate
//   nq-ohlcv-1m.parquet        NQ-like bars correlated with the ES bars (portfolio backtests: configs/es-nq-portfolio.yaml)
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import * as arrow from 'apache-arrow';
import type { ColumnBatch } from '../data/batch.js';
import { writeDbn } from '../data/dbn/index.js';
import { timestampNs, writeParquetFile } from '../report/parquet.js';
import { generateBtc } from './btc.js';
import { generateEs, type GeneratedBars } from './es.js';
import { generateNq } from './nq.js';

export interface SampleOptions {
  outDir: string;
  seed: number;
}

export interface SampleFile {
  file: string;
  rows: number;
  bytes: number;
}

export const SAMPLE_FILES = {
  esParquet: 'es-ohlcv-1m.parquet',
  esDbn: 'es-ohlcv-1m-2024-01.dbn',
  btcParquet: 'btcusdt-perp-1m.parquet',
  nqParquet: 'nq-ohlcv-1m.parquet',
} as const;

/** Databento rtype of OHLCV-1m records and the GLBX.MDP3 Globex publisher id. */
const RTYPE_OHLCV_1M = 0x21;
const PUBLISHER_GLBX = 1;

export async function generateSample(opts: SampleOptions): Promise<SampleFile[]> {
  mkdirSync(opts.outDir, { recursive: true });
  const out: SampleFile[] = [];
  // ESH4 was the front month from the December 2023 roll until the March 2024 roll (8 days before expiry).
  const es = generateEs({ seed: opts.seed, start: '2023-12-10', end: '2024-03-08' });
  const esFile = path.join(opts.outDir, SAMPLE_FILES.esParquet);
  out.push({ file: esFile, rows: es.ts.length, bytes: writeParquetFile(esFile, databentoOhlcvTable(es)) });
  const dbnFile = path.join(opts.outDir, SAMPLE_FILES.esDbn);
  const jan = sliceBars(es, Date.UTC(2024, 0, 1), Date.UTC(2024, 1, 1));
  out.push({ file: dbnFile, rows: jan.ts.length, bytes: await writeDbnBars(dbnFile, jan) });
  const btc = generateBtc({ seed: opts.seed + 1, start: '2024-01-01', end: '2024-03-01' });
  const btcFile = path.join(opts.outDir, SAMPLE_FILES.btcParquet);
  out.push({ file: btcFile, rows: btc.ts.length, bytes: writeParquetFile(btcFile, perpTable(btc)) });
  // NQ from the ES bars (after the others, so their bytes do not depend on it)
  const nq = generateNq(es, { seed: opts.seed + 2 });
  const nqFile = path.join(opts.outDir, SAMPLE_FILES.nqParquet);
  out.push({ file: nqFile, rows: nq.ts.length, bytes: writeParquetFile(nqFile, databentoOhlcvTable(nq)) });
  return out;
}

const toFloat = (a: BigInt64Array) => Float64Array.from(a, (v) => Number(v) / 1e9);

/** Databento's `DBNStore.to_parquet` layout for OHLCV with the default float prices. */
export function databentoOhlcvTable(b: GeneratedBars): arrow.Table {
  const n = b.ts.length;
  return new arrow.Table({
    ts_event: timestampNs(b.ts),
    rtype: arrow.makeVector(new Uint8Array(n).fill(RTYPE_OHLCV_1M)),
    publisher_id: arrow.makeVector(new Uint16Array(n).fill(PUBLISHER_GLBX)),
    instrument_id: arrow.makeVector(new Uint32Array(n).fill(b.instrumentId)),
    open: arrow.makeVector(toFloat(b.open)),
    high: arrow.makeVector(toFloat(b.high)),
    low: arrow.makeVector(toFloat(b.low)),
    close: arrow.makeVector(toFloat(b.close)),
    volume: arrow.makeVector(b.volume),
    symbol: arrow.vectorFromArray(new Array<string>(n).fill(b.symbol), new arrow.Dictionary(new arrow.Utf8(), new arrow.Int32())),
  });
}

/** Perpetual bars: the OHLCV layout plus mark_price (float, quote currency) and funding_rate (fraction). */
export function perpTable(b: GeneratedBars): arrow.Table {
  const n = b.ts.length;
  return new arrow.Table({
    ts_event: timestampNs(b.ts),
    open: arrow.makeVector(toFloat(b.open)),
    high: arrow.makeVector(toFloat(b.high)),
    low: arrow.makeVector(toFloat(b.low)),
    close: arrow.makeVector(toFloat(b.close)),
    volume: arrow.makeVector(b.volume),
    mark_price: arrow.makeVector(toFloat(b.mark!)),
    funding_rate: arrow.makeVector(Float64Array.from(b.fundingRate!, (v) => v / 1e8)),
    symbol: arrow.vectorFromArray(new Array<string>(n).fill(b.symbol), new arrow.Dictionary(new arrow.Utf8(), new arrow.Int32())),
  });
}

/** Bars with ts in [fromMs, toMs). */
export function sliceBars(b: GeneratedBars, fromMs: number, toMs: number): GeneratedBars {
  const lo = b.ts.findIndex((t) => t >= BigInt(fromMs) * 1_000_000n);
  let hi = b.ts.findIndex((t) => t >= BigInt(toMs) * 1_000_000n);
  if (hi < 0) hi = b.ts.length;
  const a = Math.max(0, lo);
  return { ...b, ts: b.ts.slice(a, hi), open: b.open.slice(a, hi), high: b.high.slice(a, hi), low: b.low.slice(a, hi), close: b.close.slice(a, hi), volume: b.volume.slice(a, hi) };
}

/** DBN ohlcv-1m (GLBX.MDP3 layout) through the project's DBN writer, with the raw-symbol mapping. */
export async function writeDbnBars(file: string, b: GeneratedBars): Promise<number> {
  const n = b.ts.length;
  const day = (t: bigint) => new Date(Number(t / 1_000_000n)).toISOString().slice(0, 10);
  const endDay = day(b.ts[n - 1]! + 86_400_000_000_000n);
  const batch: ColumnBatch = {
    schema: 'ohlcv-1m',
    length: n,
    columns: {
      rtype: new Uint8Array(n).fill(RTYPE_OHLCV_1M),
      publisher_id: new Uint16Array(n).fill(PUBLISHER_GLBX),
      instrument_id: new Uint32Array(n).fill(b.instrumentId),
      ts_event: new BigUint64Array(b.ts.buffer, b.ts.byteOffset, n),
      open: b.open,
      high: b.high,
      low: b.low,
      close: b.close,
      volume: b.volume,
    },
  };
  const r = await writeDbn(
    file,
    {
      dataset: 'GLBX.MDP3',
      schema: 'ohlcv-1m',
      start: BigInt(b.ts[0]!),
      end: b.ts[n - 1]! + 60_000_000_000n,
      stype_in: 'raw_symbol',
      stype_out: 'instrument_id',
      symbols: [b.symbol],
      mappings: [{ raw_symbol: b.symbol, intervals: [{ start_date: day(b.ts[0]!), end_date: endDay, symbol: String(b.instrumentId) }] }],
    },
    [batch],
  );
  return r.bytes;
}
