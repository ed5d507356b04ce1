// User strategy modules by path: .ts/.mts transpiled (typescript's transpileModule) into a content-hashed cache and
// imported; relative imports followed; clear errors for a missing file, a missing export, a syntax error (file,
// line, column) and an import that resolves to nothing. The bundled example runs through runBacktest and matches a
// hand-written JavaScript twin bar for bar.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { useTsCacheDir } from './helpers.js';
import { runBacktest, runBacktestWith } from '../../src/backtest/index.js';
import type { Series, StrategyModule } from '../../src/backtest/strategy.js';
import { compileTs, tsCacheDir } from '../../src/strategies/ts-compile.js';
import { loadUserModule } from '../../src/strategies/user-module.js';
// type-only: makes `tsc --noEmit` type-check the example against the real strategy API
import type exampleStrategy from '../../examples/strategies/rsi-reversion.js';
import { config, NO_RISK, product, randomWalk, task } from '../backtest/helpers.js';

const EXAMPLE = fileURLToPath(new URL('../../examples/strategies/rsi-reversion.ts', import.meta.url));
const ES = product('es');
const tmp = useTsCacheDir('contango-ts-'); // no cache files in the repository

function write(name: string, text: string): string {
  const f = path.join(tmp.dir, name);
  mkdirSync(path.dirname(f), { recursive: true });
  writeFileSync(f, text);
  return f;
}

/** the example's rules written by hand in JavaScript: the transpiled module must trade exactly like it */
const twin: StrategyModule = {
  name: 'twin',
  description: 'hand-written twin of examples/strategies/rsi-reversion.ts',
  params: [],
  passThrough: true,
  create(p) {
    let rsi: Series;
    return {
      init(ctx) {
        rsi = ctx.ind.rsi(ctx.close, p.period!);
      },
      onBar(ctx) {
        const now = rsi.at(0),
          prev = rsi.at(1);
        if (Number.isNaN(prev) || ctx.openOrders > 0) return;
        if (ctx.position === 0) {
          if (prev > p.lower! && now <= p.lower!) ctx.buy(p.qty!);
          else if (prev < p.upper! && now >= p.upper!) ctx.sell(p.qty!);
        } else if ((ctx.position > 0 && now >= 50) || (ctx.position < 0 && now <= 50)) ctx.flatten();
      },
    };
  },
};

describe('the bundled TypeScript example', () => {
  const cfg = config(ES, { risk: { ...NO_RISK, maxContracts: 10 } });
  const params = { period: 14, lower: 30, upper: 70, qty: 2 };
  it('runs through runBacktest and trades exactly like its JavaScript twin', async () => {
    const b = randomWalk(3000, 5);
    const r = await runBacktest(task(cfg, EXAMPLE, params), b);
    const t = runBacktestWith(twin, task(cfg, 'twin', params), b);
    expect(r.trades.length).toBeGreaterThan(10);
    expect(r.trades).toEqual(t.trades);
    expect(Array.from(r.equity.equity)).toEqual(Array.from(t.equity.equity));
  });
  it('keeps its declared parameters (checked against their ranges)', async () => {
    const m = await loadUserModule(EXAMPLE);
    expect(m.name).toBe('rsi-reversion');
    expect(m.params.map((p) => p.name)).toEqual(['period', 'lower', 'upper', 'qty']);
    await expect(runBacktest(task(cfg, EXAMPLE, { lower: 60 }), randomWalk(50, 1))).rejects.toThrow(/parameter lower = 60; allowed: from 1 to 49/);
    const typed: typeof exampleStrategy = m; // the example's type is the API's StrategyModule
    expect(typed.create).toBeTypeOf('function');
  });
  it("keeps a module object's warmupBars, and calls create and warmupBars as methods of the export", async () => {
    const f = write(
      'methods.mjs',
      [
        'export default {',
        "  name: 'methods', params: [{ name: 'n', default: 7, min: 1, max: 100, integer: true }],",
        '  pad: 3,',
        '  warmupBars(p) { return p.n + this.pad; },',
        '  create(p) { const pad = this.pad; return { onBar() {}, pad, n: p.n }; },',
        '};',
      ].join('\n') + '\n',
    );
    const m = await loadUserModule(f);
    expect(m.warmupBars?.({ n: 7 })).toBe(10);
    expect(m.create({ n: 7 })).toMatchObject({ pad: 3, n: 7 });
    // and the engine runs it (warm-up declared: the window's earlier bars are skipped, not an error)
    const r = await runBacktest(task(config(ES), f, {}), randomWalk(200, 3));
    expect(r.trades).toEqual([]);
  });
  it('writes the entry and its helper into the cache, named by content hash', async () => {
    const out = await compileTs(EXAMPLE);
    expect(path.dirname(out)).toBe(tmp.cache);
    expect(path.basename(out)).toMatch(/^rsi-reversion-[0-9a-f]{24}\.mjs$/);
    const files = readdirSync(tmp.cache);
    expect(files.some((f) => /^cross-[0-9a-f]{24}\.mjs$/.test(f))).toBe(true);
    const text = readFileSync(out, 'utf8');
    expect(text).toMatch(/from "file:\/\/.*\/cross-[0-9a-f]{24}\.mjs"/); // the helper import points at its cached copy
    expect(text).not.toMatch(/src\/backtest\/index/); // the type-only import is gone
    expect(await compileTs(EXAMPLE)).toBe(out); // same content, same file
  });
});

describe('loading .ts modules', () => {
  it('an edit to an imported helper gives the entry a new cached file (and the new behaviour)', async () => {
    const helper = write('edit/helper.ts', 'export const lots: number = 1;\n');
    const entry = write(
      'edit/main.ts',
      `import { lots } from './helper.js';\nexport default (p: Record<string, number>) => ({ onBar(ctx: any) { if (ctx.bar === p.at) ctx.buy(lots); } });\n`,
    );
    const a = await compileTs(entry);
    writeFileSync(helper, 'export const lots: number = 3;\n');
    const b = await compileTs(entry);
    expect(b).not.toBe(a);
    const m = (await import(pathToFileURL(b).href)) as { default: (p: Record<string, number>) => unknown };
    const r = runBacktestWith({ name: 'e', description: '', params: [], passThrough: true, create: m.default as never }, task(config(ES), 'e', { at: 3 }), randomWalk(20, 2));
    expect(r.trades[0]!.qty).toBe(3);
  });
  it('import.meta.url still names the source file; type-only imports of missing files are fine', async () => {
    const f = write(
      'meta/where.mts',
      `import type { Nothing } from './does-not-exist.js';\nexport const where: string = import.meta.url;\nexport const n: Nothing | null = null;\nexport default () => ({ onBar() {} });\n`,
    );
    const m = (await import(pathToFileURL(await compileTs(f)).href)) as { where: string };
    expect(m.where).toBe(pathToFileURL(f).href);
  });
  it('a syntax error names the file, line and column', async () => {
    const f = write('bad/syntax.ts', `export default function (p) {\n  return { onBar(ctx) { const x = ; } };\n}\n`);
    await expect(runBacktest(task(config(ES), f), randomWalk(20, 1))).rejects.toThrow(
      new RegExp(`strategy module .*syntax\\.ts: TypeScript error\\n  .*syntax\\.ts:2:35: error TS1109: Expression expected`),
    );
  });
  it('an import that resolves to nothing names the file, line and column', async () => {
    const f = write('bad/imports.ts', `// a comment\nimport { x } from './missing.js';\nexport default () => ({ onBar() { return x; } });\n`);
    await expect(loadUserModule(f)).rejects.toThrow(/imports\.ts:2:1: cannot resolve import "\.\/missing\.js"/);
  });
  it('a missing file, a wrong extension and a module without the export are clear errors', async () => {
    await expect(runBacktest(task(config(ES), path.join(tmp.dir, 'nope.ts')), randomWalk(20, 1))).rejects.toThrow(/strategy module .*nope\.ts: no such file/);
    await expect(loadUserModule(write('x.py', 'print(1)'))).rejects.toThrow(/expected a \.js, \.mjs, \.ts or \.mts file \(found "\.py"\)/);
    const f = write('noexport.ts', 'export const helper = 1;\n');
    await expect(loadUserModule(f)).rejects.toThrow(/export a StrategyModule .* \(found: helper\)/);
  });
  it('an import cycle between .ts files is reported, not looped on', async () => {
    write('cyc/a.ts', `import { b } from './b.js';\nexport const a = 1 + b;\nexport default () => ({ onBar() {} });\n`);
    write('cyc/b.ts', `import { a } from './a.js';\nexport const b = 1;\nexport const c = () => a;\n`);
    await expect(loadUserModule(path.join(tmp.dir, 'cyc/a.ts'))).rejects.toThrow(/import cycle .*a\.ts → b\.ts → a\.ts/);
  });
  it('by default the cache lives under the source’s package root, so bare imports resolve from there', async () => {
    const root = path.join(tmp.dir, 'pkg');
    write('pkg/package.json', '{"type":"module"}');
    write('pkg/node_modules/answer/package.json', '{"name":"answer","type":"module","exports":{"import":"./index.js"}}');
    write('pkg/node_modules/answer/index.js', 'export default 42;\n');
    const f = write('pkg/strategies/bare.ts', `import answer from 'answer';\nexport const value: number = answer;\nexport default () => ({ onBar() {} });\n`);
    delete process.env['CONTANGO_TS_CACHE'];
    try {
      expect(tsCacheDir(f)).toBe(path.join(root, 'node_modules', '.cache', 'contango-ts'));
      const out = await compileTs(f);
      expect(existsSync(out)).toBe(true);
      const m = (await import(pathToFileURL(out).href)) as { value: number };
      expect(m.value).toBe(42);
    } finally {
      process.env['CONTANGO_TS_CACHE'] = tmp.cache;
    }
  });
});
