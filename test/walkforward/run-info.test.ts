// run.json's data files: the SHA-256 of the content the study read, taken from the columnar cache entry when the
// study read through it (the cache names an entry by that hash and checks the file's size and mtime against it),
// computed from the file otherwise.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataFileInfo, runStudyCommand } from '../../src/walkforward/index.js';
import { tmpDir, TOY_RUNNER, writeSampleBars, writeStudy } from './helpers.js';

let dir: string;
let bars: string;
const cacheDir = process.env.CONTANGO_CACHE_DIR;

beforeAll(() => {
  dir = tmpDir();
  bars = writeSampleBars(dir);
  process.env.CONTANGO_CACHE_DIR = path.join(dir, 'cache'); // workers inherit it: no cache entries in the repo
});
afterAll(() => {
  if (cacheDir === undefined) delete process.env.CONTANGO_CACHE_DIR;
  else process.env.CONTANGO_CACHE_DIR = cacheDir;
});

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
const runInfo = (out: string) => JSON.parse(readFileSync(path.join(out, 'run.json'), 'utf8')) as { data: { path: string; bytes: number; sha256?: string }[] };

describe('run.json data files', () => {
  it('hashes the file, or takes the hash it is given', () => {
    expect(dataFileInfo(bars)).toMatchObject({ path: bars, sha256: sha256(bars) });
    expect(dataFileInfo(bars, 'f'.repeat(64)).sha256).toBe('f'.repeat(64));
  });

  it("a study through the cache reports the entry's hash: the file's SHA-256; without the cache, the file's", async () => {
    for (const cache of [true, false]) {
      const cfg = writeStudy(dir, bars, { data: { bars, cache } });
      const out = path.join(dir, `out-${cache}`);
      await runStudyCommand({ config: cfg, out, workers: 1, runner: TOY_RUNNER, progress: 'silent', fresh: true });
      const [info] = runInfo(out).data;
      expect(info!.sha256, `cache ${cache}`).toBe(sha256(bars));
      expect(info!.bytes).toBe(readFileSync(bars).length);
    }
  });
});
