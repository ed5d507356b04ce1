// Anchor 6: bad input is an error naming what to fix.
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../src/backtest/config-resolve.js';
import { runPortfolioBacktest, type PortfolioInstrumentInput } from '../../../src/backtest/portfolio/index.js';
import { pairs } from '../../../src/strategies/pairs.js';
import { bars, config, flat, NO_RISK, product } from '../helpers.js';
import { pfScript } from './helpers.js';

const ES = product('es');
const NQ = product('nq');
const cfg = resolveConfig(config(ES, { risk: NO_RISK }));
const run = (instruments: PortfolioInstrumentInput[], strategy = pfScript({})) => runPortfolioBacktest({ config: cfg, instruments, strategy });
const es = () => bars([flat(100), flat(101)], '2024-03-05T15:00:00Z', 60e9, 'ESH4');

describe('bad input', () => {
  it('an empty list', () => {
    expect(() => run([])).toThrow(/instruments is empty; give at least one \{ name, bars, product \}/);
  });
  it('duplicate names', () => {
    expect(() => run([{ name: 'ES', bars: es(), product: ES }, { name: 'ES', bars: es(), product: NQ }])).toThrow(/instruments\[1\]\.name "ES" is used twice/);
  });
  it('a missing name', () => {
    expect(() => run([{ name: '', bars: es(), product: ES }])).toThrow(/instruments\[0\]\.name must be a non-empty string/);
  });
  it('bars of different lengths', () => {
    const nq5 = bars([flat(100), flat(101)], '2024-03-05T15:00:00Z', 300e9, 'NQH4');
    expect(() => run([{ name: 'ES', bars: es(), product: ES }, { name: 'NQ', bars: nq5, product: NQ }])).toThrow(
      /instrument "NQ" has bars of 300 s \(barNs 300000000000\) but "ES" has 60 s \(barNs 60000000000\); every instrument needs the same bar length/,
    );
  });
  it('a series out of order names the series, row and column', () => {
    const bad = es();
    bad.ts[1] = bad.ts[0]!;
    expect(() => run([{ name: 'ES', bars: bad, product: ES }])).toThrow(/bars ESH4: row 1 column ts/);
  });
  it('a missing product', () => {
    expect(() => run([{ name: 'ES', bars: es(), product: undefined as never }])).toThrow(/instrument "ES" has no product/);
  });
  it('an unknown instrument name in the strategy', () => {
    expect(() => run([{ name: 'ES', bars: es(), product: ES }], pfScript({ 0: (c) => c.instrument('NQ') }))).toThrow(/instrument "NQ" is not in this portfolio; known: ES/);
  });
  it('pairs on one instrument, and a bad parameter', () => {
    expect(() => run([{ name: 'ES', bars: es(), product: ES }], pairs)).toThrow(/pairs: needs two instruments, got 1/);
    expect(() => runPortfolioBacktest({ config: cfg, instruments: [{ name: 'ES', bars: es(), product: ES }], strategy: pairs, params: { window: 1 } })).toThrow(
      /strategy pairs: parameter window = 1; allowed: an integer from 2/,
    );
  });
  it('L3 is refused', () => {
    const l3 = { ...cfg, execution: { ...cfg.execution, level: 'L3' as const } };
    expect(() => runPortfolioBacktest({ config: l3, instruments: [{ name: 'ES', bars: es(), product: ES }], strategy: pfScript({}) })).toThrow(/portfolio backtests run on bars only/);
  });
});
