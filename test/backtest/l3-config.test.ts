// L3 configuration: the execution.l3 section's defaults and errors, and the study rules tying data.mbo to L3.
import { describe, expect, it } from 'vitest';
import { validateBacktestConfig } from '../../src/config/backtest.js';
import { parseSpan } from '../../src/config/execution.js';
import { validateStudy } from '../../src/config/study.js';
import { product } from './helpers.js';

const study = (data: Record<string, unknown>, level?: string) => ({
  name: 's',
  data,
  product: 'es',
  strategy: { name: 'l3-maker' },
  ...(level ? { backtest: { execution: { level } } } : {}),
});

describe('L3 config', () => {
  it('fills defaults and parses spans', () => {
    const c = validateBacktestConfig({ product: product('es'), execution: { level: 'L3' } });
    expect(c.execution.l3).toMatchObject({ levels: 5, cadence: 'event', equityInterval: '1m', entryLatency: { model: 'constant', ns: 0 } });
    expect(parseSpan('250us')).toBe(250_000n);
    expect(parseSpan('100ms')).toBe(100_000_000n);
    expect(parseSpan(42)).toBe(42n);
  });

  it('names the key, the value and what is allowed', () => {
    const bad = (l3: unknown) => () => validateBacktestConfig({ product: product('es'), execution: { level: 'L3', l3 } });
    expect(bad({ cadence: 'often' })).toThrow(/execution\.l3\.cadence: found "often"/);
    expect(bad({ levels: 0 })).toThrow(/execution\.l3\.levels: found 0; allowed: >= 1/);
    expect(bad({ equityInterval: '0s' })).toThrow(/execution\.l3\.equityInterval/);
    expect(bad({ entryLatency: { model: 'gaussian' } })).toThrow(/execution\.l3\.entryLatency/);
  });

  it('a study has exactly one of data.bars / data.mbo, and MBO goes with L3', () => {
    expect(() => validateStudy(study({}))).toThrow(/data: found neither bars nor mbo; allowed: exactly one/);
    expect(() => validateStudy(study({ bars: 'a.parquet', mbo: 'b.dbn' }))).toThrow(/found both bars and mbo/);
    expect(() => validateStudy(study({ mbo: 'b.dbn' }))).toThrow(/backtest\.execution\.level: found "L2"; allowed: "L3" with data\.mbo/);
    expect(() => validateStudy(study({ bars: 'a.parquet' }, 'L3'))).toThrow(/allowed: "L2" with data\.bars/);
    expect(validateStudy(study({ mbo: 'b.dbn' }, 'L3')).data.mbo).toBe('b.dbn');
  });
});
