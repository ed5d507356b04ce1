// A one-instrument bar study lays its folds over the config's `window` (as MBO and portfolio studies do), not over
// the whole file: the data before the window is warm-up, none of a fold's windows reaches outside it.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runStudyCommand } from '../../src/walkforward/index.js';
import { tmpDir, TOY_RUNNER, writeSampleBars, writeStudy } from './helpers.js';

let dir: string;
let bars: string;
beforeAll(() => {
  dir = tmpDir();
  bars = writeSampleBars(dir); // 2024-01-07 → 2024-01-21
});

interface FoldRow {
  trainStart: string;
  testEnd: string;
}
const foldsOf = (out: string) => (JSON.parse(readFileSync(path.join(out, 'folds.json'), 'utf8')) as { folds: FoldRow[] }).folds;

async function study(name: string, window?: { start?: string; end?: string }): Promise<FoldRow[]> {
  const cfg = writeStudy(dir, bars, window ? { window } : {});
  const out = path.join(dir, name);
  await runStudyCommand({ config: cfg, out, workers: 1, runner: TOY_RUNNER, progress: 'silent', fresh: true });
  return foldsOf(out);
}

describe('walk-forward window (bar data)', () => {
  it('lays the folds over the window, not the whole file', async () => {
    const whole = await study('whole');
    const narrow = await study('narrow', { start: '2024-01-10', end: '2024-01-18' });
    expect(whole[0]!.trainStart < '2024-01-10').toBe(true);
    expect(narrow.length).toBeGreaterThan(0);
    expect(narrow.length).toBeLessThan(whole.length);
    expect(narrow[0]!.trainStart).toBe('2024-01-10T00:00:00.000Z');
    for (const f of narrow) expect(f.testEnd <= '2024-01-18T00:00:00.000Z', JSON.stringify(f)).toBe(true);
  });

  it('refuses a window whose end is not after its start', async () => {
    await expect(study('bad', { start: '2024-01-15', end: '2024-01-12' })).rejects.toThrow(/window: end \(2024-01-12\) is not after start \(2024-01-15\)/);
  });
});
