// trades.parquet of a portfolio run (src/report/results.ts tradesTable): an `instrument` column (the config's
// instrument name) when the trades carry one; a single-instrument file keeps exactly its columns.
import * as arrow from 'apache-arrow';
import { readParquet } from 'parquet-wasm';
import { describe, expect, it } from 'vitest';
import type { Trade } from '../../src/backtest/api.js';
import { parquetBytes } from '../../src/report/parquet.js';
import { tradesTable } from '../../src/report/results.js';

const readBack = (bytes: Uint8Array) => arrow.tableFromIPC(readParquet(bytes).intoIPCStream());
const trade = (symbol: string, entryPrice: number): Trade => ({
  symbol,
  side: 1,
  entryTs: 1_704_067_200_000_000_000n,
  exitTs: 1_704_067_260_000_000_000n,
  qty: 1,
  entryPrice,
  exitPrice: entryPrice + 4,
  pnl: 50_000_000,
  fees: 2_000_000,
});

describe('trades.parquet instrument column', () => {
  it('a portfolio run: instrument (string, after symbol) reads back with each trade\'s name', () => {
    // two instruments of the same product: only the instrument column tells them apart
    const rows = [
      { ...trade('ES', 19_000), instrument: 'ES-front', fold: 0 },
      { ...trade('ES', 19_100), instrument: 'ES-back', fold: 0 },
      { ...trade('NQ', 67_000), instrument: 'NQ', fold: 0 },
    ];
    const t = readBack(parquetBytes(tradesTable(rows, 250_000_000)));
    expect(t.schema.fields.map((f) => f.name).slice(0, 3)).toEqual(['fold', 'symbol', 'instrument']);
    expect(arrow.DataType.isUtf8(t.getChild('instrument')!.type)).toBe(true);
    expect(t.getChild('instrument')!.toArray()).toEqual(['ES-front', 'ES-back', 'NQ']);
    expect(t.getChild('symbol')!.toArray()).toEqual(['ES', 'ES', 'NQ']);
  });

  it('single-instrument trades: no instrument column (the columns are unchanged)', () => {
    const t = readBack(parquetBytes(tradesTable([{ ...trade('ES', 19_000), fold: 1 }], 250_000_000)));
    expect(t.schema.fields.map((f) => f.name)).toEqual([
      'fold', 'symbol', 'side', 'entry_ts', 'exit_ts', 'qty', 'entry_price_ticks', 'exit_price_ticks', 'entry_price', 'exit_price', 'pnl_micro', 'fees_micro',
    ]);
    expect(readBack(parquetBytes(tradesTable([], 250_000_000))).schema.fields.map((f) => f.name)).not.toContain('instrument');
  });
});
