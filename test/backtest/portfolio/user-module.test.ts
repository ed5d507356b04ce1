// Portfolio strategies from files through the compiled CLI (src/cli/actions/backtest.ts runPortfolioCommand): the
// example portfolio module runs configs/es-nq-portfolio.yaml end to end (trades.parquet names each trade's
// instrument); its params are checked against its ParamSpec before any data is read; a type error in a portfolio
// module is reported as file:line:column; a single-instrument module runs on every instrument; a portfolio module on
// a one-instrument config (backtest or walk-forward) is refused. Needs `npm run build:ts`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as arrow from 'apache-arrow';
import { readParquet } from 'parquet-wasm';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const bin = path.join(root, 'bin/contango.js');
const built = existsSync(path.join(root, 'dist/src/backtest/portfolio/engine.js'));
const dir = mkdtempSync(path.join(os.tmpdir(), 'contango-pf-module-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
// the TypeScript cache in the temporary directory: no cache files in the repository
const env = { ...process.env, CONTANGO_TS_CACHE: path.join(dir, 'ts-cache') };
const contango = (args: string[]) => spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8', timeout: 120_000, env });
const PF = ['backtest', '--config', 'configs/es-nq-portfolio.yaml', '-q', '--set', 'window.end=2024-01-20'];
const EXAMPLE = 'examples/strategies/spread-breakout.ts';
const readTrades = (out: string) => arrow.tableFromIPC(readParquet(new Uint8Array(readFileSync(path.join(out, 'trades.parquet')))).intoIPCStream());

describe.runIf(built)('portfolio strategy modules from files (CLI)', () => {
  it('runs the example portfolio module; trades.parquet has the instrument column', () => {
    const out = path.join(dir, 'example');
    const r = contango([...PF, '--out', out, '--set', `strategy.name=${EXAMPLE}`, '--set', 'strategy.params={window: 60}']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Sharpe/);
    const run = JSON.parse(readFileSync(path.join(out, 'run.json'), 'utf8'));
    expect(run.strategy).toEqual({ name: EXAMPLE, params: { window: 60 } });
    expect(run.portfolio.map((x: { name: string; fills: number }) => [x.name, x.fills > 0])).toEqual([
      ['ES', true],
      ['NQ', true],
    ]);
    const trades = readTrades(out);
    const instrument = trades.getChild('instrument')!.toArray() as string[];
    expect(new Set(instrument)).toEqual(new Set(['ES', 'NQ']));
    // the example trades both legs together: as many ES trades as NQ trades
    expect(instrument.filter((x) => x === 'ES').length).toBe(instrument.filter((x) => x === 'NQ').length);
  });

  it("checks strategy.params against the module's ParamSpec (the config's pairs params do not fit)", () => {
    const r = contango([...PF, '--out', path.join(dir, 'params'), '--set', `strategy.name=${EXAMPLE}`]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(
      'strategy.params: found {"window":240,"entry":2.5,"exit":0.5,"qtyA":1,"qtyB":1}; strategy spread-breakout: unknown parameter "entry"; allowed: window, qtyA, qtyB',
    );
    const r2 = contango([...PF, '--out', path.join(dir, 'params2'), '--set', `strategy.name=${EXAMPLE}`, '--set', 'strategy.params={window: 1}']);
    expect(r2.stderr).toContain('strategy spread-breakout: parameter window = 1; allowed: an integer from 2 to 100000');
    expect(existsSync(path.join(dir, 'params'))).toBe(false);
  });

  it('reports a type error in a portfolio module as file:line:column', () => {
    const f = path.join(dir, 'typo.ts');
    writeFileSync(
      f,
      [
        "import type { PortfolioContext, PortfolioStrategyModule } from 'contango';", // 1
        'const s: PortfolioStrategyModule = {', // 2
        "  kind: 'portfolio',", // 3
        "  name: 'typo',", // 4
        "  description: '',", // 5
        '  params: [],', // 6
        '  create() {', // 7
        '    return { onBar(ctx: PortfolioContext) { ctx.instrument(0).buy(1); } };', // 8
        '  },', // 9
        '};', // 10
        'export default s;', // 11
      ].join('\n') + '\n',
    );
    const r = contango([...PF, '--out', path.join(dir, 'typo'), '--set', `strategy.name=${f}`]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(`strategy module ${f}: 1 type error`);
    expect(r.stderr).toContain(`${f}:8:60: error TS2345: Argument of type 'number' is not assignable to parameter of type 'string'.`);
  });

  it('runs a single-instrument module on every instrument', () => {
    const out = path.join(dir, 'single');
    const r = contango([...PF, '--out', out, '--set', 'strategy.name=examples/strategies/rsi-reversion.ts', '--set', 'strategy.params={qty: 1}']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const run = JSON.parse(readFileSync(path.join(out, 'run.json'), 'utf8'));
    expect(run.portfolio.map((x: { name: string; fills: number }) => [x.name, x.fills > 0])).toEqual([
      ['ES', true],
      ['NQ', true],
    ]);
  });

  it('refuses a portfolio module on a one-instrument config, in backtest and in walk-forward', () => {
    const refusal = `strategy module ${EXAMPLE}: a portfolio strategy (its default export declares kind: 'portfolio'); it runs only on a portfolio config (instruments: …), with \`contango backtest\` or \`contango walk-forward\`, not on one instrument (data + product)`;
    const r = contango(['backtest', '--config', 'configs/es-study.yaml', '-q', '--out', path.join(dir, 'one'), '--set', `strategy.name=${EXAMPLE}`]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(`strategy.name: found "${EXAMPLE}"; ${refusal}`);
    const wf = contango(['walk-forward', '--config', 'configs/es-study.yaml', '-q', '--out', path.join(dir, 'wf'), '--set', `strategy.name=${EXAMPLE}`]);
    expect(wf.status).not.toBe(0);
    expect(wf.stderr).toContain(refusal);
  });
});
