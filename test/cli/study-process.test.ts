// `contango walk-forward` runs the study in a child Node with V8's --single-threaded (bin/contango.js): the child's
// exit code reaches the caller, and the results are byte-identical to a run with V8's background threads on
// (CONTANGO_V8_THREADS=1, no child process).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = fileURLToPath(new URL('../../bin/contango.js', import.meta.url));
const built = existsSync(new URL('../../dist/src/cli/main.js', import.meta.url));
const dir = mkdtempSync(path.join(os.tmpdir(), 'contango-study-process-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function contango(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8', timeout: 120_000, env: { ...process.env, ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe.skipIf(!built)('walk-forward through bin/contango.js', () => {
  it('gives the same metrics.json and folds.json with V8 background threads off (child process) and on', () => {
    const study = (out: string, env: Record<string, string> = {}) => contango(['walk-forward', '--config', 'configs/es-study.yaml', '--out', out, '--workers', '2', '--fresh', '-q'], env);
    const a = study(path.join(dir, 'single'));
    expect(a.code, a.stderr).toBe(0);
    const b = study(path.join(dir, 'threads'), { CONTANGO_V8_THREADS: '1' });
    expect(b.code, b.stderr).toBe(0);
    for (const f of ['metrics.json', 'folds.json']) {
      expect(readFileSync(path.join(dir, 'single', f), 'utf8'), f).toBe(readFileSync(path.join(dir, 'threads', f), 'utf8'));
    }
  });

  it("passes the child's failure on: exit code and message", () => {
    const r = contango(['walk-forward', '--config', path.join(dir, 'missing.yaml')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/missing\.yaml: cannot read the configuration/);
  });
});
