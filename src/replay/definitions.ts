// Instrument definitions for replay: tick size and match algorithm per instrument_id, from a Databento
// definition file (any DBN version), and the fallbacks when there is none: `--tick`, or the greatest common
// divisor of the prices seen in the first chunk of the instrument's records.
import { readDbnAll } from '../data/dbn/index.js';
import { UNDEF_PRICE } from '../data/batch.js';

export interface ReplayInstrument {
  instrumentId: number;
  tickSize: bigint;
  /** Databento MatchAlgorithm character ('F' FIFO, 'C' pro rata, ...), or '' when unknown. */
  matchAlgorithm: string;
  symbol: string;
  /** where the tick came from */
  tickSource: 'definition' | 'option' | 'inferred' | 'default';
}

const ALGO_NAMES: Record<string, string> = {
  F: 'FIFO',
  A: 'configurable',
  C: 'pro rata',
  T: 'FIFO with LMM',
  O: 'threshold pro rata',
  S: 'FIFO with top LMM',
  Q: 'threshold pro rata with LMM',
  Y: 'Eurodollar futures',
  P: 'time pro rata',
  V: 'institutional prioritization',
};

export function matchAlgorithmName(c: string): string {
  return c === '' ? 'unknown' : (ALGO_NAMES[c] ?? `'${c}'`);
}

/** Read a definition file: the last definition of each instrument wins. */
export async function loadDefinitions(file: string): Promise<Map<number, ReplayInstrument>> {
  const r = await readDbnAll(file, { expectSchema: 'definition' });
  const out = new Map<number, ReplayInstrument>();
  for (const b of r.batches) {
    const ids = b.columns.instrument_id as Uint32Array | undefined;
    const inc = b.columns.min_price_increment as BigInt64Array | undefined;
    const algo = b.columns.match_algorithm as Uint8Array | undefined;
    if (!ids || !inc) throw new Error(`${file}: definition records without instrument_id/min_price_increment columns`);
    for (let i = 0; i < b.length; i++) {
      const tick = inc[i]!;
      if (tick <= 0n || tick === UNDEF_PRICE) {
        throw new Error(`${file}: definition row ${i} (instrument ${ids[i]}): min_price_increment ${tick} is not a usable tick`);
      }
      out.set(ids[i]!, {
        instrumentId: ids[i]!,
        tickSize: tick,
        matchAlgorithm: algo && algo[i]! > 0 ? String.fromCharCode(algo[i]!) : '',
        symbol: b.strings?.raw_symbol?.[i] ?? '',
        tickSource: 'definition',
      });
    }
  }
  return out;
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a < 0n ? -a : a;
}

/**
 * GCD of the defined prices of one instrument's rows in [from, to). 0n when there are none. Stops early once
 * the GCD is 1 (nothing smaller exists).
 */
export function inferTick(
  ids: Uint32Array,
  prices: BigInt64Array,
  instrumentId: number,
  from: number,
  to: number,
): { tick: bigint; samples: number } {
  let g = 0n;
  let samples = 0;
  let last = 0n;
  for (let i = from; i < to; i++) {
    if (ids[i] !== instrumentId) continue;
    const p = prices[i]!;
    if (p === UNDEF_PRICE || p === 0n || p === last) continue;
    last = p;
    g = gcd(g, p);
    samples++;
    if (g === 1n) break;
  }
  return { tick: g, samples };
}

/**
 * The setup of an instrument seen for the first time at row `at`: its definition, else the --tick option,
 * else the GCD of its prices in rows [at, to) (tick 1e-9 when it has no price there).
 */
export function instrumentFor(
  id: number,
  ids: Uint32Array,
  prices: BigInt64Array,
  at: number,
  to: number,
  definitions?: Map<number, ReplayInstrument>,
  tick?: bigint,
): ReplayInstrument {
  const def = definitions?.get(id);
  if (def) return def;
  if (tick !== undefined) return { instrumentId: id, tickSize: tick, matchAlgorithm: '', symbol: '', tickSource: 'option' };
  const g = inferTick(ids, prices, id, at, to);
  return g.tick > 0n
    ? { instrumentId: id, tickSize: g.tick, matchAlgorithm: '', symbol: '', tickSource: 'inferred' }
    : { instrumentId: id, tickSize: 1n, matchAlgorithm: '', symbol: '', tickSource: 'default' };
}
