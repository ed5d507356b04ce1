// `contango generate sample | mbo-day`: the project's own synthetic data (deterministic for a seed).
// Declarations only: the generators load when a subcommand runs.
import type { Command } from 'commander';

export const DEFAULT_SEED = 20240101;

export function register(program: Command): void {
  const gen = program
    .command('generate')
    .summary('synthetic data made by the project: the bundled samples (sample), a full ES MBO day (mbo-day)')
    .description('Generate synthetic market data produced by the project itself');
  gen
    .command('sample')
    .summary('the bundled sample data: ES-like bars (parquet and DBN), NQ-like bars (parquet), a BTCUSDT-like perpetual (parquet)')
    .description(
      'Write the bundled sample data: ES-like one-minute bars (Dec 2023 – Mar 2024, Globex sessions and holidays) ' +
        'as Databento-layout parquet plus January 2024 as DBN ohlcv-1m, NQ-like bars correlated with them (parquet, for ' +
        'portfolio backtests), and a BTCUSDT-like perpetual (Jan–Feb 2024) ' +
        'with mark price and 8-hourly funding as parquet. Same seed, same bytes.',
    )
    .option('-o, --out <dir>', 'output directory', 'data')
    .option('--seed <n>', 'random seed (integer)', (v) => {
      const n = Number(v);
      if (!Number.isSafeInteger(n) || n < 0) throw new Error(`--seed: found "${v}"; allowed: a non-negative integer`);
      return n;
    }, DEFAULT_SEED)
    .action(async (o: { out: string; seed: number }) => {
      const { generateSample } = await import('../../generate/index.js');
      const files = await generateSample({ outDir: o.out, seed: o.seed });
      for (const f of files) process.stdout.write(`${f.file}  ${f.rows.toLocaleString('en-US')} rows  ${(f.bytes / 1024).toFixed(0)} KiB\n`);
    });
  gen
    .command('mbo-day')
    .summary('a synthetic full-day ES MBO session as DBN (replays clean; for bench/replay.ts)')
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
