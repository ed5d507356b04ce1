// The parameter heat map of the HTML report for studies with one, two and three parameters: the axes are
// the most varied parameters, one varying parameter gives a 1-D strip, further ones are collapsed by their
// best value (in the objective's direction); the report stays one offline file.
import { describe, expect, it } from 'vitest';
import type { Metrics } from '../../src/backtest/api.js';
import { renderReport, type ReportInput } from '../../src/report/html.js';
import { paramSurface } from '../../src/report/param-map.js';

const metrics = { totalReturn: 0.01, annualizedReturn: 0.1, volatility: 0.1, sharpe: 1, sortino: 1, maxDrawdown: 0.02, maxDrawdownDurationNs: 1e12, calmar: 5, winRate: 0.5, profitFactor: 1.2, averageTrade: 1e6, exposure: 0.3, turnover: 2, feesPaid: 1e6, fundingPaid: 0, trades: 10 } satisfies Metrics;
const T0 = Date.UTC(2024, 0, 1);

/** All combinations of the given parameter values, in the grid's order (last parameter fastest). */
function grid(spec: Record<string, number[]>): Record<string, number>[] {
  return Object.entries(spec).reduce<Record<string, number>[]>((sets, [k, vs]) => sets.flatMap((s) => vs.map((v) => ({ ...s, [k]: v }))), [{}]);
}

function report(params: Record<string, number>[], values: (number | undefined)[][], direction?: 'max' | 'min'): string {
  const r: ReportInput = {
    title: 'study',
    subtitle: 'unit',
    metrics,
    objectiveName: 'sharpe',
    objectiveDirection: direction,
    equity: { x: [T0, T0 + 86_400_000], y: [100e6, 101e6] },
    drawdown: { x: [T0, T0 + 86_400_000], y: [0, 0] },
    folds: values.map((_, k) => ({ index: k, trainStart: '2024-01-01T00:00:00Z', trainEnd: '2024-01-02T00:00:00Z', testStart: '2024-01-02T00:00:00Z', testEnd: '2024-01-03T00:00:00Z', paramIndex: 0, params: params[0], oos: metrics })),
    grid: { params, values },
    run: {},
  };
  return renderReport(r);
}

/** The SVG whose title starts with `title`. */
const svgTitled = (html: string, title: string) => html.split('<svg ').find((s) => s.includes(`aria-label="${title}`));

describe('paramSurface', () => {
  it('one parameter: a 1-D strip of the mean over folds, skipping missing values', () => {
    const s = paramSurface(grid({ fast: [30, 10, 20] }), [[1, 2, 3], [3, undefined, 5]])!;
    expect(s.x).toEqual({ name: 'fast', values: [10, 20, 30] });
    expect(s.y).toBeUndefined();
    expect(s.cells).toEqual([[2, 4, 2]]); // fast=10 is set #1: 2 (fold 1 missing); 20 → (3+5)/2; 30 → (1+3)/2
    expect(s.collapsed).toEqual([]);
  });

  it('two parameters: columns the one with more values; a constant parameter is no axis', () => {
    const params = grid({ qty: [1], slow: [40, 80], fast: [5, 10, 15] });
    const s = paramSurface(params, [params.map((p) => p.fast! / p.slow!)])!;
    expect([s.x.name, s.y?.name]).toEqual(['fast', 'slow']);
    expect(s.cells).toEqual([[5 / 40, 10 / 40, 15 / 40], [5 / 80, 10 / 80, 15 / 80]]);
    expect(s.collapsed).toEqual([]);
  });

  it('three parameters: the two most varied on the axes, the third collapsed by its best value in the objective\'s direction', () => {
    const params = grid({ fast: [15, 30, 60], mid: [120, 240], slow: [480, 960] });
    const value = (p: Record<string, number>) => p.fast! / 10 + p.mid! / 100 + (p.slow === 480 ? 1 : -1);
    const values = [params.map(value), params.map(value)];
    const best = paramSurface(params, values, 'max')!;
    expect([best.x.name, best.y?.name, best.collapsed]).toEqual(['fast', 'mid', ['slow']]); // mid and slow tie: config order
    expect(best.cells[0]![0]).toBeCloseTo(1.5 + 1.2 + 1, 12);
    const worst = paramSurface(params, values, 'min')!;
    expect(worst.cells[1]![2]).toBeCloseTo(6 + 2.4 - 1, 12);
  });

  it('nothing varies: no surface', () => {
    expect(paramSurface([{ a: 1 }, { a: 1 }], [[1, 2]])).toBeUndefined();
  });
});

describe('report.html parameter heat maps', () => {
  const offline = (html: string) => {
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/<script|<link|src=/i);
  };

  it('one parameter: a strip with one cell per value, plus the fold × set map', () => {
    const params = grid({ fast: [5, 10, 20, 40] });
    const html = report(params, [[0.5, 1, 1.5, -1], [0.7, 1.1, 1.2, -0.5]]);
    offline(html);
    const strip = svgTitled(html, 'mean over folds, fast')!;
    expect(strip).toBeDefined();
    expect((strip.match(/<rect /g) ?? []).length).toBe(4);
    for (const v of [5, 10, 20, 40]) expect(strip).toContain(`>fast=${v}<`);
    expect(strip).toContain('>0.60<'); // mean of 0.5 and 0.7
    expect(svgTitled(html, 'fold × parameter set')).toBeDefined();
  });

  it('three parameters: two axes, the third collapsed and named in the title', () => {
    const params = grid({ fast: [15, 30, 60], mid: [120, 240], slow: [480, 960] });
    const html = report(params, [params.map((p) => p.fast! / 60 - p.slow! / 960), params.map((p) => p.mid! / 240)]);
    offline(html);
    const map = svgTitled(html, 'mean over folds, fast × mid (highest over slow)')!;
    expect(map).toBeDefined();
    expect((map.match(/<rect /g) ?? []).length).toBe(6);
    expect(map).toContain('>mid=240<');
    expect(map).toContain('>fast=60<');
    expect(html).toContain('higher is better');
  });

  it('a minimized objective: "best" is the lowest value, and higher values are redder', () => {
    const params = grid({ a: [1, 2], b: [1, 2], c: [1, 2] });
    const html = report(params, [params.map((p) => p.a! + p.b! + p.c!)], 'min');
    const map = svgTitled(html, 'mean over folds, a × b (lowest over c)')!;
    expect(map).toBeDefined();
    expect(map).toContain('b=1 / a=1: 3.00'); // c=1 taken: 1 + 1 + 1
    expect(map).toContain('b=2 / a=2: 5.00');
    // positive values of a minimized objective (a drawdown, say) are shades of red, the worst the deepest
    const green = (cell: string) => Number(new RegExp(`fill="rgb\\(\\d+,(\\d+),\\d+\\)"><title>${cell}`).exec(map)![1]);
    expect(green('b=1 / a=1')).toBeGreaterThan(green('b=2 / a=2'));
    expect(html).toContain('lower is better');
  });
});
