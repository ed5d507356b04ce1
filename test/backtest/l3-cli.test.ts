// `contango backtest --config configs/es-l3.yaml` through the compiled CLI (bin/contango.js → dist/): the L3
// run writes the same results directory as L2.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = fileURLToPath(new URL('../../bin/contango.js', import.meta.url));
const built = existsSync(new URL('../../dist/src/backtest/l3-engine.js', import.meta.url));
const dir = mkdtempSync(path.join(os.tmpdir(), 'contango-l3-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function contango(args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe.runIf(built)('contango backtest at L3 (CLI)', () => {
  it('runs configs/es-l3.yaml on the bundled MBO sample and writes metrics, trades, equity and the report', () => {
    // (byte-identical repeats are tested in-process: l3-real.test.ts)
    const out = path.join(dir, 'a');
    const r = contango(['backtest', '--config', 'configs/es-l3.yaml', '--out', out, '-q']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Sharpe/);
    for (const f of ['metrics.json', 'trades.parquet', 'equity.parquet', 'report.html', 'run.json']) expect(existsSync(path.join(out, f)), f).toBe(true);
    const m = JSON.parse(readFileSync(path.join(out, 'metrics.json'), 'utf8'));
    expect(m.metrics.trades).toBeGreaterThan(0);
    const run = JSON.parse(readFileSync(path.join(out, 'run.json'), 'utf8'));
    expect(run.level).toBe('L3');
    expect(run.l3.makerFills).toBeGreaterThan(0);
  });

  it('names the key when the data and the level disagree', () => {
    const r = contango(['backtest', '--config', 'configs/es-l3.yaml', '--set', 'backtest.execution.level=L2', '--out', path.join(dir, 'x')]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/backtest\.execution\.level: found "L2"; allowed: "L3" with data\.mbo/);
  });
});
