// The WebAssembly replay against the obvious Map-based Databento book (src/replay/reference-book.ts) on the
// real ES file: ten levels a side at every minute of capture time, and the whole book at the end.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MboReplayer } from '../../src/replay/replayer.js';
import { ReferenceMboBook } from '../../src/replay/reference-book.js';
import { readDbnAll, concatBatches } from '../../src/data/dbn/index.js';
import type { ColumnBatch } from '../../src/data/batch.js';
import { UNDEF_PRICE } from '../../src/data/batch.js';

const ES = fileURLToPath(new URL('../../../shared/data/databento/esh4-glbx-mdp3-20231225.mbo.dbn.zst', import.meta.url));
const MINUTE = 120_000_000_000n; // every two minutes of capture time

describe.skipIf(!existsSync(ES))('replay vs reference book', () => {
  it('ESH4: MBP-10 rows every two minutes equal the reference book', async () => {
    const batch = concatBatches((await readDbnAll(ES)).batches);
    const rows: ColumnBatch[] = [];
    const r = new MboReplayer({ output: { levels: 10, everyNs: MINUTE, sink: (b) => rows.push(b) } });
    r.feedBatch(batch);
    r.finish();
    const out = rows.length === 1 ? rows[0]! : concatBatches(rows);
    expect(out.schema).toBe('mbp-10');

    // the reference, stopped at the same places: before the first row starting an event at or after each minute
    const c = batch.columns;
    const ts = c.ts_recv as BigUint64Array;
    const ref = new ReferenceMboBook();
    let next = (ts[0]! / MINUTE + 1n) * MINUTE;
    let mid = false;
    let seenLast = false;
    const expected: { t: bigint; bids: ReturnType<ReferenceMboBook['levels']>; asks: ReturnType<ReferenceMboBook['levels']> }[] = [];
    for (let i = 0; i < batch.length; i++) {
      while (!mid && ts[i]! >= next) {
        if (seenLast) expected.push({ t: next, bids: ref.levels(17077, 'B', 10), asks: ref.levels(17077, 'A', 10) });
        next += MINUTE;
      }
      ref.apply((c.instrument_id as Uint32Array)[i]!, (c.action as Uint8Array)[i]!, (c.side as Uint8Array)[i]!,
        (c.order_id as BigUint64Array)[i]!, (c.price as BigInt64Array)[i]!, (c.size as Uint32Array)[i]!);
      const last = ((c.flags as Uint8Array)[i]! & 0x80) !== 0;
      mid = !last;
      if (last) seenLast = true;
    }
    expect(out.length).toBe(expected.length);
    expect(out.length).toBeGreaterThan(15);
    const oc = out.columns;
    for (let k = 0; k < out.length; k++) {
      const e = expected[k]!;
      expect((oc.ts_recv as BigUint64Array)[k]).toBe(e.t);
      for (let l = 0; l < 10; l++) {
        const s = String(l).padStart(2, '0');
        for (const [pre, lv] of [['bid', e.bids], ['ask', e.asks]] as const) {
          const x = lv[l];
          const got = [(oc[`${pre}_px_${s}`] as BigInt64Array)[k], (oc[`${pre}_sz_${s}`] as Uint32Array)[k], (oc[`${pre}_ct_${s}`] as Uint32Array)[k]];
          expect(got, `row ${k} ${pre} level ${l}`).toEqual(x ? [x.price, x.size, x.count] : [UNDEF_PRICE, 0, 0]);
        }
      }
    }
    // the whole book at the end
    const sum = r.summary().instruments[0]!;
    expect(sum.restingOrders).toBe(ref.orderCount(17077));
    expect(sum.bidLevels).toBe(ref.levels(17077, 'B', 1e9).length);
    expect(sum.askLevels).toBe(ref.levels(17077, 'A', 1e9).length);
    expect(ref.unknownCancels).toBe(0);
    expect(ref.negativeSizes).toBe(0);
  });
});
