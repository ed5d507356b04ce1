// User PORTFOLIO strategy modules (src/strategies/user-module.ts): a default export marked `kind: 'portfolio'` is
// loaded through the same loader (transpile, type check, cache) as a portfolio strategy; its shape errors say what to
// fix; the single-instrument entry points (loadStrategyModule: runBacktest, one-instrument walk-forward) refuse it; its type errors
// are reported as file:line:column, an untyped export typed as a portfolio module.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { useTsCacheDir } from './helpers.js';
import { loadAnyStrategyModule, loadStrategyModule } from '../../src/backtest/strategy-loader.js';
import { loadUserModule, loadUserModuleOfAnyKind } from '../../src/strategies/user-module.js';
// type-only: makes `tsc --noEmit` type-check the example against the real API
import type exampleStrategy from '../../examples/strategies/spread-breakout.js';

const EXAMPLE = fileURLToPath(new URL('../../examples/strategies/spread-breakout.ts', import.meta.url));
const tmp = useTsCacheDir('contango-pf-module-');

/** write a file from its lines (a test's line numbers are the array index + 1) */
function write(name: string, lines: string[]): string {
  const f = path.join(tmp.dir, name);
  mkdirSync(path.dirname(f), { recursive: true });
  writeFileSync(f, lines.join('\n') + '\n');
  return f;
}
const message = (p: Promise<unknown>) => p.then(() => 'no error', (e: Error) => e.message);

describe('loading a portfolio module', () => {
  it('the example loads as a portfolio strategy, with its ParamSpec and warm-up', async () => {
    const l = await loadAnyStrategyModule(EXAMPLE);
    expect(l.kind).toBe('portfolio');
    if (l.kind !== 'portfolio') return;
    const typed: Omit<typeof exampleStrategy, 'kind'> = l.module; // the example's type is the engine's module + kind
    expect(typed.name).toBe('spread-breakout');
    expect(l.module.params.map((p) => p.name)).toEqual(['window', 'qtyA', 'qtyB']);
    expect(l.module.warmupBars?.({ window: 60, qtyA: 1, qtyB: 1 })).toBe(61);
    expect(typeof l.module.create({ window: 60, qtyA: 1, qtyB: 1 }).onBar).toBe('function');
    // cached per path like single-instrument modules
    expect(loadAnyStrategyModule(EXAMPLE)).toBe(loadAnyStrategyModule(EXAMPLE));
  });

  it('a module without kind is still a single-instrument strategy', async () => {
    const f = write('single.mjs', ['export default { name: "s", create() { return { onBar() {} }; } };']);
    const l = await loadUserModuleOfAnyKind(f);
    expect(l.kind).toBe('single');
    expect((await loadAnyStrategyModule('momentum')).kind).toBe('single');
  });

  it('the single-instrument entry points refuse it, saying where it runs', async () => {
    const want = /strategy module .*spread-breakout\.ts: a portfolio strategy \(its default export declares kind: 'portfolio'\); it runs only on a portfolio config \(instruments: …\), with `contango backtest` or `contango walk-forward`, not on one instrument \(data \+ product\)/;
    expect(await message(loadStrategyModule(EXAMPLE))).toMatch(want);
    expect(await message(loadUserModule(EXAMPLE))).toMatch(want);
  });

  it('shape errors say what to fix', async () => {
    const noCreate = write('no-create.mjs', ['export default { kind: "portfolio", name: "x", onBar() {} };']);
    expect(await message(loadUserModuleOfAnyKind(noCreate))).toBe(
      `strategy module ${noCreate}: a portfolio module (kind: 'portfolio') needs create(params) returning { onBar(ctx) { … } } (found: kind, name, onBar)`,
    );
    const noOnBar = write('no-onbar.mjs', ['export default { kind: "portfolio", create() { return { onTick() {} }; } };']);
    const l = await loadUserModuleOfAnyKind(noOnBar);
    expect(l.kind).toBe('portfolio');
    expect(() => l.module.create({})).toThrow(`strategy module ${noOnBar}: create(params) must return an object with onBar(ctx) (found: onTick)`);
    const badKind = write('bad-kind.mjs', ['export default { kind: "portfolios", create() { return { onBar() {} }; } };']);
    expect(await message(loadUserModuleOfAnyKind(badKind))).toBe(
      `strategy module ${badKind}: default export's kind: found "portfolios"; allowed: 'portfolio' (a portfolio strategy), or no kind (a single-instrument strategy)`,
    );
  });
});

describe('type check of a portfolio module', () => {
  it('an untyped export is checked as a portfolio module: a typo is reported as file:line:column', async () => {
    const f = write('untyped-pf.ts', [
      'export default {', // 1
      "  kind: 'portfolio',", // 2
      '  create(p) {', // 3
      '    return {', // 4
      '      onBar(ctx) {', // 5
      '        if (ctx.instrumnets.length > 1) ctx.instruments[0]!.buy(p.qty!);', // 6
      '      },', // 7
      '    };', // 8
      '  },', // 9
      '} as const;', // 10
    ]);
    const m = await message(loadAnyStrategyModule(f));
    expect(m).toMatch(/1 type error/);
    expect(m).toContain(`untyped-pf.ts:6:17: error TS2551: Property 'instrumnets' does not exist on type 'PortfolioContext'. Did you mean 'instruments'?`);
  });

  it("a typed PortfolioStrategyModule must declare kind: 'portfolio'", async () => {
    const f = write('typed-pf.ts', [
      "import type { PortfolioContext, PortfolioStrategyModule } from 'contango';", // 1
      'const s: PortfolioStrategyModule = {', // 2
      "  name: 'x',", // 3
      "  description: '',", // 4
      '  params: [],', // 5
      '  create() {', // 6
      '    return { onBar(ctx: PortfolioContext) { void ctx.step; } };', // 7
      '  },', // 8
      '};', // 9
      'export default s;', // 10
    ]);
    const m = await message(loadAnyStrategyModule(f));
    expect(m).toMatch(/typed-pf\.ts:2:7: error TS2322: [^\n]*\n\s+Property 'kind' is missing in type .* but required in type '\{ kind: "portfolio"; \}'/);
  });
});
