// A walk-forward study from the command line, shared by `contango walk-forward` and `contango demo`:
// quiet mode, Ctrl-C handling (exit 130, resumable), the summary table, exit code 3 when tasks failed.
import { runStudyCommand, type StudyCommandResult } from '../../walkforward/index.js';
import { StudyInterrupted } from '../../walkforward/runner.js';
import { applyQuiet, interruptSignal } from '../commands/study-options.js';

export interface StudyCliOptions {
  config: string;
  sets: string[];
  workers?: number | 'auto';
  out?: string;
  fresh?: boolean;
  quiet?: boolean;
  /** where product names are looked up (default configs/products under the cwd) */
  productsDir?: string;
}

/** Runs the study; resolves with its result, or undefined when it was interrupted (exit code set). */
export async function runStudyCli(o: StudyCliOptions): Promise<StudyCommandResult | undefined> {
  applyQuiet(o.quiet);
  const sig = interruptSignal();
  try {
    const r = await runStudyCommand({
      config: o.config,
      sets: o.sets,
      workers: o.workers,
      out: o.out,
      fresh: o.fresh,
      signal: sig.signal,
      productsDir: o.productsDir,
      progress: o.quiet ? 'silent' : undefined,
      print: true,
    });
    if (r.outcome.failures.length) {
      process.stderr.write(`contango: ${r.outcome.failures.length} task(s) failed after a retry (listed above and in ${r.outDir}/metrics.json)\n`);
      process.exitCode = 3;
    }
    return r;
  } catch (e) {
    if (e instanceof StudyInterrupted) {
      process.stderr.write(`contango: ${e.message}\n`);
      process.exitCode = 130;
      return undefined;
    }
    throw e;
  } finally {
    sig.dispose();
  }
}
