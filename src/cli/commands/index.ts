// Registry of CLI commands. Each command lives in its own file and exports `register(program)`, which only
// declares the command (name, description, arguments, options): these files import commander, node builtins
// and types, nothing else, so `contango --help` starts fast. The implementation (src/cli/actions/, or the
// library itself) is imported by the command's action when it runs. test/cli/startup.test.ts checks both.
import type { Command } from 'commander';
import { register as match } from './match.js';
import { register as replay } from './replay.js';
import { register as convert } from './convert.js';
import { register as backtest } from './backtest.js';
import { register as walkForward } from './walk-forward.js';
import { register as generate } from './generate.js';
import { register as demo } from './demo.js';

type Register = (program: Command) => void;

/** In the order `contango --help` lists them (the README's order). */
const commands: Register[] = [match, replay, convert, backtest, walkForward, generate, demo];

export function registerCommands(program: Command): void {
  for (const register of commands) register(program);
}
