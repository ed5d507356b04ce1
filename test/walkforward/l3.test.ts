// Walk-forward over L3 (needs `npm run build:ts`: the worker runs from dist/workers/): folds over the MBO file's
// time range, one task = one replay of the bundled sample with the l3-maker; 1 and 2 workers give byte-identical
// results.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { runStudyCommand } from '../../src/walkforward/index.js';
import { tmpDir } from './helpers.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
let dir: string;
beforeAll(() => {
  dir = tmpDir('contango-wf-l3-');
});

describe('walk-forward at L3', () => {
  it('runs folds over the MBO range and gives byte-identical metrics with 1 and 2 workers', async () => {
    const sets = [
      `data.mbo=${path.join(ROOT, 'data/es-mbo-sample.dbn')}`,
      'search.params={threshold: [0.2, 0.4], stopTicks: [8]}',
      'folds={mode: rolling, train: 4h, test: 4h, step: 4h}',
      'window.end="2023-12-26T15:00:00Z"',
    ];
    const run = (w: number) =>
      runStudyCommand({ config: path.join(ROOT, 'configs/es-l3.yaml'), sets, workers: w, out: path.join(dir, `w${w}`), fresh: true, progress: 'silent', productsDir: path.join(ROOT, 'configs/products') });
    const a = await run(1);
    const b = await run(2);
    // 23:00 → 15:00 is 16 h: train 4 h + test 4 h every 4 h → 3 folds of 2 + 1 tasks
    expect(a.outcome.folds.length).toBe(3);
    expect(a.outcome.stats.executed).toBe(9);
    expect(a.outcome.failures).toEqual([]);
    for (const f of ['metrics.json', 'folds.json']) {
      expect(readFileSync(path.join(a.outDir, f)).equals(readFileSync(path.join(b.outDir, f))), f).toBe(true);
    }
    const oosTrades = a.outcome.folds.reduce((s, f) => s + (f.oos?.metrics.trades ?? 0), 0);
    expect(oosTrades).toBeGreaterThan(0);
  });
});
