// The implementation of `contango match [file]` (declared in src/cli/commands/match.ts): the JSON-lines
// runner. Reads commands (docs/jsonl.md) from a file or stdin, runs them through the WebAssembly engine (or
// the TypeScript reference book) and writes one JSON event per line. Lines are batched per chunk of input,
// so a file runs at batch speed while a script writing one line at a time gets its events back at once. A
// bad line becomes an `error` line naming the line and the field (and a message on stderr); --strict stops
// there with exit code 2.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { BookCommand, OrderBookEngine } from '../../core/types.js';
import { JsonlError, errorToJson, eventToJson, parseCommandLine, type ParseContext } from '../../io/jsonl-commands.js';
import { ReferenceBook } from '../../reference/index.js';
import type { MatchCliOptions } from '../commands/match.js';

export interface MatchOptions {
  engine: 'wasm' | 'reference';
  strict: boolean;
  /** WebAssembly build to load (default release). */
  build?: 'release' | 'debug';
}

/** Most commands handed to the engine in one batch. */
const MAX_BATCH = 4096;

async function createEngine(o: MatchOptions): Promise<OrderBookEngine> {
  if (o.engine === 'reference') return new ReferenceBook();
  const { WasmEngine } = await import('../../core/engine.js');
  return new WasmEngine({ build: o.build ?? 'release' });
}

/**
 * Runs a JSON-lines command stream; resolves with the exit code (0, or 2 when --strict stopped at a bad
 * line). Events and error lines go to `out`, human-readable error messages to `err`.
 */
export async function runMatch(
  input: NodeJS.ReadableStream,
  out: NodeJS.WritableStream,
  err: NodeJS.WritableStream,
  o: MatchOptions,
): Promise<number> {
  const engine = await createEngine(o);
  const ctx: ParseContext = { lastTs: 0n };
  let pending: { cmd: BookCommand; line: number }[] = [];
  let lineNo = 0;
  let stopped = false;
  let scheduled = false;

  const flush = () => {
    scheduled = false;
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    const events = engine.process(batch.map((p) => p.cmd));
    let text = '';
    for (const e of events) {
      const origin = batch[e.cmdIndex]!;
      text += JSON.stringify(eventToJson(e, origin.line, origin.cmd)) + '\n';
    }
    out.write(text);
  };

  return new Promise<number>((resolve, reject) => {
    const rl = createInterface({ input, crlfDelay: Infinity });
    let failed = false;
    const fail = (e: unknown) => {
      failed = stopped = true;
      rl.close();
      reject(e);
    };
    rl.on('line', (text) => {
      if (stopped) return;
      lineNo++;
      try {
        const cmd = parseCommandLine(text, lineNo, ctx);
        if (cmd === null) return;
        pending.push({ cmd, line: lineNo });
        if (pending.length >= MAX_BATCH) flush();
        else if (!scheduled) {
          scheduled = true;
          setImmediate(flush); // after the rest of this chunk's lines
        }
      } catch (e) {
        if (!(e instanceof JsonlError)) return fail(e);
        flush(); // keep the output in input order
        out.write(JSON.stringify(errorToJson(e)) + '\n');
        err.write(`contango match: ${e.message}\n`);
        if (o.strict) {
          stopped = true;
          rl.close();
        }
      }
    });
    rl.on('close', () => {
      if (failed) return; // already rejected
      try {
        flush();
        resolve(stopped ? 2 : 0);
      } catch (e) {
        reject(e);
      }
    });
    // a read error (missing file, EIO) surfaces on both the stream and the interface
    input.on('error', fail);
    rl.on('error', fail);
  });
}

/** The `match` action: a file (or stdin) in, events on stdout, the exit code set for --strict. */
export async function runMatchCommand(file: string | undefined, opts: MatchCliOptions): Promise<void> {
  if (opts.engine !== 'wasm' && opts.engine !== 'reference') {
    throw new Error(`--engine must be wasm or reference, not ${JSON.stringify(opts.engine)}`);
  }
  const input = file === undefined || file === '-' ? process.stdin : createReadStream(file);
  const code = await runMatch(input, process.stdout, process.stderr, {
    engine: opts.engine,
    strict: opts.strict === true,
    build: opts.debugBuild ? 'debug' : 'release',
  });
  if (code !== 0) process.exitCode = code;
}
