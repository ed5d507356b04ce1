import { it, expect } from 'vitest';
import { runBacktest } from '../../src/backtest/index.js';
import { config, product, randomWalk, task } from './helpers.js';
it('smoke', async () => {
  const b = randomWalk(5000, 3);
  for (const s of ['noop','ma-cross','momentum','mean-reversion','breakout']) {
    const r = await runBacktest(task(config(product('es')), s, s==='momentum'?{fast:10,mid:30,slow:60}:{}), b);
    console.log(s, r.metrics.trades, r.stats, r.metrics.totalReturn);
  }
  const p = randomWalk(5000, 4, '2024-03-04T00:00:00Z', 600000, true);
  const r = await runBacktest(task(config(product('btcusdt-perp')), 'funding-carry', {window: 60, entry: 10000, exit: 2000, qty: 1000}), p);
  console.log('carry', r.metrics, r.stats);
});
