// The implementation of `contango convert` (declared in src/cli/commands/convert.ts): DBN -> parquet in
// Databento's layout (for users without Python), parquet -> DBN, and either -> the columnar cache.
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { ColumnBatch, SchemaName } from '../../data/batch.js';
import { buildCache } from '../../data/cache/index.js';
import type { OpenedSource, SourceFormat } from '../../data/cache/source.js';
import { openSource, sniffFormat } from '../../data/cache/source.js';
import { writeDbn } from '../../data/dbn/index.js';
import type { SymbolMapping } from '../../data/dbn/index.js';
import { openParquet } from '../../data/parquet/reader.js';
import { symbolResolver, utcYmd } from '../../data/parquet/symbol-map.js';
import { writeParquetFile } from '../../data/parquet/writer.js';
import { defaultOutput, type ConvertOptions, type ConvertTarget } from '../commands/convert.js';

/** A progress line on stderr, at most twice a second; silent for small inputs and when quiet. */
function progress(label: string, enabled: boolean, total: number | undefined) {
  const t0 = performance.now();
  let last = 0;
  const tty = process.stderr.isTTY;
  return {
    update(rows: number) {
      if (!enabled) return;
      const now = performance.now();
      if (now - last < (tty ? 500 : 5000)) return;
      last = now;
      const secs = (now - t0) / 1000;
      const pct = total ? ` (${((100 * rows) / total).toFixed(1)}%)` : '';
      const line = `${label}: ${rows.toLocaleString('en-US')} rows${pct}, ${Math.round(rows / secs).toLocaleString('en-US')} rows/s`;
      process.stderr.write(tty ? `\r${line}   ` : `${line}\n`);
    },
    done() {
      if (enabled && tty && last > 0) process.stderr.write('\n');
    },
  };
}

async function* counted(src: AsyncIterable<ColumnBatch>, onRows: (rows: number) => void): AsyncGenerator<ColumnBatch> {
  let rows = 0;
  for await (const b of src) {
    rows += b.length;
    onRows(rows);
    yield b;
  }
}

/** DBN metadata for a parquet source: time range and symbol mappings from the symbol column. */
async function dbnMetadataFromParquet(file: string, schema: SchemaName, dataset: string) {
  const src = await openParquet(file, { schema, columns: ['instrument_id', 'symbol'] });
  const index = src.layout.index;
  const hasSymbol = src.columns.some((c) => c.name === 'symbol');
  let start: bigint | undefined;
  let end: bigint | undefined;
  // raw_symbol -> instrument_id -> [first day, last day] (YYYYMMDD)
  const spans = new Map<string, Map<number, [number, number]>>();
  try {
    for await (const b of src.batches()) {
      const ts = b.columns[index] as BigUint64Array;
      const ids = b.columns['instrument_id'] as Uint32Array;
      const syms = b.strings?.['symbol'];
      for (let i = 0; i < b.length; i++) {
        const t = ts[i]!;
        if (start === undefined || t < start) start = t;
        if (end === undefined || t > end) end = t;
        if (!syms || syms[i] === '') continue;
        let byId = spans.get(syms[i]!);
        if (!byId) spans.set(syms[i]!, (byId = new Map()));
        const d = utcYmd(t);
        const span = byId.get(ids[i]!);
        if (!span) byId.set(ids[i]!, [d, d]);
        else {
          if (d < span[0]) span[0] = d;
          if (d > span[1]) span[1] = d;
        }
      }
    }
  } finally {
    src.close();
  }
  const iso = (ymd: number) => `${Math.floor(ymd / 10000)}-${String(Math.floor(ymd / 100) % 100).padStart(2, '0')}-${String(ymd % 100).padStart(2, '0')}`;
  const nextDay = (ymd: number) => {
    const d = new Date(Date.UTC(Math.floor(ymd / 10000), (Math.floor(ymd / 100) % 100) - 1, ymd % 100 + 1));
    return d.getUTCFullYear() * 10000 + (d.getUTCMonth() + 1) * 100 + d.getUTCDate();
  };
  const mappings: SymbolMapping[] = [...spans].map(([raw_symbol, byId]) => ({
    raw_symbol,
    intervals: [...byId].map(([id, [a, b]]) => ({ start_date: iso(a), end_date: iso(nextDay(b)), symbol: String(id) })),
  }));
  return {
    dataset,
    schema,
    start: start ?? 0n,
    end: end === undefined ? null : end + 1n,
    stype_in: hasSymbol ? 'raw_symbol' : null,
    stype_out: 'instrument_id',
    symbols: [...spans.keys()],
    mappings,
  };
}

export async function runConvert(input: string, opts: ConvertOptions): Promise<{ rows: number; seconds: number; out: string }> {
  const format: SourceFormat = await sniffFormat(input);
  const to: ConvertTarget = opts.to ?? (format === 'parquet' ? 'cache' : 'parquet');
  if (to === 'parquet' && format === 'parquet') throw new Error(`${input} is already parquet; use --to dbn or --to cache`);
  if (to === 'dbn' && format !== 'parquet') throw new Error(`${input} is already DBN; use --to parquet or --to cache`);
  const size = (await stat(input)).size;
  const big = !opts.quiet && size > 32 << 20;
  const t0 = performance.now();
  let rows = 0;
  let out: string;
  let skipped = { count: 0, examples: [] as string[] };
  if (to === 'cache') {
    const p = progress('caching', big, undefined);
    const r = await buildCache(input, {
      schema: opts.schema, tolerate: opts.tolerate, checkSorted: opts.checkSorted, cacheDir: opts.cacheDir,
      onProgress: (n) => p.update(n),
    });
    p.done();
    rows = r.manifest.rows;
    out = r.dir;
    skipped = { count: r.manifest.build.skipped, examples: r.manifest.build.skippedExamples };
  } else {
    out = opts.out ?? defaultOutput(input, to);
    if (path.resolve(out) === path.resolve(input)) throw new Error(`output ${out} would overwrite the input`);
    const src: OpenedSource = await openSource(input, { schema: opts.schema, tolerate: opts.tolerate, checkSorted: opts.checkSorted });
    const p = progress(`${path.basename(input)} -> ${to}`, big, src.numRows);
    try {
      if (to === 'parquet') {
        const mappings = src.dbnMetadata?.mappings ?? [];
        const w = await writeParquetFile(out, src.schema, counted(src.batches(), (n) => p.update(n)), {
          priceType: opts.priceType,
          compression: opts.compression,
          symbols: symbolResolver(mappings),
        });
        rows = w.rows;
      } else {
        const meta = await dbnMetadataFromParquet(input, src.schema, opts.dataset);
        const w = await writeDbn(out, meta, counted(src.batches(), (n) => p.update(n)));
        rows = w.records;
      }
    } finally {
      p.done();
      skipped = src.skippedSummary();
      await src.close();
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  const outSize = to === 'cache' ? '' : ` (${((await stat(out)).size / 2 ** 20).toFixed(1)} MiB)`;
  console.log(
    `${input} -> ${out}${outSize}: ${rows.toLocaleString('en-US')} rows in ${seconds.toFixed(2)} s, ` +
      `${Math.round(rows / Math.max(seconds, 1e-9)).toLocaleString('en-US')} rows/s`,
  );
  if (skipped.count > 0) {
    console.log(`skipped ${skipped.count} bad row(s)${skipped.examples.length ? `, first: ${skipped.examples.slice(0, 5).join('; ')}` : ''}`);
  }
  return { rows, seconds, out };
}

