// `contango demo` (what `npm start` runs): a walk-forward study on the bundled ES sample data with the
// example config, finishing in well under a minute on a 2-core machine. Paths resolve from the package,
// so it works from any directory; results go to ./results/demo unless --out says otherwise.
// The study itself is `contango walk-forward`'s (src/cli/actions/study.ts), loaded when the command runs.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { addWorkersOption } from './study-options.js';

interface DemoOptions {
  workers?: number | 'auto';
  config: string;
  out: string;
  quiet?: boolean;
}

/** The package root: dist/src/cli/commands/ is four levels below it (src/cli/commands/ three, in tests). */
export function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    dir = path.dirname(dir);
  }
  throw new Error('cannot find the contango package root');
}

async function runDemo(o: DemoOptions): Promise<void> {
  const root = packageRoot();
  const config = path.isAbsolute(o.config) || existsSync(o.config) ? o.config : path.join(root, o.config);
  // the example configs name their data relative to the package: point data.bars there when run elsewhere
  const { parse } = await import('yaml');
  const raw = parse(readFileSync(config, 'utf8')) as { data?: { bars?: string } };
  const bars = raw.data?.bars ?? '';
  const sets = bars && !path.isAbsolute(bars) && !existsSync(bars) ? [`data.bars=${JSON.stringify(path.join(root, bars))}`] : [];
  const { runStudyCli } = await import('../actions/study.js');
  const r = await runStudyCli({
    config,
    sets,
    workers: o.workers,
    out: o.out,
    fresh: true, // a demo always starts over
    quiet: o.quiet,
    productsDir: path.join(root, 'configs', 'products'),
  });
  if (r) process.stdout.write(`\nreport: ${path.join(r.outDir, 'report.html')}\n`);
}

export function register(program: Command): void {
  const cmd = program
    .command('demo')
    .summary('what `npm start` runs: a walk-forward study on the bundled sample data')
    .description(
      'Walk-forward demo on the bundled sample data (configs/es-study.yaml over data/es-ohlcv-1m.parquet): ' +
        'folds, a parameter grid on a worker pool, the summary table, and results with report.html.',
    );
  addWorkersOption(cmd)
    .option('--config <file>', 'another example config', 'configs/es-study.yaml')
    .option('--out <dir>', 'results directory', path.join('results', 'demo'))
    .option('-q, --quiet', 'no progress output, warnings only')
    .action(runDemo);
}
