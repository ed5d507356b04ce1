// A study's engine config reaches the workers as JSON and is used there without validating it again
// (src/backtest/validated.ts). That is only right if validating the JSON round-trip of a validated config gives
// that same round-trip back: checked here for every study in configs/ and every product in configs/products/,
// with every risk guard switched on (the guards carry the most defaults and nullable fields).
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadProduct, validateBacktestConfig, validateProduct } from '../../src/config/backtest.js';
import { isPortfolioRaw, loadPortfolioConfig, loadStudyConfig, readStudyRaw, resolvePortfolioStudy, resolveStudy } from '../../src/config/study.js';
import { portfolioTaskConfig } from '../../src/walkforward/runner.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PRODUCTS = path.join(ROOT, 'configs/products');
const roundTrip = (v: unknown): unknown => JSON.parse(JSON.stringify(v));

function expectStable(validated: unknown): void {
  const json = roundTrip(validated);
  // compared as objects, not as JSON: a value JSON cannot carry (Infinity, NaN) would show as a difference
  expect(validateBacktestConfig(json)).toEqual(json);
}

describe('validated engine configs survive the trip to the workers', () => {
  for (const f of readdirSync(path.join(ROOT, 'configs')).filter((f) => f.endsWith('.yaml'))) {
    const file = path.join(ROOT, 'configs', f);
    // a portfolio config (`instruments`): its engine sections and every instrument's product travel (PortfolioTaskConfig)
    if (isPortfolioRaw(readStudyRaw(file))) {
      it(`portfolio study ${f}`, () => {
        const sent = roundTrip(portfolioTaskConfig(resolvePortfolioStudy(loadPortfolioConfig(file), file, PRODUCTS))) as ReturnType<typeof portfolioTaskConfig>;
        expectStable(sent.engine);
        for (const x of sent.instruments) expect(validateProduct(x.product)).toEqual(x.product);
      });
      continue;
    }
    it(`study ${f}`, () => {
      const study = resolveStudy(loadStudyConfig(file), file, PRODUCTS);
      expectStable(study.engine);
    });
  }
  for (const f of readdirSync(PRODUCTS).filter((f) => f.endsWith('.yaml'))) {
    it(`product ${f}, every guard on`, () => {
      const product = loadProduct(f, PRODUCTS);
      const cfg = validateBacktestConfig({
        product,
        account: { initialCapital: 250_000.5 },
        risk: {
          maxContracts: 7,
          volatilityTarget: { enabled: true },
          killSwitch: { enabled: true },
          marginRatio: { enabled: true, blockAt: 'danger', flattenAt: 'critical' },
          fundingExposure: { enabled: true },
        },
        execution: { slippage: true },
      });
      expectStable(cfg);
    });
  }
});
