// Study config validation: every message names the key, the value found and what is allowed.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyOverrides, ConfigError, loadStudyConfig, resolveStudy, validateStudy } from '../../src/config/study.js';
import { checkParams } from '../../src/walkforward/index.js';
import { FIXTURES } from './helpers.js';

const base = () => ({
  name: 'x',
  data: { bars: 'data/es-ohlcv-1m.parquet' },
  product: path.join(FIXTURES, 'es-product.yaml'),
  strategy: { name: 'momentum' },
  folds: { train: '20d', test: '10d' },
});

const problems = (raw: unknown): string[] => {
  try {
    validateStudy(raw, 'study.yaml');
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
};

describe('study config', () => {
  it('accepts a minimal study and fills defaults', () => {
    const c = validateStudy(base());
    expect(c.objective).toEqual({ metric: 'sharpe', direction: 'max', minTrades: 1 });
    expect(c.folds?.mode).toBe('rolling');
    expect(c.workers).toBe('auto');
    expect(c.data.cache).toBe(true);
  });

  it('bad enum: key, value and the allowed values', () => {
    expect(problems({ ...base(), folds: { mode: 'sliding', train: '20d', test: '10d' } })).toEqual(['folds.mode: found "sliding"; allowed: "anchored" | "rolling"']);
    expect(problems({ ...base(), objective: { metric: 'profit' } })[0]).toMatch(/^objective\.metric: found "profit"; allowed: "sharpe" \| "sortino" \| /);
  });

  it('bad duration and bad workers', () => {
    expect(problems({ ...base(), folds: { train: '20 days', test: '10d' } })).toEqual([
      'folds.train: found "20 days"; allowed: a duration such as 30d, 12h, 90m, 2w or 30s',
    ]);
    expect(problems({ ...base(), workers: 0 })).toEqual(['workers: found 0; allowed: "auto" or an integer from 1 to 1024']);
  });

  it('unknown keys list the keys allowed there', () => {
    const p = problems({ ...base(), fold: {} });
    expect(p[0]).toMatch(/^fold: unknown key; allowed keys here: name, description, data, product, backtest, strategy, search, folds, objective, window, workers, taskTimeout, out$/);
    expect(problems({ ...base(), folds: { train: '1d', test: '1d', stpe: '1d' } })[0]).toBe('folds.stpe: unknown key; allowed keys here: mode, train, test, step, partial');
  });

  it('missing required keys and wrong types', () => {
    const { data: _d, ...noData } = base();
    expect(problems(noData)).toEqual(['data: found nothing (missing); allowed: object']);
    expect(problems({ ...base(), search: { params: { fast: 'ten' } } })[0]).toBe('search.params.fast: found "ten"; allowed: a list of numbers, or { min, max, step }');
  });

  it('cross-field rules: random search needs samples and seed; step must cover test', () => {
    expect(problems({ ...base(), search: { method: 'random', params: { a: [1, 2] } } })).toEqual([
      'search.samples: missing; allowed: a positive integer (random search)',
      'search.seed: missing; allowed: a non-negative integer (random search must be reproducible)',
    ]);
    expect(problems({ ...base(), folds: { train: '20d', test: '10d', step: '5d' } })[0]).toMatch(/^folds\.step: found "5d"; allowed: a duration >= folds\.test \(10d\)/);
  });

  it('--set overrides parse YAML values at dotted paths, and are validated like the file', () => {
    const raw = applyOverrides(base(), ['folds.train=60d', 'workers=2', 'strategy.params.fast=30', 'search.params.slow=[100, 200]']);
    const c = validateStudy(raw);
    expect(c.folds?.train).toBe('60d');
    expect(c.workers).toBe(2);
    expect(c.strategy.params).toEqual({ fast: 30 });
    expect(c.search.params.slow).toEqual([100, 200]);
    expect(problems(applyOverrides(base(), ['workers=many']))).toEqual(['workers: found "many"; allowed: "auto" or an integer from 1 to 1024']);
    expect(() => applyOverrides(base(), ['folds'])).toThrow(/expected key=value/);
  });

  it('--set reaches into lists by index (a portfolio\'s instruments), and names the list when the index is wrong', () => {
    const raw = {
      name: 'p',
      instruments: [
        { name: 'ES', data: { bars: 'es.parquet', symbol: 'ESH4' }, product: 'es' },
        { name: 'NQ', data: { bars: 'nq.parquet', symbol: 'NQH4' }, product: 'nq' },
      ],
      strategy: { name: 'pairs', params: { window: 240 } },
    };
    const out = applyOverrides(raw, ['instruments.1.data.bars=other.parquet', 'instruments.0.product=mes', 'instruments.1.data.cache=false']) as typeof raw;
    expect(out.instruments[1]!.data).toEqual({ bars: 'other.parquet', symbol: 'NQH4', cache: false });
    expect(out.instruments[0]!.product).toBe('mes');
    expect(raw.instruments[1]!.data.bars).toBe('nq.parquet'); // the input is not changed
    // replacing a whole item, and the whole list, still work
    expect((applyOverrides(raw, ['instruments.0={name: X}']) as typeof raw).instruments[0]).toEqual({ name: 'X' });
    expect((applyOverrides(raw, ['instruments=[]']) as typeof raw).instruments).toEqual([]);
    expect(() => applyOverrides(raw, ['instruments.2.product=es'])).toThrow('--set instruments.2.product: "instruments" is a list of 2 item(s); address one by its index 0–1, found "2"');
    expect(() => applyOverrides(raw, ['instruments.nq.product=es'])).toThrow(/"instruments" is a list of 2 item\(s\).*found "nq"/);
    expect(() => applyOverrides(raw, ['instruments.01.product=es'])).toThrow(/found "01"/);
    expect(() => applyOverrides(raw, ['name.x=1'])).toThrow('--set name.x: "name" holds "p", not a section or a list');
  });

  it('engine sections are checked by the engine schema, labelled with the study key', () => {
    const c = validateStudy({ ...base(), backtest: { risk: { maxContracts: -1 } } });
    expect(() => resolveStudy(c, 'study.yaml')).toThrow(/backtest\.risk\.maxContracts: found -1/);
    const r = resolveStudy(validateStudy(base()), 'study.yaml');
    expect(r.tickUnits).toBe(250_000_000n);
    expect(r.hash).toMatch(/^[0-9a-f]{16}$/);
  });

  it('candidate parameter sets are checked against the strategy before anything runs', async () => {
    const c = validateStudy({ ...base(), search: { params: { fast: [1, 30], slow: [480] } } });
    const err = await checkParams(resolveStudy(c, 'study.yaml'), 'study.yaml').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems).toEqual(['search.params (set {"fast":1,"slow":480}): strategy momentum: parameter fast = 1; allowed: an integer from 2 to 100000']);
    await expect(checkParams(resolveStudy(validateStudy({ ...base(), strategy: { name: 'nope' } }), 's'), 's')).rejects.toThrow(/strategy.name: found "nope"; strategy "nope": not a built-in/);
  });

  it('the example configs in configs/ are valid, parameters included', async () => {
    const root = path.resolve(FIXTURES, '../../..');
    for (const f of ['es-study.yaml', 'btcusdt-study.yaml']) {
      const c = loadStudyConfig(path.join(root, 'configs', f));
      const r = resolveStudy(c, f, path.join(root, 'configs/products'));
      expect(r.engine.product.symbol).toBeTruthy();
      await checkParams(r, f);
    }
  });
});
