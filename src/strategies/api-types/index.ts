// What `import type { … } from 'contango'` gives a user strategy file. The type check of user strategies
// (../typecheck.ts) maps the module name 'contango' to this file, so a strategy is checked against the engine's real
// types, not a copy. Types only: at run time the import is elided by the transpiler (../ts-compile.ts), and a value
// import from here is a type error ("cannot be used as a value because it was exported using 'export type'"),
// because there is no 'contango' module to load at run time.
import type { PortfolioStrategyModule as EnginePortfolioModule } from '../../backtest/portfolio/api.js';
import type { StrategyModule } from '../../backtest/strategy.js';

export type {
  Cursor,
  Fill,
  IndicatorFactory,
  OrderOptions,
  OrderType,
  ParamSpec,
  Series,
  Strategy,
  StrategyContext,
  StrategyModule,
} from '../../backtest/strategy.js';
export type {
  InstrumentContext,
  PortfolioContext,
  PortfolioFill,
  PortfolioStrategy,
} from '../../backtest/portfolio/api.js';
export type { BookState } from '../../backtest/book.js';
export type { ProductSpec, SessionSpec } from '../../backtest/product.js';

/** A factory exported as default or as `createStrategy` (its parameters pass through unchecked). */
export type StrategyFactory = StrategyModule['create'];

/**
 * A module object exported as default: `create` is required; a missing name, description or params list is filled
 * in by the loader (src/strategies/user-module.ts asModule).
 */
export type StrategyModuleExport = Pick<StrategyModule, 'create'> &
  Partial<Pick<StrategyModule, 'name' | 'description' | 'params' | 'warmupBars'>> & {
    /** no kind: a single-instrument strategy (`kind` is what tells the two module kinds apart) */
    kind?: undefined;
  };

/**
 * A portfolio strategy module as a file declares it: the engine's PortfolioStrategyModule plus `kind: 'portfolio'`,
 * the marker that tells the loader (src/strategies/user-module.ts) the default export is a portfolio strategy. It is
 * required here so that a typed module cannot forget it (without it the file would be run as a single-instrument
 * strategy on each instrument).
 */
export type PortfolioStrategyModule = EnginePortfolioModule & { kind: 'portfolio' };

/**
 * A portfolio module exported as default: `kind: 'portfolio'` and `create` are required; name, description and
 * params are filled in by the loader when missing.
 */
export type PortfolioModuleExport = Pick<PortfolioStrategyModule, 'kind' | 'create'> &
  Partial<Pick<PortfolioStrategyModule, 'name' | 'description' | 'params' | 'warmupBars'>>;

/** A single-instrument default export: a module object or a factory. */
export type SingleStrategyExport = StrategyModuleExport | StrategyFactory;

/** What a strategy file's default export may be: single-instrument, or a portfolio module. */
export type StrategyExport = SingleStrategyExport | PortfolioModuleExport;
