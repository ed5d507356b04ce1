// The engine embedded in C with no JavaScript (examples/embed-c: wasm2c + host.c) must behave exactly like
// the JavaScript WasmEngine: same event count, same digest of every event record, same book hash and live
// order count, on (1) the host's built-in command stream, mirrored in builtin-stream.ts, and (2) a seeded
// random stream (every command type, bad input included) written to a file of raw 80-byte records.
// Skipped, with a message, only when wasm2c (Debian package `wabt`) is not installed; .ci/run installs it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CMD_SIZE, EVT_SIZE, encodeCommand } from '../../src/core/abi.js';
import { WasmEngine } from '../../src/core/engine.js';
import type { BookCommand } from '../../src/core/types.js';
import { RandomCommands } from '../../src/testing/random-commands.js';
import { builtinStream } from './builtin-stream.js';

const EXAMPLE = fileURLToPath(new URL('../../examples/embed-c/', import.meta.url));
const HOST = join(EXAMPLE, 'build', 'contango-embed');
const wasm2c = spawnSync('wasm2c', ['--version'], { encoding: 'utf8' });
const HAVE_WASM2C = wasm2c.error === undefined && wasm2c.status === 0;
const SKIP_MESSAGE = 'skipped: wasm2c not installed (Debian/Ubuntu: apt-get install wabt make gcc; .ci/run does this)';

interface Outcome {
  commands: number;
  events: number;
  eventDigest: string;
  bookHash: string;
  liveOrders: number;
}

/** Runs the C host; parses its "key value" lines. */
function runHost(args: string[]): Outcome {
  const r = spawnSync(HOST, args, { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`${HOST} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  const kv = Object.fromEntries(r.stdout.trim().split('\n').map((l) => l.split(' ') as [string, string]));
  return {
    commands: Number(kv.commands),
    events: Number(kv.events),
    eventDigest: kv.eventDigest!,
    bookHash: kv.bookHash!,
    liveOrders: Number(kv.liveOrders),
  };
}

/**
 * The same through the JavaScript WasmEngine's raw batch path, batched like the host (cmdCapacity per call,
 * so cmdIndex fields agree); `next(n)` supplies up to n commands, [] at the end. Returns the records it ran.
 */
function runJs(next: (n: number, engine: WasmEngine) => BookCommand[]): { outcome: Outcome; records: Uint8Array[] } {
  const engine = new WasmEngine({ maxOrders: 1 << 16, maxInstruments: 16 });
  const records: Uint8Array[] = [];
  let commands = 0;
  let events = 0;
  let digest = 2166136261; // FNV-1a 32 over the little-endian u32 words of every event record
  for (;;) {
    const batch = next(engine.batchCapacity, engine);
    if (batch.length === 0) break;
    const area = engine.commandArea();
    const view = new DataView(area.buffer, area.byteOffset, area.byteLength);
    batch.forEach((c, i) => encodeCommand(view, i * CMD_SIZE, c));
    records.push(area.slice(0, batch.length * CMD_SIZE));
    const count = engine.run(batch.length);
    const ev = engine.eventArea(count);
    const ew = new DataView(ev.buffer, ev.byteOffset, count * EVT_SIZE);
    for (let w = 0; w < count * EVT_SIZE; w += 4) digest = Math.imul(digest ^ ew.getUint32(w, true), 16777619) >>> 0;
    commands += batch.length;
    events += count;
  }
  const outcome = {
    commands,
    events,
    eventDigest: `0x${digest.toString(16).padStart(8, '0')}`,
    bookHash: `0x${engine.bookHash().toString(16).padStart(16, '0')}`,
    liveOrders: engine.liveOrders(),
  };
  return { outcome, records };
}

if (!HAVE_WASM2C) {
  describe('embedding in C without JavaScript (examples/embed-c)', () => {
    it.skip(SKIP_MESSAGE, () => {});
  });
  console.warn(`test/embed/embed-c.test.ts ${SKIP_MESSAGE}`);
} else {
  describe('embedding in C without JavaScript (examples/embed-c)', () => {
    let work = '';
    beforeAll(() => {
      work = mkdtempSync(join(tmpdir(), 'contango-embed-'));
      const make = spawnSync('make', ['-C', EXAMPLE], { encoding: 'utf8', timeout: 120_000 });
      if (make.status !== 0) throw new Error(`make -C examples/embed-c failed:\n${make.stdout}\n${make.stderr}`);
    }, 130_000);
    afterAll(() => {
      if (work !== '') rmSync(work, { recursive: true, force: true });
    });

    it('the built-in stream: same events, book hash and live orders as the JavaScript WasmEngine', () => {
      const N = 100_000;
      const c = runHost(['-n', String(N)]);
      const stream = builtinStream(N);
      const js = runJs((n) => {
        const out: BookCommand[] = [];
        while (out.length < n) {
          const r = stream.next();
          if (r.done === true) break;
          out.push(r.value);
        }
        return out;
      }).outcome;
      expect(c).toEqual(js);
      expect(c.commands).toBe(N);
      expect(c.events).toBeGreaterThan(N); // fills, rejects of dead ids, the HALTED → OPEN uncross
    });

    it('a seeded random stream of every command type, read from a file of raw records', () => {
      const N = 120_000;
      const gen = new RandomCommands({ seed: 4242, unknownCommands: true });
      let left = N;
      const { outcome: js, records } = runJs((n) => {
        const k = Math.min(n, left);
        left -= k;
        return k > 0 ? gen.take(k) : [];
      });
      const file = join(work, 'commands.bin');
      writeFileSync(file, Buffer.concat(records));
      const c = runHost(['-f', file]);
      expect(c).toEqual(js);
      expect(c.commands).toBe(N);
    });
  });
}
