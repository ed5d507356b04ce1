// `contango replay <files...>`: Databento MBO files into the WebAssembly L3 engine (docs/replay.md).
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { loadDefinitions, matchAlgorithmName, type ReplayInstrument } from '../../replay/definitions.js';
import { loadStatusChanges, type PreopenConfig } from '../../replay/preopen.js';
import { replayFiles } from '../../replay/run.js';
import type { ReplaySummary } from '../../replay/replayer.js';
import { isoNs, parseInstant, parseInterval, parsePriceUnits } from '../../replay/times.js';

interface ReplayCliOptions {
  definitions?: string;
  tick?: string;
  open?: string;
  preopenMinutes: string;
  status?: string;
  bookOut?: string;
  levels: string;
  atLast?: boolean;
  every?: string;
  at?: string;
  instrument?: string;
  summary: string;
  cache?: boolean;
  compression: string;
  priceType: string;
  strict?: boolean;
}

const price = (p: string) => (Number(BigInt(p)) / 1e9).toString();

function printSummary(file: string, s: ReplaySummary, seconds?: number): void {
  const w = (t: string) => process.stdout.write(t + '\n');
  w(`\n${file}: ${s.records.toLocaleString('en-US')} records${seconds ? ` in ${seconds.toFixed(2)} s` : ''}; pre-open: ${s.preopen}`);
  for (const i of s.instruments) {
    const c = i.counters;
    w(`  instrument ${i.instrumentId}${i.symbol ? ` (${i.symbol})` : ''}: tick ${price(i.tickSize)} (${i.tickSource}), match ${matchAlgorithmName(i.matchAlgorithm)}`);
    w(`    records ${c.records}: A ${c.adds}  C ${c.cancels}  M ${c.modifies}  R ${c.clears}  T ${c.trades}  F ${c.fills}  N ${c.none}  LAST ${c.last}`);
    w(`    unknown ids ${BigInt(c.unknownCancel) + BigInt(c.unknownModify)} (cancel ${c.unknownCancel}, modify-as-add ${c.unknownModify})  negative sizes ${c.negativeSize}`);
    w(`    crossed at LAST: in pre-open ${c.crossedPreopen}, outside ${c.crossedOutside}` +
      (c.crossedOutside !== '0' ? ` (first ${isoNs(BigInt(c.firstCrossedOutsideTs))}, record ${c.firstCrossedOutsideIndex})` : ''));
    const rejects = ['duplicateAdd', 'zeroSize', 'badPrice', 'badSide', 'mismatch', 'sideChange', 'otherReject', 'unknownAction', 'tobAdd'] as const;
    const bad = rejects.filter((k) => c[k] !== '0').map((k) => `${k} ${c[k]}`);
    if (bad.length > 0) w(`    other anomalies: ${bad.join('  ')}`);
    const side = (x: InstrumentTop) => (x ? `${price(x.price)} × ${x.size} (${x.orders} orders)` : 'empty');
    w(`    book: ${i.restingOrders} resting orders, ${i.bidLevels} bid / ${i.askLevels} ask levels; best bid ${side(i.bestBid)}, best ask ${side(i.bestAsk)}${i.crossedAtEnd ? '  CROSSED' : ''}`);
  }
}
type InstrumentTop = ReplaySummary['instruments'][number]['bestBid'];

export function register(program: Command): void {
  registerGenerateMboDay(program);
  program
    .command('replay')
    .description(
      'Replay Databento MBO files (DBN, DBN.zst or Databento parquet) into the WebAssembly L3 engine with Databento\'s ' +
        'semantics: R clears the book, A/C/M change it, T/F do not, the book is read after LAST records, snapshots ' +
        'rebuild it. Counts unknown order ids, negative sizes and crossed books outside the pre-open; prints and ' +
        'writes a summary per instrument; optionally writes MBP-1/MBP-10-shaped book rows as parquet. See docs/replay.md.',
    )
    .argument('<files...>', 'MBO files, replayed in the order given into one engine')
    .option('--definitions <file>', 'Databento definition file (DBN): tick size and match algorithm per instrument')
    .option('--tick <price>', 'tick size for instruments without a definition, as a decimal (e.g. 0.25); default: GCD of the prices seen')
    .option('--open <HH:MM>', 'daily open time in UTC (exchange time, ts_event); the pre-open is the window before it (CME ES in winter: 23:00)')
    .option('--preopen-minutes <n>', 'length of the daily pre-open window before --open, in minutes', '60')
    .option('--status <file>', 'Databento status file (DBN): pre-open / trading states per instrument; overrides --open')
    .option('--book-out <file.parquet>', 'write the book at each output point as parquet in Databento\'s MBP-1/MBP-10 layout')
    .option('--levels <n>', 'book levels per side in the output: 1 (MBP-1) or 10 (MBP-10)', '10')
    .option('--at-last', 'an output row at every record with the LAST flag (the book is consistent there)')
    .option('--every <interval>', 'an output row per instrument at every multiple of this interval of capture time (ts_recv): 1s, 250ms, 5m ...')
    .option('--at <times>', 'output rows at these instants (comma-separated ISO-8601 UTC, or integer ns)')
    .option('--instrument <ids>', 'only these instrument ids in the book output (comma-separated)')
    .option('--summary <file.json>', 'where to write the per-instrument summary as JSON', 'replay-summary.json')
    .option('--cache', 'read the inputs through the columnar cache (built on first use; fastest for repeated runs)')
    .option('--compression <c>', 'parquet compression of --book-out: zstd, snappy or none', 'zstd')
    .option('--price-type <t>', 'parquet prices of --book-out: fixed (int64 1e-9) or float (Databento\'s default)', 'fixed')
    .option('--strict', 'exit with status 1 when any unknown id, negative size or crossed book outside the pre-open was seen')
    .action(async (files: string[], o: ReplayCliOptions) => {
      const levels = Number(o.levels);
      if (levels !== 1 && levels !== 10) throw new Error(`--levels: found "${o.levels}"; allowed: 1 or 10`);
      if (!['zstd', 'snappy', 'none'].includes(o.compression)) throw new Error(`--compression: found "${o.compression}"; allowed: zstd, snappy, none`);
      if (!['fixed', 'float'].includes(o.priceType)) throw new Error(`--price-type: found "${o.priceType}"; allowed: fixed, float`);
      const minutes = Number(o.preopenMinutes);
      let definitions: Map<number, ReplayInstrument> | undefined;
      if (o.definitions) definitions = await loadDefinitions(o.definitions);
      const preopen: PreopenConfig = { open: o.open, preopenMinutes: minutes };
      if (o.status) preopen.status = await loadStatusChanges(o.status);
      const instruments = o.instrument
        ? new Set(o.instrument.split(',').map((s) => {
            const n = Number(s.trim());
            if (!Number.isInteger(n) || n < 0 || n > 0xffff_ffff) throw new Error(`--instrument: found "${s}"; expected instrument ids`);
            return n;
          }))
        : undefined;
      const res = await replayFiles(files, {
        definitions,
        tick: o.tick !== undefined ? parsePriceUnits(o.tick) : undefined,
        preopen,
        cache: o.cache,
        bookOut: o.bookOut,
        levels: levels as 1 | 10,
        atLast: o.atLast,
        everyNs: o.every !== undefined ? parseInterval(o.every) : undefined,
        at: o.at?.split(',').map((t) => parseInstant(t)),
        instruments,
        compression: o.compression as 'zstd' | 'snappy' | 'none',
        priceType: o.priceType as 'fixed' | 'float',
        onFile: (f, s) => printSummary(f, s),
      });
      const last = res.files[res.files.length - 1]?.summary;
      const recs = last?.records ?? 0;
      process.stdout.write(`\n${recs.toLocaleString('en-US')} records in ${res.seconds.toFixed(2)} s (${(recs / res.seconds / 1e6).toFixed(2)} M records/s incl. reading)\n`);
      if (res.bookOut) process.stdout.write(`book rows: ${res.outputRows.toLocaleString('en-US')} → ${res.bookOut}\n`);
      writeFileSync(o.summary, JSON.stringify({ files: res.files, outputRows: res.outputRows, seconds: res.seconds }, null, 2) + '\n');
      process.stdout.write(`summary → ${o.summary}\n`);
      if (o.strict && last) {
        const t = last.totals;
        if (t.unknownIds > 0 || t.negativeSizes > 0 || t.crossedOutsidePreopen > 0) {
          process.stderr.write(`strict: unknown ids ${t.unknownIds}, negative sizes ${t.negativeSizes}, crossed outside pre-open ${t.crossedOutsidePreopen}\n`);
          process.exitCode = 1;
        }
      }
    });
}

/** `contango generate mbo-day`, added to the `generate` group (found, or created if not registered yet). */
function registerGenerateMboDay(program: Command): void {
  const gen =
    program.commands.find((c) => c.name() === 'generate') ??
    program.command('generate').description('Generate synthetic market data produced by the project itself');
  gen
    .command('mbo-day')
    .description(
      'Write a synthetic full-day ES MBO session as DBN (snapshot at 22:00 UTC, pre-open, open at 23:00, trading to ' +
        '22:00 next day): a consistent Databento MBO stream (adds, cancels, modifies, trades with fills) whose replay ' +
        'shows no unknown ids, negative sizes or crosses. Deterministic for a seed. Used by bench/replay.ts.',
    )
    .requiredOption('-o, --out <file.dbn>', 'output DBN file (uncompressed DBN v3)')
    .option('--records <n>', 'number of MBO records (about a real ES day: 10,000,000)', '10000000')
    .option('--seed <n>', 'random seed (non-negative integer)', '20231225')
    .option('--date <YYYY-MM-DD>', 'the session\'s opening date (the evening before the trade date)', '2023-12-25')
    .action(async (o: { out: string; records: string; seed: string; date: string }) => {
      const records = Number(o.records);
      const seed = Number(o.seed);
      if (!Number.isSafeInteger(records) || records < 100) throw new Error(`--records: found "${o.records}"; need an integer ≥ 100`);
      if (!Number.isSafeInteger(seed) || seed < 0) throw new Error(`--seed: found "${o.seed}"; allowed: a non-negative integer`);
      const { writeMboDay } = await import('../../generate/mbo-day.js');
      const t0 = performance.now();
      const r = await writeMboDay(o.out, { records, seed, date: o.date });
      process.stdout.write(`${o.out}: ${r.records.toLocaleString('en-US')} MBO records, ${(r.bytes / 2 ** 20).toFixed(1)} MiB in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
    });
}
