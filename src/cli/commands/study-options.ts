// Options shared by `backtest`, `walk-forward` and `demo`. Loaded at start-up by every `contango` run, so it
// imports nothing heavy (the logger only).
import type { Command } from 'commander';
import { setLogLevel } from '../../util/log.js';

export const collect = (v: string, prev: string[] = []) => [...prev, v];

export function parseWorkers(v: string): number | 'auto' {
  if (v === 'auto') return 'auto';
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--workers: found "${v}"; allowed: "auto" or an integer >= 1`);
  return n;
}

export function addCommonOptions(cmd: Command): Command {
  return cmd
    .option('--set <key=value>', 'override a config key (dotted path, YAML value), e.g. --set folds.train=60d; repeatable', collect, [])
    .option('--out <dir>', 'results directory (overrides the config key `out`)')
    .option('-q, --quiet', 'no progress output, warnings only');
}

export function addWorkersOption(cmd: Command): Command {
  return cmd.option('-w, --workers <n>', 'worker threads: an integer or "auto" (available cores − 1, at least 1)', parseWorkers);
}

export function applyQuiet(quiet: boolean | undefined): void {
  if (quiet) setLogLevel('warn');
}

/** Abort on the first Ctrl-C (finish journaling, exit resumable); a second one exits at once. */
export function interruptSignal(): { signal: AbortSignal; dispose: () => void } {
  const ac = new AbortController();
  let count = 0;
  const onSig = () => {
    count++;
    if (count === 1) {
      process.stderr.write('\ninterrupting: finishing the journal (Ctrl-C again to exit now)\n');
      ac.abort(new Error('interrupted'));
    } else process.exit(130);
  };
  process.on('SIGINT', onSig);
  process.on('SIGTERM', onSig);
  return {
    signal: ac.signal,
    dispose: () => {
      process.off('SIGINT', onSig);
      process.off('SIGTERM', onSig);
    },
  };
}
