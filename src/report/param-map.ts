// The in-sample objective over the parameter grid, reduced to something a heat map can show: the mean over
// folds of each parameter set, laid out on the two parameters with the most distinct values (a 1-D strip
// when only one parameter varies); any further parameters are collapsed by taking their best value.

export interface ParamAxis {
  name: string;
  values: number[]; // ascending
}

export interface ParamSurface {
  /** columns: the varying parameter with the most distinct values */
  x: ParamAxis;
  /** rows: the next one; absent when only one parameter varies (a 1-D strip) */
  y?: ParamAxis;
  /** [row][column] mean over folds (best over `collapsed`); undefined where no fold has a value */
  cells: (number | undefined)[][];
  /** varying parameters not on an axis, reduced by taking the best cell value */
  collapsed: string[];
}

/**
 * `values[fold][set]` is the objective of parameter set `set` in fold `fold` (undefined: failed or not
 * run). Returns undefined when no parameter varies. `better` says which way "best" points.
 */
export function paramSurface(params: Record<string, number>[], values: (number | undefined)[][], better: 'max' | 'min' = 'max'): ParamSurface | undefined {
  const names = [...new Set(params.flatMap((p) => Object.keys(p)))];
  const distinct = (n: string) => [...new Set(params.map((p) => p[n]).filter((v): v is number => v !== undefined))].sort((a, b) => a - b);
  // most distinct values first; equal counts keep the config's order (a stable sort)
  const varying = names.map((name) => ({ name, values: distinct(name) })).filter((a) => a.values.length > 1).sort((a, b) => b.values.length - a.values.length);
  const x = varying[0];
  if (!x) return undefined;
  const y = varying[1];
  const rows = y ? y.values : [undefined];
  const cells: (number | undefined)[][] = rows.map(() => x.values.map(() => undefined));
  params.forEach((p, j) => {
    const vals = values.map((row) => row[j]).filter((v): v is number => v !== undefined);
    if (!vals.length) return;
    const mean = vals.reduce((s, v) => s + v, 0) / vals.length;
    const i = y ? y.values.indexOf(p[y.name]!) : 0;
    const k = x.values.indexOf(p[x.name]!);
    if (i < 0 || k < 0) return; // a set without one of the axis parameters: nowhere to put it
    const cur = cells[i]![k];
    if (cur === undefined || (better === 'max' ? mean > cur : mean < cur)) cells[i]![k] = mean;
  });
  return { x, y, cells, collapsed: varying.slice(y ? 2 : 1).map((a) => a.name) };
}
