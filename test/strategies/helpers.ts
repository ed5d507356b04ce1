// A temporary directory per test file with the TypeScript strategy cache inside it ($CONTANGO_TS_CACHE), so no cache
// files land in the repository; restored and removed after the file's tests.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';

export function useTsCacheDir(prefix: string): { readonly dir: string; readonly cache: string } {
  const saved = process.env['CONTANGO_TS_CACHE'];
  const state = { dir: '', cache: '' };
  beforeAll(() => {
    state.dir = mkdtempSync(path.join(os.tmpdir(), prefix));
    state.cache = path.join(state.dir, 'cache');
    process.env['CONTANGO_TS_CACHE'] = state.cache;
  });
  afterAll(() => {
    rmSync(state.dir, { recursive: true, force: true });
    if (saved === undefined) delete process.env['CONTANGO_TS_CACHE'];
    else process.env['CONTANGO_TS_CACHE'] = saved;
  });
  return state;
}
