// The synthetic ES day (src/generate/mbo-day.ts) against the real ESH4 file, both measured the same
// way (src/data/mbo-mix.ts) over continuous trading (from the 23:00 UTC open): action shares, the
// share of modifies that move the price, trade and order sizes, where adds rest, the book's shape
// and how often the touch moves must land within the tolerances below (docs/data-formats.md).
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { readDbnAll } from '../../src/data/dbn/index.js';
import { mboMix, type MboMix } from '../../src/data/mbo-mix.js';
import { mboDayBatches } from '../../src/generate/mbo-day.js';
import { DATA_DIR } from './paths.js';

const OPEN = BigInt(Date.parse('2023-12-25T23:00:00Z')) * 1_000_000n;

/** Metric, tolerance: absolute for shares, relative (a fraction of the real value) where marked. */
const TOLERANCES: [string, (m: MboMix) => number, number, 'abs' | 'rel'][] = [
  ['A share', (m) => m.shares['A']!, 0.03, 'abs'],
  ['C share', (m) => m.shares['C']!, 0.04, 'abs'],
  ['M share', (m) => m.shares['M']!, 0.03, 'abs'],
  ['T share', (m) => m.shares['T']!, 0.01, 'abs'],
  ['F share', (m) => m.shares['F']!, 0.02, 'abs'],
  ['records per event', (m) => m.recordsPerEvent, 0.05, 'rel'],
  // the real hour's book grew (fewer cancels than adds); a steady day's book cannot
  ['cancels per add', (m) => m.cancelToAdd, 0.2, 'rel'],
  ['book changes per fill', (m) => m.fillBookChangesPerFill, 0.03, 'abs'],
  ['modifies that move the price', (m) => m.modify.priceChange, 0.04, 'abs'],
  ['modifies that cut the size', (m) => m.modify.sizeDown, 0.04, 'abs'],
  ['trade size: mean', (m) => m.trades.meanSize, 0.2, 'rel'],
  ['trade size: median', (m) => m.trades.medianSize, 0, 'abs'],
  ['trade size: share of one lot', (m) => m.trades.sizeOneShare, 0.05, 'abs'],
  ['fills per trade', (m) => m.trades.fillsPerTrade, 0.15, 'rel'],
  ['adds at the best', (m) => m.addDistance.atBest, 0.05, 'abs'],
  ['adds 1-4 ticks behind', (m) => m.addDistance.near, 0.05, 'abs'],
  ['adds 5+ ticks behind', (m) => m.addDistance.far, 0.03, 'abs'],
  ['adds improving the best', (m) => m.addDistance.improving, 0.03, 'abs'],
  ['add size: mean', (m) => m.addSize.mean, 0.15, 'rel'],
  ['add size: share of one lot', (m) => m.addSize.sizeOneShare, 0.03, 'abs'],
  ['orders at the best', (m) => m.book.ordersAtBest, 0.3, 'rel'],
  ['orders a level, best five', (m) => m.book.ordersPerLevelTop5, 0.3, 'rel'],
  ['levels a side', (m) => m.book.levelsPerSide, 0.2, 'rel'],
  ['resting orders', (m) => m.book.restingOrders, 0.2, 'rel'],
  ['mid changes per 1,000 records', (m) => m.mid.changesPer1000, 0.35, 'rel'],
];

describe('synthetic ES day vs the real ESH4 file', async () => {
  const real = mboMix((await readDbnAll(path.join(DATA_DIR, 'esh4-glbx-mdp3-20231225.mbo.dbn.zst'))).batches, { from: OPEN });
  const gen = mboMix(mboDayBatches({ records: 300_000, seed: 20231225 }), { from: OPEN });

  test('the real file measures as documented', () => {
    expect(real.records).toBe(59_142);
    expect(real.counts).toMatchObject({ A: 20_069, C: 17_714, M: 12_015, T: 2_973, F: 6_371 });
    expect(real.modify.priceChange).toBeCloseTo(0.893, 3);
    expect(real.trades.sizeOneShare).toBeCloseTo(0.596, 3);
    expect(real.book.ordersAtBest).toBeGreaterThan(10);
    expect(real.book.levelsPerSide).toBeGreaterThan(700);
  });

  test.each(TOLERANCES)('%s', (_name, get, tol, kind) => {
    const want = get(real);
    const got = get(gen);
    const allowed = kind === 'abs' ? tol : tol * Math.abs(want);
    expect(Math.abs(got - want), `generated ${got.toFixed(4)}, real ${want.toFixed(4)}, allowed ±${allowed.toFixed(4)}`).toBeLessThanOrEqual(allowed);
  });

  test('no trade before the open, and the price moves over the day', () => {
    const pre = mboMix(mboDayBatches({ records: 300_000, seed: 20231225 }), { to: OPEN });
    expect(pre.counts['T']).toBe(0);
    expect(pre.records).toBeGreaterThan(1000);
    expect(gen.mid.rangeTicks).toBeGreaterThan(40);
    expect(gen.mid.rangeTicks).toBeLessThan(600);
  });
});
