// `npm run bench`: every benchmark in bench/, one after another, each in its own child process (so one's heap,
// page cache pressure and JIT state do not colour the next), then one summary table of each benchmark's
// headline figure against its target, as the benchmark itself wrote them to bench/results/<name>.json.
// Writes bench/results/summary.json.
//
//   npm run build:ts && node dist/bench/run.js [--only a,b] [--quick] [--list]
//
//   --only a,b   run only these benchmarks (names as in bench/, without .ts)
//   --quick      smoke sizes (each benchmark's own size flags, seconds instead of minutes): checks that every
//                benchmark still runs. Its figures are not comparable with the targets, so its results do not
//                replace the committed ones: they go to bench/results/<name>.quick.tmp.json (git-ignored) and
//                the previous bench/results/<name>.json is put back; the summary is summary.quick.tmp.json.
//   --list       print the benchmarks with their full and quick arguments, run nothing
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { machineInfo } from './lib/results.js';

/** A results file: its layout is each benchmark's own, so it is read defensively. */
type Json = Record<string, any>;

/** One headline figure of a benchmark, with its target when the results file states one. */
export interface Headline {
  figure: string;
  value: number;
  unit: string;
  /** the figure is good when >= target ('higher') or <= target ('lower') */
  better: 'higher' | 'lower';
  target?: number;
}

interface Bench {
  name: string;
  what: string;
  /** arguments of a full run (the benchmark's defaults) and of a smoke run (its usage line's size flags) */
  full: string[];
  quick: string[];
  headlines: (r: Json) => Headline[];
}

/** The first number after >= / ≥ / <= / ≤ in a sentence such as 'target >= 5,000,000 for ...'. */
export function targetIn(text: unknown): number | undefined {
  const m = /(?:>=|≥|<=|≤)\s*([\d][\d,_]*(?:\.\d+)?)/.exec(String(text ?? ''));
  return m ? Number(m[1]!.replace(/[,_]/g, '')) : undefined;
}

const rowsOf = (r: Json): Json[] => (Array.isArray(r['rows']) ? (r['rows'] as Json[]) : []);

function findRow(r: Json, what: string, test: (row: Json) => boolean): Json {
  const row = rowsOf(r).find(test);
  if (!row) throw new Error(`no row for ${what}`);
  return row;
}

function num(v: unknown, what: string): number {
  const n = typeof v === 'number' ? v : Number(v);
  if (!Number.isFinite(n)) throw new Error(`${what}: not a number (${JSON.stringify(v)})`);
  return n;
}

/** The benchmarks, in the order they run: the cheap engine ones first, the study last. */
export const BENCHES: Bench[] = [
  {
    name: 'engine-throughput',
    what: 'mixed order flow through the WebAssembly engine vs the reference book and nodejs-order-book',
    full: [],
    quick: ['100000', '4096', '2'], // [commands] [batch] [passes]
    headlines: (r) => [
      {
        figure: 'wasm raw batch path, M cmd/s',
        value: num(findRow(r, 'the raw batch path', (x) => x['engine'] === 'contango wasm' && String(x['mode']).startsWith('raw'))['M cmd/s'], 'M cmd/s'),
        unit: 'M cmd/s',
        better: 'higher',
        target: r['targets']?.['mcmdPerSec'],
      },
      { figure: 'wasm ÷ nodejs-order-book (speed ratio)', value: num(r['ratios']?.['oursOverPeer'], 'ratios.oursOverPeer'), unit: '×', better: 'higher', target: r['targets']?.['peerRatio'] },
    ],
  },
  {
    name: 'engine-latency',
    what: 'latency per operation through the batch interface',
    full: [],
    quick: ['400', '16'], // [rounds] [batch]
    headlines: (r) => {
      const batch = `batch of ${r['batch'] ?? 16}`;
      const ours = rowsOf(r).filter((x) => x['engine'] === 'contango wasm' && x['mode'] === batch);
      if (!ours.length) throw new Error(`no contango wasm rows for ${batch}`);
      const worst = ours.reduce((a, b) => (num(b['p99 ns'], 'p99 ns') > num(a['p99 ns'], 'p99 ns') ? b : a));
      return [{ figure: `worst p99 over operations (${worst['op']}), ${batch}`, value: num(worst['p99 ns'], 'p99 ns'), unit: 'ns', better: 'lower', target: r['targets']?.['p99Ns'] }];
    },
  },
  {
    name: 'engine-flow',
    what: 'the order flow generator shared by the engine benchmarks',
    full: [],
    quick: [],
    headlines: () => [],
  },
  {
    name: 'engine-peer',
    what: 'the nodejs-order-book driver shared by the engine benchmarks',
    full: [],
    quick: [],
    headlines: () => [],
  },
  {
    name: 'dbn-decode',
    what: 'DBN decode throughput (synthetic MBO in memory, zstd files)',
    full: [],
    quick: ['200000'], // [records]
    headlines: (r) => [
      {
        figure: 'synthetic MBO v3 decode, fresh batches, M rec/s',
        value: num(findRow(r, 'the in-memory DbnDecoder.push decode', (x) => /^synthetic MBO v3, in memory, DbnDecoder\.push/.test(String(x['case'])))['Mrec/s'], 'Mrec/s'),
        unit: 'M rec/s',
        better: 'higher',
        target: targetIn(r['target']),
      },
    ],
  },
  {
    name: 'parquet-cache',
    what: 'parquet decode vs the columnar cache',
    full: [],
    quick: ['200000'], // [rows]
    headlines: (r) => {
      const loads = rowsOf(r).filter((x) => /replay columns.*first load \+ the faults/.test(String(x['step'])));
      const row = loads.find((x) => /mapped/.test(String(x['step']))) ?? loads[0];
      if (!row) throw new Error('no "replay columns, first load + deferred faults" row');
      return [{ figure: `cache first load, replay columns (${/mapped/.test(String(row['step'])) ? 'mapped' : 'read'}), M rows/s`, value: num(row['rows/s'], 'rows/s') / 1e6, unit: 'M rows/s', better: 'higher', target: targetIn(r['target']) }];
    },
  },
  {
    name: 'replay',
    what: 'MBO replay of a synthetic ES day: decode, cache load, replay into the book',
    full: [],
    quick: ['--records', '200000'],
    headlines: (r) => {
      const targets = r['targets'];
      if (!Array.isArray(targets) || !targets.length) throw new Error('no targets list');
      return (targets as Json[]).map((t) => ({ figure: `${t['step']}, M rec/s`, value: num(t['measured'], String(t['step'])), unit: 'M rec/s', better: 'higher' as const, target: t['target'] }));
    },
  },
  {
    name: 'backtest-bars',
    what: 'L2 backtest engine bars/s per worker thread',
    full: [],
    quick: ['--bars', '100000', '--runs', '2'],
    headlines: (r) => {
      const row = findRow(r, 'the simple trading strategy (ma-cross, default guards)', (x) => String(x['case']).startsWith('ma-cross') && x['guards'] === 'default');
      return [{ figure: `${row['case']} bars/s (one thread)`, value: num(row['bars/s'], 'bars/s'), unit: 'bars/s', better: 'higher', target: targetIn(r['note']) }];
    },
  },
  {
    name: 'walkforward-pool',
    what: 'walk-forward pool overhead and the 1 → 2 worker speed-up of a study',
    full: [],
    quick: ['--tasks', '200', '--config', 'configs/es-study.yaml'],
    // one headline per study size measured (bench/walkforward-pool.ts: `studies`; older files: `study` only)
    headlines: (r) => {
      const studies = (Array.isArray(r['studies']) ? r['studies'] : [r['study']]) as Json[];
      return studies.flatMap((s) => {
        const size = s?.['tasks'] ? ` (${s['tasks']} tasks)` : '';
        const out = [{ figure: `study speed-up, 2 workers vs 1${size}, fastest runs`, value: num(s?.['speedup'], 'study.speedup'), unit: '×', better: 'higher' as const, target: s?.['target'] }];
        if (s?.['pairedSpeedupMedian'] !== undefined) {
          out.push({ figure: `study speed-up, 2 workers vs 1${size}, median of pairs`, value: num(s['pairedSpeedupMedian'], 'study.pairedSpeedupMedian'), unit: '×', better: 'higher' as const, target: s['target'] });
        }
        // the machine's own ceiling in the same minutes (bench/machine-scaling.ts): no target, it explains the others
        const probe = (s?.['machineScaling'] as Json[] | undefined)?.find((m) => m['kernel'] === 'independent integer ops');
        if (probe) out.push({ figure: `pure computation (independent integer ops), 2 threads vs 1, median, during the study${size}`, value: num(probe['median'], 'machineScaling.median'), unit: '×', better: 'higher' as const, target: undefined });
        return out;
      });
    },
  },
];

interface Outcome {
  name: string;
  args: string[];
  status: 'ok' | 'failed' | 'no result' | 'skipped';
  note?: string;
  exitCode?: number | null;
  seconds?: number;
  resultFile?: string;
  headlines: (Headline & { met?: boolean })[];
}

function parseArgs(argv: string[]) {
  const o = { only: undefined as string[] | undefined, quick: false, list: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--quick') o.quick = true;
    else if (a === '--list') o.list = true;
    else if (a === '--only' || a.startsWith('--only=')) {
      const v = a === '--only' ? argv[++i] : a.slice('--only='.length);
      if (!v) throw new Error('--only needs a comma-separated list of benchmark names');
      o.only = v.split(',').map((s) => s.trim()).filter(Boolean);
    } else throw new Error(`unknown argument "${a}"; allowed: --only a,b  --quick  --list`);
  }
  return o;
}

/** Whether a compiled benchmark file is a benchmark (it writes a results file) or a module others import. */
const writesResults = (file: string) => /\breport\(/.test(readFileSync(file, 'utf8'));

function runChild(file: string, args: string[], cwd: string): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [file, ...args], { cwd, stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve({ code, signal }));
  });
}

const fmt = (v: number | undefined) =>
  v === undefined ? '—' : Math.abs(v) >= 1000 ? Math.round(v).toLocaleString('en-US') : Number(v.toPrecision(3)).toString();

/** A plain-text table; the first `left` columns are left-aligned, the others (figures) right-aligned. */
function table(header: string[], rows: string[][], left = 2): string {
  const w = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < left ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join('  ').trimEnd();
  return [line(header), w.map((x) => '-'.repeat(x)).join('  '), ...rows.map(line)].join('\n');
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const here = path.dirname(fileURLToPath(import.meta.url)); // dist/bench
  const root = path.resolve(here, '../..');
  const resultsDir = path.join(root, 'bench', 'results');
  const known = new Set(BENCHES.map((b) => b.name));
  // a benchmark added to bench/ but not to this list is run with its defaults, and said so
  const extra = readdirSync(here)
    .filter((f) => f.endsWith('.js') && f !== 'run.js' && !known.has(f.slice(0, -3)) && writesResults(path.join(here, f)))
    .map((f): Bench => ({ name: f.slice(0, -3), what: '(not in bench/run.ts: run with its defaults, no headline)', full: [], quick: [], headlines: () => [] }));
  const all = [...BENCHES, ...extra];
  if (opts.only) {
    const unknown = opts.only.filter((n) => !all.some((b) => b.name === n));
    if (unknown.length) throw new Error(`--only: unknown benchmark(s) ${unknown.join(', ')}; known: ${all.map((b) => b.name).join(', ')}`);
  }
  const chosen = all.filter((b) => !opts.only || opts.only.includes(b.name));
  if (opts.list) {
    console.log(table(['benchmark', 'what', 'full run', '--quick'], all.map((b) => [b.name, b.what, b.full.join(' ') || '(defaults)', b.quick.join(' ') || '—']), 4));
    return;
  }

  const loadStart = os.loadavg();
  const outcomes: Outcome[] = [];
  for (const [i, b] of chosen.entries()) {
    const file = path.join(here, `${b.name}.js`);
    const args = opts.quick ? b.quick : b.full;
    const out: Outcome = { name: b.name, args, status: 'skipped', headlines: [] };
    outcomes.push(out);
    if (!existsSync(file)) {
      out.note = `dist/bench/${b.name}.js missing (npm run build:ts)`;
      out.status = 'failed';
      continue;
    }
    if (!writesResults(file)) {
      out.note = 'a module the engine benchmarks import, no benchmark of its own';
      continue;
    }
    if (opts.quick && !b.quick.length) {
      out.note = 'no quick sizes known (add them to bench/run.ts)';
      continue;
    }
    const resultFile = path.join(resultsDir, `${b.name}.json`);
    const previous = existsSync(resultFile) ? readFileSync(resultFile) : undefined;
    console.log(`\n━━ [${i + 1}/${chosen.length}] ${b.name}: node dist/bench/${b.name}.js ${args.join(' ')}   (load ${os.loadavg().map((x) => x.toFixed(2)).join(' ')})`);
    const started = Date.now();
    const { code, signal } = await runChild(file, args, root);
    out.seconds = Number(((Date.now() - started) / 1000).toFixed(1));
    out.exitCode = code;
    // only a file written by this child counts (its machine.date is after the child started)
    let result: Json | undefined;
    if (existsSync(resultFile)) {
      const r = JSON.parse(readFileSync(resultFile, 'utf8')) as Json;
      if (Date.parse(r['machine']?.['date'] ?? '') >= started - 1000) result = r;
    }
    if (result && opts.quick) {
      // keep the committed full-size figures: the smoke result goes to a git-ignored file
      out.resultFile = path.join(resultsDir, `${b.name}.quick.tmp.json`);
      renameSync(resultFile, out.resultFile);
      if (previous) writeFileSync(resultFile, previous);
      console.log(`(--quick: moved to bench/results/${b.name}.quick.tmp.json; bench/results/${b.name}.json ${previous ? 'keeps its full-size figures' : 'not written'})`);
    } else if (result) out.resultFile = resultFile;
    if (code !== 0) {
      out.status = 'failed';
      out.note = signal ? `killed by ${signal}` : `exit code ${code}`;
    } else if (!result) {
      out.status = 'no result';
      out.note = `no fresh bench/results/${b.name}.json`;
    } else {
      out.status = 'ok';
      try {
        out.headlines = b.headlines(result).map((h) => ({
          ...h,
          ...(typeof h.target === 'number' ? { met: h.better === 'higher' ? h.value >= h.target : h.value <= h.target } : { target: undefined }),
        }));
      } catch (e) {
        out.note = `headline not found: ${(e as Error).message} (the results layout changed?)`;
      }
    }
  }

  const rows: string[][] = [];
  for (const o of outcomes) {
    const status = o.status === 'ok' ? '' : `${o.status}${o.note ? `: ${o.note}` : ''}`;
    if (!o.headlines.length) rows.push([o.name, status || (o.note ?? ''), '', '', '', o.seconds === undefined ? '' : o.seconds.toFixed(1)]);
    o.headlines.forEach((h, k) =>
      rows.push([
        k === 0 ? o.name : '',
        h.figure,
        `${fmt(h.value)} ${h.unit}`,
        h.target === undefined ? '—' : `${h.better === 'higher' ? '≥' : '≤'} ${fmt(h.target)}`,
        h.met === undefined ? '' : h.met ? 'yes' : 'NO',
        k === 0 && o.seconds !== undefined ? o.seconds.toFixed(1) : '',
      ]),
    );
  }
  const loadEnd = os.loadavg();
  console.log(`\n${opts.quick ? 'benchmark summary (--quick: smoke sizes, figures NOT comparable with the targets)' : 'benchmark summary'}`);
  console.log(table(['benchmark', 'headline', 'measured', 'target', 'met', 'run s'], rows));
  console.log(`load average ${loadStart.map((x) => x.toFixed(2)).join(' ')} at the start, ${loadEnd.map((x) => x.toFixed(2)).join(' ')} at the end (${os.availableParallelism()} cores)`);
  const summaryFile = path.join(resultsDir, opts.quick ? 'summary.quick.tmp.json' : 'summary.json');
  writeFileSync(
    summaryFile,
    JSON.stringify({ name: 'summary', machine: machineInfo(), quick: opts.quick, only: opts.only ?? null, loadAverage: { start: loadStart, end: loadEnd }, benches: outcomes }, null, 2) + '\n',
  );
  console.log(`(written to ${path.relative(process.cwd(), summaryFile)})`);
  if (outcomes.some((o) => o.status === 'failed' || o.status === 'no result')) process.exitCode = 1;
}

// run when executed, not when imported (the headline readers are checked against results files on their own)
if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((e) => {
    process.stderr.write(`bench/run: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  });
}
