// Registry of CLI commands. Each command lives in its own file and exports `register(program)`.
import type { Command } from 'commander';
import { register as convert } from './convert.js';

type Register = (program: Command) => void;

const commands: Register[] = [
  // (commands are appended here, one import each)
  convert,
];

export function registerCommands(program: Command): void {
  for (const register of commands) register(program);
}
