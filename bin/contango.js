#!/usr/bin/env node
// Entry point of the `contango` CLI: the compiled TypeScript lives in dist/ (built by `npm install`).
//
// Walk-forward studies (`walk-forward`, `demo`) run in a Node started with V8's `--single-threaded`: V8's
// background threads (concurrent optimizing compilation, concurrent GC marking and sweeping in every worker
// isolate) otherwise compete with the Piscina workers for the cores. `node dist/bench/walkforward-pool.js --grid …`
// with and without `--v8-threads` (bench/results/walkforward-pool-grid*.json, docs/walk-forward.md): 2-worker
// speed-up 1.46 with the threads, 1.69 without, on the 2-core machine.
// The flag is process-wide and can't be set once V8 runs, so this process starts a child with it and relays
// its exit code. CONTANGO_V8_THREADS=1 keeps V8's background threads (no child process).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const STUDY_COMMANDS = new Set(['walk-forward', 'demo']);
const FLAG = '--single-threaded';

function wantsChild(argv) {
  const cmd = argv[2];
  if (!STUDY_COMMANDS.has(cmd)) return false;
  if (process.env.CONTANGO_V8_THREADS === '1' || process.execArgv.includes(FLAG)) return false;
  return !argv.slice(3).some((a) => a === '--help' || a === '-h');
}

if (wantsChild(process.argv)) {
  const self = fileURLToPath(import.meta.url);
  const child = spawn(process.execPath, [FLAG, ...process.execArgv, self, ...process.argv.slice(2)], { stdio: 'inherit' });
  // Ctrl-C reaches the child through the terminal's process group (the study stops cleanly and can resume);
  // this process only waits. A signal sent to this process alone is passed on.
  process.on('SIGINT', () => {});
  for (const sig of ['SIGTERM', 'SIGHUP']) process.on(sig, () => child.kill(sig));
  child.on('error', (err) => {
    process.stderr.write(`contango: could not start ${process.execPath} ${FLAG}: ${err.message}\n`);
    process.exitCode = 1;
  });
  child.on('exit', (code, signal) => {
    process.exitCode = code ?? (signal ? 128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 1) : 1);
  });
} else {
  const { main } = await import('../dist/src/cli/main.js');
  main(process.argv).catch((err) => {
    process.stderr.write(`contango: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  });
}
