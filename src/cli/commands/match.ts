// `contango match [file]`: JSON-lines order-book commands (docs/jsonl.md) through the WebAssembly engine or the
// TypeScript reference book, one JSON event per line out. Declaration only: the runner
// (src/cli/actions/match.ts) loads when the command runs.
import type { Command } from 'commander';

export interface MatchCliOptions {
  engine: string;
  debugBuild?: boolean;
  strict?: boolean;
}

export function register(program: Command): void {
  program
    .command('match')
    .summary('JSON-lines order-book commands in, one JSON event per line out (docs/jsonl.md)')
    .description(
      'Run JSON-lines order-book commands (one JSON object per line: instrument definitions, orders,\n' +
        'modifies, cancels, mass cancels, state changes, session ends, time advances) through the matching\n' +
        'engine and write one JSON event per line to stdout. Schema and examples: docs/jsonl.md.',
    )
    .argument('[file]', 'input file of JSON lines (default: stdin)')
    .option('--engine <engine>', 'wasm (the WebAssembly engine) or reference (the TypeScript reference book)', 'wasm')
    .option('--debug-build', 'load the debug WebAssembly build (assertions on) instead of the release build')
    .option('--strict', 'stop at the first malformed line with exit code 2 (default: report it and go on)')
    .action(async (file: string | undefined, opts: MatchCliOptions) => {
      const { runMatchCommand } = await import('../actions/match.js');
      await runMatchCommand(file, opts);
    });
}
