// Indicators over whole columns, computed once before the loop. Every function is causal: out[i] uses
// inputs at indices <= i only (bar i's values are known once bar i has closed), so a strategy reading
// out[i] in onBar(i) trades on it at bar i+1 at the earliest: the "shift by one bar" of SPEC §8 is the
// engine's fill rule. `shift` exists for features that must be lagged further. Warm-up values are NaN.
// Every ratio guards its denominator (SPEC §7): a zero range or deviation gives the neutral value named
// in each function's comment, never NaN or Infinity.
//
// Rolling sums are running sums: exact for integer-tick inputs (sums stay far below 2^53).
//
// Every function writes each element of its result exactly once (warm-up NaNs included) into a column from
// `column()`: no NaN fill pass before the loop (one pass less over 8 MB per million bars), and the result can live in
// memory the caller chose (withColumnAllocator: a study precomputes its indicators straight into SharedArrayBuffers
// instead of copying them there). Intermediate columns (the mean inside zscore, ...) are scratch and always plain.

/** Allocates an indicator's result column; the default is a plain array. */
export type ColumnAllocator = (length: number) => Float64Array;

const plainColumn: ColumnAllocator = (n) => new Float64Array(n);
let allocate: ColumnAllocator = plainColumn;

/**
 * Run `f` with the result column of every indicator computed meanwhile allocated by `alloc` (its contents need not be
 * zero: every element is written). The previous allocator is back when `f` returns or throws.
 */
export function withColumnAllocator<T>(alloc: ColumnAllocator, f: () => T): T {
  const prev = allocate;
  allocate = alloc;
  try {
    return f();
  } finally {
    allocate = prev;
  }
}

/** A result column of length n from the current allocator. */
function column(n: number): Float64Array {
  const out = allocate(n);
  if (!(out instanceof Float64Array) || out.length !== n) throw new Error(`indicator column allocator returned ${out instanceof Float64Array ? `${out.length} values` : 'no Float64Array'} for ${n}`);
  return out;
}

/** out[i] = x[i-k] (NaN for i < k). */
export function shift(x: Float64Array, k = 1): Float64Array {
  // a negative k would read later rows: the look-ahead SPEC §7 lists among the bugs users were burned by
  if (k < 0) throw new RangeError(`shift: k must be >= 0, got ${k} (a negative shift reads future bars)`);
  const len = x.length;
  const out = column(len);
  // a k that is no whole number leaves every value NaN (no row i - k)
  const from = Number.isInteger(k) ? Math.max(0, Math.min(k, len)) : len;
  for (let i = 0; i < from; i++) out[i] = NaN;
  for (let i = from; i < len; i++) out[i] = x[i - k]!;
  return out;
}

export function sma(x: Float64Array, n: number): Float64Array {
  checkWindow(n);
  return smaInto(x, n, column(x.length));
}

function smaInto(x: Float64Array, n: number, out: Float64Array): Float64Array {
  let s = 0;
  let valid = 0; // consecutive non-NaN inputs in the window
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (Number.isNaN(v)) {
      s = 0;
      valid = 0;
      out[i] = NaN;
      continue;
    }
    s += v;
    valid++;
    if (valid > n) s -= x[i - n]!;
    out[i] = valid >= n ? s / n : NaN;
  }
  return out;
}

/** Exponential moving average, alpha = 2 / (n + 1), seeded with the SMA of the first n values. */
export function ema(x: Float64Array, n: number): Float64Array {
  checkWindow(n);
  return emaInto(x, n, column(x.length));
}

function emaInto(x: Float64Array, n: number, out: Float64Array): Float64Array {
  const a = 2 / (n + 1);
  let e = NaN;
  let seed = 0;
  let count = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (Number.isNaN(v)) {
      out[i] = NaN;
      continue;
    }
    if (count < n) {
      seed += v;
      count++;
      out[i] = count === n ? (e = seed / n) : NaN;
      continue;
    }
    e += a * (v - e);
    out[i] = e;
  }
  return out;
}

/** Rolling sample standard deviation (n - 1). */
export function rollingStd(x: Float64Array, n: number): Float64Array {
  checkWindow(n, 2);
  return stdInto(x, n, column(x.length));
}

function stdInto(x: Float64Array, n: number, out: Float64Array): Float64Array {
  let s = 0,
    s2 = 0,
    valid = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (Number.isNaN(v)) {
      s = s2 = valid = 0;
      out[i] = NaN;
      continue;
    }
    s += v;
    s2 += v * v;
    valid++;
    if (valid > n) {
      const old = x[i - n]!;
      s -= old;
      s2 -= old * old;
    }
    out[i] = valid >= n ? Math.sqrt(Math.max(0, (n * s2 - s * s) / (n * (n - 1)))) : NaN;
  }
  return out;
}

/** (x - mean) / std over n bars; 0 when the deviation is 0. */
export function zscore(x: Float64Array, n: number): Float64Array {
  const { m, sd } = meanStd(x, n);
  const out = column(x.length);
  for (let i = 0; i < x.length; i++) out[i] = Number.isNaN(sd[i]!) ? NaN : sd[i]! > 0 ? (x[i]! - m[i]!) / sd[i]! : 0;
  return out;
}

/** Bollinger %B = (x - lower) / (upper - lower), bands mean ± k·std; 0.5 when the bands collapse. */
export function bollingerPctB(x: Float64Array, n: number, k: number): Float64Array {
  const { m, sd } = meanStd(x, n);
  const out = column(x.length);
  for (let i = 0; i < x.length; i++) {
    const w = 2 * k * sd[i]!;
    out[i] = Number.isNaN(w) ? NaN : w > 0 ? (x[i]! - (m[i]! - k * sd[i]!)) / w : 0.5;
  }
  return out;
}

/** Rolling mean and sample std of x (scratch columns). */
function meanStd(x: Float64Array, n: number): { m: Float64Array; sd: Float64Array } {
  checkWindow(n);
  const m = smaInto(x, n, plainColumn(x.length));
  checkWindow(n, 2);
  return { m, sd: stdInto(x, n, plainColumn(x.length)) };
}

/** Rate of change x[i]/x[i-n] - 1; 0 when x[i-n] is 0. */
export function roc(x: Float64Array, n: number): Float64Array {
  checkWindow(n);
  const len = x.length;
  const out = column(len);
  const head = Math.min(n, len);
  for (let i = 0; i < head; i++) out[i] = NaN;
  for (let i = head; i < len; i++) {
    const b = x[i - n]!;
    out[i] = b !== 0 ? x[i]! / b - 1 : 0;
  }
  return out;
}

/** Wilder's RSI; 100 when there were no losses, 50 when there was no movement at all. */
export function rsi(x: Float64Array, n: number): Float64Array {
  checkWindow(n);
  const out = column(x.length);
  let gain = 0,
    loss = 0;
  if (x.length > 0) out[0] = NaN;
  for (let i = 1; i < x.length; i++) {
    const d = x[i]! - x[i - 1]!;
    const g = d > 0 ? d : 0;
    const l = d < 0 ? -d : 0;
    if (i <= n) {
      gain += g / n;
      loss += l / n;
      if (i < n) {
        out[i] = NaN;
        continue;
      }
    } else {
      gain = (gain * (n - 1) + g) / n;
      loss = (loss * (n - 1) + l) / n;
    }
    out[i] = loss === 0 ? (gain === 0 ? 50 : 100) : 100 - 100 / (1 + gain / loss);
  }
  return out;
}

/** Highest value of the n bars ending at i. Monotone deque: O(length). */
export function highest(x: Float64Array, n: number): Float64Array {
  checkWindow(n);
  return extremeInto(x, n, 1, column(x.length));
}
export function lowest(x: Float64Array, n: number): Float64Array {
  checkWindow(n);
  return extremeInto(x, n, -1, column(x.length));
}

function extremeInto(x: Float64Array, n: number, sign: 1 | -1, out: Float64Array): Float64Array {
  const dq = new Int32Array(x.length);
  let head = 0,
    tail = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]! * sign;
    while (tail > head && x[dq[tail - 1]!]! * sign <= v) tail--;
    dq[tail++] = i;
    if (dq[head]! <= i - n) head++;
    out[i] = i >= n - 1 ? x[dq[head]!]! : NaN;
  }
  return out;
}

/** True range; the first bar uses high - low. */
export function trueRange(high: Float64Array, low: Float64Array, close: Float64Array): Float64Array {
  return trueRangeInto(high, low, close, column(high.length));
}

function trueRangeInto(high: Float64Array, low: Float64Array, close: Float64Array, out: Float64Array): Float64Array {
  for (let i = 0; i < high.length; i++) {
    const hl = high[i]! - low[i]!;
    out[i] = i === 0 ? hl : Math.max(hl, Math.abs(high[i]! - close[i - 1]!), Math.abs(low[i]! - close[i - 1]!));
  }
  return out;
}

/** Average true range, simple mean over n bars. */
export function atr(high: Float64Array, low: Float64Array, close: Float64Array, n: number): Float64Array {
  checkWindow(n);
  return smaInto(trueRangeInto(high, low, close, plainColumn(high.length)), n, column(high.length));
}

/** Position of the close in the n-bar high-low range, 0..1; 0.5 when the range is 0. */
export function rangePosition(high: Float64Array, low: Float64Array, close: Float64Array, n: number): Float64Array {
  checkWindow(n);
  const hh = extremeInto(high, n, 1, plainColumn(high.length));
  const ll = extremeInto(low, n, -1, plainColumn(low.length));
  const out = column(close.length);
  for (let i = 0; i < close.length; i++) {
    const r = hh[i]! - ll[i]!;
    out[i] = Number.isNaN(r) ? NaN : r > 0 ? (close[i]! - ll[i]!) / r : 0.5;
  }
  return out;
}

/** (high - close) / (high - low) of each bar: 0 at the high, 1 at the low; 0.5 when high = low. */
export function closeVsHigh(high: Float64Array, low: Float64Array, close: Float64Array): Float64Array {
  const out = column(close.length);
  for (let i = 0; i < close.length; i++) {
    const r = high[i]! - low[i]!;
    out[i] = r > 0 ? (high[i]! - close[i]!) / r : 0.5;
  }
  return out;
}

/** Close location value ((c - l) - (h - c)) / (h - l), -1..1; 0 when high = low. */
export function clv(high: Float64Array, low: Float64Array, close: Float64Array): Float64Array {
  const out = column(close.length);
  for (let i = 0; i < close.length; i++) {
    const r = high[i]! - low[i]!;
    out[i] = r > 0 ? (close[i]! - low[i]! - (high[i]! - close[i]!)) / r : 0;
  }
  return out;
}

/** Rolling VWAP of the typical price (h + l + c) / 3 over n bars; the bar's typical price when volume is 0. */
export function vwap(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  volume: Float64Array,
  n: number,
): Float64Array {
  checkWindow(n);
  const out = column(close.length);
  let pv = 0,
    v = 0;
  for (let i = 0; i < close.length; i++) {
    const tp = (high[i]! + low[i]! + close[i]!) / 3;
    pv += tp * volume[i]!;
    v += volume[i]!;
    if (i >= n) {
      const j = i - n;
      pv -= ((high[j]! + low[j]! + close[j]!) / 3) * volume[j]!;
      v -= volume[j]!;
    }
    out[i] = i >= n - 1 ? (v > 0 ? pv / v : tp) : NaN;
  }
  return out;
}

/** (close - EMA) / (k · ATR): position inside Keltner bands, ±1 at the bands; 0 when ATR is 0. */
export function keltnerPosition(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  n: number,
  k: number,
): Float64Array {
  checkWindow(n);
  const mid = emaInto(close, n, plainColumn(close.length));
  const a = smaInto(trueRangeInto(high, low, close, plainColumn(high.length)), n, plainColumn(high.length));
  const out = column(close.length);
  for (let i = 0; i < close.length; i++) {
    const w = k * a[i]!;
    out[i] = Number.isNaN(w) || Number.isNaN(mid[i]!) ? NaN : w > 0 ? (close[i]! - mid[i]!) / w : 0;
  }
  return out;
}

function checkWindow(n: number, min = 1): void {
  if (!Number.isInteger(n) || n < min) throw new RangeError(`indicator window must be an integer >= ${min}, got ${n}`);
}
