#!/usr/bin/env node
// Entry point of the `contango` CLI: the compiled TypeScript lives in dist/ (built by `npm install`).
import { main } from '../dist/src/cli/main.js';

main(process.argv).catch((err) => {
  process.stderr.write(`contango: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
