import { readFileSync } from 'node:fs';
import path from 'node:path';
import { it } from 'vitest';
import { runStudyCommand } from '../../../src/walkforward/index.js';
import { tmpDir, TOY_RUNNER, writeSampleBars, writeStudy } from '../helpers.js';
it('dbg', async () => {
  const dir = tmpDir(); const bars = writeSampleBars(dir);
  const cfg = writeStudy(dir, bars);
  const a = await runStudyCommand({ config: cfg, out: path.join(dir, 'w1'), workers: 1, runner: TOY_RUNNER, progress: 'silent' });
  console.log(a.outcome.stats, readFileSync(path.join(a.outDir, 'metrics.json'), 'utf8').slice(0, 3000));
  console.log(readFileSync(path.join(a.outDir, 'tasks.jsonl'), 'utf8').split('\n').map(l=>l.slice(0,150)).join('\n'));
});
