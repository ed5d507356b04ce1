// `contango generate sample`: the bundled sample data in data/, produced deterministically from a seed.
//   es-ohlcv-1m.parquet        ES-like one-minute bars, Databento `to_parquet` layout (float prices)
//   es-ohlcv-1m.dbn.zst        the same bars as DBN ohlcv-1m (when the DBN writer is available)
//   btcusdt-perp-1m.parquet    BTCUSDT-like perpetual bars with mark_price and funding_rate
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import * as arrow from 'apache-arrow';
import { timestampNs, writeParquetFile } from '../report/parquet.js';
import { generateBtc } from './btc.js';
import { generateEs, type GeneratedBars } from './es.js';

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
  esDbn: 'es-ohlcv-1m.dbn.zst',
  btcParquet: 'btcusdt-perp-1m.parquet',
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
  const dbn = await writeDbnBars(dbnFile, es);
  if (dbn) out.push({ file: dbnFile, rows: es.ts.length, bytes: dbn });
  const btc = generateBtc({ seed: opts.seed + 1, start: '2024-01-01', end: '2024-03-01' });
  const btcFile = path.join(opts.outDir, SAMPLE_FILES.btcParquet);
  out.push({ file: btcFile, rows: btc.ts.length, bytes: writeParquetFile(btcFile, perpTable(btc)) });
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

/** DBN ohlcv-1m through the project's DBN writer; returns bytes written, or 0 while that writer is missing. */
async function writeDbnBars(_file: string, _b: GeneratedBars): Promise<number> {
  return 0;
}
