// `contango demo` (what `npm start` runs): a walk-forward study on the bundled ES sample data with the
// example config, finishing in well under a minute on a 2-core machine. Paths resolve from the package,
// so it works from any directory; results go to ./results/demo unless --out says otherwise.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { runStudyCommand } from '../../walkforward/index.js';
import { StudyInterrupted } from '../../walkforward/runner.js';
import { applyQuiet, interruptSignal, parseWorkers } from './study-options.js';

/** The package root: dist/src/cli/commands/ is four levels below it (src/cli/commands/ three, in tests). */
export function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    dir = path.dirname(dir);
  }
  throw new Error('cannot find the contango package root');
}

export function register(program: Command): void {
  program
    .command('demo')
    .description(
      'Walk-forward demo on the bundled sample data (configs/es-study.yaml over data/es-ohlcv-1m.parquet): ' +
        'folds, a parameter grid on a worker pool, the summary table, and results with report.html.',
    )
    .option('-w, --workers <n>', 'worker threads: an integer or "auto" (available cores − 1, at least 1)', parseWorkers)
    .option('--config <file>', 'another example config', 'configs/es-study.yaml')
    .option('--out <dir>', 'results directory', path.join('results', 'demo'))
    .option('-q, --quiet', 'no progress output, warnings only')
    .action(async (o: { workers?: number | 'auto'; config: string; out: string; quiet?: boolean }) => {
      applyQuiet(o.quiet);
      const root = packageRoot();
      const config = path.isAbsolute(o.config) || existsSync(o.config) ? o.config : path.join(root, o.config);
      const sig = interruptSignal();
      try {
        const { parse } = await import('yaml');
        const { readFileSync } = await import('node:fs');
        const raw = parse(readFileSync(config, 'utf8')) as { data?: { bars?: string } };
        const bars = raw.data?.bars ?? '';
        const sets = bars && !path.isAbsolute(bars) && !existsSync(bars) ? [`data.bars=${JSON.stringify(path.join(root, bars))}`] : [];
        const r = await runStudyCommand({
          config,
          sets,
          workers: o.workers,
          out: o.out,
          fresh: true, // a demo always starts over
          signal: sig.signal,
          productsDir: path.join(root, 'configs', 'products'),
          progress: o.quiet ? 'silent' : undefined,
          print: true,
        });
        process.stdout.write(`\nreport: ${path.join(r.outDir, 'report.html')}\n`);
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
