// Type check of user TypeScript strategies before they run (src/strategies/typecheck.ts): checked against the real
// strategy API ('contango' → src/strategies/api-types), every error as file:line:column (in the entry, in a helper it
// imports, in an untyped export), a remembered pass that skips the compiler, the opt-out, and the nearest
// tsconfig.json's options (src/strategies/typecheck-tsconfig.ts).
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { useTsCacheDir } from './helpers.js';
import { loadStrategyModule } from '../../src/backtest/strategy-loader.js';
import { loadUserModule } from '../../src/strategies/user-module.js';
import { displayPath, MAX_REPORTED, StrategyTypeError, typecheckStats, typecheckStrategy } from '../../src/strategies/typecheck.js';
import { TsconfigError } from '../../src/strategies/typecheck-tsconfig.js';

const EXAMPLE = fileURLToPath(new URL('../../examples/strategies/rsi-reversion.ts', import.meta.url));
const tmp = useTsCacheDir('contango-typecheck-'); // no cache files in the repository

/** write a file from its lines (so a test's line numbers can be read off the array index + 1) */
function write(name: string, lines: string[]): string {
  const f = path.join(tmp.dir, name);
  mkdirSync(path.dirname(f), { recursive: true });
  writeFileSync(f, lines.join('\n') + '\n');
  return f;
}

/** the check's error, or a failure when it passes */
async function typeErrors(f: string): Promise<StrategyTypeError> {
  const e = await typecheckStrategy(f).then(
    () => null,
    (err: unknown) => err,
  );
  if (!(e instanceof StrategyTypeError)) throw new Error(`expected type errors in ${f}, got ${e === null ? 'a pass' : String(e)}`);
  return e;
}

/** a typed strategy with a helper module, like the bundled example */
const HELPER = ['export function above(x: number, level: number): boolean {', '  return x > level;', '}'];
const TYPED = [
  "import type { StrategyContext, StrategyModule } from 'contango';", // 1
  "import { above } from './lib/above.js';", // 2
  'const s: StrategyModule = {', // 3
  "  name: 'typed',", // 4
  "  description: '',", // 5
  "  params: [{ name: 'qty', default: 1, min: 1, max: 10, integer: true, description: 'lots' }],", // 6
  '  create(p) {', // 7
  '    return {', // 8
  '      onBar(ctx: StrategyContext) {', // 9
  '        if (above(ctx.close.at(0), ctx.close.at(1))) ctx.buy(p.qty!);', // 10
  '      },', // 11
  '    };', // 12
  '  },', // 13
  '};', // 14
  'export default s;', // 15
];

describe('a correct strategy', () => {
  it('the bundled example passes, and a second check is remembered: no compiler, no Program', async () => {
    const before = typecheckStats.programs;
    await typecheckStrategy(EXAMPLE);
    expect(typecheckStats.programs).toBe(before + 1);
    expect(readdirSync(tmp.cache).filter((f) => /^rsi-reversion-[0-9a-f]{24}\.typecheck\.json$/.test(f))).toHaveLength(1);
    await typecheckStrategy(EXAMPLE);
    expect(typecheckStats.programs).toBe(before + 1);
  });
  it('a typed strategy with a helper passes; so does an untyped factory (its parameters typed by the API)', async () => {
    write('ok/lib/above.ts', HELPER);
    await typecheckStrategy(write('ok/typed.ts', TYPED));
    await typecheckStrategy(
      write('ok/untyped.ts', ["export default (p) => ({ onBar(ctx) { console.log(ctx.bar); ctx.sell(p.qty!, { type: 'limit', price: ctx.close.at() }); } });"]),
    );
  });
});

describe('errors, each at its file:line:column', () => {
  it('a misspelt context property', async () => {
    write('typo/lib/above.ts', HELPER);
    const lines = [...TYPED];
    lines[9] = '        if (above(ctx.clsoe.at(0), ctx.close.at(1))) ctx.buy(p.qty!);';
    const e = await typeErrors(write('typo/typed.ts', lines));
    expect(e.count).toBe(1);
    expect(e.diagnostics[0]).toMatch(/typo\/typed\.ts:10:23: error TS2551: Property 'clsoe' does not exist on type 'StrategyContext'\. Did you mean 'close'\?$/);
  });
  it('a string where a number belongs', async () => {
    write('arg/lib/above.ts', HELPER);
    const lines = [...TYPED];
    lines[9] = "        if (above(ctx.close.at(0), ctx.close.at(1))) ctx.buy('2');";
    const e = await typeErrors(write('arg/typed.ts', lines));
    expect(e.diagnostics).toHaveLength(1);
    expect(e.diagnostics[0]).toMatch(/arg\/typed\.ts:10:62: error TS2345: Argument of type 'string' is not assignable to parameter of type 'number'\.$/);
  });
  it('an error in an imported relative module names that module', async () => {
    write('helper/lib/above.ts', ['export function above(x: number, level: number): boolean {', '  return x > level.toFixed(2);', '}']);
    const e = await typeErrors(write('helper/typed.ts', TYPED));
    expect(e.diagnostics).toHaveLength(1);
    expect(e.diagnostics[0]).toMatch(/helper\/lib\/above\.ts:2:10: error TS2365: Operator '>' cannot be applied to types 'number' and 'string'\.$/);
  });
  it("the entry's errors come first, then the imported files'", async () => {
    write('order/lib/above.ts', ['export function above(x: number, level: number): boolean {', '  return x > level.toFixed(2);', '}']);
    const lines = [...TYPED];
    lines[9] = '        if (above(ctx.clsoe.at(0), ctx.close.at(1))) ctx.buy(p.qty!);';
    const e = await typeErrors(write('order/typed.ts', lines));
    expect(e.diagnostics.map((d) => d.match(/order\/(\S+:\d+:\d+):/)?.[1])).toEqual(['typed.ts:10:23', 'lib/above.ts:2:10']);
  });
  it('every error is listed, in file and position order, up to a cap', async () => {
    const many = Array.from({ length: MAX_REPORTED + 7 }, (_, i) => `  ctx.buy('${i}');`);
    const e = await typeErrors(
      write('many.ts', ["import type { StrategyContext } from 'contango';", 'export function go(ctx: StrategyContext) {', ...many, '}', 'export default () => ({ onBar: go });']),
    );
    expect(e.count).toBe(MAX_REPORTED + 7);
    expect(e.diagnostics).toHaveLength(MAX_REPORTED);
    expect(e.diagnostics[0]).toMatch(/many\.ts:3:11: error TS2345/);
    expect(e.diagnostics[1]).toMatch(/many\.ts:4:11: error TS2345/);
    expect(e.lines.at(-1)).toBe('… and 7 more');
    expect(e.message.split('\n')[0]).toBe(`${MAX_REPORTED + 7} type errors`);
  });
  it('an untyped object export is checked against the Strategy shape, its callbacks typed by the API', async () => {
    const e = await typeErrors(
      write('untyped/obj.ts', [
        'export default {', // 1
        "  name: 'u',", // 2
        '  create(p) {', // 3
        '    return {', // 4
        '      onBar(ctx) {', // 5
        '        if (ctx.clsoe.at(0) > p.x!) ctx.buy(1);', // 6
        '      },', // 7
        '    };', // 8
        '  },', // 9
        '  parms: [],', // 10
        '};', // 11
      ]),
    );
    expect(e.diagnostics).toHaveLength(2);
    expect(e.diagnostics[0]).toMatch(/untyped\/obj\.ts:6:17: error TS2551: Property 'clsoe' does not exist on type 'StrategyContext'/);
    expect(e.diagnostics[1]).toMatch(/untyped\/obj\.ts:10:3: error TS2353: Object literal may only specify known properties, and 'parms' does not exist/);
  });
  it('a factory declaration that returns no Strategy is reported at the export', async () => {
    const e = await typeErrors(
      write('decl/factory.ts', [
        "import type { StrategyContext } from 'contango';",
        '',
        'export default function (p: Record<string, number>) {',
        '  return { onbar(ctx: StrategyContext) { ctx.buy(p.qty ?? 1); } };',
        '}',
      ]),
    );
    expect(e.diagnostics).toHaveLength(1);
    expect(e.diagnostics[0]).toMatch(/decl\/factory\.ts:3:1: error TS1360: default export: Type .* does not satisfy the expected type 'StrategyExport'\./);
    expect(e.diagnostics[0]).toMatch(/\n\s+Type '\{ onbar\(ctx: StrategyContext\): void; \}' has no properties in common with type 'Strategy'\./);
  });
  it('createStrategy with the wrong parameter type; a value import of an API type', async () => {
    const cs = await typeErrors(
      write('cs/create.ts', ["import type { Strategy } from 'contango';", 'export function createStrategy(p: Record<string, string>): Strategy {', '  return {};', '}']),
    );
    expect(cs.diagnostics[0]).toMatch(/cs\/create\.ts:2:17: error TS1360: createStrategy: .*does not satisfy the expected type/);
    const v = await typeErrors(
      write('value/v.ts', ["import { Series } from 'contango';", 'export default () => ({ onBar() { new Series(new Float64Array(1), { bar: 0 }); } });']),
    );
    expect(v.diagnostics[0]).toMatch(/value\/v\.ts:2:39: error TS1362: 'Series' cannot be used as a value because it was exported using 'export type'\./);
  });
});

describe('the remembered pass', () => {
  it('an edit to an imported helper is seen: the check runs again and finds the new error', async () => {
    const helper = write('edit/lib/above.ts', HELPER);
    const entry = write('edit/typed.ts', TYPED);
    await typecheckStrategy(entry);
    const n = typecheckStats.programs;
    await typecheckStrategy(entry);
    expect(typecheckStats.programs).toBe(n); // remembered
    writeFileSync(helper, HELPER.join('\n').replace('x > level', "x > level + ''"));
    const e = await typeErrors(entry);
    expect(typecheckStats.programs).toBe(n + 1);
    expect(e.diagnostics[0]).toMatch(/edit\/lib\/above\.ts:2:10: error TS2365/);
    await typeErrors(entry); // a failure is not remembered
    expect(typecheckStats.programs).toBe(n + 2);
  });
  it('a file that starts with a byte-order mark is remembered too (hashed as the compiler reads it)', async () => {
    const f = write('bom/s.ts', ['\uFEFFexport default () => ({ onBar() {} });']);
    await typecheckStrategy(f);
    const n = typecheckStats.programs;
    await typecheckStrategy(f);
    expect(typecheckStats.programs).toBe(n);
  });
});

describe('loading a module', () => {
  const broken = () =>
    write('load/runs.ts', [
      "import type { StrategyContext } from 'contango';",
      'export default (p: Record<string, number>) => ({',
      "  onBar(ctx: StrategyContext) { const lots: number = 'one'; void lots; },",
      '});',
    ]);
  it('stops before the module runs, with every error under the file name and the way out', async () => {
    const f = broken();
    await expect(loadUserModule(f)).rejects.toThrow(
      /^strategy module .*runs\.ts: 1 type error \(fix them, or set strategy\.typecheck: false to run it unchecked\)\n {4}.*load\/runs\.ts:3:39: error TS2322: Type 'string' is not assignable to type 'number'\.$/,
    );
  });
  it('typecheck: false skips the check and the module loads', async () => {
    const m = await loadUserModule(broken(), { typecheck: false });
    expect(m.create).toBeTypeOf('function');
  });
  it('the strategy cache: a path loaded unchecked is still checked when a later load asks for it', async () => {
    const f = write('load/cached.ts', [
      "import type { StrategyContext } from 'contango';",
      'export default (p: Record<string, number>) => ({',
      "  onBar(ctx: StrategyContext) { const lots: number = 'one'; void lots; },",
      '});',
    ]);
    const unchecked = await loadStrategyModule(f, { typecheck: false });
    expect(unchecked.create).toBeTypeOf('function');
    await expect(loadStrategyModule(f, { typecheck: true })).rejects.toThrow(/1 type error/);
    // the default on the main thread is to check
    await expect(loadStrategyModule(f)).rejects.toThrow(/1 type error/);
    expect(await loadStrategyModule(f, { typecheck: false })).toBe(unchecked);
  });
});

// Each test builds its project in its own folder under tmp.dir: a tsconfig.json at tmp.dir itself would apply to every
// other test's strategy.
describe('the nearest tsconfig.json', () => {
  /** an implicit-any parameter (TS7006 at 2:15 under the default, strict check) */
  const IMPLICIT_ANY = [
    "import type { StrategyContext } from 'contango';",
    'function half(x) {',
    '  return x / 2;',
    '}',
    'export default () => ({ onBar(ctx: StrategyContext) { if (half(ctx.close.at(0)) > 1) ctx.buy(1); } });',
  ];
  const json = (o: unknown) => JSON.stringify(o, null, 2).split('\n');
  /** the check's rejection, whatever it is (a failure when it passes) */
  const rejection = async (f: string) => {
    const e = await typecheckStrategy(f).then(
      () => null,
      (err: unknown) => err,
    );
    if (e === null) throw new Error(`expected ${f} to be rejected`);
    return e as Error;
  };

  it('none: the default, strict check, as before; nor is one above a package.json or .git folder used', async () => {
    const e = await typeErrors(write('tsc/none/s.ts', IMPLICIT_ANY));
    expect(e.diagnostics).toHaveLength(1);
    expect(e.diagnostics[0]).toMatch(/tsc\/none\/s\.ts:2:15: error TS7006: Parameter 'x' implicitly has an 'any' type\.$/);
    write('tsc/outer/tsconfig.json', json({ compilerOptions: { noImplicitAny: false } }));
    write('tsc/outer/pkg/package.json', ['{}']);
    mkdirSync(path.join(tmp.dir, 'tsc/outer/repo/.git'), { recursive: true });
    expect((await typeErrors(write('tsc/outer/pkg/s.ts', IMPLICIT_ANY))).diagnostics[0]).toMatch(/error TS7006/);
    expect((await typeErrors(write('tsc/outer/repo/sub/s.ts', IMPLICIT_ANY))).diagnostics[0]).toMatch(/error TS7006/);
    await typecheckStrategy(write('tsc/outer/s.ts', IMPLICIT_ANY)); // control: that tsconfig does work where it applies
  });
  it("next to the strategy: its options apply over the defaults (comments and trailing commas as tsc reads them)", async () => {
    write('tsc/sibling/tsconfig.json', ['{', '  // the project is not that strict', '  "compilerOptions": { "noImplicitAny": false, },', '}']);
    await typecheckStrategy(write('tsc/sibling/s.ts', IMPLICIT_ANY));
    // what it does not set keeps the default: strictNullChecks is still on
    const e = await typeErrors(write('tsc/sibling/null.ts', ['const n: number = null;', 'export default () => ({ onBar() { void n; } });']));
    expect(e.diagnostics[0]).toMatch(/tsc\/sibling\/null\.ts:1:7: error TS2322: Type 'null' is not assignable to type 'number'\.$/);
  });
  it("one directory up, at the project's root (package.json beside it): strict: false", async () => {
    write('tsc/up/package.json', ['{}']);
    write('tsc/up/tsconfig.json', json({ compilerOptions: { strict: false } }));
    await typecheckStrategy(write('tsc/up/strategies/s.ts', IMPLICIT_ANY));
    await typecheckStrategy(write('tsc/up/strategies/null.ts', ['const n: number = null;', 'export default () => ({ onBar() { void n; } });']));
  });
  it('an extends chain is followed, and an edit to an extended file checks again', async () => {
    write('tsc/ext/tsconfig.json', json({ extends: './configs/base.json' }));
    write('tsc/ext/configs/base.json', json({ extends: './root.json', compilerOptions: { noFallthroughCasesInSwitch: true } }));
    const root = write('tsc/ext/configs/root.json', json({ compilerOptions: { noImplicitAny: false } }));
    const f = write('tsc/ext/s.ts', IMPLICIT_ANY);
    await typecheckStrategy(f);
    const n = typecheckStats.programs;
    await typecheckStrategy(f);
    expect(typecheckStats.programs).toBe(n); // remembered
    writeFileSync(root, json({ compilerOptions: { noImplicitAny: true } }).join('\n'));
    expect((await typeErrors(f)).diagnostics[0]).toMatch(/tsc\/ext\/s\.ts:2:15: error TS7006/);
    expect(typecheckStats.programs).toBe(n + 1);
  });
  it("the user's target and lib replace the default ES2022", async () => {
    const FIND_LAST = ['export default () => ({ onBar() { console.log([1, 2].findLast((x) => x > 1)); } });'];
    expect((await typeErrors(write('tsc/es/none/s.ts', FIND_LAST))).diagnostics[0]).toMatch(/error TS2550: Property 'findLast' does not exist/);
    write('tsc/es/target/tsconfig.json', json({ compilerOptions: { target: 'ES2023' } }));
    await typecheckStrategy(write('tsc/es/target/s.ts', FIND_LAST));
    write('tsc/es/lib/tsconfig.json', json({ compilerOptions: { lib: ['ES2023'] } }));
    await typecheckStrategy(write('tsc/es/lib/s.ts', FIND_LAST));
  });
  it('what the check depends on stays: no output options, the transpiler\'s resolution, contango\'s API', async () => {
    write(
      'tsc/forced/tsconfig.json',
      json({
        compilerOptions: {
          module: 'commonjs',
          moduleResolution: 'node10',
          noEmit: false,
          outDir: 'out',
          rootDir: './src',
          composite: true,
          declaration: true,
          isolatedModules: false,
          skipLibCheck: false,
          baseUrl: '.',
          paths: { contango: ['./nope.ts'] },
        },
      }),
    );
    write('tsc/forced/lib/above.ts', HELPER);
    await typecheckStrategy(write('tsc/forced/typed.ts', TYPED)); // './lib/above.js' and 'contango' resolve; nothing is written
    expect(readdirSync(path.join(tmp.dir, 'tsc/forced'))).not.toContain('out');
    // ESM (import.meta), a .ts extension in an import: what the transpiler runs
    await typecheckStrategy(
      write('tsc/forced/esm.ts', [
        "import type { StrategyContext } from 'contango';",
        "import { above } from './lib/above.ts';",
        'const here = import.meta.url;',
        'export default () => ({ onBar(ctx: StrategyContext) { if (above(ctx.close.at(0), here.length)) ctx.buy(1); } });',
      ]),
    );
    // each file is transpiled alone: a type re-exported as a value would be left in the output
    const iso = await typeErrors(write('tsc/forced/iso.ts', ["export { Strategy } from 'contango';", 'export default () => ({ onBar() {} });']));
    expect(iso.diagnostics).toEqual([expect.stringMatching(/tsc\/forced\/iso\.ts:1:10: error TS1205: Re-exporting a type when 'isolatedModules' is enabled requires using 'export type'\.$/)]);
    const lines = [...TYPED];
    lines[9] = '        if (above(ctx.clsoe.at(0), ctx.close.at(1))) ctx.buy(p.qty!);';
    expect((await typeErrors(write('tsc/forced/typo.ts', lines))).diagnostics).toEqual([
      expect.stringMatching(/tsc\/forced\/typo\.ts:10:23: error TS2551: Property 'clsoe' does not exist on type 'StrategyContext'/),
    ]);
    // baseUrl would resolve 'lib/above' for tsc; the transpiler would not, so neither does the check
    const bare = await typeErrors(write('tsc/forced/bare.ts', ["import { above } from 'lib/above';", 'export default () => ({ onBar() { void above(1, 2); } });']));
    expect(bare.diagnostics[0]).toMatch(/tsc\/forced\/bare\.ts:1:23: error TS2307: Cannot find module 'lib\/above'/);
  });
  it('a malformed tsconfig (syntax, unknown option, missing extends) is an error naming it, quoting TypeScript', async () => {
    const syntax = write('tsc/bad/syntax/tsconfig.json', ['{', '  "compilerOptions": { "strict": false }']);
    const e = await rejection(write('tsc/bad/syntax/s.ts', IMPLICIT_ANY));
    expect(e).toBeInstanceOf(TsconfigError);
    expect((e as TsconfigError).file).toBe(syntax);
    expect(e.message).toMatch(/^invalid tsconfig: \S*tsc\/bad\/syntax\/tsconfig\.json:3:1: error TS1005: '}' expected\. \(fix it, or set strategy\.typecheck: false/);
    const unknown = write('tsc/bad/option/tsconfig.json', json({ compilerOptions: { strictt: false } }));
    expect((await rejection(write('tsc/bad/option/s.ts', IMPLICIT_ANY))).message).toContain(
      `${unknown}: error TS5025: Unknown compiler option 'strictt'. Did you mean 'strict'?`,
    );
    write('tsc/bad/extends/tsconfig.json', json({ extends: './missing.json' }));
    const missing = await rejection(write('tsc/bad/extends/s.ts', IMPLICIT_ANY));
    expect(missing.message).toMatch(/tsc\/bad\/extends\/tsconfig\.json: error TS5083: Cannot read file '.*tsc\/bad\/extends\/missing\.json'\./);
    // options TypeScript accepts one by one but not together: a type error, at the tsconfig's name
    write('tsc/bad/combination/tsconfig.json', json({ compilerOptions: { strictNullChecks: false, exactOptionalPropertyTypes: true } }));
    expect((await typeErrors(write('tsc/bad/combination/s.ts', IMPLICIT_ANY))).diagnostics[0]).toMatch(
      /tsc\/bad\/combination\/tsconfig\.json: error TS5052: Option 'exactOptionalPropertyTypes' cannot be specified without specifying option 'strictNullChecks'\.$/,
    );
    // through the loader: the strategy's name, then the tsconfig's error
    await expect(loadUserModule(path.join(tmp.dir, 'tsc/bad/syntax/s.ts'))).rejects.toThrow(
      /^strategy module \S+s\.ts: cannot type-check \(invalid tsconfig: \S+tsc\/bad\/syntax\/tsconfig\.json:3:1: error TS1005/,
    );
  });
  it('the remembered pass: adding a tsconfig, or editing it, checks again', async () => {
    const UNUSED = ['export default () => ({ onBar() { const unused = 1; } });'];
    const f = write('tsc/cache/s.ts', UNUSED);
    await typecheckStrategy(f);
    const n = typecheckStats.programs;
    await typecheckStrategy(f);
    expect(typecheckStats.programs).toBe(n);
    const tsconfig = write('tsc/cache/tsconfig.json', json({ compilerOptions: { noUnusedLocals: true } }));
    expect((await typeErrors(f)).diagnostics[0]).toMatch(/tsc\/cache\/s\.ts:1:41: error TS6133: 'unused' is declared but its value is never read\.$/);
    expect(typecheckStats.programs).toBe(n + 1);
    writeFileSync(tsconfig, json({ compilerOptions: { noUnusedLocals: false } }).join('\n'));
    await typecheckStrategy(f);
    expect(typecheckStats.programs).toBe(n + 2);
    await typecheckStrategy(f);
    expect(typecheckStats.programs).toBe(n + 2); // remembered again
    writeFileSync(tsconfig, json({ compilerOptions: { noUnusedLocals: true } }).join('\n')); // an edit to a remembered pass's tsconfig
    await typeErrors(f);
    expect(typecheckStats.programs).toBe(n + 3);
  });
});

describe('file names', () => {
  it('relative to the working directory inside it, absolute outside', () => {
    expect(displayPath('/work/x/strategies/a.ts', '/work/x')).toBe('strategies/a.ts');
    expect(displayPath('/tmp/a.ts', '/work/x')).toBe('/tmp/a.ts');
  });
});
