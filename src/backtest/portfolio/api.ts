// The portfolio strategy contract (docs/backtest.md "Portfolio backtests"). A portfolio strategy sees every
// instrument of the run at each step of the union timeline (./timeline.ts) and trades each through its own handle.
// A handle is a full single-instrument StrategyContext (its Series read that instrument's closed bars, its orders
// are that instrument's), so a single-instrument strategy can drive one leg unchanged (./adapter.ts).
import type { BacktestStats, BarSeries, Metrics, Trade } from '../api.js';
import type { ProductSpec } from '../product.js';
import type { Fill, ParamSpec, StrategyContext } from '../strategy.js';

/** One instrument as the strategy sees it: a StrategyContext over its own bars, plus its place in the portfolio. */
export interface InstrumentContext extends StrategyContext {
  /** the name given to the run (unique within it) */
  readonly name: string;
  /** the data's symbol (BarSeries.symbol) */
  readonly symbol: string;
  /** position of this instrument in ctx.instruments */
  readonly index: number;
  /** true when this instrument has a bar closing at the current step (else its Series still show its last bar) */
  readonly updated: boolean;
}

/** What a portfolio strategy sees at each step. Money in micro-units, as in StrategyContext. */
export interface PortfolioContext {
  readonly instruments: readonly InstrumentContext[];
  /** the instrument named `name`; an error naming the known ones when there is none */
  instrument(name: string): InstrumentContext;
  /** index of the union-timeline step that just closed (in onFill: the step whose bars are filling) */
  readonly step: number;
  /** open time of that step, ns */
  readonly ts: bigint;
  /** cash + unrealized PnL of every position at its last close */
  readonly equity: number;
  readonly cash: number;
  /** true when the risk guards allow only reducing orders (on every instrument) */
  readonly halted: boolean;
  readonly params: Readonly<Record<string, number>>;
}

/** A fill as a portfolio strategy sees it: the single-instrument Fill plus which instrument (a reused object). */
export interface PortfolioFill extends Fill {
  instrument: string;
  /** index in ctx.instruments */
  index: number;
}

export interface PortfolioStrategy {
  init?(ctx: PortfolioContext): void;
  /** after every step of the union timeline closes (instruments without a bar at it have `updated` false) */
  onBar(ctx: PortfolioContext): void;
  onFill?(ctx: PortfolioContext, fill: PortfolioFill): void;
  onEnd?(ctx: PortfolioContext): void;
}

export interface PortfolioStrategyModule {
  name: string;
  description: string;
  params: ParamSpec[];
  create(params: Record<string, number>): PortfolioStrategy;
  /**
   * Bars of EACH instrument before the window that onBar must see (as StrategyModule.warmupBars): the warm-up
   * starts at the earliest step from which every instrument shows that many bars. Omitted: every step from the first.
   */
  warmupBars?(params: Record<string, number>): number | undefined;
}

/** One instrument of a run: a name unique in the run, its bars and its product. */
export interface PortfolioInstrument {
  name: string;
  bars: BarSeries;
  product: ProductSpec;
}

/** A trade with the name of the instrument it was made on (Trade.symbol is the product's symbol, as at L2). */
export interface PortfolioTrade extends Trade {
  instrument: string;
}

export interface InstrumentStats {
  name: string;
  symbol: string;
  /** bars of this instrument inside the window */
  bars: number;
  orders: number;
  fills: number;
  /** signed lots at the end (0 when execution.closeAtEnd) */
  finalPosition: number;
}

export interface PortfolioResult {
  metrics: Metrics;
  /** one point per union-timeline step of the window */
  equity: { ts: BigInt64Array; equity: Float64Array };
  trades: PortfolioTrade[];
  /** as BacktestStats, over the whole portfolio (bars = union steps; riskFlattens counts flattened positions) */
  stats: BacktestStats & { instruments: InstrumentStats[] };
}
