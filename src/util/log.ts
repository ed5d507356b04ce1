// Minimal leveled logger on stderr (stdout stays for results: tables, JSON). Quiet mode keeps warnings.
export type Level = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

let threshold: Level = 'info';

export function setLogLevel(level: Level): void {
  threshold = level;
}

function write(level: Level, msg: string): void {
  if (ORDER[level] < ORDER[threshold]) return;
  const stamp = new Date().toISOString().slice(11, 19);
  process.stderr.write(`${stamp} ${level === 'info' ? '' : level.toUpperCase() + ' '}${msg}\n`);
}

export const log = {
  debug: (m: string) => write('debug', m),
  info: (m: string) => write('info', m),
  warn: (m: string) => write('warn', m),
  error: (m: string) => write('error', m),
};
