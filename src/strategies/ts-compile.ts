// TypeScript strategy files on Node 20 (which cannot import .ts): each file is transpiled with the `typescript`
// package's transpileModule (syntax only; the type check is ./typecheck.ts) into an ES module in a cache directory,
// named by a content hash, and imported from there. The same code runs on the main thread and in Piscina worker
// threads; a worker that finds the output already cached does not load `typescript` at all.
//
// Relative imports are followed: `./util.js` (the TypeScript ESM convention for util.ts), `./util.ts` or `./util`
// that resolve to a .ts/.mts file are transpiled too and the import is rewritten to the cached copy; imports of
// existing .js/.mjs/.json files are rewritten to their absolute file URL; `import.meta.url` (and dirname, filename)
// keeps naming the source file. Bare imports ('decimal.js') resolve from the cache directory, which is why it lives
// under the source's package root by default (<root>/node_modules/.cache/contango-ts, root = the nearest directory
// with a package.json or node_modules); $CONTANGO_TS_CACHE overrides it. Import cycles between .ts files are not
// supported (an error names the cycle).
//
// Cache layout: <name>-<key>.deps.json records the imports that survived transpilation (type-only ones are elided)
// for a source whose path and text hash to <key>; <name>-<hash>.mjs is the output, <hash> covering the source key and
// the outputs of its .ts dependencies, so an edit anywhere below a file gives it a new name (Node caches modules by
// URL). Files are written to a temporary name and renamed: concurrent workers never see half a file.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { threadId } from 'node:worker_threads';
import { cacheRoot } from '../data/cache/location.js';

type TS = typeof import('typescript');

const CACHE_FORMAT = 1;
export const TS_EXTENSIONS = ['.ts', '.mts'] as const;

/** A transpile or resolution problem, with the file, line and column (1-based) it points at. */
export class TsCompileError extends Error {
  constructor(
    message: string,
    readonly file: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(message);
    this.name = 'TsCompileError';
  }
}

interface Dep {
  /** the specifier as written */
  spec: string;
  /** absolute path of the target */
  target: string;
  /** a .ts/.mts file, transpiled in turn */
  ts: boolean;
}

interface Meta {
  format: number;
  source: string;
  deps: Dep[];
}

let tsVersionCache: string | null = null;
/** the installed typescript's version, read from its package.json (cheap: loading the compiler is not) */
export function tsVersion(): string {
  if (tsVersionCache === null) {
    const req = createRequire(import.meta.url);
    tsVersionCache = (JSON.parse(readFileSync(req.resolve('typescript/package.json'), 'utf8')) as { version: string }).version;
  }
  return tsVersionCache;
}

let tsModule: Promise<TS> | null = null;
/** the `typescript` package, loaded on first use (not by a worker whose module is cached) */
export function loadTs(): Promise<TS> {
  tsModule ??= import('typescript').then((m) => ((m as { default?: TS }).default ?? (m as unknown as TS)));
  return tsModule;
}

/** the cache directory for a source file (see the header) */
export function tsCacheDir(file: string): string {
  const explicit = process.env['CONTANGO_TS_CACHE'];
  if (explicit) return path.resolve(explicit);
  for (let dir = path.dirname(file); ; ) {
    if (existsSync(path.join(dir, 'package.json')) || existsSync(path.join(dir, 'node_modules'))) {
      return path.join(dir, 'node_modules', '.cache', 'contango-ts');
    }
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return path.join(cacheRoot(), 'ts');
}

export const sha = (s: string) => createHash('sha256').update(s).digest('hex');

/** write under a temporary name, then rename: a concurrent reader sees the old file or the whole new one */
export function writeAtomic(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.${threadId}.${Math.random().toString(36).slice(2)}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

/**
 * Transpile `entry` (and the .ts files it imports) into the cache; returns the absolute path of the entry's
 * output module. Throws TsCompileError for a syntax error or an import that resolves to nothing.
 */
export async function compileTs(entry: string): Promise<string> {
  const abs = path.resolve(entry);
  const dir = tsCacheDir(abs);
  mkdirSync(dir, { recursive: true });
  const c = new Compiler(dir);
  return c.compile(abs, []);
}

class Compiler {
  private readonly done = new Map<string, string>();
  private ts: TS | null = null;
  constructor(private readonly dir: string) {}

  async compile(file: string, stack: string[]): Promise<string> {
    const hit = this.done.get(file);
    if (hit !== undefined) return hit;
    if (stack.includes(file)) {
      const cycle = [...stack.slice(stack.indexOf(file)), file].map((f) => path.basename(f)).join(' → ');
      throw new TsCompileError(`import cycle between TypeScript strategy files (${cycle}): not supported`, file, 1, 1);
    }
    const source = readFileSync(file, 'utf8');
    const name = path.basename(file).replace(/\.m?ts$/, '');
    const key = sha(JSON.stringify([CACHE_FORMAT, tsVersion(), file, source]));
    const metaFile = path.join(this.dir, `${name}-${key.slice(0, 24)}.deps.json`);
    let meta: Meta | null = null;
    if (existsSync(metaFile)) {
      try {
        meta = JSON.parse(readFileSync(metaFile, 'utf8')) as Meta;
        // a stale record (another format, or an import target that has since disappeared): resolve again
        if (meta.format !== CACHE_FORMAT || meta.source !== file || !meta.deps.every((d) => existsSync(d.target))) meta = null;
      } catch {
        meta = null; // unreadable: transpile again
      }
    }
    let text: string | null = null;
    if (meta === null) {
      const r = await this.transpile(file, source);
      meta = { format: CACHE_FORMAT, source: file, deps: r.deps };
      text = r.text;
    }
    // the outputs of the .ts dependencies, which are part of this file's identity (rewritten import URLs)
    const urls: string[] = [];
    for (const d of meta.deps) {
      urls.push(d.ts ? pathToFileURL(await this.compile(d.target, [...stack, file])).href : pathToFileURL(d.target).href);
    }
    const hash = sha(JSON.stringify([key, urls]));
    const out = path.join(this.dir, `${name}-${hash.slice(0, 24)}.mjs`);
    if (!existsSync(out)) {
      text ??= (await this.transpile(file, source)).text;
      writeAtomic(out, rewrite(text, urls));
      if (!existsSync(metaFile)) writeAtomic(metaFile, JSON.stringify(meta));
    }
    this.done.set(file, out);
    return out;
  }

  /**
   * transpileModule with a transformer that replaces every surviving relative import specifier by a placeholder
   * (filled in by `rewrite` once the targets are compiled) and import.meta.url/dirname/filename by the source's.
   */
  private async transpile(file: string, source: string): Promise<{ text: string; deps: Dep[] }> {
    const ts = (this.ts ??= await loadTs());
    const deps: Dep[] = [];
    const problems: TsCompileError[] = [];
    const sf = ts.createSourceFile(file, source, ts.ScriptTarget.ES2022, true);
    const where = (node: import('typescript').Node) => {
      const orig = ts.getOriginalNode(node);
      const pos = orig.pos >= 0 ? skipTrivia(source, orig.pos) : 0;
      const lc = sf.getLineAndCharacterOfPosition(pos);
      return { line: lc.line + 1, column: lc.character + 1 };
    };
    const placeholder = (spec: string, node: import('typescript').Node): string | null => {
      if (!isRelative(spec)) return null;
      let dep = deps.find((d) => d.spec === spec);
      if (!dep) {
        const target = resolveRelative(file, spec);
        if (target === null) {
          const w = where(node);
          problems.push(new TsCompileError(`${file}:${w.line}:${w.column}: cannot resolve import "${spec}"`, file, w.line, w.column));
          return null;
        }
        dep = { spec, target, ts: TS_EXTENSIONS.some((e) => target.endsWith(e)) };
        deps.push(dep);
      }
      return `${PLACEHOLDER}${deps.indexOf(dep)}$`;
    };
    const fileUrl = pathToFileURL(file).href;
    const transformer: import('typescript').TransformerFactory<import('typescript').SourceFile> = (ctx) => {
      const f = ctx.factory;
      const visit = (node: import('typescript').Node): import('typescript').Node => {
        if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
          const p = placeholder(node.moduleSpecifier.text, node);
          if (p !== null) {
            return ts.isImportDeclaration(node)
              ? f.updateImportDeclaration(node, node.modifiers, node.importClause, f.createStringLiteral(p), node.attributes)
              : f.updateExportDeclaration(node, node.modifiers, node.isTypeOnly, node.exportClause, f.createStringLiteral(p), node.attributes);
          }
          return node;
        }
        if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteral(node.arguments[0])) {
          const p = placeholder(node.arguments[0].text, node);
          if (p !== null) return f.updateCallExpression(node, node.expression, node.typeArguments, [f.createStringLiteral(p), ...node.arguments.slice(1)]);
        }
        if (ts.isPropertyAccessExpression(node) && ts.isMetaProperty(node.expression) && node.expression.keywordToken === ts.SyntaxKind.ImportKeyword) {
          const prop = node.name.text;
          if (prop === 'url') return f.createStringLiteral(fileUrl);
          if (prop === 'filename') return f.createStringLiteral(file);
          if (prop === 'dirname') return f.createStringLiteral(path.dirname(file));
        }
        return ts.visitEachChild(node, visit, ctx);
      };
      return (s) => ts.visitNode(s, visit) as import('typescript').SourceFile;
    };
    const r = ts.transpileModule(source, {
      fileName: file,
      reportDiagnostics: true,
      compilerOptions: {
        module: ts.ModuleKind.ESNext,
        target: ts.ScriptTarget.ES2022,
        inlineSourceMap: true,
        inlineSources: true,
        sourceRoot: pathToFileURL(path.dirname(file)).href + '/',
        esModuleInterop: true,
        useDefineForClassFields: true,
      },
      transformers: { after: [transformer] },
    });
    const errors = (r.diagnostics ?? []).filter((d) => d.category === ts.DiagnosticCategory.Error);
    if (errors.length > 0) {
      const first = errors[0]!;
      const lc = first.file && first.start !== undefined ? first.file.getLineAndCharacterOfPosition(first.start) : { line: 0, character: 0 };
      const lines = errors.map((d) => {
        const p = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : { line: 0, character: 0 };
        return `${file}:${p.line + 1}:${p.character + 1}: error TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
      });
      throw new TsCompileError(lines.join('\n'), file, lc.line + 1, lc.character + 1);
    }
    if (problems.length > 0) throw problems[0]!;
    return { text: r.outputText, deps };
  }
}

/**
 * An import specifier's stand-in until its target is compiled: `<PLACEHOLDER><index into deps>$`. Printable (the
 * emitter escapes control characters) and with a random part, so no string a user writes can match it.
 */
const PLACEHOLDER = `contango-import-${randomBytes(8).toString('hex')}-`;
const PLACEHOLDER_RE = new RegExp(`${PLACEHOLDER}(\\d+)\\$`, 'g');

/** fill the placeholders with the compiled targets' URLs (file URLs are percent-encoded: safe in a string literal) */
function rewrite(text: string, urls: string[]): string {
  return text.replace(PLACEHOLDER_RE, (_, k: string) => {
    const u = urls[Number(k)];
    if (u === undefined) throw new Error(`internal: no target for import #${k}`);
    return u;
  });
}

/** the first token after `pos`: whitespace and comments skipped (a node's pos includes its leading trivia) */
function skipTrivia(text: string, pos: number): number {
  let i = pos;
  for (;;) {
    while (i < text.length && /\s/.test(text[i]!)) i++;
    if (text.startsWith('//', i)) {
      const e = text.indexOf('\n', i);
      i = e < 0 ? text.length : e + 1;
    } else if (text.startsWith('/*', i)) {
      const e = text.indexOf('*/', i + 2);
      i = e < 0 ? text.length : e + 2;
    } else return i;
  }
}

function isRelative(spec: string): boolean {
  return spec.startsWith('./') || spec.startsWith('../') || spec === '.' || spec === '..' || spec.startsWith('/') || spec.startsWith('file:');
}

const isFile = (p: string) => {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
};

/** the file a relative specifier names, with TypeScript's conventions (x.js → x.ts, extensionless, index) */
export function resolveRelative(from: string, spec: string): string | null {
  const p = spec.startsWith('file:') ? fileURLToPath(spec) : path.resolve(path.dirname(from), spec);
  const ext = path.extname(p);
  if (ext === '.js' || ext === '.mjs') {
    if (isFile(p)) return p;
    const tsTwin = p.slice(0, -ext.length) + (ext === '.js' ? '.ts' : '.mts');
    return isFile(tsTwin) ? tsTwin : null;
  }
  if (ext !== '' && isFile(p)) return p;
  for (const c of [p + '.ts', p + '.mts', path.join(p, 'index.ts'), p + '.js', p + '.mjs', path.join(p, 'index.js')]) if (isFile(c)) return c;
  return null;
}
