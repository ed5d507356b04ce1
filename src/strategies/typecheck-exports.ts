// The checks that tie a user strategy file's exports to the strategy API. They are added to the entry file's text as
// the type checker sees it (./typecheck.ts), never to the file on disk or to what runs:
//   export default <expr>               → export default (<expr>) satisfies import('contango').StrategyExport
//                                         (either kind; an object literal: the type of its kind, defaultExportType)
//   export const createStrategy = <e>   → export const createStrategy = (<e>) satisfies import('contango').StrategyFactory
// `satisfies` gives the expression its contextual type, so an untyped `create(p) { return { onBar(ctx) { … } } }`
// is checked with p: Record<string, number> and ctx: StrategyContext (a typo such as ctx.clsoe is found, and strict
// mode's implicit-any error does not fire), and a wrong shape is reported inside the user's own expression.
// Exports that are not an expression (export default function …, export { x as default }, re-exports) are checked
// by a type-only self-import appended at the end; its errors are reported at the export (or at 1:1 when the export
// comes from elsewhere), labelled with the export's name. Text is only inserted, never removed, so every position
// of the original maps back exactly (toOriginal).
type TS = typeof import('typescript');
type Node = import('typescript').Node;

export interface Insertion {
  /** offset in the original text */
  at: number;
  text: string;
  /** where an error inside the inserted text is reported (offset in the original text) */
  anchor: number;
  /** prefixed to such an error's message */
  label: string;
}

export interface ExportChecks {
  /** the original text, parsed (for line and column numbers) */
  original: import('typescript').SourceFile;
  /** the original text with the insertions */
  text: string;
  /** in order of `at` */
  insertions: Insertion[];
}

const API = `import('contango')`;
const CHECKED_EXPORTS = [
  { name: 'default', type: 'StrategyExport', label: 'default export' },
  { name: 'createStrategy', type: 'StrategyFactory', label: 'createStrategy' },
] as const;

/** The entry file's text with the export checks (see the header). `base` is the file's own name, for the self-import. */
export function planExportChecks(ts: TS, file: string, source: string, base: string): ExportChecks {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.ES2022, true);
  const insertions: Insertion[] = [];
  const wrapped = new Set<string>();
  const anchors = new Map<string, number>();
  const hasModifier = (n: Node, kind: import('typescript').SyntaxKind) =>
    ts.canHaveModifiers(n) && (ts.getModifiers(n) ?? []).some((m) => m.kind === kind);
  const wrap = (e: import('typescript').Expression, type: string, label: string) => {
    const start = e.getStart(sf);
    insertions.push({ at: start, text: '(', anchor: start, label });
    insertions.push({ at: e.end, text: `) satisfies ${API}.${type}`, anchor: start, label });
  };
  for (const st of sf.statements) {
    if (ts.isExportAssignment(st) && !st.isExportEquals) {
      wrap(st.expression, defaultExportType(ts, st.expression), 'default export');
      wrapped.add('default');
    } else if (ts.isVariableStatement(st) && hasModifier(st, ts.SyntaxKind.ExportKeyword)) {
      for (const d of st.declarationList.declarations) {
        if (ts.isIdentifier(d.name) && d.name.text === 'createStrategy' && d.initializer) {
          wrap(d.initializer, 'StrategyFactory', 'createStrategy');
          wrapped.add('createStrategy');
        }
      }
    } else if ((ts.isFunctionDeclaration(st) || ts.isClassDeclaration(st)) && hasModifier(st, ts.SyntaxKind.ExportKeyword)) {
      const name = hasModifier(st, ts.SyntaxKind.DefaultKeyword) ? 'default' : st.name?.text;
      if (name !== undefined) anchors.set(name, (st.name ?? st).getStart(sf));
    } else if (ts.isExportDeclaration(st) && st.exportClause && ts.isNamedExports(st.exportClause)) {
      for (const el of st.exportClause.elements) anchors.set(el.name.text, el.getStart(sf));
    }
  }
  const rest = CHECKED_EXPORTS.filter((c) => !wrapped.has(c.name));
  if (rest.length > 0) {
    const self = '__contango_self';
    insertions.push({
      at: source.length,
      text: `\n;import type * as ${self} from './${base}';\n`,
      anchor: 0,
      label: 'self-import for the export check',
    });
    for (const c of rest) {
      // an export the module lacks is not an error here: the loader names what it found instead
      const v = `__contango_${c.name}`;
      insertions.push({
        at: source.length,
        text: `declare const ${v}: typeof ${self} extends { ${c.name}: infer T } ? T : ${API}.${c.type};\n${v} satisfies ${API}.${c.type};\n`,
        anchor: anchors.get(c.name) ?? 0,
        label: c.label,
      });
    }
  }
  insertions.sort((a, b) => a.at - b.at); // stable: same-offset insertions keep their order
  let text = '';
  let from = 0;
  for (const i of insertions) {
    text += source.slice(from, i.at) + i.text;
    from = i.at;
  }
  text += source.slice(from);
  return { original: sf, text, insertions };
}

/**
 * The type an expression default export is checked against. An object literal is given the type of its kind, so an
 * untyped one gets its callbacks' parameter types: TypeScript does not narrow the StrategyExport union by a `kind`
 * the literal lacks, so without `kind` it is a single-instrument module (ctx: StrategyContext), with
 * `kind: 'portfolio'` a portfolio module (ctx: PortfolioContext). Anything else (a name, a call) is checked against
 * StrategyExport, which takes either kind.
 */
function defaultExportType(ts: TS, e: import('typescript').Expression): string {
  while (ts.isParenthesizedExpression(e) || (ts.isAsExpression(e) && ts.isConstTypeReference(e.type))) e = e.expression;
  if (!ts.isObjectLiteralExpression(e)) return 'StrategyExport';
  const kind = e.properties.find((p) => p.name !== undefined && ts.isIdentifier(p.name) && p.name.text === 'kind');
  let v = kind && ts.isPropertyAssignment(kind) ? kind.initializer : undefined;
  while (v && (ts.isParenthesizedExpression(v) || (ts.isAsExpression(v) && ts.isConstTypeReference(v.type)))) v = v.expression;
  if (v && ts.isStringLiteralLike(v) && v.text === 'portfolio') return 'PortfolioModuleExport';
  // another kind, or one that is not a literal: the union reports what is wrong with it
  return kind ? 'StrategyExport' : 'SingleStrategyExport';
}

/** A position in the checked text back in the original: the same character, or the anchor of an insertion. */
export function toOriginal(checks: ExportChecks, pos: number): { pos: number; inserted?: Insertion } {
  let shift = 0;
  for (const i of checks.insertions) {
    const start = i.at + shift;
    if (pos < start) break;
    if (pos < start + i.text.length) return { pos: i.anchor, inserted: i };
    shift += i.text.length;
  }
  return { pos: pos - shift };
}
