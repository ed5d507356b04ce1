// The engine's own config: what `BacktestTask.config` holds. A study composes it as
// `{ product: <product mapping>, ...study.backtest }` (see src/config/study.ts); `contango backtest` does the same.
//
//   product:    configs/products/<name>.yaml, inline (schema in ./product.ts)
//   fees:       optional override of the product's fees (a different broker)
//   account:    { initialCapital }
//   risk:       guards and kill switch (./risk.ts)
//   execution:  fill rules (./execution.ts)
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { accountSchema, executionSchema } from './execution.js';
import { feesSchema, productSchema, type ProductConfig } from './product.js';
import { riskSchema } from './risk.js';

export const backtestConfigSchema = z.strictObject({
  product: productSchema,
  fees: feesSchema.optional(),
  account: accountSchema.default({ initialCapital: 1_000_000 }),
  risk: riskSchema.default(riskSchema.parse({})),
  execution: executionSchema.default(executionSchema.parse({})),
});

export type BacktestConfig = z.infer<typeof backtestConfigSchema>;
/** What callers may pass: sections may be partial or missing and take their defaults. */
export type BacktestConfigInput = z.input<typeof backtestConfigSchema>;

/** Invalid engine configuration; the message lists `key: found <value>; allowed: ...` per problem. */
export class EngineConfigError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`${source}: invalid configuration\n  ${problems.join('\n  ')}`);
    this.name = 'EngineConfigError';
  }
}

/** Validate an engine config (idempotent: a validated config validates to itself). */
export function validateBacktestConfig(raw: unknown, source = '<backtest config>'): BacktestConfig {
  const r = backtestConfigSchema.safeParse(raw);
  if (!r.success) throw new EngineConfigError(source, r.error.issues.map((i) => describe(i, raw)));
  return r.data;
}

/** Validate a product mapping. */
export function validateProduct(raw: unknown, source = '<product>'): ProductConfig {
  const r = productSchema.safeParse(raw);
  if (!r.success) throw new EngineConfigError(source, r.error.issues.map((i) => describe(i, raw)));
  return r.data;
}

/**
 * Load a product YAML: `ref` is a path, or a name looked up (case-insensitively) in `dir`
 * (default configs/products), so "ES", "es" and "es.yaml" all find configs/products/es.yaml.
 */
export function loadProduct(ref: string, dir = 'configs/products'): ProductConfig {
  let file = ref;
  if (!/[\\/]/.test(ref)) {
    const want = ref.toLowerCase().replace(/\.ya?ml$/, '');
    let names: string[] = [];
    try {
      names = readdirSync(dir);
    } catch {
      throw new Error(`product "${ref}": cannot list ${dir}`);
    }
    const hit = names.find((n) => n.toLowerCase().replace(/\.ya?ml$/, '') === want);
    if (!hit) throw new Error(`product "${ref}": no ${want}.yaml in ${dir} (found: ${names.join(', ')})`);
    file = path.join(dir, hit);
  }
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`${file}: cannot read product YAML (${(e as Error).message})`);
  }
  return validateProduct(raw, file);
}

function valueAt(raw: unknown, p: PropertyKey[]): unknown {
  let node = raw;
  for (const k of p) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<PropertyKey, unknown>)[k];
  }
  return node;
}

function describe(issue: z.core.$ZodIssue, raw: unknown): string {
  const key = issue.path.length ? issue.path.map(String).join('.') : '(top level)';
  const v = valueAt(raw, issue.path);
  const found = v === undefined ? 'nothing (missing)' : JSON.stringify(v);
  switch (issue.code) {
    case 'unrecognized_keys':
      return `${key}: unknown key(s) ${issue.keys.join(', ')}`;
    case 'invalid_value':
      return `${key}: found ${found}; allowed: ${issue.values.map((x) => JSON.stringify(x)).join(' | ')}`;
    case 'too_small':
      return `${key}: found ${found}; allowed: ${issue.inclusive ? '>=' : '>'} ${String(issue.minimum)}`;
    case 'too_big':
      return `${key}: found ${found}; allowed: ${issue.inclusive ? '<=' : '<'} ${String(issue.maximum)}`;
    case 'invalid_union':
      return `${key}: found ${found}; allowed: ${key.endsWith('type') || key === 'fees' || key === 'margin' ? 'one of the documented types' : issue.message}`;
    default:
      return `${key}: found ${found}; allowed: ${issue.message}`;
  }
}
