// Study-level configuration: which data, which product and strategy, the parameter search, the folds, the
// objective, the pool and the output directory. Read from YAML, overridden by CLI flags (`--set a.b=v`),
// validated with zod; every error names the key, the value found and what is allowed.
//
// The product / fees / risk / strategy sections belong to the backtest engine's own schemas (src/config/);
// this file only says where they sit in a study and hands them to the engine as `BacktestTask.config`.
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { DURATION_PATTERN, parseDuration } from '../walkforward/duration.js';
import type { FoldSpec } from '../walkforward/folds.js';
import { EngineConfigError, loadProduct, validateBacktestConfig, validateProduct, type BacktestConfig } from './backtest.js';
import type { SearchSpec } from '../walkforward/search.js';

/** Metrics a study may optimize (keys of `Metrics` in src/backtest/api.ts). */
export const OBJECTIVE_METRICS = [
  'sharpe',
  'sortino',
  'calmar',
  'totalReturn',
  'annualizedReturn',
  'profitFactor',
  'winRate',
  'averageTrade',
  'maxDrawdown',
  'volatility',
] as const;

const duration = z.string().regex(DURATION_PATTERN, 'a duration such as 30d, 12h, 90m, 2w or 30s');

const paramValues = z.union([
  z.array(z.number()).min(1),
  z.strictObject({ min: z.number(), max: z.number(), step: z.number().positive() }),
]);

const dataSchema = z.strictObject({
  /** bar file: DBN ohlcv-1m (.dbn / .dbn.zst) or Databento-layout parquet (.parquet); L2 */
  bars: z.string().min(1).optional(),
  /** MBO file: DBN (.dbn / .dbn.zst) or Databento parquet; L3 (backtest.execution.level: L3). One of bars / mbo. */
  mbo: z.string().min(1).optional(),
  /** which instrument, when the file holds several (the parquet `symbol` column or a DBN symbol mapping) */
  symbol: z.string().min(1).optional(),
  /** read through the columnar cache (decoded once, then mapped straight into typed arrays) */
  cache: z.boolean().default(true),
});

export const studySchema = z.strictObject({
  name: z.string().min(1).regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, ".", "_" and "-" only'),
  description: z.string().optional(),
  data: dataSchema,
  /** product: a name under configs/products/ (es → configs/products/es.yaml), a path to a YAML file, or inline */
  product: z.union([z.string().min(1), z.record(z.string(), z.unknown())]),
  /** engine sections passed through to the backtest engine's schema (fees, risk, execution, account) */
  backtest: z.record(z.string(), z.unknown()).default({}),
  strategy: z.strictObject({
    /** built-in strategy name or a path to a module */
    name: z.string().min(1),
    /** fixed parameters; the search overrides the ones it varies */
    params: z.record(z.string(), z.number()).default({}),
    typecheck: z.boolean().optional(), // .ts/.mts modules: type-check before anything runs (absent = true; docs/strategies.md)
  }),
  search: z
    .strictObject({
      method: z.enum(['grid', 'random']).default('grid'),
      params: z.record(z.string(), paramValues).default({}),
      samples: z.number().int().positive().optional(),
      seed: z.number().int().nonnegative().optional(),
    })
    .default({ method: 'grid', params: {} }),
  folds: z
    .strictObject({
      mode: z.enum(['anchored', 'rolling']).default('rolling'),
      train: duration,
      test: duration,
      /** defaults to `test`: back-to-back out-of-sample windows */
      step: duration.optional(),
      partial: z.boolean().default(false),
    })
    .optional(),
  objective: z
    .strictObject({
      metric: z.enum(OBJECTIVE_METRICS).default('sharpe'),
      direction: z.enum(['max', 'min']).default('max'),
      /** parameter sets with fewer in-sample trades are not eligible */
      minTrades: z.number().int().nonnegative().default(1),
    })
    .default({ metric: 'sharpe', direction: 'max', minTrades: 1 }),
  /** backtest window for `contango backtest` (ISO dates, UTC); defaults to the whole file */
  window: z.strictObject({ start: z.string().optional(), end: z.string().optional() }).default({}),
  workers: z.union([z.literal('auto'), z.number().int().min(1).max(1024)]).default('auto'),
  /** a backtest running longer than this is stopped (its worker is replaced) and counts as a failure */
  taskTimeout: duration.optional(),
  out: z.string().min(1).default('results/study'),
});

export type StudyConfig = z.infer<typeof studySchema>;

/** A validation failure whose message lists every problem as `key: found <value>; allowed: ...`. */
export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file}: invalid configuration\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

/** Parse `--set key=value` pairs: the value is read as YAML so numbers, booleans and lists work. */
export function applyOverrides(raw: Record<string, unknown>, sets: string[]): Record<string, unknown> {
  const out = structuredClone(raw);
  for (const s of sets) {
    const eq = s.indexOf('=');
    if (eq <= 0) throw new Error(`--set ${s}: expected key=value (for example --set folds.train=60d)`);
    const key = s.slice(0, eq).trim();
    const value = parseYaml(s.slice(eq + 1)) as unknown;
    const parts = key.split('.');
    // a section (object) or a list, whose items are addressed by index: instruments.1.data.bars
    let node: Record<string, unknown> | unknown[] = out;
    let at = '';
    for (const p of parts.slice(0, -1)) {
      const k = keyIn(node, p, key, at);
      const next = (node as Record<string | number, unknown>)[k];
      at = at ? `${at}.${p}` : p;
      if (next === undefined) (node as Record<string | number, unknown>)[k] = {};
      else if (typeof next !== 'object' || next === null) {
        throw new Error(`--set ${key}: "${at}" holds ${JSON.stringify(next)}, not a section or a list`);
      }
      node = (node as Record<string | number, unknown>)[k] as Record<string, unknown> | unknown[];
    }
    (node as Record<string | number, unknown>)[keyIn(node, parts[parts.length - 1]!, key, at)] = value;
  }
  return out;
}

/** The key `p` names in `node`: itself in a section; in a list, the index of an item it already has. */
function keyIn(node: Record<string, unknown> | unknown[], p: string, key: string, at: string): string | number {
  if (!Array.isArray(node)) return p;
  const i = /^(0|[1-9][0-9]*)$/.test(p) ? Number(p) : -1;
  if (i < 0 || i >= node.length) {
    throw new Error(`--set ${key}: "${at}" is a list of ${node.length} item(s); address one by its index 0–${node.length - 1}, found "${p}"`);
  }
  return i;
}

/** Validate a raw object (from YAML plus overrides). `file` only labels error messages. */
export function validateStudy(raw: unknown, file = '<config>'): StudyConfig {
  if (isPortfolioRaw(raw)) {
    const n = Array.isArray(raw.instruments) ? raw.instruments.length : 0;
    throw new ConfigError(file, [
      `instruments: found a portfolio of ${n} instrument(s); allowed here: data + product (one instrument). ` +
        'A portfolio config is read by validatePortfolioStudy (`contango backtest` and `contango walk-forward` take either form)',
    ]);
  }
  const r = studySchema.safeParse(raw);
  if (!r.success) throw new ConfigError(file, r.error.issues.map((i) => describeIssue(i, raw)));
  const cfg = r.data;
  const problems: string[] = [];
  // Cross-field rules zod can't express per key.
  if ((cfg.data.bars === undefined) === (cfg.data.mbo === undefined)) {
    problems.push(
      `data: found ${cfg.data.bars === undefined ? 'neither bars nor mbo' : 'both bars and mbo'}; allowed: exactly one of data.bars (bar file, L2) or data.mbo (MBO file, L3)`,
    );
  }
  const level = (cfg.backtest.execution as { level?: unknown } | undefined)?.level ?? 'L2';
  if (cfg.data.mbo !== undefined && level !== 'L3') {
    problems.push(`backtest.execution.level: found ${JSON.stringify(level)}; allowed: "L3" with data.mbo (MBO data is replayed as an order book)`);
  }
  if (cfg.data.bars !== undefined && level === 'L3') {
    problems.push('backtest.execution.level: found "L3"; allowed: "L2" with data.bars (L3 needs data.mbo, an MBO file)');
  }
  problems.push(...searchAndFoldProblems(cfg));
  if (problems.length) throw new ConfigError(file, problems);
  return cfg;
}

/** The rules of `search` and `folds` zod can't express per key: the same for one instrument and for a portfolio. */
function searchAndFoldProblems(cfg: Pick<StudyConfig, 'search' | 'folds'>): string[] {
  const problems: string[] = [];
  if (cfg.search.method === 'random') {
    if (cfg.search.samples === undefined) problems.push('search.samples: missing; allowed: a positive integer (random search)');
    if (cfg.search.seed === undefined) problems.push('search.seed: missing; allowed: a non-negative integer (random search must be reproducible)');
  }
  for (const [name, v] of Object.entries(cfg.search.params)) {
    if (!Array.isArray(v) && v.max < v.min) problems.push(`search.params.${name}: found min ${v.min} > max ${v.max}; allowed: min <= max`);
  }
  if (cfg.folds) {
    const test = parseDuration(cfg.folds.test);
    const step = cfg.folds.step ? parseDuration(cfg.folds.step) : test;
    if (step < test) {
      problems.push(
        `folds.step: found ${JSON.stringify(cfg.folds.step)}; allowed: a duration >= folds.test (${cfg.folds.test}), so out-of-sample windows don't overlap`,
      );
    }
  }
  return problems;
}

/** Read a YAML study file, apply `--set` overrides and validate. Relative paths stay relative to the cwd. */
export function loadStudyConfig(file: string, sets: string[] = []): StudyConfig {
  return validateStudy(readStudyRaw(file, sets), file);
}

/** Read a YAML study file and apply `--set` overrides, unvalidated (a single-instrument or a portfolio config). */
export function readStudyRaw(file: string, sets: string[] = []): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new Error(`${file}: cannot read the configuration (${(e as Error).message})`);
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (e) {
    throw new Error(`${file}: not valid YAML: ${(e as Error).message}`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ConfigError(file, ['(top level): found a non-mapping; allowed: a YAML mapping of keys']);
  return applyOverrides(raw as Record<string, unknown>, sets);
}

export function foldSpecOf(cfg: Pick<StudyConfig, 'folds'>): FoldSpec {
  if (!cfg.folds) throw new Error('folds: missing; a walk-forward study needs folds: { mode, train, test, step }');
  const test = parseDuration(cfg.folds.test);
  return {
    mode: cfg.folds.mode,
    train: parseDuration(cfg.folds.train),
    test,
    step: cfg.folds.step ? parseDuration(cfg.folds.step) : test,
    partial: cfg.folds.partial,
  };
}

export function searchSpecOf(cfg: Pick<StudyConfig, 'search'>): SearchSpec {
  return { method: cfg.search.method, params: cfg.search.params, samples: cfg.search.samples, seed: cfg.search.seed };
}

/**
 * A hash of everything that decides the study's results: the validated config minus `workers` and `out`,
 * plus the size of each data file. A results directory remembers it, so a resume never mixes two studies.
 */
export function studyHash(cfg: StudyConfig, resolvedProduct?: unknown): string {
  const { workers: _w, out: _o, taskTimeout: _t, ...rest } = cfg;
  const { typecheck: _c, ...strategy } = rest.strategy; // checking the strategy's types changes no result
  let dataSize = -1;
  try {
    dataSize = statSync(dataFileOf(cfg)).size;
  } catch {
    /* reported when the data is loaded */
  }
  return createHash('sha256')
    .update(canonicalJson({ ...rest, strategy, resolvedProduct: resolvedProduct ?? null, dataSize }))
    .digest('hex')
    .slice(0, 16);
}

/** JSON with sorted object keys, so the hash does not depend on key order. */
export function canonicalJson(v: unknown): string {
  return JSON.stringify(v, (_k, val: unknown) => {
    if (typeof val === 'bigint') return val.toString();
    if (val && typeof val === 'object' && !Array.isArray(val) && !ArrayBuffer.isView(val)) {
      return Object.fromEntries(Object.entries(val as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    return val;
  });
}

/** The study's data file: bars (L2) or MBO (L3). */
export function dataFileOf(cfg: StudyConfig): string {
  return (cfg.data.bars ?? cfg.data.mbo)!;
}

/** A study with its engine config composed and validated: what every task of the study carries. */
export interface ResolvedStudy {
  file: string;
  cfg: StudyConfig;
  /** `{ product, ...cfg.backtest }` validated by the engine's schema (src/config/backtest.ts) */
  engine: BacktestConfig;
  /** the product's tick in 1e-9 price units, for converting bar prices to ticks */
  tickUnits: bigint;
  hash: string;
}

/**
 * Compose the engine config: the product (a name under configs/products/, a path, or inline) plus the
 * study's `backtest` sections (fees, account, risk, execution). Engine errors are re-labelled with the
 * study key they came from (`backtest.risk.maxContracts`, `product.tickSize`).
 */
export function resolveStudy(cfg: StudyConfig, file = '<config>', productsDir = 'configs/products'): ResolvedStudy {
  let product;
  try {
    product = typeof cfg.product === 'string' ? loadProduct(cfg.product, productsDir) : validateProduct(cfg.product, `${file}: product`);
  } catch (e) {
    if (e instanceof EngineConfigError) throw new ConfigError(file, e.problems.map((p) => `product.${p}`));
    throw new ConfigError(file, [`product: found ${JSON.stringify(cfg.product)}; ${(e as Error).message}`]);
  }
  let engine: BacktestConfig;
  try {
    engine = validateBacktestConfig({ product, ...cfg.backtest }, file);
  } catch (e) {
    if (e instanceof EngineConfigError) throw new ConfigError(file, e.problems.map((p) => (p.startsWith('product') ? p : `backtest.${p}`)));
    throw e;
  }
  return { file, cfg, engine, tickUnits: BigInt(engine.product.tickSize), hash: studyHash(cfg, engine) };
}

// ---- error messages ------------------------------------------------------------------------------------

function valueAt(raw: unknown, p: PropertyKey[]): unknown {
  let node = raw;
  for (const k of p) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<PropertyKey, unknown>)[k];
  }
  return node;
}

function show(v: unknown): string {
  if (v === undefined) return 'nothing (missing)';
  const s = JSON.stringify(v);
  return s.length > 80 ? s.slice(0, 77) + '...' : s;
}

type Issue = z.core.$ZodIssue;

export function describeIssue(issue: Issue, raw: unknown, root: z.ZodType = studySchema): string {
  const key = issue.path.length ? issue.path.map(String).join('.') : '(top level)';
  const found = show(valueAt(raw, issue.path));
  // keys whose allowed forms are a union: say all of them, whichever branch zod reported
  if (issue.path.length === 1 && (issue.path[0] === 'workers' || issue.path[0] === 'product') && issue.code !== 'unrecognized_keys') {
    return `${key}: found ${found}; allowed: ${unionHint(issue.path)}`;
  }
  switch (issue.code) {
    case 'unrecognized_keys':
      return `${key === '(top level)' ? '' : key + '.'}${issue.keys.join(', ')}: unknown key; allowed keys here: ${allowedKeys(issue.path, root).join(', ')}`;
    case 'invalid_value':
      return `${key}: found ${found}; allowed: ${issue.values.map((v) => JSON.stringify(v)).join(' | ')}`;
    case 'invalid_type':
      return `${key}: found ${found}; allowed: ${issue.expected}${issue.message.includes('expected') ? '' : ` (${issue.message})`}`;
    case 'too_small':
      return `${key}: found ${found}; allowed: ${issue.origin === 'string' ? 'a non-empty string' : `${issue.inclusive ? '>=' : '>'} ${String(issue.minimum)}`}`;
    case 'too_big':
      return `${key}: found ${found}; allowed: ${issue.inclusive ? '<=' : '<'} ${String(issue.maximum)}`;
    case 'invalid_format':
      return `${key}: found ${found}; allowed: ${issue.message}`;
    case 'invalid_union':
      return `${key}: found ${found}; allowed: ${unionHint(issue.path)}`;
    default:
      return `${key}: found ${found}; ${issue.message}`;
  }
}

function unionHint(p: PropertyKey[]): string {
  const k = p.map(String);
  if (k[0] === 'workers') return '"auto" or an integer from 1 to 1024';
  if (k[0] === 'product') return 'a product name (configs/products/<name>.yaml), a path to a YAML file, or an inline mapping';
  if (k[0] === 'search' && k[1] === 'params') return 'a list of numbers, or { min, max, step }';
  return 'one of the documented forms (see docs/walk-forward.md)';
}

function allowedKeys(p: PropertyKey[], root: z.ZodType = studySchema): string[] {
  let schema: z.ZodType = root;
  for (const k of p) {
    schema = unwrap(schema);
    if (schema instanceof z.ZodObject) schema = (schema.shape as Record<string, z.ZodType>)[String(k)] ?? schema;
    else if (schema instanceof z.ZodArray && typeof k === 'number') schema = schema.element as z.ZodType;
  }
  schema = unwrap(schema);
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
}

function unwrap(s: z.ZodType): z.ZodType {
  let cur: z.ZodType = s;
  while (cur instanceof z.ZodDefault || cur instanceof z.ZodOptional) cur = cur.unwrap() as z.ZodType;
  return cur;
}

// ---- portfolio configs ----------------------------------------------------------------------------------------
// `instruments: [{ name, data: { bars, symbol }, product }]` instead of `data` + `product`: one account and one set
// of risk guards over every instrument (src/backtest/portfolio/, docs/backtest.md "Portfolio backtests").
// `contango backtest` runs strategy.params; `contango walk-forward` searches `search` over `folds` (docs/walk-forward.md
// "Portfolio studies").

const instrumentSchema = z.strictObject({
  name: z.string().min(1).regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, ".", "_" and "-" only'),
  data: z.strictObject({
    /** bar file (DBN ohlcv-1m or Databento-layout parquet); portfolios run at L2 only */
    bars: z.string().min(1),
    symbol: z.string().min(1).optional(),
    cache: z.boolean().default(true),
  }),
  product: z.union([z.string().min(1), z.record(z.string(), z.unknown())]),
});

export const portfolioStudySchema = studySchema.omit({ data: true, product: true }).extend({
  instruments: z.array(instrumentSchema).min(1),
});

export type PortfolioStudyConfig = z.infer<typeof portfolioStudySchema>;

/** Does this raw config use the portfolio form (an `instruments` key)? */
export function isPortfolioRaw(raw: unknown): raw is Record<string, unknown> & { instruments: unknown } {
  return typeof raw === 'object' && raw !== null && !Array.isArray(raw) && Object.hasOwn(raw, 'instruments');
}

export function validatePortfolioStudy(raw: unknown, file = '<config>'): PortfolioStudyConfig {
  if (typeof raw === 'object' && raw !== null && ('data' in raw || 'product' in raw)) {
    throw new ConfigError(file, ['instruments: found together with data / product; allowed: either instruments (a portfolio) or data + product (one instrument)']);
  }
  const r = portfolioStudySchema.safeParse(raw);
  if (!r.success) {
    throw new ConfigError(
      file,
      r.error.issues.map((i) =>
        i.path.at(-1) === 'product' && i.path[0] === 'instruments' && i.code !== 'unrecognized_keys'
          ? `${i.path.map(String).join('.')}: found ${show(valueAt(raw, i.path))}; allowed: ${unionHint(['product'])}`
          : describeIssue(i, raw, portfolioStudySchema),
      ),
    );
  }
  const cfg = r.data;
  const problems: string[] = [];
  const seen = new Map<string, number>();
  cfg.instruments.forEach((x, k) => {
    const first = seen.get(x.name);
    if (first !== undefined) problems.push(`instruments.${k}.name: found ${JSON.stringify(x.name)}, already the name of instruments.${first}; allowed: a name unique in instruments`);
    else seen.set(x.name, k);
  });
  const level = (cfg.backtest.execution as { level?: unknown } | undefined)?.level ?? 'L2';
  if (level !== 'L2') problems.push(`backtest.execution.level: found ${JSON.stringify(level)}; allowed: "L2" (portfolio backtests run on bars)`);
  if (cfg.backtest.fees !== undefined) problems.push('backtest.fees: found a fees override; allowed: nothing here in a portfolio (each instrument\'s fees are its product\'s)');
  problems.push(...searchAndFoldProblems(cfg));
  if (problems.length) throw new ConfigError(file, problems);
  return cfg;
}

export function loadPortfolioConfig(file: string, sets: string[] = []): PortfolioStudyConfig {
  return validatePortfolioStudy(readStudyRaw(file, sets), file);
}

export interface ResolvedInstrument {
  name: string;
  data: PortfolioStudyConfig['instruments'][number]['data'];
  product: import('./product.js').ProductConfig;
  /** the product's tick in 1e-9 price units */
  tickUnits: bigint;
}

export interface ResolvedPortfolioStudy {
  file: string;
  cfg: PortfolioStudyConfig;
  /** account, risk and execution validated by the engine's schema (its product: the first instrument's, unused) */
  engine: BacktestConfig;
  instruments: ResolvedInstrument[];
  hash: string;
}

/** Load each instrument's product and validate the engine sections; errors name the study key they came from. */
export function resolvePortfolioStudy(cfg: PortfolioStudyConfig, file = '<config>', productsDir = 'configs/products'): ResolvedPortfolioStudy {
  const instruments = cfg.instruments.map((x, k): ResolvedInstrument => {
    let product;
    try {
      product = typeof x.product === 'string' ? loadProduct(x.product, productsDir) : validateProduct(x.product, `${file}: instruments.${k}.product`);
    } catch (e) {
      if (e instanceof EngineConfigError) throw new ConfigError(file, e.problems.map((p) => `instruments.${k}.product.${p}`));
      throw new ConfigError(file, [`instruments.${k}.product: found ${JSON.stringify(x.product)}; ${(e as Error).message}`]);
    }
    return { name: x.name, data: x.data, product, tickUnits: BigInt(product.tickSize) };
  });
  let engine: BacktestConfig;
  try {
    engine = validateBacktestConfig({ product: instruments[0]!.product, ...cfg.backtest }, file);
  } catch (e) {
    if (e instanceof EngineConfigError) throw new ConfigError(file, e.problems.map((p) => `backtest.${p}`));
    throw e;
  }
  const { workers: _w, out: _o, taskTimeout: _t, ...rest } = cfg;
  const { typecheck: _c, ...strategy } = rest.strategy;
  const dataSizes = cfg.instruments.map((x) => {
    try {
      return statSync(x.data.bars).size;
    } catch {
      return -1; // reported when the data is loaded
    }
  });
  const hash = createHash('sha256')
    .update(canonicalJson({ ...rest, strategy, resolvedProducts: instruments.map((x) => x.product), engine: { ...engine, product: null }, dataSizes }))
    .digest('hex')
    .slice(0, 16);
  return { file, cfg, engine, instruments, hash };
}

/** Is this resolved study a portfolio (several instruments)? */
export function isPortfolioStudy(s: ResolvedStudy | ResolvedPortfolioStudy): s is ResolvedPortfolioStudy {
  return Object.hasOwn(s, 'instruments');
}
