// Acceptance on real CME data (../shared/data/databento/): the ES file replays with zero unknown order ids and
// zero negative sizes, and its book is crossed only during the pre-open before the 23:00 UTC open; the
// 2024-05-08 file (R, snapshot, live) replays with its definition.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MboReplayer } from '../../src/replay/replayer.js';
import { mboBatches } from '../../src/replay/source.js';
import { loadDefinitions } from '../../src/replay/definitions.js';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDbn } from '../../src/data/dbn/index.js';
import { writeParquetFile } from '../../src/data/parquet/index.js';

const DATA = fileURLToPath(new URL('../../../shared/data/databento/', import.meta.url));
const ES = `${DATA}esh4-glbx-mdp3-20231225.mbo.dbn.zst`;
const MAY = `${DATA}glbx-mbo-2024-05-08T00-00-00_00-00-02.dbn.zst`;
const MAY_DEF = `${DATA}glbx-definition-2024-05-08.dbn.zst`;
const OPEN_2023_12_25 = 1703545200_000_000_000n; // 2023-12-25 23:00:00 UTC

async function replay(file: string, r: MboReplayer): Promise<void> {
  for await (const b of mboBatches(file)) r.feedBatch(b, file);
  r.finish();
}

describe.skipIf(!existsSync(ES))('replay of real Databento MBO files', () => {
  it('ESH4 2023-12-25: no unknown ids, no negative sizes, crossed only in the pre-open before 23:00 UTC', async () => {
    const r = new MboReplayer({ preopen: { open: '23:00', preopenMinutes: 60 } });
    await replay(ES, r);
    const s = r.summary();
    expect(s.records).toBe(68_792);
    expect(s.instruments.map((i) => i.instrumentId)).toEqual([17077]);
    const es = s.instruments[0]!;
    const c = es.counters;
    expect(c.adds).toBe('29216');
    expect(c.cancels).toBe('17999');
    expect(c.modifies).toBe('12233');
    expect(c.trades).toBe('2973');
    expect(c.fills).toBe('6371');
    expect(es.tickSize).toBe('250000000'); // inferred: 0.25 index points
    expect(s.totals.unknownIds).toBe(0);
    expect(s.totals.negativeSizes).toBe(0);
    expect(c.duplicateAdd).toBe('0');
    expect(c.badPrice).toBe('0');
    expect(c.otherReject).toBe('0');
    // the pre-open book does cross, and never after the open
    expect(s.totals.crossedInPreopen).toBeGreaterThan(0);
    expect(s.totals.crossedOutsidePreopen).toBe(0);
    expect(es.crossedAtEnd).toBe(false);
    expect(es.bestBid).not.toBeNull();
    expect(BigInt(es.bestBid!.price)).toBeLessThan(BigInt(es.bestAsk!.price));
  });

  it('ESH4: without a pre-open window the pre-open crosses are reported, all before 23:00 UTC', async () => {
    const r = new MboReplayer();
    await replay(ES, r);
    const c = r.summary().instruments[0]!.counters;
    expect(Number(c.crossedOutside)).toBeGreaterThan(0);
    expect(BigInt(c.lastCrossedOutsideTs)).toBeLessThan(OPEN_2023_12_25); // exchange time (ts_event)
    expect(BigInt(c.firstCrossedOutsideTs)).toBeGreaterThanOrEqual(OPEN_2023_12_25 - 3_600_000_000_000n);
  });

  it('2024-05-08: clear, snapshot, live, with the definition file', async () => {
    const defs = await loadDefinitions(MAY_DEF);
    expect(defs.get(5602)?.tickSize).toBe(250_000_000n);
    expect(defs.get(5602)?.matchAlgorithm).toBe('F');
    const r = new MboReplayer({ definitions: defs });
    await replay(MAY, r);
    const s = r.summary();
    const i = s.instruments[0]!;
    expect(i.instrumentId).toBe(5602);
    expect(i.symbol).toBe('ESM4');
    expect(i.tickSource).toBe('definition');
    expect(i.counters.clears).toBe('1');
    expect(i.counters.snapshot).toBe('13601');
    expect(s.totals.unknownIds).toBe(0);
    expect(s.totals.negativeSizes).toBe(0);
    expect(s.totals.crossedOutsidePreopen).toBe(0);
    expect(i.counters.otherReject).toBe('0');
    expect(i.restingOrders).toBeGreaterThan(10_000);
  });

  it('the same day from Databento-layout parquet (float prices) and through the columnar cache gives the same book', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'contango-replay-pq-'));
    try {
      const pq = path.join(dir, 'es.parquet');
      const src = await openDbn(ES, { expectSchema: 'mbo' });
      await writeParquetFile(pq, 'mbo', src.batches(), { priceType: 'float' });
      const a = new MboReplayer({ preopen: { open: '23:00' } });
      await replay(ES, a);
      const b = new MboReplayer({ preopen: { open: '23:00' } });
      for await (const x of mboBatches(pq)) b.feedBatch(x, pq);
      const c = new MboReplayer({ preopen: { open: '23:00' } });
      for await (const x of mboBatches(ES, { cache: true, cacheDir: path.join(dir, 'cache') })) c.feedBatch(x, ES);
      expect(b.kernel.bookHash()).toBe(a.kernel.bookHash());
      expect(c.kernel.bookHash()).toBe(a.kernel.bookHash());
      expect(b.summary().instruments[0]!.counters).toEqual(a.summary().instruments[0]!.counters);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
