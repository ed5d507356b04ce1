// Per-series columns computed once by a study's main thread (src/backtest/shared-derived.ts) and kept in the cache
// beside the bars (src/walkforward/derived-cache.ts): a worker that adopts them gets exactly the calendar,
// settlement prices and sigma/ADV it would have computed; a second run reads them from the cache; a damaged or
// foreign set is recomputed.
import { readdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { barCalendar, computeCalendar, settlementPrices } from '../../src/backtest/calendar.js';
import { resolveProduct } from '../../src/backtest/product.js';
import { adoptDerived, deriveForWorkers } from '../../src/backtest/shared-derived.js';
import { rollingSigmaAdv } from '../../src/backtest/slippage.js';
import { loadProduct, validateBacktestConfig } from '../../src/config/backtest.js';
import { cacheEntryFor, loadBarsFromEntry } from '../../src/data/bars.js';
import { tickBarsDir } from '../../src/data/cache/tick-bars.js';
import { generateEs } from '../../src/generate/es.js';
import { databentoOhlcvTable } from '../../src/generate/index.js';
import { writeParquetFile } from '../../src/report/parquet.js';
import { derivedFor } from '../../src/walkforward/derived-cache.js';
import { precomputeIndicators } from '../../src/walkforward/indicator-precompute.js';
import { clearIndicatorMemo, indicatorMemoSize, prefixView } from '../../src/backtest/prefix-view.js';
import { runBacktestWith } from '../../src/backtest/index.js';
import { Series } from '../../src/backtest/strategy.js';
import { roc } from '../../src/strategies/indicators.js';
import { BUILTIN_STRATEGIES } from '../../src/strategies/index.js';
import { shareBars } from '../../src/walkforward/shared-bars.js';
import { validateBars } from '../../src/backtest/engine.js';
import { loadStudyConfig, resolveStudy } from '../../src/config/study.js';
import { prepareWorkerData } from '../../src/walkforward/worker-data.js';
import { tmpDir } from './helpers.js';

const work = tmpDir('contango-derived-');
afterAll(() => rmSync(work, { recursive: true, force: true }));
const ROOT = path.join(path.dirname(new URL(import.meta.url).pathname), '../..');
const PRODUCTS = path.join(ROOT, 'configs/products');
const config = validateBacktestConfig({ product: loadProduct('es', PRODUCTS), execution: { slippage: true } });
const product = resolveProduct(config.product, config.fees);
const TICK = 250_000_000n;

async function sharedBars() {
  const file = path.join(work, 'es.parquet');
  // across a DST change (2024-03-10) so the calendar has one in it
  writeParquetFile(file, databentoOhlcvTable(generateEs({ seed: 8, start: '2024-03-03', end: '2024-03-16' })));
  const entry = (await cacheEntryFor(file, path.join(work, 'cache')))!;
  const bars = shareBars(loadBarsFromEntry(file, entry, { tickUnits: TICK, shared: true }));
  return { bars, set: tickBarsDir(entry, { tickUnits: TICK }) };
}

function expectComputedValues(bars: ReturnType<typeof shareBars>, d: ReturnType<typeof deriveForWorkers>) {
  // what a worker would compute on its own copy
  const own = computeCalendar({ ...bars }, product);
  for (const k of ['regular', 'day', 'week', 'settle', 'funding'] as const) expect(Array.from(d.calendar[k]), k).toEqual(Array.from(own[k]));
  expect([d.calendar.barsPerDay, d.calendar.periodsPerYear]).toEqual([own.barsPerDay, own.periodsPerYear]);
  expect(Array.from(d.settlement!.prices.settlePrice)).toEqual(Array.from(settlementPrices(bars, product.session, own.settle).settlePrice));
  const sa = rollingSigmaAdv({}, bars.close, bars.volume, product.impact.lookbackBars, own.barsPerDay);
  expect(Array.from(d.sigmaAdv!.columns.sigma)).toEqual(Array.from(sa.sigma));
  expect(Array.from(d.sigmaAdv!.columns.adv)).toEqual(Array.from(sa.adv));
  expect(d.calendar.day.buffer).toBeInstanceOf(SharedArrayBuffer);
}

describe('shared per-series columns', () => {
  it('computed, kept, read back, adopted: always the values a worker computes itself', async () => {
    const { bars, set } = await sharedBars();
    const first = derivedFor(bars, config, set);
    expectComputedValues(bars, first);
    const kept = readdirSync(set).filter((f) => f.startsWith('derived-'));
    expect(kept).toHaveLength(1);
    const again = derivedFor(bars, config, set);
    expectComputedValues(bars, again);
    expect(again.calendar.day.buffer).not.toBe(first.calendar.day.buffer); // read, not the same memory
    // a worker's copy of the series (structured clone: same shared memory, a new object) adopts them
    const inWorker = structuredClone(bars);
    adoptDerived(inWorker, again);
    expect(barCalendar(inWorker, product)).toBe(again.calendar);
    // a damaged file: recomputed, same values
    truncateSync(path.join(set, kept[0]!, 'day.i32'), 4);
    expectComputedValues(bars, derivedFor(bars, config, set));
  });

  it('a series the main thread validated is taken as valid by the workers; anything else is checked', async () => {
    const { bars } = await sharedBars();
    const file = path.join(ROOT, 'configs', 'es-study.yaml');
    const study = resolveStudy(loadStudyConfig(file), file, PRODUCTS);
    const { shared, derived } = await prepareWorkerData(bars, study, { indicators: false });
    expect(derived.validated).toBe(true);
    // a worker's copy that (in this test only) is not valid: high below low on row 5. Vouched for, it is not
    // checked again; without the flag it is, and the error names the row
    const broken = (): typeof shared => {
      const b = structuredClone({ ...shared, high: shared.high.slice(), low: shared.low.slice() });
      b.high[5] = b.low[5]! - 1;
      return b;
    };
    const vouched = broken();
    adoptDerived(vouched, derived);
    expect(() => validateBars(vouched)).not.toThrow();
    const unvouched = broken();
    adoptDerived(unvouched, { ...derived, validated: false });
    expect(() => validateBars(unvouched)).toThrow(/row 5: high .* do not bracket/);
    // the main thread refuses an invalid series before any worker sees it
    await expect(prepareWorkerData(broken(), study, { indicators: false })).rejects.toThrow(/row 5: high .* do not bracket/);
  });

  it('other settings get a set of their own', async () => {
    const { bars, set } = await sharedBars();
    derivedFor(bars, config, set);
    const noSlip = validateBacktestConfig({ product: loadProduct('es', PRODUCTS), execution: { slippage: false } });
    const d = derivedFor(bars, noSlip, set);
    expect(d.sigmaAdv).toBeNull();
    expect(readdirSync(set).filter((f) => f.startsWith('derived-')).length).toBeGreaterThanOrEqual(2);
  });

  it('indicators computed once by the main thread are exactly what a worker computes, and it computes none', async () => {
    const { bars } = await sharedBars();
    clearIndicatorMemo();
    const base = { qty: 1, threshold: 1, exits: 0, mid: 240 };
    const entries = await precomputeIndicators(bars, 'series-A', config, 'momentum', base, [{ fast: 30, slow: 480 }, { fast: 60, slow: 480 }]);
    expect(entries.map((e) => e.key).sort()).toHaveLength(4); // roc 30, 60, 240, 480
    expect(entries.every((e) => e.values.buffer instanceof SharedArrayBuffer)).toBe(true);
    const r30 = entries.find((e) => e.key.startsWith('roc|') && e.key.endsWith('|30'))!;
    expect(Array.from(r30.values)).toEqual(Array.from(roc(bars.close, 30)));
    expect(indicatorMemoSize().entries).toBe(0); // moved out of this thread's memo
    // a worker: its copy of the series (same memory, new object), named alike, adopts them
    const worker = structuredClone(bars);
    adoptDerived(worker, { ...deriveForWorkers(worker, config), seriesKey: 'series-A', indicators: entries });
    expect(indicatorMemoSize().entries).toBe(4);
    const mod = BUILTIN_STRATEGIES['momentum']!;
    const n = worker.ts.length - 100;
    const t = { config, strategy: 'momentum', params: { ...base, fast: 60, slow: 480 }, startNs: worker.ts[3_000]!, endNs: worker.ts[n - 1]! };
    const got = runBacktestWith(mod, t, prefixView(worker, n));
    expect(indicatorMemoSize().entries).toBe(4); // every indicator was found
    clearIndicatorMemo();
    const want = runBacktestWith(mod, t, prefixView(structuredClone(bars), n)); // unnamed: computes its own
    expect(JSON.stringify(got.metrics)).toBe(JSON.stringify(want.metrics));
    expect(Array.from(got.equity.equity)).toEqual(Array.from(want.equity.equity));
    expect(want.trades.length).toBeGreaterThan(0);
  });

  it('indicators are computed straight into shared memory: the columns the strategy got are the ones handed out', async () => {
    const { bars } = await sharedBars();
    clearIndicatorMemo();
    // a strategy that keeps what its init got from ctx.ind
    const file = path.join(work, 'probe.mjs');
    writeFileSync(file, `export default function (p) {\n  return { init(ctx) { globalThis.__contangoProbe.push(ctx.ind.roc(ctx.close, p.n)); }, onBar() {} };\n}\n`);
    const seen: Series[] = [];
    (globalThis as { __contangoProbe?: Series[] }).__contangoProbe = seen;
    try {
      const entries = await precomputeIndicators(bars, 'series-P', config, file, {}, [{ n: 30 }, { n: 90 }]);
      expect(seen).toHaveLength(2);
      for (const [k, n] of [30, 90].entries()) {
        const got = Series.raw(seen[k]!);
        const entry = entries.find((e) => e.key === `roc|sseries-P/close|${n}`)!;
        expect(entry.values).toBe(got); // the very column the strategy read: not a copy
        expect(got.buffer).toBeInstanceOf(SharedArrayBuffer);
        expect(Array.from(got)).toEqual(Array.from(roc(bars.close, n)));
      }
    } finally {
      delete (globalThis as { __contangoProbe?: Series[] }).__contangoProbe;
      clearIndicatorMemo();
    }
  });
});
