// Registry of CLI commands. Each command lives in its own file and exports `register(program)`.
import type { Command } from 'commander';
import { register as convert } from './convert.js';
import { register as backtest } from './backtest.js';
import { register as walkForward } from './walk-forward.js';
import { register as generate } from './generate.js';
import { register as demo } from './demo.js';
import { register as match } from './match.js';
import { register as replay } from './replay.js';

type Register = (program: Command) => void;

const commands: Register[] = [
  // (commands are appended here, one import each)
  convert,
  backtest,
  walkForward,
  generate,
  demo,
  match,
  replay,
];

export function registerCommands(program: Command): void {
  for (const register of commands) register(program);
}
