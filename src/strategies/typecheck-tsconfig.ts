// The user's tsconfig.json in the type check of a strategy (./typecheck.ts; docs/strategies.md "Type check").
//
// Which file: the nearest tsconfig.json at or above the strategy's directory, the walk ending at the first directory
// that holds a package.json or a .git (the project's root, itself searched) or at the filesystem root. A strategy
// outside contango's repository therefore never picks up contango's own tsconfig.json.
//
// How it is read: with TypeScript's own API (readConfigFile, parseJsonConfigFileContent), so comments, trailing commas
// and `extends` chains work as in tsc. Its `include`/`files`/`exclude` are not consulted (the check's only root is the
// strategy, whose imports are followed), so no directory is walked. Every file read while parsing (the tsconfig, the
// files it extends) is returned with its text for the remembered pass's key.
//
// How it merges (mergeOptions): contango's defaults, then every option the tsconfig sets (directly or through
// `extends`), then the options the check depends on, which always win.
import { existsSync } from 'node:fs';
import path from 'node:path';

type TS = typeof import('typescript');
type CompilerOptions = import('typescript').CompilerOptions;
type Diagnostic = import('typescript').Diagnostic;

/** The tsconfig.json that applies to a strategy in `entry`'s directory, or null (see the header for the rule). */
export function findTsconfig(entry: string): string | null {
  for (let d = path.dirname(path.resolve(entry)); ; ) {
    const f = path.join(d, 'tsconfig.json');
    if (existsSync(f)) return f;
    // a project's root ends the walk: a tsconfig above it belongs to something else
    if (existsSync(path.join(d, 'package.json')) || existsSync(path.join(d, '.git'))) return null;
    const up = path.dirname(d);
    if (up === d) return null;
    d = up;
  }
}

/** A tsconfig.json (or a file it extends) TypeScript cannot read or rejects: each error names its file. */
export class TsconfigError extends Error {
  constructor(
    /** the tsconfig.json that was found next to or above the strategy */
    readonly file: string,
    /** `file:line:column: error TSxxxx: message`, or `file: error TSxxxx: message` when TypeScript gives no position */
    readonly diagnostics: string[],
  ) {
    super(`invalid tsconfig: ${diagnostics.join('; ')} (fix it, or set strategy.typecheck: false to run the strategy unchecked)`);
    this.name = 'TsconfigError';
  }
}

export interface UserTsconfig {
  file: string;
  /** the compiler options it sets, `extends` applied, paths absolute (as parseJsonConfigFileContent returns them) */
  options: CompilerOptions;
  /** every file read to parse it (it, the files it extends, a package.json an `extends` resolved through), with its text */
  texts: Map<string, string>;
}

// "No inputs were found in config file": expected, as the check does not expand `include` (its root is the strategy)
const NO_INPUTS = 18003;

/**
 * Parse `file` as tsc would; throws TsconfigError for anything TypeScript reports as an error, file names in it as
 * `shown` prints them.
 */
export function readTsconfig(ts: TS, file: string, shown: (file: string) => string): UserTsconfig {
  const texts = new Map<string, string>();
  const readFile = (f: string): string | undefined => {
    const text = ts.sys.readFile(f);
    if (text !== undefined) texts.set(path.resolve(f), text);
    return text;
  };
  const read = ts.readConfigFile(file, readFile);
  if (read.error) throw new TsconfigError(file, [formatDiagnostic(ts, read.error, file, shown)]);
  const host: import('typescript').ParseConfigHost = {
    useCaseSensitiveFileNames: ts.sys.useCaseSensitiveFileNames,
    readDirectory: () => [], // `include` is not expanded (header)
    fileExists: (f) => ts.sys.fileExists(f),
    readFile,
  };
  const parsed = ts.parseJsonConfigFileContent(read.config, host, path.dirname(file), undefined, file);
  const errors = parsed.errors.filter((d) => d.category === ts.DiagnosticCategory.Error && d.code !== NO_INPUTS);
  if (errors.length > 0) throw new TsconfigError(file, errors.map((d) => formatDiagnostic(ts, d, file, shown)));
  return { file, options: parsed.options, texts };
}

/** one line, at its file:line:column when TypeScript gives one, else under the tsconfig's name */
function formatDiagnostic(ts: TS, d: Diagnostic, tsconfig: string, shown: (file: string) => string): string {
  const message = `error TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
  if (!d.file || d.start === undefined) return `${shown(tsconfig)}: ${message}`;
  const lc = d.file.getLineAndCharacterOfPosition(d.start);
  return `${shown(path.resolve(d.file.fileName))}:${lc.line + 1}:${lc.character + 1}: ${message}`;
}

/**
 * Options a tsconfig may not bring in: they only concern output, which the check never writes (some would even break
 * it: `rootDir` or `composite` reject contango's API files, which live outside the user's project), or they make the
 * compiler print (traceResolution).
 */
const OUTPUT_ONLY: readonly string[] = [
  'declaration',
  'declarationMap',
  'declarationDir',
  'emitDeclarationOnly',
  'composite',
  'incremental',
  'tsBuildInfoFile',
  'outDir',
  'outFile',
  'rootDir',
  'sourceMap',
  'inlineSourceMap',
  'inlineSources',
  'mapRoot',
  'sourceRoot',
  'traceResolution',
  'listFiles',
  'listEmittedFiles',
  'explainFiles',
];

/**
 * Module lookup the transpiler (./ts-compile.ts) does not do: aliases through `paths`/`baseUrl`/`rootDirs` would
 * type-check and then fail to load, so the check resolves as the transpiler does (the forced options replace them).
 */
const RESOLUTION: readonly string[] = ['paths', 'pathsBasePath', 'baseUrl', 'rootDirs'];

/**
 * The check's options: `defaults`, then the user's (minus OUTPUT_ONLY and RESOLUTION), then `forced`. Two defaults
 * give way to related user options: `lib` to a user `target` (TypeScript derives the lib from it), `types` and
 * `typeRoots` to either of the two.
 */
export function mergeOptions(defaults: CompilerOptions, user: CompilerOptions | null, forced: CompilerOptions): CompilerOptions {
  if (user === null) return { ...defaults, ...forced };
  const base: CompilerOptions = { ...defaults };
  if (user.target !== undefined && user.lib === undefined) delete base.lib;
  if (user.types !== undefined || user.typeRoots !== undefined) {
    delete base.types;
    delete base.typeRoots;
  }
  const own: CompilerOptions = { ...user };
  for (const k of [...OUTPUT_ONLY, ...RESOLUTION]) delete own[k];
  return { ...base, ...own, ...forced };
}
