// Bars in ticks kept beside a cache entry (src/data/cache/tick-bars.ts): the second load reads the converted
// columns instead of converting again, and gives exactly what a direct load gives; shared loads land in
// SharedArrayBuffers; a damaged set is ignored and rebuilt; a tick size or symbol of its own gets its own set;
// bad data is still an error naming file, row and column, and leaves nothing behind.
import { existsSync, readdirSync, rmSync, statSync, truncateSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { BarSeries } from '../../src/backtest/api.js';
import { BarDataError, cacheEntryFor, loadBars, loadBarsFromEntry } from '../../src/data/bars.js';
import { generateEs } from '../../src/generate/es.js';
import { databentoOhlcvTable } from '../../src/generate/index.js';
import { writeParquetFile } from '../../src/report/parquet.js';
import { tmpDir } from '../parquet/helpers.js';

const work = tmpDir('contango-tickbars-');
afterAll(() => rmSync(work, { recursive: true, force: true }));
const cacheDir = path.join(work, 'cache');
const ES_TICK = 250_000_000n;

const g = generateEs({ seed: 5, start: '2024-01-07', end: '2024-01-12' });
const file = path.join(work, 'es.parquet');
writeParquetFile(file, databentoOhlcvTable(g));

function expectSame(a: BarSeries, b: BarSeries): void {
  expect(a.symbol).toBe(b.symbol);
  expect(a.barNs).toBe(b.barNs);
  for (const k of ['ts', 'open', 'high', 'low', 'close', 'volume'] as const) expect(Array.from(a[k] as ArrayLike<number | bigint>), k).toEqual(Array.from(b[k] as ArrayLike<number | bigint>));
}

const tickSets = (entry: string) => readdirSync(entry).filter((f) => f.startsWith('bars-'));

describe('tick bars beside a cache entry', () => {
  it('first load keeps them, later loads (plain and shared) read them, all equal to a direct load', async () => {
    const direct = await loadBars(file, { tickUnits: ES_TICK, cache: false });
    const entry = (await cacheEntryFor(file, cacheDir))!;
    expect(tickSets(entry)).toEqual([]);
    const first = await loadBars(file, { tickUnits: ES_TICK, cache: { cacheDir } });
    expect(tickSets(entry)).toHaveLength(1);
    const again = await loadBars(file, { tickUnits: ES_TICK, cache: { cacheDir } });
    const shared = loadBarsFromEntry(file, entry, { tickUnits: ES_TICK, shared: true });
    for (const b of [first, again, shared]) expectSame(b, direct);
    expect(shared.close.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(shared.ts.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(again.close.buffer).not.toBe(first.close.buffer);
  });

  it('a damaged set is ignored and rebuilt; another tick size or symbol gets a set of its own', async () => {
    const direct = await loadBars(file, { tickUnits: ES_TICK, cache: false });
    const entry = (await cacheEntryFor(file, cacheDir))!;
    await loadBars(file, { tickUnits: ES_TICK, cache: { cacheDir } });
    const [set] = tickSets(entry);
    truncateSync(path.join(entry, set!, 'close.f64'), 8);
    const loaded = await loadBars(file, { tickUnits: ES_TICK, cache: { cacheDir } });
    expectSame(loaded, direct);
    // rebuilt by that load: the next one reads a whole set again
    expect(statSync(path.join(entry, set!, 'close.f64')).size).toBe(direct.close.length * 8);
    expectSame(await loadBars(file, { tickUnits: ES_TICK, cache: { cacheDir } }), direct);
    const half = await loadBars(file, { tickUnits: ES_TICK / 2n, cache: { cacheDir } });
    expect(half.close[10]).toBe(direct.close[10]! * 2);
    await loadBars(file, { tickUnits: ES_TICK, symbol: direct.symbol, cache: { cacheDir } });
    expect(tickSets(entry).length).toBe(3);
  });

  it('bad data is an error naming the file, row and column on every load, and keeps no set', async () => {
    const bad = path.join(work, 'off.parquet');
    const off = generateEs({ seed: 6, start: '2024-01-07', end: '2024-01-09' });
    off.close[2] = off.close[2]! + 100_000_000n; // 0.1 off the 0.25 grid
    writeParquetFile(bad, databentoOhlcvTable(off));
    const price = (Number(off.close[2]) / 1e9).toString();
    for (let k = 0; k < 2; k++) {
      const e = await loadBars(bad, { tickUnits: ES_TICK, cache: { cacheDir } }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(BarDataError);
      expect((e as Error).message).toBe(`${bad}: row 2, column close: price ${price} is not a multiple of the tick 0.25`);
    }
    const entry = (await cacheEntryFor(bad, cacheDir))!;
    expect(existsSync(entry)).toBe(true);
    expect(tickSets(entry)).toEqual([]);
  });
});
