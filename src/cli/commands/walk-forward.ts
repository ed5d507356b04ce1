// `contango walk-forward --config configs/<name>.yaml`: a walk-forward parameter study over the pool.
import type { Command } from 'commander';
import { StudyInterrupted } from '../../walkforward/runner.js';
import { runStudyCommand } from '../../walkforward/index.js';
import { addCommonOptions, applyQuiet, interruptSignal, parseWorkers } from './study-options.js';

interface Opts {
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
    .description(
      'Run a walk-forward study: per fold, search the parameter grid (or a seeded random sample) in sample, ' +
        'run the best set out of sample, stitch the out-of-sample equity. Tasks fan out over a worker pool; ' +
        'results (metrics.json, folds.json, trades/equity parquet, report.html) go to the results directory. ' +
        'An interrupted study resumes when run again with the same config and --out.',
    )
    .requiredOption('-c, --config <file>', 'study config (YAML), e.g. configs/es-study.yaml; see docs/walk-forward.md')
    .option('-w, --workers <n>', 'worker threads: an integer or "auto" (available cores − 1, at least 1)', parseWorkers)
    .option('--fresh', 'discard results already in the results directory instead of resuming');
  addCommonOptions(cmd).action(async (o: Opts) => {
    applyQuiet(o.quiet);
    const sig = interruptSignal();
    try {
      const r = await runStudyCommand({
        config: o.config,
        sets: o.set,
        workers: o.workers,
        out: o.out,
        fresh: o.fresh,
        signal: sig.signal,
        progress: o.quiet ? 'silent' : undefined,
        print: true,
      });
      if (r.outcome.failures.length) {
        process.stderr.write(`contango: ${r.outcome.failures.length} task(s) failed after a retry (listed above and in ${r.outDir}/metrics.json)\n`);
        process.exitCode = 3;
      }
    } catch (e) {
      if (e instanceof StudyInterrupted) {
        process.stderr.write(`contango: ${e.message}\n`);
        process.exitCode = 130;
        return;
      }
      throw e;
    } finally {
      sig.dispose();
    }
  });
}
