// Type check of a user TypeScript strategy before it runs (docs/strategies.md "Type check"). The transpiler
// (./ts-compile.ts) only strips types; this builds a TypeScript Program over the entry file and the files it imports,
// with strict options and noEmit, and reports every error as `file:line:column: error TSxxxx: message`. The nearest
// tsconfig.json (./typecheck-tsconfig.ts has the rule) adds the user's options over those defaults; the options the
// check depends on (noEmit, the transpiler's module resolution, the 'contango' mapping …) stay as they are.
//
// The strategy API: the module name 'contango' is mapped (compiler option `paths`) to ./api-types/index.ts, which
// re-exports the engine's own types (src/backtest/strategy.ts …), so `import type { StrategyContext } from 'contango'`
// is checked against the real thing. Untyped exports are checked too (./typecheck-exports.ts). Only the user's files
// are reported: the engine's sources and node_modules are the project's business.
//
// Cost: a Program with lib.d.ts and the API's types (zod's among them) takes ~1 s. A pass is remembered next to the
// transpiler's cache (<name>-<hash of the entry's path>.typecheck.json): the list of every file the Program read
// except TypeScript's own lib files (plus the tsconfig and the files it extends), and one hash over their contents,
// the TypeScript version, the check's options and which tsconfig applies (so a tsconfig added later is noticed).
// The next check re-hashes those files (a few ms) and, when nothing changed, does not load the compiler at all.
// Errors are not cached: a failing file is checked again on every run. Callers check once in the main thread
// (user-module.ts); worker threads trust that.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadTs, sha, tsCacheDir, tsVersion, writeAtomic } from './ts-compile.js';
import { planExportChecks, toOriginal, type ExportChecks } from './typecheck-exports.js';
import { findTsconfig, mergeOptions, readTsconfig } from './typecheck-tsconfig.js';

type TS = typeof import('typescript');
type Diagnostic = import('typescript').Diagnostic;
type SourceFile = import('typescript').SourceFile;

/** bump when the check itself changes (options, export checks): every remembered pass is then void */
const CHECK_FORMAT = 2;
/** diagnostics listed in one error; the rest are counted */
export const MAX_REPORTED = 50;

/** Type errors in a strategy: `diagnostics` are the formatted lines (at most MAX_REPORTED), `count` all of them. */
export class StrategyTypeError extends Error {
  /** "3 type errors" */
  readonly summary: string;
  /** the diagnostics, then "… and N more" past MAX_REPORTED */
  readonly lines: string[];
  constructor(
    readonly diagnostics: string[],
    readonly count: number,
  ) {
    const summary = `${count} type error${count === 1 ? '' : 's'}`;
    const lines = count > diagnostics.length ? [...diagnostics, `… and ${count - diagnostics.length} more`] : diagnostics;
    super(`${summary}\n${indent(lines, '  ')}`);
    this.name = 'StrategyTypeError';
    this.summary = summary;
    this.lines = lines;
  }
}

/** one line per entry, each line (an entry's continuation lines too) after `by` */
export function indent(lines: readonly string[], by: string): string {
  return lines.map((l) => by + l.replace(/\n/g, `\n${by}`)).join('\n');
}

/** Programs built by this process: a remembered pass builds none (tests read it; nothing else should). */
export const typecheckStats = { programs: 0 };

export interface TypecheckOptions {
  /** file names in messages are relative to this directory when inside it (default: the working directory) */
  cwd?: string;
}

interface PassRecord {
  format: number;
  entry: string;
  files: string[];
  key: string;
}

/**
 * Type-check a .ts/.mts strategy and the files it imports. Resolves when it is clean (or a pass is remembered for
 * exactly these contents); rejects with StrategyTypeError listing the errors, or TsconfigError when the tsconfig.json
 * that applies cannot be read.
 */
export async function typecheckStrategy(entry: string, opts: TypecheckOptions = {}): Promise<void> {
  const abs = path.resolve(entry);
  const api = apiTypesEntry();
  const dir = tsCacheDir(abs);
  const record = path.join(dir, `${path.basename(abs).replace(/\.m?ts$/, '')}-${sha(abs).slice(0, 24)}.typecheck.json`);
  const tsconfig = findTsconfig(abs);
  if (rememberedPass(record, abs, api, tsconfig)) return;
  const ts = await loadTs();
  typecheckStats.programs++;
  const r = check(ts, abs, api, tsconfig, opts.cwd ?? process.cwd());
  if (r.errors.length > 0) throw new StrategyTypeError(r.errors.slice(0, MAX_REPORTED), r.errors.length);
  const files = [...r.texts.keys()].sort();
  const key = passKey(abs, api, tsconfig, files, (f) => r.texts.get(f)!);
  const pass: PassRecord = { format: CHECK_FORMAT, entry: abs, files, key };
  mkdirSync(dir, { recursive: true });
  writeAtomic(record, JSON.stringify(pass));
}

/**
 * the hash a pass is remembered under: the check's version and options, the tsconfig that applies (its content and
 * the files it extends are among `files`), and every file's path and content
 */
function passKey(entry: string, api: string, tsconfig: string | null, files: string[], text: (f: string) => string): string {
  return sha(JSON.stringify([CHECK_FORMAT, tsVersion(), entry, api, tsconfig, files.map((f) => [f, sha(text(f))])]));
}

function rememberedPass(record: string, entry: string, api: string, tsconfig: string | null): boolean {
  let r: PassRecord;
  try {
    r = JSON.parse(readFileSync(record, 'utf8')) as PassRecord;
  } catch {
    return false; // none yet, or unreadable
  }
  if (r.format !== CHECK_FORMAT || r.entry !== entry || !Array.isArray(r.files)) return false;
  try {
    // without a byte-order mark, as the compiler reads it (else such a file would never match)
    return passKey(entry, api, tsconfig, r.files, (f) => readFileSync(f, 'utf8').replace(/^\uFEFF/, '')) === r.key;
  } catch {
    return false; // a file has gone: check again
  }
}

/**
 * The declarations `contango` stands for: ./api-types/index.ts next to this module (running from the sources), its
 * compiled declarations (index.d.ts, when the build emits them), else the sources under the package root (running
 * from dist/ without declarations).
 */
function apiTypesEntry(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [path.join(here, 'api-types', 'index.ts'), path.join(here, 'api-types', 'index.d.ts')];
  const root = packageRoot(here);
  if (root !== null) candidates.push(path.join(root, 'src', 'strategies', 'api-types', 'index.ts'));
  const hit = candidates.find((c) => existsSync(c));
  if (hit === undefined) {
    throw new Error(`cannot type-check: the strategy API types are missing (looked for ${candidates.join(', ')}); set strategy.typecheck: false`);
  }
  return hit;
}

/** the nearest directory at or above `dir` with a package.json */
function packageRoot(dir: string): string | null {
  for (let d = dir; ; ) {
    if (existsSync(path.join(d, 'package.json'))) return d;
    const up = path.dirname(d);
    if (up === d) return null;
    d = up;
  }
}

/** the @types directory holding Node's types, looked up from the strategy's folder, then from contango's own */
function nodeTypesRoot(entry: string): string | null {
  const here = path.dirname(fileURLToPath(import.meta.url));
  for (const start of [path.dirname(entry), here]) {
    for (let d = start; ; ) {
      const types = path.join(d, 'node_modules', '@types');
      if (existsSync(path.join(types, 'node', 'package.json'))) return types;
      const up = path.dirname(d);
      if (up === d) break;
      d = up;
    }
  }
  return null;
}

// TypeScript's lib files (lib.es2022.d.ts …) parsed once per process: they take most of a Program's parse time and
// never change under a given compiler.
const libFiles = new Map<string, SourceFile>();

interface CheckResult {
  /** formatted, in file and position order */
  errors: string[];
  /**
   * every file the Program read except TypeScript's lib files, with the text it read (the entry's original text),
   * and the tsconfig's files
   */
  texts: Map<string, string>;
}

function check(ts: TS, entry: string, api: string, tsconfig: string | null, cwd: string): CheckResult {
  // first: a broken tsconfig is reported as such, not as whatever the Program makes of it
  const user = tsconfig === null ? null : readTsconfig(ts, tsconfig, (f) => displayPath(f, cwd));
  const source = readFileSync(entry, 'utf8').replace(/^\uFEFF/, ''); // as the compiler reads files
  const checks = planExportChecks(ts, entry, source, path.basename(entry));
  const options = mergeOptions(defaultOptions(ts, entry), user?.options ?? null, forcedOptions(ts, api));
  const host = ts.createCompilerHost(options, true);
  const libDir = path.resolve(host.getDefaultLibLocation!());
  const texts = new Map<string, string>(user?.texts);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
    const f = path.resolve(fileName);
    if (f === entry) {
      texts.set(f, source);
      return ts.createSourceFile(fileName, checks.text, languageVersion, true);
    }
    const isLib = path.dirname(f) === libDir;
    const hit = isLib ? libFiles.get(f) : undefined;
    if (hit) return hit;
    const sf = getSourceFile(fileName, languageVersion, onError, shouldCreate);
    if (sf && isLib) libFiles.set(f, sf);
    else if (sf) texts.set(f, sf.text);
    return sf;
  };
  const program = ts.createProgram({ rootNames: [entry], options, host });
  const apiDir = path.resolve(api, '..', '..', '..'); // the engine's sources (or declarations): not reported
  const isUserFile = (sf: SourceFile) => {
    const f = path.resolve(sf.fileName);
    return !sf.isDeclarationFile && !f.split(path.sep).includes('node_modules') && !f.startsWith(apiDir + path.sep);
  };
  const optionErrors = new Set(program.getOptionsDiagnostics());
  const diags: Diagnostic[] = [...optionErrors, ...program.getGlobalDiagnostics()];
  for (const sf of program.getSourceFiles()) {
    if (isUserFile(sf)) diags.push(...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf));
  }
  const located = diags
    .filter((d) => d.category === ts.DiagnosticCategory.Error)
    .map((d) => {
      const l = locate(ts, d, entry, checks, cwd);
      // an option error with a tsconfig (a combination tsc rejects, …): name the file to fix
      return user && l.file === '' && optionErrors.has(d) ? { ...l, text: `${displayPath(user.file, cwd)}: ${l.text}` } : l;
    });
  // errors without a file (options, global types) first, then the entry's, then the other files' by name; each
  // file's in position order
  const first = displayPath(entry, cwd);
  const rank = (l: Located) => (l.file === '' ? 0 : l.file === first ? 1 : 2);
  located.sort((a, b) => rank(a) - rank(b) || (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column));
  const seen = new Set<string>();
  const errors = located.map((l) => l.text).filter((t) => !seen.has(t) && seen.add(t));
  return { errors, texts };
}

/** what the check uses when no tsconfig applies; a tsconfig's own options replace these one by one */
function defaultOptions(ts: TS, entry: string): import('typescript').CompilerOptions {
  const typesRoot = nodeTypesRoot(entry);
  return {
    strict: true,
    noImplicitOverride: true,
    noFallthroughCasesInSwitch: true,
    target: ts.ScriptTarget.ES2022,
    lib: ['lib.es2022.d.ts'],
    esModuleInterop: true,
    types: typesRoot === null ? [] : ['node'],
    ...(typesRoot === null ? {} : { typeRoots: [typesRoot] }),
  };
}

/** what the check needs whatever a tsconfig says: the run's own conventions, and the strategy API */
function forcedOptions(ts: TS, api: string): import('typescript').CompilerOptions {
  return {
    noEmit: true,
    // each file is transpiled on its own (ts-compile): flag what that cannot do (const enums across files …)
    isolatedModules: true,
    module: ts.ModuleKind.ESNext,
    // close to ts-compile's resolution: ./x.js finds x.ts, extensionless and ./x.ts imports, folder index files
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    allowImportingTsExtensions: true,
    // the transpiler rewrites an import of a .json file to its URL: it loads
    resolveJsonModule: true,
    // errors in declaration files are not reported anyway (only the user's own files are): checking them is only cost
    skipLibCheck: true,
    paths: { contango: [api] },
  };
}

interface Located {
  file: string;
  line: number;
  column: number;
  text: string;
}

/** one diagnostic as `file:line:column: error TSxxxx: message`, positions in the entry mapped back to its own text */
function locate(ts: TS, d: Diagnostic, entry: string, checks: ExportChecks, cwd: string): Located {
  // the chain's lines (already indented by depth) a little further in than the first
  let message = ts.flattenDiagnosticMessageText(d.messageText, '\n').replace(/\n/g, '\n  ');
  const head = `error TS${d.code}: `;
  if (!d.file || d.start === undefined) return { file: '', line: 0, column: 0, text: head + message };
  const f = path.resolve(d.file.fileName);
  let lc: { line: number; character: number };
  if (f === entry) {
    const o = toOriginal(checks, d.start);
    if (o.inserted) message = `${o.inserted.label}: ${message}`;
    lc = checks.original.getLineAndCharacterOfPosition(o.pos);
  } else {
    lc = d.file.getLineAndCharacterOfPosition(d.start);
  }
  const file = displayPath(f, cwd);
  return { file, line: lc.line + 1, column: lc.character + 1, text: `${file}:${lc.line + 1}:${lc.character + 1}: ${head}${message}` };
}

/** relative to `cwd` when the file is inside it, else absolute (a path full of ../ reads worse than the real one) */
export function displayPath(file: string, cwd: string): string {
  const rel = path.relative(cwd, file);
  return rel === '' || rel.startsWith('..') || path.isAbsolute(rel) ? file : rel;
}
