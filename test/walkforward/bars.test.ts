// Bar loading: 1e-9 fixed point and float prices to integer ticks exactly, or an error naming the file,
// the row and the column. decimal.js is the oracle.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as arrow from 'apache-arrow';
import { Decimal } from 'decimal.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { BarDataError, formatFixed, loadBars, parseFixed, readDbnBars, toTicks } from '../../src/data/bars.js';
import { timestampNs, writeParquetFile } from '../../src/report/parquet.js';
import { Rng } from '../../src/walkforward/random.js';
import { tmpDir } from './helpers.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SHARED = fileURLToPath(new URL('../../../shared/data/databento/', import.meta.url));
const ES_TICK = 250_000_000n;
const T0 = 1_704_700_800_000_000_000n; // 2024-01-08T08:00Z
let dir: string;
beforeAll(() => {
  dir = tmpDir('contango-bars-');
});

function writeBars(name: string, cols: { open: number[] | bigint[]; high?: number[] | bigint[]; low?: number[] | bigint[]; close?: number[] | bigint[] }, extra: Record<string, arrow.Vector> = {}): string {
  const n = cols.open.length;
  const vec = (v: number[] | bigint[]) => (typeof v[0] === 'bigint' ? arrow.makeVector(BigInt64Array.from(v as bigint[])) : arrow.makeVector(Float64Array.from(v as number[])));
  const file = path.join(dir, name);
  writeParquetFile(
    file,
    new arrow.Table({
      ts_event: timestampNs(BigInt64Array.from({ length: n }, (_, i) => T0 + BigInt(i) * 60_000_000_000n)),
      open: vec(cols.open),
      high: vec(cols.high ?? cols.open),
      low: vec(cols.low ?? cols.open),
      close: vec(cols.close ?? cols.open),
      volume: arrow.makeVector(new BigUint64Array(n).fill(5n)),
      ...extra,
    }),
  );
  return file;
}

describe('bars loader', () => {
  it('float prices (Databento default) → exact ticks', async () => {
    const f = writeBars('float.parquet', { open: [4800.25, 4800.5, 4801], high: [4801, 4801, 4801.75], low: [4800, 4800.25, 4800.75], close: [4800.5, 4800.75, 4801.5] });
    const b = await loadBars(f, { tickUnits: ES_TICK });
    expect(Array.from(b.open)).toEqual([19201, 19202, 19204]);
    expect(Array.from(b.close)).toEqual([19202, 19203, 19206]);
    expect(b.barNs).toBe(60e9);
  });

  it('fixed prices (int64, 1e-9) → exact ticks', async () => {
    const f = writeBars('fixed.parquet', { open: [4_800_250_000_000n, 4_800_500_000_000n] });
    expect(Array.from((await loadBars(f, { tickUnits: ES_TICK })).open)).toEqual([19201, 19202]);
  });

  it('a float off the tick grid is an error naming file, row and column', async () => {
    const f = writeBars('off.parquet', { open: [4800.25, 4800.25, 4800.25], close: [4800.25, 4800.25, 4800.1] });
    const e = await loadBars(f, { tickUnits: ES_TICK }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(BarDataError);
    expect((e as Error).message).toBe(`${f}: row 2, column close: price 4800.1 is not a whole number of ticks of 0.25`);
  });

  it('a fixed price off the tick grid is an error naming the row', async () => {
    const f = writeBars('offfixed.parquet', { open: [4_800_250_000_000n, 4_800_260_000_000n] });
    await expect(loadBars(f, { tickUnits: ES_TICK })).rejects.toThrow(`${f}: row 1, column open: price 4800.26 is not a multiple of the tick 0.25`);
  });

  it('decreasing timestamps and impossible bars are errors naming the row', async () => {
    const f = path.join(dir, 'order.parquet');
    writeParquetFile(f, new arrow.Table({
      ts_event: timestampNs(BigInt64Array.from([T0, T0 + 60_000_000_000n, T0])),
      open: arrow.makeVector(Float64Array.from([1, 1, 1])), high: arrow.makeVector(Float64Array.from([1, 1, 1])),
      low: arrow.makeVector(Float64Array.from([1, 1, 1])), close: arrow.makeVector(Float64Array.from([1, 1, 1])),
      volume: arrow.makeVector(new BigUint64Array(3)),
    }));
    await expect(loadBars(f, { tickUnits: ES_TICK })).rejects.toThrow(/row 2, column ts_event: timestamps must increase/);
    const g = writeBars('hilo.parquet', { open: [4800, 4800], high: [4800, 4799], low: [4800, 4800] });
    await expect(loadBars(g, { tickUnits: ES_TICK })).rejects.toThrow(/row 1, column high\/low: inconsistent bar/);
  });

  it('a missing column names what the file has', async () => {
    const f = path.join(dir, 'nocol.parquet');
    writeParquetFile(f, new arrow.Table({ ts_event: timestampNs(BigInt64Array.from([T0])), open: arrow.makeVector(Float64Array.from([1])) }));
    await expect(loadBars(f, { tickUnits: ES_TICK })).rejects.toThrow(/column high: missing column; the file has: ts_event, open/);
  });

  it('every on-tick float converts exactly (10,000 random prices, decimal.js oracle), for several ticks', () => {
    const rng = new Rng(99);
    for (const tickText of ['0.25', '0.1', '0.01', '0.005', '0.00005', '0.0000005', '0.015625']) {
      const tick = parseFixed(tickText);
      // prices up to 1,000,000 (1e15 units of 1e-9: inside the exact double range)
      const ticks = Array.from({ length: 10_000 }, () => 1 + rng.int(Math.floor(1e15 / Number(tick))));
      // the float a writer produces: the double nearest to ticks × tick (decimal.js computes the decimal exactly)
      const floats = Float64Array.from(ticks, (k) => new Decimal(k).mul(new Decimal(tickText)).toNumber());
      expect(Array.from(toTicks(floats, tick, 'mem', 'close'))).toEqual(ticks);
      const fixed = BigInt64Array.from(ticks, (k) => BigInt(k) * tick);
      expect(Array.from(toTicks(fixed, tick, 'mem', 'close'))).toEqual(ticks);
    }
  });

  it('formats and parses fixed-point text', () => {
    expect(formatFixed(250_000_000n)).toBe('0.25');
    expect(formatFixed(-4_800_000_000_000n)).toBe('-4800');
    expect(parseFixed('0.0000005')).toBe(500n);
    expect(() => parseFixed('0.0000000001')).toThrow();
  });

  it('perpetual columns: mark price in ticks, funding rate in parts per 1e8', async () => {
    const f = writeBars('perp.parquet', { open: [42000.1, 42000.2] }, {
      mark_price: arrow.makeVector(Float64Array.from([42000.3, 41999.9])),
      funding_rate: arrow.makeVector(Float64Array.from([0.0001, -0.00012345])),
    });
    const b = await loadBars(f, { tickUnits: 100_000_000n });
    expect(Array.from(b.open)).toEqual([420001, 420002]);
    expect(Array.from(b.mark!)).toEqual([420003, 419999]);
    expect(Array.from(b.fundingRate!)).toEqual([10_000, -12_345]);
  });

  it('the bundled sample: the DBN month equals the same month of the parquet, bar for bar', async () => {
    const pq = await loadBars(path.join(ROOT, 'data/es-ohlcv-1m.parquet'), { tickUnits: ES_TICK });
    const dbn = await loadBars(path.join(ROOT, 'data/es-ohlcv-1m-2024-01.dbn'), { tickUnits: ES_TICK });
    expect(dbn.symbol).toBe('ESH4');
    const i0 = pq.ts.indexOf(dbn.ts[0]!);
    expect(i0).toBeGreaterThan(0);
    for (const k of ['open', 'high', 'low', 'close', 'volume'] as const) expect(Array.from(pq[k].subarray(i0, i0 + dbn.ts.length))).toEqual(Array.from(dbn[k]));
    expect(Array.from(pq.ts.subarray(i0, i0 + dbn.ts.length))).toEqual(Array.from(dbn.ts));
  });

  it.skipIf(!existsSync(SHARED))('real Databento ohlcv-1m: two instruments need a symbol; ESU4 loads on its tick', async () => {
    const f = path.join(SHARED, 'glbx-ohlcv-1m-2024-07-01T23-40_2024-07-02T00-10.dbn.zst');
    await expect(readDbnBars(f)).rejects.toThrow(/holds 2 instruments \(ESU4, NQU4\); set data.symbol/);
    const b = await loadBars(f, { tickUnits: ES_TICK, symbol: 'ESU4' });
    expect(b.symbol).toBe('ESU4');
    expect(b.ts.length).toBeGreaterThan(10);
    expect(b.close.every((v) => Number.isInteger(v) && v * 0.25 > 5000 && v * 0.25 < 6000)).toBe(true);
  });
});
