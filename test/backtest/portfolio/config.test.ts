// The portfolio form of a study config (`instruments` instead of data + product, src/config/study.ts): errors name
// the key, the value and what is allowed; the one-instrument validator refuses it, naming the portfolio one; search
// and folds follow the one-instrument rules (walk-forward over portfolios: test/walkforward/portfolio.test.ts); and
// `contango backtest` runs configs/es-nq-portfolio.yaml end to end through the compiled CLI.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { validateBacktestConfig } from '../../../src/config/backtest.js';
import { ConfigError, loadPortfolioConfig, resolvePortfolioStudy, validatePortfolioStudy, validateStudy } from '../../../src/config/study.js';
import * as arrow from 'apache-arrow';
import { readParquet } from 'parquet-wasm';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const PRODUCTS = path.join(root, 'configs/products');
const base = () => ({
  name: 'pf',
  instruments: [
    { name: 'ES', data: { bars: 'data/es-ohlcv-1m.parquet', symbol: 'ESH4' }, product: 'es' },
    { name: 'NQ', data: { bars: 'data/nq-ohlcv-1m.parquet', symbol: 'NQH4' }, product: 'nq' },
  ],
  strategy: { name: 'pairs', params: { window: 60 } },
});

function problems(f: () => unknown): string[] {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('portfolio config', () => {
  it('accepts the portfolio form and resolves each product', () => {
    const cfg = validatePortfolioStudy(base());
    expect(cfg.instruments[1]!.data.cache).toBe(true);
    const r = resolvePortfolioStudy(cfg, 'pf.yaml', PRODUCTS);
    expect(r.instruments.map((x) => [x.name, x.product.symbol, x.product.group, x.tickUnits])).toEqual([
      ['ES', 'ES', 'equity-index', 250_000_000n],
      ['NQ', 'NQ', 'equity-index', 250_000_000n],
    ]);
    expect(r.engine.risk.maxGroupExposure).toBe(0.15);
  });

  it('the bundled portfolio config resolves, and its engine config survives the JSON round trip (as test/walkforward/config-roundtrip)', () => {
    const file = path.join(root, 'configs/es-nq-portfolio.yaml');
    const study = resolvePortfolioStudy(loadPortfolioConfig(file), file, PRODUCTS);
    const json = JSON.parse(JSON.stringify(study.engine));
    expect(validateBacktestConfig(json)).toEqual(json);
    expect(study.instruments.map((x) => x.name)).toEqual(['ES', 'NQ']);
  });

  it('the one-instrument validator (validateStudy) refuses instruments, naming the portfolio one', () => {
    expect(problems(() => validateStudy({ ...base(), folds: { train: '1d', test: '1d' } }, 'pf.yaml'))).toEqual([
      'instruments: found a portfolio of 2 instrument(s); allowed here: data + product (one instrument). A portfolio config is read by validatePortfolioStudy (`contango backtest` and `contango walk-forward` take either form)',
    ]);
  });

  it('accepts search and folds (walk-forward), with the same rules as one instrument', () => {
    const cfg = validatePortfolioStudy({ ...base(), search: { params: { window: [60, 120] } }, folds: { train: '4d', test: '2d' } });
    expect(cfg.search).toEqual({ method: 'grid', params: { window: [60, 120] } });
    expect(cfg.folds).toMatchObject({ mode: 'rolling', train: '4d', test: '2d' });
    expect(problems(() => validatePortfolioStudy({ ...base(), search: { method: 'random', params: { window: { min: 9, max: 2, step: 1 } } }, folds: { train: '4d', test: '2d', step: '1d' } }))).toEqual([
      'search.samples: missing; allowed: a positive integer (random search)',
      'search.seed: missing; allowed: a non-negative integer (random search must be reproducible)',
      'search.params.window: found min 9 > max 2; allowed: min <= max',
      'folds.step: found "1d"; allowed: a duration >= folds.test (2d), so out-of-sample windows don\'t overlap',
    ]);
  });

  it('names the key, value and what is allowed', () => {
    const b = base();
    expect(problems(() => validatePortfolioStudy({ ...b, instruments: [] }))).toEqual(['instruments: found []; allowed: >= 1']);
    expect(problems(() => validatePortfolioStudy({ ...b, instruments: [b.instruments[0], { ...b.instruments[1], name: 'ES' }] }))).toEqual([
      'instruments.1.name: found "ES", already the name of instruments.0; allowed: a name unique in instruments',
    ]);
    expect(problems(() => validatePortfolioStudy({ ...b, instruments: [{ ...b.instruments[0], data: { symbol: 'ESH4' } }] }))).toEqual([
      'instruments.0.data.bars: found nothing (missing); allowed: string',
    ]);
    expect(problems(() => validatePortfolioStudy({ ...b, instruments: [{ ...b.instruments[0], prodcut: 'es' }] }))[0]).toBe(
      'instruments.0.prodcut: unknown key; allowed keys here: name, data, product',
    );
    expect(problems(() => validatePortfolioStudy({ ...b, instruments: [{ ...b.instruments[0], product: 5 }] }))).toEqual([
      'instruments.0.product: found 5; allowed: a product name (configs/products/<name>.yaml), a path to a YAML file, or an inline mapping',
    ]);
    expect(problems(() => validatePortfolioStudy({ ...b, data: { bars: 'x.parquet' } }))).toEqual([
      'instruments: found together with data / product; allowed: either instruments (a portfolio) or data + product (one instrument)',
    ]);
    expect(problems(() => validatePortfolioStudy({ ...b, backtest: { execution: { level: 'L3' } } }))).toEqual([
      'backtest.execution.level: found "L3"; allowed: "L2" (portfolio backtests run on bars)',
    ]);
    expect(problems(() => validatePortfolioStudy({ ...b, backtest: { fees: { type: 'per-contract', commission: 1 } } }))).toEqual([
      "backtest.fees: found a fees override; allowed: nothing here in a portfolio (each instrument's fees are its product's)",
    ]);
    expect(problems(() => resolvePortfolioStudy(validatePortfolioStudy({ ...b, backtest: { risk: { maxGroupExposure: -1 } } }), 'pf.yaml', PRODUCTS))[0]).toMatch(
      /^backtest\.risk\.maxGroupExposure: found -1; allowed: > 0/,
    );
    expect(problems(() => resolvePortfolioStudy(validatePortfolioStudy({ ...b, instruments: [{ ...b.instruments[0], product: 'xyz' }] }), 'pf.yaml', PRODUCTS))[0]).toMatch(
      /^instruments\.0\.product: found "xyz"; product "xyz": no xyz\.yaml in /,
    );
  });
});

const bin = path.join(root, 'bin/contango.js');
const built = existsSync(path.join(root, 'dist/src/backtest/portfolio/engine.js'));
const dir = mkdtempSync(path.join(os.tmpdir(), 'contango-pf-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const contango = (args: string[]) => spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8', timeout: 120_000 });

describe.runIf(built)('contango backtest with a portfolio config (CLI)', () => {
  it('runs configs/es-nq-portfolio.yaml and writes trades of both instruments', () => {
    const out = path.join(dir, 'a');
    const r = contango(['backtest', '--config', 'configs/es-nq-portfolio.yaml', '--out', out, '-q', '--set', 'window.end=2024-01-20']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Sharpe/);
    const run = JSON.parse(readFileSync(path.join(out, 'run.json'), 'utf8'));
    expect(run.portfolio.map((x: { name: string }) => x.name)).toEqual(['ES', 'NQ']);
    const trades = arrow.tableFromIPC(readParquet(new Uint8Array(readFileSync(path.join(out, 'trades.parquet')))).intoIPCStream());
    const symbols = new Set(trades.getChild('symbol')!.toArray() as string[]);
    expect([...symbols].sort()).toEqual(['ES', 'NQ']);
  });
});
