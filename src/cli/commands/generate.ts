// `contango generate sample`: the bundled sample data (deterministic for a seed).
import type { Command } from 'commander';
import { generateSample } from '../../generate/index.js';

export const DEFAULT_SEED = 20240101;

export function register(program: Command): void {
  // `generate` is a group other generators join (e.g. `generate mbo-day`): reuse it if already registered.
  const gen =
    program.commands.find((c) => c.name() === 'generate') ??
    program.command('generate').description('Generate synthetic market data produced by the project itself');
  gen
    .command('sample')
    .description(
      'Write the bundled sample data: ES-like one-minute bars (Dec 2023 – Mar 2024, Globex sessions and holidays) ' +
        'as Databento-layout parquet plus January 2024 as DBN ohlcv-1m, and a BTCUSDT-like perpetual (Jan–Feb 2024) ' +
        'with mark price and 8-hourly funding as parquet. Same seed, same bytes.',
    )
    .option('-o, --out <dir>', 'output directory', 'data')
    .option('--seed <n>', 'random seed (integer)', (v) => {
      const n = Number(v);
      if (!Number.isSafeInteger(n) || n < 0) throw new Error(`--seed: found "${v}"; allowed: a non-negative integer`);
      return n;
    }, DEFAULT_SEED)
    .action(async (o: { out: string; seed: number }) => {
      const files = await generateSample({ outDir: o.out, seed: o.seed });
      for (const f of files) process.stdout.write(`${f.file}  ${f.rows.toLocaleString('en-US')} rows  ${(f.bytes / 1024).toFixed(0)} KiB\n`);
    });
}
