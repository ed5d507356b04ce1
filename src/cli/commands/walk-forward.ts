// `contango walk-forward --config configs/<name>.yaml`: a walk-forward parameter study over the pool.
// Declaration only: the study runs through src/cli/actions/study.ts, loaded when the command runs.
import type { Command } from 'commander';
import { addCommonOptions, addWorkersOption } from './study-options.js';

export interface WalkForwardOptions {
  config: string;
  set: string[];
  out?: string;
  workers?: number | 'auto';
  fresh?: boolean;
  quiet?: boolean;
}

export function register(program: Command): void {
  const cmd = program
    .command('walk-forward')
    .summary('a walk-forward study over a worker pool; resumes when interrupted')
    .description(
      'Run a walk-forward study: folds over the data (or over the config\'s window, e.g. --set window.start=2024-01-15; ' +
        'earlier data is warm-up); per fold, search the parameter grid (or a seeded random sample) in sample, ' +
        'run the best set out of sample, stitch the out-of-sample equity. Tasks fan out over a worker pool; ' +
        'results (metrics.json, folds.json, trades/equity parquet, report.html) go to the results directory. ' +
        'An interrupted study resumes when run again with the same config and --out. A portfolio config (instruments: …, ' +
        'e.g. configs/es-nq-portfolio.yaml) runs one portfolio backtest per task, its parameters searched the same way.',
    )
    .requiredOption('-c, --config <file>', 'study config (YAML), e.g. configs/es-study.yaml; see docs/walk-forward.md');
  addWorkersOption(cmd).option('--fresh', 'discard results already in the results directory instead of resuming');
  addCommonOptions(cmd).action(async (o: WalkForwardOptions) => {
    const { runStudyCli } = await import('../actions/study.js');
    await runStudyCli({ config: o.config, sets: o.set, workers: o.workers, out: o.out, fresh: o.fresh, quiet: o.quiet });
  });
}
