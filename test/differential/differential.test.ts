// The reference book (src/reference/) and the WebAssembly engine (src/core/engine.ts) driven side by side
// with seeded random commands over six instruments: every event field and the book hash must agree after
// every batch (docs/matching-rules.md is the arbiter when they do not).
//   DIFF_COMMANDS=5000000 npx vitest run test/differential     longer run (default 1,000,000)
//   DIFF_SEED=12345                                               another stream (default fixed)
//   DIFF_BUILD=debug                                              the debug build (assertions on)
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { WasmEngine } from '../../src/core/engine.js';
import { wasmPath, type EngineBuild } from '../../src/core/loader.js';
import { ReferenceBook } from '../../src/reference/index.js';
import { CANCEL_REASON_NAMES, EVENT_NAMES, EXPIRE_REASON_NAMES, REJECT_REASON_NAMES } from '../../src/io/names.js';
import { runDifferential } from '../../src/testing/differential.js';

const COMMANDS = Number(process.env.DIFF_COMMANDS ?? 1_000_000);
const SEED = Number(process.env.DIFF_SEED ?? 20_240_601);
const BUILD = (process.env.DIFF_BUILD ?? 'release') as EngineBuild;

describe('differential: reference book vs WebAssembly engine', () => {
  it('builds exist', () => {
    expect(existsSync(wasmPath(BUILD)), `${wasmPath(BUILD)} missing: run npm run build:wasm`).toBe(true);
  });

  it(`agrees on ${COMMANDS.toLocaleString('en')} random commands (seed ${SEED}, ${BUILD} build)`, () => {
    const result = runDifferential(new ReferenceBook(), new WasmEngine({ build: BUILD }), { seed: SEED, commands: COMMANDS });
    if (result.mismatch !== undefined) console.error(result.mismatch);
    expect(result.mismatch).toBeUndefined();
    console.log(
      `differential: ${result.commands} commands, ${result.events} events, ${result.batches} batches, ` +
        `${(result.ms / 1000).toFixed(1)} s`,
    );
    console.log(Object.entries(result.coverage).sort().map(([k, v]) => `${k} ${v}`).join(', '));
    expect(result.commands).toBe(COMMANDS);
    // the stream must keep exercising every event and reason (CAPACITY_EXCEEDED cannot be provoked)
    const expected = [
      ...Object.values(EVENT_NAMES),
      ...Object.values(REJECT_REASON_NAMES).filter((r) => r !== 'CAPACITY_EXCEEDED').map((r) => `rejected:${r}`),
      ...Object.values(CANCEL_REASON_NAMES).map((r) => `cancelled:${r}`),
      ...Object.values(EXPIRE_REASON_NAMES).map((r) => `expired:${r}`),
      'fill:uncross',
      'fill:uncross:from-halted', // §1: PREOPEN → HALTED → OPEN uncrosses too
    ];
    const missing = COMMANDS >= 100_000 ? expected.filter((k) => !(result.coverage[k]! > 0)) : [];
    expect(missing).toEqual([]);
  });

  it('agrees on a second, short stream with small batches', () => {
    const result = runDifferential(new ReferenceBook(), new WasmEngine({ build: BUILD }), {
      seed: SEED + 1,
      commands: Math.min(COMMANDS, 50_000),
      maxBatch: 16,
      queryEvery: 5,
    });
    if (result.mismatch !== undefined) console.error(result.mismatch);
    expect(result.mismatch).toBeUndefined();
  });
});
