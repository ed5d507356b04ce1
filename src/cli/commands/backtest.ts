// `contango backtest --config configs/<name>.yaml`: one backtest of the config's strategy with its fixed
// parameters (`strategy.params`) over the data, or over `window` / --start / --end. Runs in-process.
// Declaration only: the implementation (src/cli/actions/backtest.ts) loads when the command runs.
import type { Command } from 'commander';
import { addCommonOptions } from './study-options.js';

export interface BacktestOptions {
  config: string;
  set: string[];
  out?: string;
  start?: string;
  end?: string;
  quiet?: boolean;
}

export function register(program: Command): void {
  const cmd = program
    .command('backtest')
    .summary('one backtest of a strategy with fixed parameters, on bars (L2, one instrument or a portfolio) or MBO (L3)')
    .description(
      'Run one backtest of the config\'s strategy with its fixed parameters (strategy.params) and write ' +
        'metrics.json, trades.parquet, equity.parquet and report.html to the results directory. Bar data (data.bars) ' +
        'runs at L2; MBO data (data.mbo, execution.level L3) replays the order book with the strategy\'s orders in ' +
        'the real queues, e.g. configs/es-l3.yaml. A config with `instruments` (several bar series, each with its ' +
        'product) runs a portfolio at L2: one account and one set of risk guards over all of them, e.g. ' +
        'configs/es-nq-portfolio.yaml (strategy pairs, rotation, or a single-instrument built-in on each instrument).',
    )
    .requiredOption('-c, --config <file>', 'study/backtest config (YAML), e.g. configs/es-study.yaml (L2) or configs/es-l3.yaml (L3)')
    .option('--start <date>', 'start of the traded window (ISO date or date-time, UTC); earlier data is warm-up: bars for indicators, MBO to build the book (overrides window.start)')
    .option('--end <date>', 'end of the window, exclusive (overrides window.end)');
  addCommonOptions(cmd).action(async (o: BacktestOptions) => {
    const { runBacktestCommand } = await import('../actions/backtest.js');
    await runBacktestCommand(o);
  });
}
