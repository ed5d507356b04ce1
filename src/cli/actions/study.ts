// A walk-forward study from the command line, shared by `contango walk-forward` and `contango demo`:
// quiet mode, Ctrl-C handling (exit 130, resumable), the summary table, exit code 3 when tasks failed.
//
// The worker pool starts first, before the study's modules load (config schemas, data readers, the engine: ~0.6 s
// in a fresh process): the threads boot on the other core meanwhile instead of after it.
import { readFileSync } from 'node:fs';
import type { StudyCommandResult } from '../../walkforward/index.js';
import { BacktestPool, resolveWorkers } from '../../walkforward/pool.js';
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

/**
 * The pool size the study will ask for, read before the config is loaded: --workers, else a `--set workers=` override,
 * else the config file's top-level `workers:` line. Anything unclear gives undefined (no early pool: the study
 * then starts its own once the config is validated, and reports what is wrong with it); a guess that the validated
 * config contradicts is replaced by a pool of the right size (runStudyCommand).
 */
export function peekWorkers(config: string, sets: readonly string[], flag: number | 'auto' | undefined): number | undefined {
  let v: string | undefined;
  for (const s of sets) if (s.startsWith('workers=')) v = s.slice('workers='.length).trim();
  if (flag !== undefined) v = String(flag); // the flag is applied after the --set overrides
  if (v === undefined) {
    let text: string;
    try {
      text = readFileSync(config, 'utf8');
    } catch {
      return undefined;
    }
    const m = /^workers:[ \t]*([^\s#]+)[ \t]*(?:#.*)?$/m.exec(text);
    v = m ? m[1]!.replace(/^["']|["']$/g, '') : 'auto';
  }
  if (v === 'auto') return resolveWorkers('auto');
  const n = Number(v);
  return Number.isInteger(n) && n >= 1 ? n : undefined;
}

/** Runs the study; resolves with its result, or undefined when it was interrupted (exit code set). */
export async function runStudyCli(o: StudyCliOptions): Promise<StudyCommandResult | undefined> {
  applyQuiet(o.quiet);
  const size = peekWorkers(o.config, o.sets, o.workers);
  const pool = size !== undefined ? new BacktestPool(size) : undefined;
  const sig = interruptSignal();
  try {
    const [{ runStudyCommand }, { StudyInterrupted }] = await Promise.all([import('../../walkforward/index.js'), import('../../walkforward/runner.js')]);
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
        pool,
        closePool: true,
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
    }
  } finally {
    sig.dispose();
    await pool?.close(); // after a config error, say; a finished study has closed it already
  }
}
