// Inline SVG charts for the offline HTML report: no scripts, no CDN, nothing fetched.

export interface LineSeries {
  x: number[]; // ms since epoch
  y: number[];
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
export { esc };

/**
 * Keep at most ~2·buckets points: the min and max of each bucket, so spikes survive. Takes typed arrays as they
 * come from a backtest (a million-bar curve is never copied into a JS array); x may be a function of the index, read
 * at the kept points only (a curve's times converted from ns for the kept points, not for a million).
 */
export function downsample(x: ArrayLike<number> | ((i: number) => number), y: ArrayLike<number>, buckets = 1200): LineSeries {
  const n = typeof x === 'function' ? y.length : x.length;
  const xAt = typeof x === 'function' ? x : (i: number) => x[i]!;
  if (n <= buckets * 2) return { x: Array.from({ length: n }, (_, i) => xAt(i)), y: Array.from(y) };
  const size = n / buckets;
  const ox: number[] = [], oy: number[] = [];
  for (let b = 0; b < buckets; b++) {
    const lo = Math.floor(b * size), hi = Math.min(n, Math.floor((b + 1) * size));
    // the extremes kept in locals (a NaN never replaces one: its comparisons are false, as when it is read back)
    let iMin = lo, iMax = lo;
    let vMin = y[lo]!, vMax = vMin;
    for (let i = lo + 1; i < hi; i++) {
      const v = y[i]!;
      if (v < vMin) {
        vMin = v;
        iMin = i;
      } else if (v > vMax) {
        vMax = v;
        iMax = i;
      }
    }
    for (const i of iMin < iMax ? [iMin, iMax] : [iMax, iMin]) {
      ox.push(xAt(i));
      oy.push(y[i]!);
    }
  }
  return { x: ox, y: oy };
}

function niceTicks(lo: number, hi: number, n = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / n;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-12; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

export interface ChartOptions {
  width?: number;
  height?: number;
  title: string;
  fmt: (v: number) => string;
  area?: boolean; // fill to zero (drawdown)
  color?: string;
  /** vertical markers (fold boundaries), ms since epoch */
  markers?: number[];
}

export function lineChart(s: LineSeries, o: ChartOptions): string {
  const W = o.width ?? 960, H = o.height ?? 260, L = 70, R = 12, T = 26, B = 28;
  if (s.x.length === 0) return `<svg width="${W}" height="60" role="img"><text x="10" y="30">${esc(o.title)}: no data</text></svg>`;
  const x0 = s.x[0]!, x1 = s.x[s.x.length - 1]! > x0 ? s.x[s.x.length - 1]! : x0 + 1;
  let y0 = Math.min(...s.y), y1 = Math.max(...s.y);
  if (o.area) y1 = Math.max(y1, 0);
  if (y1 === y0) [y0, y1] = [y0 - 1, y1 + 1];
  const px = (v: number) => L + ((v - x0) / (x1 - x0)) * (W - L - R);
  const py = (v: number) => T + (1 - (v - y0) / (y1 - y0)) * (H - T - B);
  const pts = s.x.map((x, i) => `${px(x).toFixed(1)},${py(s.y[i]!).toFixed(1)}`).join(' ');
  const color = o.color ?? '#1f6feb';
  const parts: string[] = [`<svg viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-label="${esc(o.title)}" class="chart">`];
  parts.push(`<text x="${L}" y="16" class="t">${esc(o.title)}</text>`);
  for (const v of niceTicks(y0, y1)) {
    parts.push(`<line x1="${L}" x2="${W - R}" y1="${py(v).toFixed(1)}" y2="${py(v).toFixed(1)}" class="g"/>`);
    parts.push(`<text x="${L - 6}" y="${(py(v) + 4).toFixed(1)}" text-anchor="end" class="a">${esc(o.fmt(v))}</text>`);
  }
  const days = (x1 - x0) / 86_400_000;
  const stepDays = days > 400 ? 90 : days > 120 ? 30 : days > 30 ? 7 : 1;
  for (let d = Math.ceil(x0 / 86_400_000 / stepDays) * stepDays; d * 86_400_000 <= x1; d += stepDays) {
    const x = px(d * 86_400_000);
    parts.push(`<text x="${x.toFixed(1)}" y="${H - 8}" text-anchor="middle" class="a">${new Date(d * 86_400_000).toISOString().slice(0, 10)}</text>`);
  }
  for (const m of o.markers ?? []) parts.push(`<line x1="${px(m).toFixed(1)}" x2="${px(m).toFixed(1)}" y1="${T}" y2="${H - B}" class="m"/>`);
  if (o.area) {
    parts.push(`<polygon points="${px(x0).toFixed(1)},${py(0).toFixed(1)} ${pts} ${px(s.x[s.x.length - 1]!).toFixed(1)},${py(0).toFixed(1)}" fill="${color}" fill-opacity="0.25" stroke="none"/>`);
  }
  parts.push(`<polyline points="${pts}" fill="none" stroke="${color}" stroke-width="1.2"/>`);
  parts.push('</svg>');
  return parts.join('');
}

/** Diverging colour for a value in [-1, 1] (red ← 0 → green); grey for missing. */
function heatColor(t: number | undefined): string {
  if (t === undefined || !Number.isFinite(t)) return '#ddd';
  const a = Math.max(-1, Math.min(1, t));
  const mix = (c: number) => Math.round(255 - (255 - c) * Math.abs(a));
  return a >= 0 ? `rgb(${mix(26)},${mix(152)},${mix(80)})` : `rgb(${mix(215)},${mix(48)},${mix(39)})`;
}

export interface HeatMapOptions {
  rows: string[];
  cols: string[];
  /** [row][column]; undefined cells are grey */
  values: (number | undefined)[][];
  title: string;
  fmt: (v: number) => string;
  /** [row, column] cells to outline */
  highlight?: [number, number][];
  /** which way is good: green for high values (max, the default) or for low ones (min) */
  better?: 'max' | 'min';
}

/** A heat map: rows × columns of values, coloured around zero, each cell labelled. */
export function heatMap({ rows, cols, values, title, fmt, highlight, better = 'max' }: HeatMapOptions): string {
  const cw = Math.max(38, Math.min(80, Math.floor(880 / Math.max(1, cols.length)))), ch = 22, L = 110, T = 40;
  const W = L + cw * cols.length + 10, H = T + ch * rows.length + 10;
  const finite = values.flat().filter((v): v is number => v !== undefined && Number.isFinite(v));
  const scale = Math.max(1e-12, ...finite.map(Math.abs));
  const hl = new Set((highlight ?? []).map(([r, c]) => `${r},${c}`));
  const parts = [`<svg viewBox="0 0 ${W} ${H}" width="${Math.min(W, 1100)}" role="img" aria-label="${esc(title)}" class="chart">`, `<text x="4" y="14" class="t">${esc(title)}</text>`];
  cols.forEach((c, j) => parts.push(`<text x="${L + j * cw + cw / 2}" y="${T - 6}" text-anchor="middle" class="a">${esc(c)}</text>`));
  rows.forEach((r, i) => {
    parts.push(`<text x="${L - 6}" y="${T + i * ch + 15}" text-anchor="end" class="a">${esc(r)}</text>`);
    cols.forEach((_, j) => {
      const v = values[i]?.[j];
      const x = L + j * cw, y = T + i * ch;
      parts.push(`<rect x="${x}" y="${y}" width="${cw - 1}" height="${ch - 1}" fill="${heatColor(v === undefined ? undefined : ((better === 'min' ? -v : v) / scale))}"${hl.has(`${i},${j}`) ? ' stroke="#000" stroke-width="2"' : ''}><title>${esc(r)} / ${esc(cols[j]!)}: ${v === undefined ? 'n/a' : esc(fmt(v))}</title></rect>`);
      if (cw >= 44 && v !== undefined) parts.push(`<text x="${x + cw / 2}" y="${y + 15}" text-anchor="middle" class="c">${esc(fmt(v))}</text>`);
    });
  });
  parts.push('</svg>');
  return parts.join('');
}
