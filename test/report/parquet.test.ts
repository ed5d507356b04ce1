// The results' parquet writer (src/report/parquet.ts): the options for curves change how columns are stored (plain
// fold numbers, min/max statistics of the timestamps only), never what a reader gets back.
import * as arrow from 'apache-arrow';
import { Encoding, ParquetFile, readParquet } from 'parquet-wasm';
import { describe, expect, it } from 'vitest';
import { parquetBytes, timestampNs, type ParquetWriteOptions } from '../../src/report/parquet.js';

const N = 150_000; // three row groups of 65,536 rows
const T0 = 1_704_067_200_000_000_000n;
const ts = BigInt64Array.from({ length: N }, (_, i) => T0 + BigInt(i) * 60_000_000_000n);
// distinct values whose bytes cannot occur by chance in a file's metadata
const equity = Float64Array.from({ length: N }, (_, i) => 1_000_000_123.456 + Math.round(Math.sin(i / 977) * 5e7) + (i % 3) / 8);
const drawdown = Float64Array.from({ length: N }, (_, i) => -Math.abs(Math.sin(i / 1300)) / 7.3);
const fold = Int32Array.from({ length: N }, (_, i) => Math.floor(i / 40_000));
const table = new arrow.Table({ ts_event: timestampNs(ts), equity_micro: arrow.makeVector(equity), drawdown: arrow.makeVector(drawdown), fold: arrow.makeVector(fold) });
const CURVE: ParquetWriteOptions = { floats: 'plain', runs: ['fold'], statistics: 'timestamps' };

const bytesOf = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
const readBack = (bytes: Uint8Array) => arrow.tableFromIPC(readParquet(bytes).intoIPCStream());
/** the file's metadata (thrift footer): where a column chunk's min/max statistics are */
const footer = (bytes: Uint8Array) => {
  const len = new DataView(bytes.buffer, bytes.byteOffset + bytes.length - 8, 4).getUint32(0, true);
  return bytes.subarray(bytes.length - 8 - len, bytes.length - 8);
};
const holds = (hay: Uint8Array, needle: Uint8Array) => {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
};
const le = (a: Float64Array | BigInt64Array | Int32Array, i: number) => new Uint8Array(a.buffer, a.byteOffset + i * a.BYTES_PER_ELEMENT, a.BYTES_PER_ELEMENT).slice();
const minIndex = (a: Float64Array, from: number, to: number) => {
  let k = from;
  for (let i = from; i < to; i++) if (a[i]! < a[k]!) k = i;
  return k;
};

describe('parquet options for curves', () => {
  const plain = parquetBytes(table);
  const curve = parquetBytes(table, CURVE);

  it('read back, both files are the table: same schema, same values', () => {
    for (const bytes of [plain, curve]) {
      const t = readBack(bytes);
      expect(t.schema.fields.map((f) => `${f.name}:${f.type}:${f.nullable}`)).toEqual(table.schema.fields.map((f) => `${f.name}:${f.type}:${f.nullable}`));
      for (const [name, want] of [['ts_event', ts], ['equity_micro', equity], ['drawdown', drawdown], ['fold', fold]] as const) {
        const got = t.getChild(name)!.toArray() as typeof want;
        expect(got.length, name).toBe(N);
        expect(Buffer.compare(bytesOf(got), bytesOf(want)), name).toBe(0);
      }
    }
  });

  it('fold numbers in runs are stored plain, timestamps delta-encoded', async () => {
    const enc = async (bytes: Uint8Array) => {
      const f = await ParquetFile.fromFile(new Blob([bytes]));
      const rg = f.metadata().rowGroup(0);
      return Object.fromEntries(rg.columns().map((c) => [c.columnPath().join('.'), c.encodings()]));
    };
    const p = await enc(plain), c = await enc(curve);
    expect(p['fold']).toContain(Encoding.DELTA_BINARY_PACKED);
    expect(c['fold']).toContain(Encoding.PLAIN);
    expect(c['fold']).not.toContain(Encoding.DELTA_BINARY_PACKED);
    expect(c['ts_event']).toContain(Encoding.DELTA_BINARY_PACKED);
    expect(c['equity_micro']).toContain(Encoding.PLAIN); // floats: 'plain'
    expect(p['equity_micro']).toContain(Encoding.BYTE_STREAM_SPLIT);
  });

  it('statistics: every column by default, only the timestamps for a curve', () => {
    // the first row group's minima, as their little-endian bytes (how parquet stores a min statistic)
    const tsMin = le(ts, 0), eqMin = le(equity, minIndex(equity, 0, 65_536)), ddMin = le(drawdown, minIndex(drawdown, 0, 65_536));
    expect([holds(footer(plain), tsMin), holds(footer(plain), eqMin), holds(footer(plain), ddMin)]).toEqual([true, true, true]);
    expect([holds(footer(curve), tsMin), holds(footer(curve), eqMin), holds(footer(curve), ddMin)]).toEqual([true, false, false]);
  });
});
