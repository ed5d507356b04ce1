// A caller-owned equity buffer (EngineSetup.equityBuffer, used by walk-forward workers for in-sample tasks) gives the
// same result as a fresh array, whatever the buffer held before: every entry of the window is written.
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/backtest/config-resolve.js';
import { runL2 } from '../../src/backtest/run-l2.js';
import { BUILTIN_STRATEGIES } from '../../src/strategies/index.js';
import { config, product, randomWalk, task } from './helpers.js';

describe('equity buffer', () => {
  it('a reused, dirty buffer gives the fresh-array result, and the result views it', () => {
    const bars = randomWalk(6_000, 3);
    const cfg = resolveConfig(config(product('es'), { execution: { slippage: true } }));
    const mod = BUILTIN_STRATEGIES['ma-cross']!;
    const buf = new Float64Array(10_000).fill(Number.NaN);
    for (const [a, b] of [[100, 4_000], [2_000, 6_000], [0, 900]] as const) {
      const t = task(cfg, 'ma-cross', { fast: 10, slow: 40 }, bars.ts[a]!, b < bars.ts.length ? bars.ts[b]! : 1n << 62n);
      const fresh = runL2(mod, t, cfg, bars);
      const reused = runL2(mod, t, cfg, bars, { equityBuffer: (n) => (expect(n).toBeLessThanOrEqual(buf.length), buf) });
      expect(JSON.stringify(reused.metrics)).toBe(JSON.stringify(fresh.metrics));
      expect(Array.from(reused.equity.equity)).toEqual(Array.from(fresh.equity.equity));
      expect(reused.equity.equity.buffer).toBe(buf.buffer);
      expect(fresh.trades.length).toBeGreaterThan(0);
    }
  });
});
