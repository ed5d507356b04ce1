// `contango replay <files...>`: Databento MBO files into the WebAssembly L3 engine (docs/replay.md).
// Declaration only: the implementation (src/cli/actions/replay.ts) loads when the command runs.
import type { Command } from 'commander';

export interface ReplayCliOptions {
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

export function register(program: Command): void {
  program
    .command('replay')
    .summary('replay Databento MBO (DBN, DBN.zst, parquet) into the L3 engine; anomalies, summary, book snapshots')
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
      const { runReplayCommand } = await import('../actions/replay.js');
      await runReplayCommand(files, o);
    });
}
