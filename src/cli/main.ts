// The `contango` command line: commands are declared under ./commands (cheap to load) and run their
// implementation under ./actions, imported only when the command runs (docs/cli.md).
import { Command } from 'commander';
import { registerCommands } from './commands/index.js';

export async function main(argv: string[]): Promise<void> {
  const program = new Command();
  program
    .name('contango')
    .description(
      'High-performance futures simulation core: L3 matching with CME Globex rules, Databento replay, ' +
        'event-driven backtests and walk-forward studies over WebAssembly kernels.',
    )
    .showHelpAfterError('(run with --help for usage)')
    .version('0.1.0');
  registerCommands(program);
  await program.parseAsync(argv);
}
