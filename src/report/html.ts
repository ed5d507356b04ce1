// report.html: one self-contained file (inline CSS and SVG, no scripts, no network) that opens offline.
import type { Metrics } from '../backtest/api.js';
import { esc, downsample, heatMap, lineChart } from './svg.js';
import { paramSurface, type ParamSurface } from './param-map.js';
import { METRIC_ROWS, money, num, paramText, pct } from './format.js';

export interface ReportFold {
  index: number;
  trainStart: string;
  trainEnd: string;
  testStart: string;
  testEnd: string;
  params?: Record<string, number>;
  paramIndex?: number;
  inSampleObjective?: number;
  oos?: Metrics;
  note?: string;
}

export interface ReportInput {
  title: string;
  subtitle: string;
  metrics: Metrics;
  objectiveName?: string;
  /** whether the objective is maximized (default) or minimized: picks the best cell and the colours */
  objectiveDirection?: 'max' | 'min';
  /** stitched (or single-run) equity in micro-units, x: ms since epoch (or a function of the index giving it) */
  equity: { x: ArrayLike<number> | ((i: number) => number); y: ArrayLike<number> };
  drawdown: { x: ArrayLike<number> | ((i: number) => number); y: ArrayLike<number> };
  foldStarts?: number[];
  folds?: ReportFold[];
  /** in-sample objective per fold × parameter set */
  grid?: { params: Record<string, number>[]; values: (number | undefined)[][] };
  failures?: { id: string; fold: number; phase: string; params: Record<string, number>; error: string }[];
  run: Record<string, string>;
}

const CSS = `body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px auto;max-width:1100px;color:#1b1f23;padding:0 12px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}
.sub{color:#57606a;margin-bottom:16px}table{border-collapse:collapse;margin:6px 0}td,th{padding:3px 10px;border-bottom:1px solid #eee;text-align:right;white-space:nowrap}
th{background:#f6f8fa}td:first-child,th:first-child{text-align:left}.kpi{display:flex;flex-wrap:wrap;gap:10px}.kpi div{background:#f6f8fa;border-radius:6px;padding:8px 14px}
.kpi b{display:block;font-size:18px}.chart .t{font-weight:600;font-size:13px}.chart .a{font-size:11px;fill:#57606a}.chart .c{font-size:10px;fill:#111}
.chart .g{stroke:#eee}.chart .m{stroke:#bbb;stroke-dasharray:3 3}.fail{color:#b42318}.scroll{overflow-x:auto}`;

export function renderReport(r: ReportInput): string {
  const m = r.metrics;
  const eq = downsample(r.equity.x, r.equity.y);
  eq.y = eq.y.map((v) => v / 1e6); // micro-units → currency, on the kept points only
  const dd = downsample(r.drawdown.x, r.drawdown.y);
  const out: string[] = [];
  out.push(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(r.title)}</title><style>${CSS}</style></head><body>`);
  out.push(`<h1>${esc(r.title)}</h1><div class="sub">${esc(r.subtitle)}</div>`);
  out.push('<div class="kpi">');
  for (const [k, label, f] of [
    ['totalReturn', 'total return', pct],
    ['annualizedReturn', 'annualized', pct],
    ['sharpe', 'Sharpe', (v: number) => num(v)],
    ['maxDrawdown', 'max drawdown', pct],
    ['trades', 'trades', (v: number) => String(v)],
  ] as const) {
    out.push(`<div>${esc(label)}<b>${esc(f(m[k]))}</b></div>`);
  }
  out.push('</div>');
  out.push(`<h2>Equity${r.folds ? ' (out of sample, stitched across folds)' : ''}</h2>`);
  out.push(lineChart(eq, { title: 'equity', fmt: (v) => v.toLocaleString('en-US', { maximumFractionDigits: 0 }), markers: r.foldStarts }));
  out.push(lineChart(dd, { title: 'drawdown', fmt: (v) => `${(v * 100).toFixed(1)}%`, area: true, color: '#d73a49', height: 180, markers: r.foldStarts }));
  out.push('<h2>Metrics</h2><table>');
  for (const [k, label, f] of METRIC_ROWS) out.push(`<tr><td>${esc(label)}</td><td>${esc(f((m[k] as number | undefined) ?? NaN))}</td></tr>`);
  out.push('</table>');
  if (r.folds) {
    out.push(`<h2>Folds</h2><div class="scroll"><table><tr><th>fold</th><th>train</th><th>test</th><th>parameters chosen</th><th>IS ${esc(r.objectiveName ?? 'objective')}</th><th>OOS return</th><th>OOS Sharpe</th><th>OOS max DD</th><th>OOS trades</th><th>OOS fees</th></tr>`);
    for (const f of r.folds) {
      const o = f.oos;
      out.push(
        `<tr><td>${f.index}</td><td>${esc(f.trainStart.slice(0, 10))} → ${esc(f.trainEnd.slice(0, 10))}</td><td>${esc(f.testStart.slice(0, 10))} → ${esc(f.testEnd.slice(0, 10))}</td>` +
          `<td style="text-align:left">${f.params ? esc(paramText(f.params)) : '—'}</td><td>${f.inSampleObjective !== undefined ? num(f.inSampleObjective) : '—'}</td>` +
          (o
            ? `<td>${pct(o.totalReturn)}</td><td>${num(o.sharpe)}</td><td>${pct(o.maxDrawdown)}</td><td>${o.trades}</td><td>${money(o.feesPaid)}</td>`
            : `<td colspan="5" class="fail">${esc(f.note ?? 'no out-of-sample result')}</td>`) +
          '</tr>',
      );
    }
    out.push('</table></div>');
  }
  if (r.grid && r.folds && r.grid.params.length > 1) {
    const objective = r.objectiveName ?? 'objective';
    const better = r.objectiveDirection ?? 'max';
    out.push(`<h2>Parameter heat map (in-sample ${esc(objective)}, ${better === 'max' ? 'higher' : 'lower'} is better)</h2>`);
    const surface = paramSurface(r.grid.params, r.grid.values, better);
    if (surface) out.push(`<div class="scroll">${surfaceMap(surface, objective, better)}</div>`);
    const hl = r.folds.filter((f) => f.paramIndex !== undefined).map((f) => [f.index, f.paramIndex!] as [number, number]);
    out.push(
      `<div class="scroll">${heatMap({
        rows: r.folds.map((f) => `fold ${f.index}`),
        cols: r.grid.params.map((_, j) => `#${j}`),
        values: r.grid.values,
        title: 'fold × parameter set (outlined: chosen)',
        fmt: (v) => num(v),
        highlight: hl,
        better,
      })}</div>`,
    );
    out.push('<table><tr><th>#</th><th>parameters</th></tr>');
    r.grid.params.forEach((p, j) => out.push(`<tr><td>${j}</td><td style="text-align:left">${esc(paramText(p))}</td></tr>`));
    out.push('</table>');
  }
  if (r.failures?.length) {
    out.push('<h2 class="fail">Failed tasks (after one retry)</h2><table><tr><th>task</th><th>fold</th><th>phase</th><th>parameters</th><th>error</th></tr>');
    for (const f of r.failures) out.push(`<tr><td>${esc(f.id)}</td><td>${f.fold}</td><td>${esc(f.phase)}</td><td>${esc(paramText(f.params))}</td><td style="text-align:left">${esc(f.error)}</td></tr>`);
    out.push('</table>');
  }
  out.push('<h2>Run</h2><table>');
  for (const [k, v] of Object.entries(r.run)) out.push(`<tr><td>${esc(k)}</td><td style="text-align:left">${esc(v)}</td></tr>`);
  out.push('</table></body></html>\n');
  return out.join('\n');
}

/** The mean over folds on the two most varied parameters (a 1-D strip when only one varies). */
function surfaceMap(s: ParamSurface, objective: string, better: 'max' | 'min'): string {
  const axes = s.y ? `${s.x.name} × ${s.y.name}` : s.x.name;
  const rest = s.collapsed.length ? ` (${better === 'max' ? 'highest' : 'lowest'} over ${s.collapsed.join(', ')})` : '';
  return heatMap({
    rows: s.y ? s.y.values.map((v) => `${s.y!.name}=${v}`) : [objective],
    cols: s.x.values.map((v) => `${s.x.name}=${v}`),
    values: s.cells,
    title: `mean over folds, ${axes}${rest}`,
    fmt: (v) => num(v),
    better,
  });
}
