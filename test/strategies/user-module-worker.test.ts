// A TypeScript user strategy inside Piscina worker threads (needs `npm run build:ts`: the workers import the
// compiled engine, dist/src/backtest/index.js, as the walk-forward worker does). Two threads transpile or reuse the
// cached module concurrently and give the main thread's result exactly.
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Piscina } from 'piscina';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBacktest } from '../../src/backtest/index.js';
import { config, NO_RISK, product, randomWalk, task } from '../backtest/helpers.js';

const EXAMPLE = fileURLToPath(new URL('../../examples/strategies/rsi-reversion.ts', import.meta.url));
const ENGINE = fileURLToPath(new URL('../../dist/src/backtest/index.js', import.meta.url));
let dir: string;
const saved = process.env['CONTANGO_TS_CACHE'];

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'contango-ts-worker-'));
  process.env['CONTANGO_TS_CACHE'] = path.join(dir, 'cache'); // the workers inherit it
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  if (saved === undefined) delete process.env['CONTANGO_TS_CACHE'];
  else process.env['CONTANGO_TS_CACHE'] = saved;
});

describe('TypeScript strategies in worker threads', () => {
  it('two Piscina workers load the .ts example through the compiled runBacktest and match the main thread', async () => {
    expect(existsSync(ENGINE), 'dist/ is missing: run npm run build:ts').toBe(true);
    const worker = path.join(dir, 'worker.mjs');
    writeFileSync(
      worker,
      `import { runBacktest } from ${JSON.stringify(pathToFileURL(ENGINE).href)};
       import { threadId } from 'node:worker_threads';
       export default async function ({ task, bars }) {
         const r = await runBacktest(task, bars);
         return { threadId, trades: r.trades.length, equity: Array.from(r.equity.equity) };
       }\n`,
    );
    const b = randomWalk(2000, 9);
    const t = task(config(product('es'), { risk: { ...NO_RISK, maxContracts: 10 } }), EXAMPLE, { period: 10, qty: 1 });
    const pool = new Piscina({ filename: worker, minThreads: 2, maxThreads: 2 });
    try {
      const runs = await Promise.all([0, 1, 2, 3].map(() => pool.run({ task: t, bars: b })));
      const here = await runBacktest(t, b);
      expect(here.trades.length).toBeGreaterThan(5);
      for (const r of runs) {
        expect(r.trades).toBe(here.trades.length);
        expect(r.equity).toEqual(Array.from(here.equity.equity));
      }
      expect(new Set(runs.map((r) => r.threadId)).size).toBe(2); // both threads ran it
      expect(readdirSync(path.join(dir, 'cache')).filter((f) => f.startsWith('rsi-reversion-') && f.endsWith('.mjs'))).toHaveLength(1);
    } finally {
      await pool.destroy();
    }
  });
});
