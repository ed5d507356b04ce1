// The implementation of `contango replay <files...>` (declared in src/cli/commands/replay.ts): Databento MBO
// files into the WebAssembly L3 engine (docs/replay.md), a summary per instrument, optional book output.
import { writeFileSync } from 'node:fs';
import { loadDefinitions, matchAlgorithmName, type ReplayInstrument } from '../../replay/definitions.js';
import { loadStatusChanges, type PreopenConfig } from '../../replay/preopen.js';
import { replayFiles } from '../../replay/run.js';
import type { ReplaySummary } from '../../replay/replayer.js';
import { isoNs, parseInstant, parseInterval, parsePriceUnits } from '../../replay/times.js';
import type { ReplayCliOptions } from '../commands/replay.js';

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

export async function runReplayCommand(files: string[], o: ReplayCliOptions): Promise<void> {
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
}
