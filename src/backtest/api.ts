// The contract between the backtest engine (src/backtest) and whoever runs backtests (the CLI,
// the walk-forward orchestrator, Piscina workers). Everything a worker needs crosses as plain data:
// a task is structured-cloneable, large arrays travel as transferable typed arrays.

/** One-minute (or any fixed-timeframe) bars for one instrument, columnar. Prices in integer ticks. */
export interface BarSeries {
  symbol: string;
  /** bar open time, ns since epoch */
  ts: BigInt64Array;
  open: Float64Array; // integer ticks
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array; // lots
  /** bar length in nanoseconds (60e9 for one-minute bars); drives annualization */
  barNs: number;
  /** perpetuals only: mark price in ticks and the funding rate (parts per 1e8) effective at each bar */
  mark?: Float64Array;
  fundingRate?: Float64Array;
  /**
   * Set when this series is the first ts.length rows of `parent` (every column a view of the parent's column at
   * offset 0: a walk-forward worker cuts its bars at each window's end). The engine then does its per-series
   * work — validation, trading calendar, sigma/ADV, indicators — once on the parent and reuses it for every
   * prefix (src/backtest/prefix-view.ts). Checked, not trusted: a parent whose memory the columns don't
   * share is ignored.
   */
  parent?: BarSeries;
}

/** What one backtest needs: the product, the strategy and its parameters, the window to trade. */
export interface BacktestTask {
  /** resolved, validated config (see src/config) as plain JSON */
  config: unknown;
  strategy: string; // built-in name or a path to a module
  params: Record<string, number>;
  /** trading window [start, end) in ns since epoch; bars before start are warm-up only */
  startNs: bigint;
  endNs: bigint;
  /** tags for reporting: fold index and 'is' (in-sample) or 'oos' */
  fold?: number;
  phase?: 'is' | 'oos';
}

export interface Metrics {
  totalReturn: number;
  annualizedReturn: number;
  volatility: number;
  sharpe: number;
  sortino: number;
  maxDrawdown: number;
  maxDrawdownDurationNs: number;
  calmar: number;
  winRate: number;
  profitFactor: number;
  averageTrade: number;
  exposure: number;
  turnover: number;
  feesPaid: number; // money units (docs/scales.md)
  fundingPaid: number; // money units
  trades: number;
  /** half-spread + impact paid on aggressive fills, money units (added by the engine; optional for older results) */
  slippagePaid?: number;
  /** return periods per year used to annualize (bars per trading day × trading days per year) */
  periodsPerYear?: number;
}

export interface Trade {
  symbol: string;
  side: 1 | -1;
  entryTs: bigint;
  exitTs: bigint;
  qty: number;
  entryPrice: number; // ticks
  exitPrice: number; // ticks
  pnl: number; // money units, after fees
  fees: number; // money units
  /** half-spread + impact of the entry and exit fills, money units (included in pnl) */
  slippage?: number;
  /** funding paid (+) or received (-) while open, money units (included in pnl) */
  funding?: number;
}

export interface BacktestResult {
  metrics: Metrics;
  /** equity in money units, one point per bar; `ts` may be a view of the bars' own timestamps (copy before transferring) */
  equity: { ts: BigInt64Array; equity: Float64Array };
  trades: Trade[];
  /** what the engine did besides trading: guards that fired, refused lots, settlements (optional) */
  stats?: BacktestStats;
}

export interface BacktestStats {
  bars: number;
  orders: number;
  fills: number;
  /** lots the risk guards refused (position, margin, exposure limits) */
  refusedLots: number;
  /** times a guard flattened the position: daily/weekly loss, maintenance margin, kill switch */
  riskFlattens: number;
  /** why and when the kill switch tripped, if it did */
  killSwitch: { reason: string; ts: bigint } | null;
  variationMargin: number; // money units, net credited
  /** what the risk guards saw: refused lots by limit, margin-ratio levels, leverage, 24 h funding (src/backtest/risk.ts) */
  risk?: import('./risk.js').RiskReport;
  finalEquity: number; // money units
  /** L3 runs: book updates delivered, orders and cancels sent, maker/taker fills (bars = equity points) */
  l3?: import('./l3-engine.js').L3Stats;
}

/** MBO records for an L3 backtest: DBN/parquet/cache batches in file order (src/backtest/mbo-data.ts). */
export interface MboData {
  /** the source file, for messages and reports */
  file: string;
  batches: readonly import('../data/batch.js').ColumnBatch[];
}

