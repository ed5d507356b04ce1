// The CLI starts the worker pool before the study's modules load, on a guess of its size read from the flags and the
// config's top-level `workers:` line (src/cli/actions/study.ts peekWorkers); runStudyCommand replaces a wrong guess.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { peekWorkers } from '../../src/cli/actions/study.js';
import { defaultWorkers } from '../../src/walkforward/pool.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'contango-peek-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const cfg = (name: string, text: string) => {
  const f = path.join(dir, name);
  writeFileSync(f, text);
  return f;
};

describe('peekWorkers', () => {
  it('reads --workers, then --set workers=, then the top-level key; auto and absent give the default', () => {
    const three = cfg('three.yaml', 'name: x\nworkers: 3   # threads\nstrategy:\n  workers: 9\n');
    const none = cfg('none.yaml', 'name: x\nstrategy:\n  workers: 9\n');
    expect(peekWorkers(three, [], undefined)).toBe(3);
    expect(peekWorkers(three, ['workers=5'], undefined)).toBe(5);
    expect(peekWorkers(three, ['workers=5'], 2)).toBe(2); // the flag is applied last
    expect(peekWorkers(three, [], 'auto')).toBe(defaultWorkers());
    expect(peekWorkers(none, [], undefined)).toBe(defaultWorkers()); // a nested key is not the study's
    expect(peekWorkers(cfg('q.yaml', "workers: '4'\n"), [], undefined)).toBe(4);
  });
  it('anything unclear gives no guess (the study then starts its own pool after validating)', () => {
    expect(peekWorkers(cfg('bad.yaml', 'workers: many\n'), [], undefined)).toBeUndefined();
    expect(peekWorkers(cfg('zero.yaml', 'workers: 0\n'), [], undefined)).toBeUndefined();
    expect(peekWorkers(path.join(dir, 'missing.yaml'), [], undefined)).toBeUndefined();
  });
});
