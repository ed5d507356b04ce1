// The real CME files: record counts, action mixes and flags, definitions, and decoded values
// checked against independent reads (fzstd + DataView at offsets written out here, not taken
// from the layout tables).
import { readFileSync } from 'node:fs';
import { decompress } from 'fzstd';
import { describe, expect, it } from 'vitest';
import { concatBatches, readDbnAll } from '../../src/data/dbn/index.js';
import { DATA_DIR, sharedDataAvailable } from './paths.js';

const MBO_DEC25 = 'esh4-glbx-mdp3-20231225.mbo.dbn.zst';
const MBO_DEC24 = 'esh4-glbx-mdp3-20231224.mbo.dbn.zst';

/** Independent record walker: DataView over the decompressed file. */
function rawRecords(file: string): { dv: DataView; starts: number[] } {
  const bytes = decompress(readFileSync(DATA_DIR + file));
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = 8 + dv.getUint32(4, true);
  const starts: number[] = [];
  while (pos < bytes.length) {
    starts.push(pos);
    pos += dv.getUint8(pos) * 4;
  }
  return { dv, starts };
}

function counts(col: Uint8Array): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of col) out[String.fromCharCode(c)] = (out[String.fromCharCode(c)] ?? 0) + 1;
  return out;
}

describe.skipIf(!sharedDataAvailable)('real Databento files', () => {
  it(`${MBO_DEC25}: 68,792 MBO records with the documented action mix`, async () => {
    const r = await readDbnAll(DATA_DIR + MBO_DEC25, { expectSchema: 'mbo', monotonic: true });
    expect(r.compressed).toBe(true);
    expect(r.metadata.version).toBe(1);
    expect(r.metadata.dataset).toBe('GLBX.MDP3');
    expect(r.metadata.schema).toBe('mbo');
    expect(r.metadata.symbol_cstr_len).toBe(22);
    expect(r.metadata.symbols).toEqual(['ESH4']);
    expect(r.metadata.mappings).toEqual([{ raw_symbol: 'ESH4', intervals: [{ start_date: '2023-12-25', end_date: '2023-12-26', symbol: '17077' }] }]);
    expect(r.rowCount).toBe(68_792);
    expect(r.batches.map((b) => b.length)).toEqual([65_536, 3_256]);
    const all = concatBatches(r.batches);
    expect(counts(all.columns.action as Uint8Array)).toEqual({ A: 29_216, C: 17_999, M: 12_233, T: 2_973, F: 6_371 });
    expect(new Set(all.columns.instrument_id as Uint32Array)).toEqual(new Set([17077]));

    // Independent reads at 20 spread-out records.
    const { dv, starts } = rawRecords(MBO_DEC25);
    expect(starts.length).toBe(68_792);
    for (let k = 0; k < 20; k++) {
      const i = Math.floor((k * 68_791) / 19);
      const p = starts[i]!;
      expect(dv.getUint8(p + 1)).toBe(0xa0);
      expect((all.columns.ts_event as BigUint64Array)[i]).toBe(dv.getBigUint64(p + 8, true));
      expect((all.columns.order_id as BigUint64Array)[i]).toBe(dv.getBigUint64(p + 16, true));
      expect((all.columns.price as BigInt64Array)[i]).toBe(dv.getBigInt64(p + 24, true));
      expect((all.columns.size as Uint32Array)[i]).toBe(dv.getUint32(p + 32, true));
      expect((all.columns.flags as Uint8Array)[i]).toBe(dv.getUint8(p + 36));
      expect((all.columns.action as Uint8Array)[i]).toBe(dv.getUint8(p + 38));
      expect((all.columns.side as Uint8Array)[i]).toBe(dv.getUint8(p + 39));
      expect((all.columns.ts_recv as BigUint64Array)[i]).toBe(dv.getBigUint64(p + 40, true));
      expect((all.columns.ts_in_delta as Int32Array)[i]).toBe(dv.getInt32(p + 48, true));
      expect((all.columns.sequence as Uint32Array)[i]).toBe(dv.getUint32(p + 52, true));
    }
    // ES prices are whole ticks of 0.25 (250,000,000 units), or undefined.
    let offTick = 0;
    for (const px of all.columns.price as BigInt64Array) if (px !== 0x7fff_ffff_ffff_ffffn && px % 250_000_000n !== 0n) offTick++;
    expect(offTick).toBe(0);
  });

  it(`${MBO_DEC24}: the 8,725-record snapshot, all Adds with flags SNAPSHOT|BAD_TS_RECV`, async () => {
    const r = await readDbnAll(DATA_DIR + MBO_DEC24, { expectSchema: 'mbo' });
    expect(r.rowCount).toBe(8_725);
    const all = concatBatches(r.batches);
    expect(counts(all.columns.action as Uint8Array)).toEqual({ A: 8_725 });
    // SNAPSHOT|BAD_TS_RECV on every record; the last one also ends the packet (LAST, 0x80).
    const flags = all.columns.flags as Uint8Array;
    expect(flags.every((f) => (f & 0x7f) === 0x28)).toBe(true);
    expect(flags.reduce((n, f) => n + (f & 0x80 ? 1 : 0), 0)).toBe(1);
    expect(flags[flags.length - 1]).toBe(0xa8);
    const { dv, starts } = rawRecords(MBO_DEC24);
    const last = starts.length - 1;
    expect((all.columns.price as BigInt64Array)[last]).toBe(dv.getBigInt64(starts[last]! + 24, true));
    expect((all.columns.order_id as BigUint64Array)[0]).toBe(6_412_777_162_812n);
    expect((all.columns.price as BigInt64Array)[0]).toBe(4_799_000_000_000n); // 4799.00
  });

  it('the 2024-05-08 MBO file starts with a clear (R) then snapshot adds', async () => {
    const r = await readDbnAll(DATA_DIR + 'glbx-mbo-2024-05-08T00-00-00_00-00-02.dbn.zst');
    expect(r.rowCount).toBe(13_796);
    const b = r.batches[0]!;
    expect(String.fromCharCode((b.columns.action as Uint8Array)[0]!)).toBe('R');
    expect((b.columns.price as BigInt64Array)[0]).toBe(0x7fff_ffff_ffff_ffffn);
    expect(String.fromCharCode((b.columns.action as Uint8Array)[1]!)).toBe('A');
    expect((b.columns.flags as Uint8Array)[1]).toBe(0x28);
    expect((b.columns.instrument_id as Uint32Array)[0]).toBe(5602);
  });

  it('definition files yield tick size, symbol and match algorithm', async () => {
    const cases: [string, string[], number[]][] = [
      ['definition-glbx-es-fut.dbn.zst', ['ESM3', 'ESM3'], []],
      ['glbx-definition-2024-05-08.dbn.zst', ['ESM4'], [5602]],
      ['glbx-definition-2024-07-01.dbn.zst', ['ESU4', 'NQU4'], [118, 4358]],
      ['glbx-definition-2025-12-19.dbn.zst', ['ESH6', 'ESZ5'], [42_140_878, 294_973]],
    ];
    for (const [file, symbols, ids] of cases) {
      const r = await readDbnAll(DATA_DIR + file, { expectSchema: 'definition' });
      const b = concatBatches(r.batches);
      expect(b.strings!.raw_symbol, file).toEqual(symbols);
      expect(Array.from(b.columns.min_price_increment as BigInt64Array), file).toEqual(symbols.map(() => 250_000_000n)); // 0.25
      expect(Array.from(b.columns.match_algorithm as Uint8Array, (c) => String.fromCharCode(c)), file).toEqual(symbols.map(() => 'F'));
      if (ids.length) expect(Array.from(b.columns.instrument_id as Uint32Array), file).toEqual(ids);
      // independent read of the v1 struct: raw_symbol at 200 (22 bytes), tick at 24, match_algorithm at 342
      const { dv, starts } = rawRecords(file);
      starts.forEach((p, i) => {
        expect((b.columns.min_price_increment as BigInt64Array)[i]).toBe(dv.getBigInt64(p + 24, true));
        expect((b.columns.match_algorithm as Uint8Array)[i]).toBe(dv.getUint8(p + 342));
        let s = '';
        for (let k = 0; k < 22 && dv.getUint8(p + 200 + k) !== 0; k++) s += String.fromCharCode(dv.getUint8(p + 200 + k));
        expect(b.strings!.raw_symbol![i]).toBe(s);
      });
    }
    const es = concatBatches((await readDbnAll(DATA_DIR + 'definition-glbx-es-fut.dbn.zst')).batches);
    expect(es.strings!.asset).toEqual(['ES', 'ES']);
    expect(es.strings!.security_type).toEqual(['FUT', 'FUT']);
    expect(es.strings!.currency).toEqual(['USD', 'USD']);
    expect((es.columns.unit_of_measure_qty as BigInt64Array)[0]).toBe(50_000_000_000n); // $50 multiplier
  });

  it('ohlcv-1m 60, trades 120, mbp-1 2,288, bbo-1m 20 records, values match raw reads', async () => {
    const cases: [string, string, number, [string, number, 'i64' | 'u64' | 'u32' | 'u8'][]][] = [
      ['glbx-ohlcv-1m-2024-07-01T23-40_2024-07-02T00-10.dbn.zst', 'ohlcv-1m', 60, [['open', 16, 'i64'], ['close', 40, 'i64'], ['volume', 48, 'u64']]],
      ['glbx-trades-2024-07-01T23-58_2024-07-02T00-02.dbn.zst', 'trades', 120, [['price', 16, 'i64'], ['size', 24, 'u32'], ['side', 29, 'u8'], ['ts_recv', 32, 'u64']]],
      ['glbx-mbp-1-2024-07-01T23-58_2024-07-02T00-02.dbn.zst', 'mbp-1', 2_288, [['price', 16, 'i64'], ['action', 28, 'u8'], ['bid_px_00', 48, 'i64'], ['ask_sz_00', 68, 'u32'], ['ask_ct_00', 76, 'u32']]],
      ['glbx-bbo-1m-settlement-2025-12-19T14-25-00_14-35-00.dbn.zst', 'bbo-1m', 20, [['price', 16, 'i64'], ['ts_recv', 32, 'u64'], ['sequence', 44, 'u32'], ['ask_px_00', 56, 'i64']]],
    ];
    for (const [file, schema, n, fields] of cases) {
      const r = await readDbnAll(DATA_DIR + file, { expectSchema: schema as 'trades' });
      expect(r.rowCount, file).toBe(n);
      const b = concatBatches(r.batches);
      const { dv, starts } = rawRecords(file);
      expect(starts.length).toBe(n);
      for (const [name, off, type] of fields) {
        const got = Array.from(b.columns[name] as ArrayLike<number | bigint>);
        const want = starts.map((p) =>
          type === 'i64' ? dv.getBigInt64(p + off, true) : type === 'u64' ? dv.getBigUint64(p + off, true) : type === 'u32' ? dv.getUint32(p + off, true) : dv.getUint8(p + off),
        );
        expect(got, `${file} ${name}`).toEqual(want);
      }
    }
    const trades = concatBatches((await readDbnAll(DATA_DIR + 'glbx-trades-2024-07-01T23-58_2024-07-02T00-02.dbn.zst')).batches);
    expect(new Set(Array.from(trades.columns.action as Uint8Array, (c) => String.fromCharCode(c)))).toEqual(new Set(['T']));
  });
});
