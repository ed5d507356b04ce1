// Shared by the walk-forward tests: a small generated bar file and a study config around it.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { generateEs } from '../../src/generate/es.js';
import { databentoOhlcvTable } from '../../src/generate/index.js';
import { writeParquetFile } from '../../src/report/parquet.js';

export const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
export const TOY_RUNNER = new URL('./fixtures/toy-runner.mjs', import.meta.url).href;

export function tmpDir(prefix = 'contango-wf-'): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Two weeks of generated ES bars as Databento-layout parquet. */
export function writeSampleBars(dir: string): string {
  const bars = generateEs({ seed: 7, start: '2024-01-07', end: '2024-01-21' });
  const file = path.join(dir, 'es.parquet');
  writeParquetFile(file, databentoOhlcvTable(bars));
  return file;
}

export function writeStudy(dir: string, bars: string, extra: Record<string, unknown> = {}): string {
  const study = {
    name: 'toy-study',
    data: { bars },
    product: path.join(FIXTURES, 'es-product.yaml'),
    strategy: { name: 'toy', params: {} },
    search: { method: 'grid', params: { fast: [3, 5, 8], slow: [20, 40] } },
    folds: { mode: 'rolling', train: '3d', test: '2d' },
    objective: { metric: 'sharpe', minTrades: 0 },
    out: path.join(dir, 'out'),
    ...extra,
  };
  const file = path.join(dir, 'study.yaml');
  writeFileSync(file, stringify(study));
  return file;
}
