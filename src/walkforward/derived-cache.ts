// The per-series columns of a study (src/backtest/shared-derived.ts: calendar, settlement prices, sigma/ADV) kept
// beside the bars in ticks of the columnar cache (src/data/cache/tick-bars.ts), so that running a study again on the
// same data — what a researcher does all day — reads them instead of computing them (~0.15 s for a million bars, in
// the main thread, before the first task can start).
//
// They are a function of the bars, the product's session/settlement/impact settings and the code that computes
// them. The set's name hashes all three: the settings as JSON and the code as the bytes of the modules that compute
// them, so an edited calendar or slippage model never reads columns an older version wrote.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { BarSeries } from '../backtest/api.js';
import { calendarKey, settlementKey } from '../backtest/calendar.js';
import { resolveProduct } from '../backtest/product.js';
import { deriveForWorkers, type SharedDerived } from '../backtest/shared-derived.js';
import type { BacktestConfig } from '../config/backtest.js';
import { readColumn, writeColumnSet } from '../data/cache/tick-bars.js';
import { codeFingerprint } from '../util/code-fingerprint.js';

const FORMAT = 1;
/** the modules whose code decides the columns' values */
const CODE = ['../backtest/calendar', '../backtest/slippage', '../backtest/shared-derived', '../backtest/product'];

interface DerivedMeta {
  format: number;
  rows: number;
  calendarKey: string;
  barsPerDay: number;
  periodsPerYear: number;
  settlement: { key: string; settleVwapDays: number; settleFallbackDays: number } | null;
  sigmaAdv: { lookback: number; barsPerDay: number } | null;
}

/**
 * The study's shared columns for `bars` (in shared memory): read from `tickSetDir` when an earlier run kept them
 * there, else computed (deriveForWorkers) and kept. Without a directory (data the cache does not take): computed.
 */
export function derivedFor(bars: BarSeries, config: BacktestConfig, tickSetDir: string | undefined): SharedDerived {
  if (tickSetDir === undefined || !existsSync(tickSetDir)) return deriveForWorkers(bars, config);
  const product = resolveProduct(config.product, config.fees);
  const key = createHash('sha256')
    .update(JSON.stringify([FORMAT, codeFingerprint(import.meta.url, CODE), calendarKey(product), settlementKey(product), config.execution.slippage, product.impact]))
    .digest('hex')
    .slice(0, 24);
  const dir = path.join(tickSetDir, `derived-${key}`);
  const kept = readDerived(dir, bars.ts.length);
  if (kept) return kept;
  const d = deriveForWorkers(bars, config);
  const c = d.calendar;
  const files: Record<string, ArrayBufferView> = { 'regular.u8': c.regular, 'day.i32': c.day, 'week.i32': c.week, 'settle.u8': c.settle, 'funding.u8': c.funding };
  if (d.settlement) files['settle-price.f64'] = d.settlement.prices.settlePrice;
  if (d.sigmaAdv) Object.assign(files, { 'sigma.f64': d.sigmaAdv.columns.sigma, 'adv.f64': d.sigmaAdv.columns.adv });
  const meta: DerivedMeta = {
    format: FORMAT,
    rows: bars.ts.length,
    calendarKey: d.calendarKey,
    barsPerDay: c.barsPerDay,
    periodsPerYear: c.periodsPerYear,
    settlement: d.settlement && { key: d.settlement.key, settleVwapDays: d.settlement.prices.settleVwapDays, settleFallbackDays: d.settlement.prices.settleFallbackDays },
    sigmaAdv: d.sigmaAdv && { lookback: d.sigmaAdv.lookback, barsPerDay: d.sigmaAdv.barsPerDay },
  };
  writeColumnSet(dir, files, meta);
  return d;
}

function readDerived(dir: string, n: number): SharedDerived | undefined {
  let meta: DerivedMeta;
  try {
    meta = JSON.parse(readFileSync(path.join(dir, 'meta.json'), 'utf8')) as DerivedMeta;
  } catch {
    return undefined;
  }
  if (meta.format !== FORMAT || meta.rows !== n) return undefined;
  const col = (name: string, bytes: number) => readColumn(path.join(dir, name), bytes, true);
  const regular = col('regular.u8', n), day = col('day.i32', 4 * n), week = col('week.i32', 4 * n), settle = col('settle.u8', n), funding = col('funding.u8', n);
  if (!regular || !day || !week || !settle || !funding) return undefined;
  const calendar = {
    regular: new Uint8Array(regular),
    day: new Int32Array(day),
    week: new Int32Array(week),
    settle: new Uint8Array(settle),
    funding: new Uint8Array(funding),
    barsPerDay: meta.barsPerDay,
    periodsPerYear: meta.periodsPerYear,
  };
  let settlement: SharedDerived['settlement'] = null;
  if (meta.settlement) {
    const px = col('settle-price.f64', 8 * n);
    if (!px) return undefined;
    settlement = { key: meta.settlement.key, prices: { settlePrice: new Float64Array(px), settleVwapDays: meta.settlement.settleVwapDays, settleFallbackDays: meta.settlement.settleFallbackDays } };
  }
  let sigmaAdv: SharedDerived['sigmaAdv'] = null;
  if (meta.sigmaAdv) {
    const sigma = col('sigma.f64', 8 * (n + 1)), adv = col('adv.f64', 8 * (n + 1));
    if (!sigma || !adv) return undefined;
    sigmaAdv = { ...meta.sigmaAdv, columns: { sigma: new Float64Array(sigma), adv: new Float64Array(adv) } };
  }
  return { calendarKey: meta.calendarKey, calendar, settlement, sigmaAdv };
}
