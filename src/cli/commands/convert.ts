// `contango convert`: DBN -> parquet in Databento's layout (for users without Python), parquet -> DBN,
// and either -> the columnar cache. Declaration only: the implementation (src/cli/actions/convert.ts) loads
// when the command runs.
import type { Command } from 'commander';
import { Option } from 'commander';
import type { SchemaName } from '../../data/batch.js';

export type ConvertTarget = 'parquet' | 'dbn' | 'cache';

export interface ConvertOptions {
  to?: ConvertTarget;
  out?: string;
  priceType: 'float' | 'fixed';
  compression: 'zstd' | 'snappy';
  schema?: SchemaName;
  tolerate?: boolean;
  checkSorted?: boolean;
  cacheDir?: string;
  dataset: string;
  quiet?: boolean;
}

/** `x.mbo.dbn.zst` -> `x.mbo.parquet`; `x.parquet` -> `x.dbn`. */
export function defaultOutput(input: string, to: ConvertTarget): string {
  const base = input.replace(/\.dbn(\.zst)?$/i, '').replace(/\.parquet$/i, '');
  return `${base}.${to === 'parquet' ? 'parquet' : 'dbn'}`;
}

/** Converts one file (see src/cli/actions/convert.ts); loads the readers and writers on first use. */
export async function runConvert(input: string, opts: ConvertOptions): Promise<{ rows: number; seconds: number; out: string }> {
  const { runConvert: run } = await import('../actions/convert.js');
  return run(input, opts);
}

export function register(program: Command): void {
  program
    .command('convert')
    .summary('DBN -> parquet (Databento layout), parquet -> DBN, either -> the columnar cache')
    .description(
      'Convert Databento data between formats:\n' +
        '  DBN (plain or .zst) -> parquet in the layout of Databento\'s to_parquet (default for DBN input)\n' +
        '  parquet -> DBN version 3 (symbol mappings rebuilt from the symbol column)\n' +
        '  parquet or DBN -> the columnar cache (default for parquet input), for fast repeated loads',
    )
    .argument('<input>', 'a .dbn, .dbn.zst or .parquet file (the format is read from the file itself)')
    .addOption(new Option('--to <format>', 'output format').choices(['parquet', 'dbn', 'cache']))
    .option('--out <path>', 'output file (default: the input name with the new extension; ignored for --to cache)')
    .addOption(new Option('--price-type <type>', 'parquet prices: float (Databento default, NaN = undefined) or fixed (int64 in 1e-9 units)').choices(['float', 'fixed']).default('float'))
    .addOption(new Option('--compression <codec>', 'parquet compression').choices(['zstd', 'snappy']).default('zstd'))
    .option('--schema <schema>', 'expected Databento schema (e.g. mbo, mbp-1, tbbo, ohlcv-1m); inferred when omitted')
    .option('--tolerate', 'skip bad rows/records instead of failing, and report how many and which')
    .option('--check-sorted', 'fail (or, with --tolerate, skip) when index timestamps go backwards')
    .option('--cache-dir <dir>', 'cache directory for --to cache (default: $CONTANGO_CACHE_DIR, else .cache/contango)')
    .option('--dataset <code>', 'dataset code written into DBN metadata for parquet -> DBN', 'GLBX.MDP3')
    .option('--quiet', 'no progress line')
    .action(async (input: string, opts: ConvertOptions) => {
      await runConvert(input, opts);
    });
}
