// The strategy interface. A strategy is a module (built-in, or a .js/.mjs/.ts file the user names) whose
// factory gets the parameters and returns an object with callbacks:
//   init(ctx)        once, before the first bar: build indicators with ctx.ind (causal, whole series)
//   onBar(ctx)       after every bar of the trading window closes; ctx.bar is that bar's index
//   onFill(ctx, f)   after each of its fills (the Fill object is reused: copy what you keep)
//   onEnd(ctx)       after the last bar
// Data is visible only through Series handles whose at(k) reads k bars back from the bar that just
// closed; a negative k (the future) throws. Orders placed in onBar(t) fill at bar t+1 at the earliest.
// At L3 (replayed MBO book, src/backtest/l3-engine.ts) the engine calls onBook(ctx) instead of onBar at each
// book update; ctx.book holds the levels, the order API and onFill are the same.
import * as I from '../strategies/indicators.js';
import type { BookState } from './book.js';
import type { ProductSpec } from './product.js';

/** Cursor shared by the engine and every Series: the index of the bar that has just closed. */
export interface Cursor {
  bar: number;
}

// NaN read from a typed array: returning the literal NaN from at() made V8 box the result on every call
// (a heap number per bar, garbage the GC then had to collect); a double loaded from memory is not boxed.
const NAN = new Float64Array([NaN]);

/** A read-only, look-ahead-proof view of one column. */
export class Series {
  readonly #a: Float64Array;
  readonly #c: Cursor;
  constructor(a: Float64Array, c: Cursor) {
    this.#a = a;
    this.#c = c;
  }
  /** value k bars before the bar that just closed (k = 0: that bar); NaN before the first bar */
  at(k = 0): number {
    if (k < 0) throw new RangeError(`Series.at(${k}): the future is not visible to a strategy`);
    const j = this.#c.bar - k;
    return j >= 0 ? this.#a[j]! : NAN[0]!;
  }
  /** engine and indicator plumbing only */
  static raw(s: Series): Float64Array {
    return s.#a;
  }
}

/** Indicator helpers bound to the engine's cursor: each returns a Series (see src/strategies/indicators.ts). */
export class IndicatorFactory {
  constructor(private readonly c: Cursor) {}
  private w(a: Float64Array): Series {
    return new Series(a, this.c);
  }
  sma = (x: Series, n: number) => this.w(I.sma(Series.raw(x), n));
  ema = (x: Series, n: number) => this.w(I.ema(Series.raw(x), n));
  std = (x: Series, n: number) => this.w(I.rollingStd(Series.raw(x), n));
  zscore = (x: Series, n: number) => this.w(I.zscore(Series.raw(x), n));
  bollingerPctB = (x: Series, n: number, k: number) => this.w(I.bollingerPctB(Series.raw(x), n, k));
  roc = (x: Series, n: number) => this.w(I.roc(Series.raw(x), n));
  rsi = (x: Series, n: number) => this.w(I.rsi(Series.raw(x), n));
  highest = (x: Series, n: number) => this.w(I.highest(Series.raw(x), n));
  lowest = (x: Series, n: number) => this.w(I.lowest(Series.raw(x), n));
  shift = (x: Series, k = 1) => this.w(I.shift(Series.raw(x), k));
  atr = (h: Series, l: Series, c: Series, n: number) => this.w(I.atr(Series.raw(h), Series.raw(l), Series.raw(c), n));
  rangePosition = (h: Series, l: Series, c: Series, n: number) =>
    this.w(I.rangePosition(Series.raw(h), Series.raw(l), Series.raw(c), n));
  clv = (h: Series, l: Series, c: Series) => this.w(I.clv(Series.raw(h), Series.raw(l), Series.raw(c)));
  vwap = (h: Series, l: Series, c: Series, v: Series, n: number) =>
    this.w(I.vwap(Series.raw(h), Series.raw(l), Series.raw(c), Series.raw(v), n));
  /** a derived column from others, computed elementwise (f sees index i's values only) */
  map = (f: (...v: number[]) => number, ...xs: Series[]) => {
    const raws = xs.map(Series.raw);
    const n = raws[0]?.length ?? 0;
    const out = new Float64Array(n);
    const args = new Array<number>(raws.length);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < raws.length; j++) args[j] = raws[j]![i]!;
      out[i] = f(...args);
    }
    return this.w(out);
  };
}

export type OrderType = 'market' | 'limit' | 'stop';

export interface OrderOptions {
  type?: OrderType;
  /** limit price or stop trigger, integer ticks */
  price?: number;
}

/** One execution, as the strategy sees it (a reused object: copy fields you keep). */
export interface Fill {
  orderId: number;
  side: 1 | -1;
  qty: number;
  /** reference price in ticks (bar open, limit price, stop trigger or gap open) */
  price: number;
  /** half-spread + impact paid, ticks per lot */
  slippageTicks: number;
  /** fee in money micro-units */
  fee: number;
  /** L2: the bar it filled on; L3: the index of the book update it is delivered with */
  bar: number;
  maker: boolean;
  /** 'order' | 'risk' (a guard flattened the position) | 'end' (end of the window) */
  reason: 'order' | 'risk' | 'end';
  /** lots of the order the risk guards refused (position/margin/exposure limits) */
  refused: number;
}

export interface StrategyContext {
  /** index of the bar that just closed */
  readonly bar: number;
  readonly open: Series;
  readonly high: Series;
  readonly low: Series;
  readonly close: Series;
  readonly volume: Series;
  /** perpetuals: mark price (ticks) and funding rate (parts per 1e8); null when the series has none */
  readonly mark: Series | null;
  readonly fundingRate: Series | null;
  readonly ind: IndicatorFactory;
  readonly product: ProductSpec;
  readonly params: Readonly<Record<string, number>>;
  /** signed lots */
  readonly position: number;
  /** average entry price of the open position, ticks (NaN when flat) */
  readonly entryPrice: number;
  /** money micro-units: cash + unrealized at the last close */
  readonly equity: number;
  readonly cash: number;
  /** true when the risk guards allow only reducing orders (daily/weekly loss, kill switch, 24 h funding limit) */
  readonly halted: boolean;
  /** the volatility-targeting scale the engine applies to increases (1 when off) */
  readonly volScale: number;
  /** open time of the bar k bars back, ns */
  tsNs(k?: number): bigint;
  buy(qty: number, opts?: OrderOptions): number;
  sell(qty: number, opts?: OrderOptions): number;
  cancel(id: number): boolean;
  modify(id: number, change: { qty?: number; price?: number }): boolean;
  cancelAll(): void;
  /** market order closing the whole position (cancels other orders first); 0 when flat */
  flatten(): number;
  readonly openOrders: number;
  /** L3 only: the replayed book at this update (null at L2) */
  readonly book: BookState | null;
}

export interface Strategy {
  init?(ctx: StrategyContext): void;
  /** L2 (bars): after each bar closes. Required at L2. */
  onBar?(ctx: StrategyContext): void;
  /** L3 (MBO): after each book update (execution.l3.cadence). Required at L3. */
  onBook?(ctx: StrategyContext): void;
  onFill?(ctx: StrategyContext, fill: Fill): void;
  onEnd?(ctx: StrategyContext): void;
}

/** Documented parameter: default and allowed range (checked before a run). */
export interface ParamSpec {
  name: string;
  default: number;
  min: number;
  max: number;
  integer?: boolean;
  description: string;
}

export interface StrategyModule {
  name: string;
  description: string;
  params: ParamSpec[];
  create(params: Record<string, number>): Strategy;
  /**
   * How many bars before the trading window onBar must see for its decisions to be exactly those of a run that
   * started at the first bar. The engine starts the warm-up there instead of at the first bar: in a walk-forward
   * study the warm-up is most of a task's bars. Declare it only when it is true: indicators (ctx.ind) are
   * computed over the whole series whatever the start, and the position is flat with no orders during warm-up,
   * so a strategy whose own state while flat depends on the last k bars only can return k (at least 1: the
   * last warm-up bar may place the order that fills at the window's first open). Omitted: every bar from the
   * first (always exact). test/backtest/warmup.test.ts checks each built-in's declaration against a full run.
   */
  warmupBars?(params: Record<string, number>): number;
  /** a user factory without declared parameters: params are passed through unchecked */
  passThrough?: boolean;
}

/** What resolveParams reads of a module: a single-instrument or a portfolio module both have it. */
export type ParamsOwner = Pick<StrategyModule, 'name' | 'params' | 'passThrough'>;

/** Fill defaults and check ranges; unknown names and out-of-range values are errors naming the parameter. */
export function resolveParams(mod: ParamsOwner, given: Record<string, number>): Record<string, number> {
  if (mod.passThrough) return { ...given };
  const out: Record<string, number> = {};
  const known = new Set(mod.params.map((p) => p.name));
  for (const k of Object.keys(given)) {
    if (!known.has(k)) {
      throw new Error(`strategy ${mod.name}: unknown parameter "${k}"; allowed: ${[...known].join(', ') || '(none)'}`);
    }
  }
  for (const p of mod.params) {
    const v = given[p.name] ?? p.default;
    if (typeof v !== 'number' || Number.isNaN(v) || v < p.min || v > p.max || (p.integer && !Number.isInteger(v))) {
      throw new Error(
        `strategy ${mod.name}: parameter ${p.name} = ${String(v)}; allowed: ${p.integer ? 'an integer ' : ''}from ${p.min} to ${p.max}`,
      );
    }
    out[p.name] = v;
  }
  return out;
}
