// A hash of the bytes of the modules that compute something kept on disk (derived columns in the cache): an edit to
// that code gives kept results a new name, so no version of the program ever reads what another one computed.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const memo = new Map<string, string>();

/**
 * `modules`: URLs relative to `base` without extension; each is read as .js (the build, dist/) or .ts (the sources,
 * under the test runner), whichever exists.
 */
export function codeFingerprint(base: string, modules: readonly string[]): string {
  const key = `${base}\u0000${modules.join('\u0000')}`;
  let fp = memo.get(key);
  if (fp !== undefined) return fp;
  const h = createHash('sha256');
  for (const m of modules) {
    const file = ['.js', '.ts'].map((ext) => fileURLToPath(new URL(`${m}${ext}`, base))).find((f) => existsSync(f));
    h.update(m).update('\u0000').update(file ? readFileSync(file) : 'missing');
  }
  memo.set(key, (fp = h.digest('hex').slice(0, 24)));
  return fp;
}
