// Number formatting shared by the HTML report and the console summary. Money arrives in micro-units
// (docs/scales.md) and is shown in currency units.
import type { Metrics } from '../backtest/api.js';

export const pct = (v: number) => (Number.isFinite(v) ? `${(v * 100).toFixed(2)}%` : String(v));
export const num = (v: number, d = 2) => (Number.isFinite(v) ? v.toFixed(d) : String(v));
export const money = (micro: number) =>
  Number.isFinite(micro) ? (micro / 1e6).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }) : String(micro);
export const days = (ns: number) => `${(ns / 86_400e9).toFixed(1)}d`;

/** The metrics shown in tables, with their formatting. */
export const METRIC_ROWS: [keyof Metrics, string, (v: number) => string][] = [
  ['totalReturn', 'total return', pct],
  ['annualizedReturn', 'annualized return', pct],
  ['volatility', 'volatility', pct],
  ['sharpe', 'Sharpe', (v) => num(v)],
  ['sortino', 'Sortino', (v) => num(v)],
  ['maxDrawdown', 'max drawdown', pct],
  ['maxDrawdownDurationNs', 'max drawdown duration', days],
  ['calmar', 'Calmar', (v) => num(v)],
  ['winRate', 'win rate', pct],
  ['profitFactor', 'profit factor', (v) => num(v)],
  ['averageTrade', 'average trade', money],
  ['exposure', 'exposure', pct],
  ['turnover', 'turnover', (v) => num(v)],
  ['feesPaid', 'fees paid', money],
  ['fundingPaid', 'funding paid', money],
  ['trades', 'trades', (v) => String(v)],
];

export const paramText = (p: Record<string, number>) =>
  Object.entries(p)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ') || '(none)';

/** A plain-text table for the terminal. */
export function textTable(header: string[], rows: string[][]): string {
  const w = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join('  ');
  return [line(header), w.map((x) => '-'.repeat(x)).join('  '), ...rows.map(line)].join('\n');
}
