// What `import type { … } from 'contango'` gives a user strategy file. The type check of user strategies
// (../typecheck.ts) maps the module name 'contango' to this file, so a strategy is checked against the engine's real
// types, not a copy. Types only: at run time the import is elided by the transpiler (../ts-compile.ts), and a value
// import from here is a type error ("cannot be used as a value because it was exported using 'export type'"),
// because there is no 'contango' module to load at run time.
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
export type { BookState } from '../../backtest/book.js';
export type { ProductSpec, SessionSpec } from '../../backtest/product.js';

/** A factory exported as default or as `createStrategy` (its parameters pass through unchecked). */
export type StrategyFactory = StrategyModule['create'];

/**
 * A module object exported as default: `create` is required; a missing name, description or params list is filled
 * in by the loader (src/strategies/user-module.ts asModule).
 */
export type StrategyModuleExport = Pick<StrategyModule, 'create'> & Partial<Pick<StrategyModule, 'name' | 'description' | 'params'>>;

/** What a strategy file's default export may be. */
export type StrategyExport = StrategyModuleExport | StrategyFactory;
