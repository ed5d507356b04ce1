// Product configs: every shipped product validates, converts exactly, and bad values are named.
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadProduct, validateBacktestConfig, validateProduct } from '../../src/config/backtest.js';
import { resolveProduct } from '../../src/backtest/product.js';
import { PerContractFees } from '../../src/backtest/fees.js';
import { PRODUCTS_DIR, product } from './helpers.js';

describe('product configs', () => {
  it('all shipped products load, including the required set', () => {
    const names = readdirSync(PRODUCTS_DIR).map((f) => f.replace(/\.yaml$/, ''));
    for (const want of ['es', 'nq', 'mes', 'cl', 'gc', 'zn', '6e', 'btcusdt-perp']) expect(names).toContain(want);
    for (const n of names) expect(() => resolveProduct(loadProduct(n, PRODUCTS_DIR))).not.toThrow();
  });
  it('names resolve case-insensitively', () => {
    expect(loadProduct('ES', PRODUCTS_DIR).symbol).toBe('ES');
  });
  it('money converts exactly to micro-units; tick sizes are 1e-9 price units', () => {
    const es = resolveProduct(product('es'));
    expect(es.tickValue).toBe(12_500_000);
    expect(es.tickSize).toBe(250_000_000);
    expect((es.fees as PerContractFees).perSide).toBe(2_250_000);
    const zn = resolveProduct(product('zn'));
    expect(zn.tickValue).toBe(15_625_000);
    expect(zn.tickSize).toBe(15_625_000);
    expect(resolveProduct(product('btcusdt-perp')).tickValue).toBe(100);
  });
  it('errors name the key, the value found and what is allowed', () => {
    const bad = { ...product('es'), tickValue: 'abc', session: { ...product('es').session, timeZone: 'Mars/Base' } };
    expect(() => validateProduct(bad, 'es.yaml')).toThrow(/tickValue: found "abc"/);
    expect(() => validateProduct(bad, 'es.yaml')).toThrow(/session\.timeZone: found "Mars\/Base"; allowed: an IANA time zone/);
    expect(() => validateProduct({ ...product('es'), tickValue: 0.0000001 })).toThrow(/at most 6 decimals/);
    expect(() => validateBacktestConfig({ product: product('es'), risk: { maxContracts: -1 } })).toThrow(/risk\.maxContracts: found -1/);
  });
  it('validation is idempotent (a validated config validates to itself)', () => {
    const once = validateBacktestConfig({ product: product('es') });
    expect(validateBacktestConfig(once)).toEqual(once);
  });
});
