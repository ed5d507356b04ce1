// Pins every record layout's size and the offsets of its fields (computed by hand from the
// #[repr(C)] structs of Databento's dbn crate: record.rs, compat.rs), and decodes every file of
// the shared format/ folder in all versions with checks on known values and on cross-version
// agreement.
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { layoutFor, readDbnAll, type RecordLayout } from '../../src/data/dbn/index.js';
import * as L from '../../src/data/dbn/layouts/index.js';
import { FORMAT_DIR, sharedDataAvailable } from './paths.js';

function offsets(layout: RecordLayout, names: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const n of names) {
    const f = layout.byName.get(n);
    if (!f) throw new Error(`${layout.name} has no field ${n}`);
    out[n] = f.offset;
  }
  return out;
}

describe('record layouts', () => {
  it('sizes match the Rust structs', () => {
    const sizes: [RecordLayout, number][] = [
      [L.MBO, 56], [L.TRADES, 48], [L.MBP1, 80], [L.MBP10, 368], [L.BBO, 80], [L.CMBP1, 80], [L.CBBO, 80],
      [L.OHLCV, 56], [L.STATUS, 40], [L.IMBALANCE, 112],
      [L.DEFINITION_V1, 360], [L.DEFINITION_V2, 400], [L.DEFINITION_V3, 520],
      [L.STATISTICS_V1, 64], [L.STATISTICS_V3, 80],
      [L.ERROR_V1, 80], [L.ERROR_V2, 320], [L.SYSTEM_V1, 80], [L.SYSTEM_V2, 320],
      [L.SYMBOL_MAPPING_V1, 80], [L.SYMBOL_MAPPING_V2, 176],
    ];
    for (const [layout, size] of sizes) expect([layout.name, layout.size]).toEqual([layout.name, size]);
  });

  it('header and MBO offsets', () => {
    expect(offsets(L.MBO, ['length', 'rtype', 'publisher_id', 'instrument_id', 'ts_event', 'order_id', 'price', 'size', 'flags', 'channel_id', 'action', 'side', 'ts_recv', 'ts_in_delta', 'sequence']))
      .toEqual({ length: 0, rtype: 1, publisher_id: 2, instrument_id: 4, ts_event: 8, order_id: 16, price: 24, size: 32, flags: 36, channel_id: 37, action: 38, side: 39, ts_recv: 40, ts_in_delta: 48, sequence: 52 });
  });

  it('MBP, BBO, consolidated and OHLCV offsets', () => {
    expect(offsets(L.TRADES, ['price', 'size', 'action', 'side', 'flags', 'depth', 'ts_recv', 'ts_in_delta', 'sequence']))
      .toEqual({ price: 16, size: 24, action: 28, side: 29, flags: 30, depth: 31, ts_recv: 32, ts_in_delta: 40, sequence: 44 });
    expect(offsets(L.MBP1, ['bid_px_00', 'ask_px_00', 'bid_sz_00', 'ask_sz_00', 'bid_ct_00', 'ask_ct_00']))
      .toEqual({ bid_px_00: 48, ask_px_00: 56, bid_sz_00: 64, ask_sz_00: 68, bid_ct_00: 72, ask_ct_00: 76 });
    expect(offsets(L.MBP10, ['bid_px_01', 'ask_ct_09'])).toEqual({ bid_px_01: 80, ask_ct_09: 364 });
    expect(offsets(L.BBO, ['price', 'size', 'side', 'flags', 'ts_recv', 'sequence', 'bid_px_00', 'ask_ct_00']))
      .toEqual({ price: 16, size: 24, side: 29, flags: 30, ts_recv: 32, sequence: 44, bid_px_00: 48, ask_ct_00: 76 });
    expect(offsets(L.CMBP1, ['action', 'side', 'flags', 'ts_recv', 'ts_in_delta', 'bid_px_00', 'bid_pb_00', 'ask_pb_00']))
      .toEqual({ action: 28, side: 29, flags: 30, ts_recv: 32, ts_in_delta: 40, bid_px_00: 48, bid_pb_00: 72, ask_pb_00: 76 });
    expect(offsets(L.CBBO, ['side', 'flags', 'ts_recv', 'bid_px_00', 'ask_pb_00'])).toEqual({ side: 29, flags: 30, ts_recv: 32, bid_px_00: 48, ask_pb_00: 76 });
    expect(offsets(L.OHLCV, ['open', 'high', 'low', 'close', 'volume'])).toEqual({ open: 16, high: 24, low: 32, close: 40, volume: 48 });
    expect(L.OHLCV.indexTs).toBe('ts_event');
    expect(L.MBO.indexTs).toBe('ts_recv');
  });

  it('status, imbalance, statistics offsets', () => {
    expect(offsets(L.STATUS, ['ts_recv', 'action', 'reason', 'trading_event', 'is_trading', 'is_quoting', 'is_short_sell_restricted']))
      .toEqual({ ts_recv: 16, action: 24, reason: 26, trading_event: 28, is_trading: 30, is_quoting: 31, is_short_sell_restricted: 32 });
    expect(offsets(L.IMBALANCE, ['ref_price', 'auction_time', 'lower_collar', 'paired_qty', 'unpaired_qty', 'auction_type', 'side', 'significant_imbalance']))
      .toEqual({ ref_price: 24, auction_time: 32, lower_collar: 80, paired_qty: 88, unpaired_qty: 100, auction_type: 104, side: 105, significant_imbalance: 110 });
    expect(offsets(L.STATISTICS_V1, ['ts_recv', 'ts_ref', 'price', 'quantity', 'sequence', 'ts_in_delta', 'stat_type', 'channel_id', 'update_action', 'stat_flags']))
      .toEqual({ ts_recv: 16, ts_ref: 24, price: 32, quantity: 40, sequence: 44, ts_in_delta: 48, stat_type: 52, channel_id: 54, update_action: 56, stat_flags: 57 });
    expect(L.STATISTICS_V1.byName.get('quantity')!.type).toBe('i32');
    expect(offsets(L.STATISTICS_V3, ['quantity', 'sequence', 'ts_in_delta', 'stat_type', 'channel_id', 'update_action', 'stat_flags']))
      .toEqual({ quantity: 40, sequence: 48, ts_in_delta: 52, stat_type: 56, channel_id: 58, update_action: 60, stat_flags: 61 });
    expect(L.STATISTICS_V3.byName.get('quantity')!.type).toBe('i64');
  });

  it('definition offsets differ by version', () => {
    expect(offsets(L.DEFINITION_V1, ['min_price_increment', 'trading_reference_price', 'inst_attrib_value', 'raw_instrument_id', 'min_trade_vol', 'contract_multiplier', 'trading_reference_date', 'channel_id', 'currency', 'raw_symbol', 'group', 'asset', 'unit_of_measure', 'strike_price_currency', 'instrument_class', 'strike_price', 'match_algorithm', 'security_update_action', 'user_defined_instrument', 'tick_rule']))
      .toEqual({ min_price_increment: 24, trading_reference_price: 80, inst_attrib_value: 112, raw_instrument_id: 120, min_trade_vol: 152, contract_multiplier: 160, trading_reference_date: 176, channel_id: 184, currency: 186, raw_symbol: 200, group: 222, asset: 248, unit_of_measure: 269, strike_price_currency: 321, instrument_class: 325, strike_price: 328, match_algorithm: 342, security_update_action: 349, user_defined_instrument: 353, tick_rule: 356 });
    expect(offsets(L.DEFINITION_V2, ['strike_price', 'inst_attrib_value', 'raw_instrument_id', 'contract_multiplier', 'trading_reference_date', 'raw_symbol', 'group', 'asset', 'strike_price_currency', 'instrument_class', 'match_algorithm', 'security_update_action', 'tick_rule']))
      .toEqual({ strike_price: 112, inst_attrib_value: 120, raw_instrument_id: 128, contract_multiplier: 164, trading_reference_date: 176, raw_symbol: 200, group: 271, asset: 297, strike_price_currency: 370, instrument_class: 374, match_algorithm: 375, security_update_action: 382, tick_rule: 389 });
    expect(offsets(L.DEFINITION_V3, ['unit_of_measure_qty', 'strike_price', 'raw_instrument_id', 'leg_price', 'leg_delta', 'inst_attrib_value', 'leg_instrument_id', 'leg_underlying_id', 'appl_id', 'channel_id', 'leg_count', 'leg_index', 'currency', 'raw_symbol', 'asset', 'cfi', 'strike_price_currency', 'leg_raw_symbol', 'instrument_class', 'match_algorithm', 'security_update_action', 'tick_rule', 'leg_instrument_class', 'leg_side']))
      .toEqual({ unit_of_measure_qty: 80, strike_price: 104, raw_instrument_id: 112, leg_price: 120, leg_delta: 128, inst_attrib_value: 136, leg_instrument_id: 188, leg_underlying_id: 208, appl_id: 212, channel_id: 218, leg_count: 220, leg_index: 222, currency: 224, raw_symbol: 238, asset: 335, cfi: 346, strike_price_currency: 412, leg_raw_symbol: 416, instrument_class: 487, match_algorithm: 488, security_update_action: 493, tick_rule: 500, leg_instrument_class: 501, leg_side: 502 });
    expect(L.DEFINITION_V3.byName.get('raw_instrument_id')!.type).toBe('u64');
    expect(L.DEFINITION_V3.byName.has('trading_reference_price')).toBe(false);
  });

  it('gateway record offsets', () => {
    expect(offsets(L.SYMBOL_MAPPING_V1, ['stype_in_symbol', 'stype_out_symbol', 'start_ts', 'end_ts'])).toEqual({ stype_in_symbol: 16, stype_out_symbol: 38, start_ts: 64, end_ts: 72 });
    expect(offsets(L.SYMBOL_MAPPING_V2, ['stype_in', 'stype_in_symbol', 'stype_out', 'stype_out_symbol', 'start_ts', 'end_ts'])).toEqual({ stype_in: 16, stype_in_symbol: 17, stype_out: 88, stype_out_symbol: 89, start_ts: 160, end_ts: 168 });
    expect(offsets(L.ERROR_V2, ['err', 'code', 'is_last'])).toEqual({ err: 16, code: 318, is_last: 319 });
    expect(offsets(L.SYSTEM_V2, ['msg', 'code'])).toEqual({ msg: 16, code: 319 });
  });

  it('version tables pick the right struct', () => {
    expect(layoutFor(1, 0x13)).toBe(L.DEFINITION_V1);
    expect(layoutFor(2, 0x13)).toBe(L.DEFINITION_V2);
    expect(layoutFor(3, 0x13)).toBe(L.DEFINITION_V3);
    expect(layoutFor(2, 0x18)).toBe(L.STATISTICS_V1);
    expect(layoutFor(3, 0x18)).toBe(L.STATISTICS_V3);
    expect(layoutFor(1, 0x16)).toBe(L.SYMBOL_MAPPING_V1);
    for (const r of [0x20, 0x21, 0x22, 0x23, 0x24]) expect(layoutFor(3, r)).toBe(L.OHLCV);
    expect(layoutFor(3, 0xc3)).toBe(L.BBO);
    expect(layoutFor(3, 0xc2)).toBe(L.CMBP1);
    expect(layoutFor(3, 0x99)).toBeUndefined();
  });
});

describe.skipIf(!sharedDataAvailable)('format/ files, all versions', () => {
  const files = sharedDataAvailable ? readdirSync(FORMAT_DIR).filter((f) => f.includes('.dbn')) : [];

  it('every file decodes, with the schema and version its name says', async () => {
    expect(files.length).toBeGreaterThanOrEqual(40);
    for (const f of files) {
      const m = /^test_data\.([a-z0-9-]+)\.(?:v(\d)\.)?dbn/.exec(f)!;
      const r = await readDbnAll(FORMAT_DIR + f);
      expect(r.metadata.schema, f).toBe(m[1]);
      if (m[2]) expect(r.metadata.version, f).toBe(Number(m[2]));
      expect(r.metadata.dataset, f).toBe(m[1] === 'imbalance' ? 'XNAS.ITCH' : r.metadata.dataset);
      expect(r.skipped, f).toBe(0);
      for (const b of r.batches) {
        expect(b.schema, f).toBe(m[1]);
        for (const [name, col] of Object.entries(b.columns)) expect(col.length, `${f} ${name}`).toBe(b.length);
      }
      const expected = m[1] === 'ohlcv-1d' ? 0 : m[1] === 'status' || m[1].startsWith('bbo') ? 4 : 2;
      expect(r.rowCount, f).toBe(expected);
    }
  });

  async function col(file: string, name: string): Promise<string[]> {
    const r = await readDbnAll(FORMAT_DIR + file);
    const b = r.batches[0]!;
    const c = b.columns[name] ?? b.strings?.[name];
    if (!c) throw new Error(`${file}: no column ${name}`);
    return Array.from(c as ArrayLike<unknown>, String);
  }

  it('known MBO values (ESH1, 2020-12-28)', async () => {
    for (const v of [1, 2, 3]) {
      const f = `test_data.mbo.v${v}.dbn.zst`;
      expect(await col(f, 'price')).toEqual(['3722750000000', '3723000000000']);
      expect(await col(f, 'order_id')).toEqual(['647784973705', '647784973631']);
      expect(await col(f, 'ts_recv')).toEqual(['1609160400000704060', '1609160400000711344']);
      expect(await col(f, 'instrument_id')).toEqual(['5482', '5482']);
      expect(await col(f, 'action')).toEqual(['67', '67']); // 'C'
      expect(await col(f, 'side')).toEqual(['65', '65']); // 'A'
      expect(await col(f, 'flags')).toEqual(['128', '128']); // LAST
    }
    expect(await col('test_data.mbo.dbn', 'sequence')).toEqual(['1170352', '1170353']);
  });

  it('the same data agrees across versions for every schema', async () => {
    const schemas = [...new Set(files.map((f) => /^test_data\.([a-z0-9-]+)\.v\d/.exec(f)?.[1]).filter(Boolean))] as string[];
    for (const s of schemas) {
      const per = await Promise.all([1, 2, 3].map(async (v) => {
        const f = `test_data.${s}.v${v}.dbn.zst`;
        return files.includes(f) ? (await readDbnAll(FORMAT_DIR + f)).batches[0] : undefined;
      }));
      const present = per.filter((b) => b !== undefined);
      if (present.length < 2) continue;
      const base = present[0]!;
      for (const other of present.slice(1)) {
        for (const name of Object.keys(base.columns)) {
          if (!(name in other.columns)) continue;
          let a = Array.from(base.columns[name] as ArrayLike<unknown>, String);
          const b = Array.from(other.columns[name] as ArrayLike<unknown>, String);
          // statistics quantity: i32::MAX in v1/v2 is i64::MAX in v3 (the null value)
          if (s === 'statistics' && name === 'quantity' && b[0]!.length > 10) a = a.map((x) => (x === '2147483647' ? '9223372036854775807' : x));
          expect(b, `${s} ${name}`).toEqual(a);
        }
        for (const name of Object.keys(base.strings ?? {})) {
          if (other.strings?.[name]) expect(other.strings[name], `${s} ${name}`).toEqual(base.strings![name]);
        }
      }
    }
  });

  it('known values of definition, statistics, status, imbalance, bbo, mbp-10, ohlcv', async () => {
    for (const v of [1, 2, 3]) {
      const f = `test_data.definition.v${v}.dbn.zst`;
      expect(await col(f, 'raw_symbol')).toEqual(['MSFT', 'MSFT']);
      expect(await col(f, 'match_algorithm')).toEqual(['70', '70']); // 'F'
      expect(await col(f, 'instrument_class')).toEqual(['75', '75']); // 'K' stock
      expect(await col(f, 'security_update_action')).toEqual(['65', '65']);
    }
    expect(await col('test_data.statistics.v1.dbn.zst', 'stat_type')).toEqual(['7', '5']);
    expect(await col('test_data.statistics.v3.dbn.zst', 'price')).toEqual(['100000000000', '100000000000']);
    expect(await col('test_data.statistics.v3.dbn.zst', 'quantity')).toEqual(['9223372036854775807', '9223372036854775807']);
    expect(await col('test_data.statistics.v2.dbn.zst', 'quantity')).toEqual(['2147483647', '2147483647']);
    expect((await col('test_data.status.v3.dbn.zst', 'is_trading')).slice(0, 3)).toEqual(['89', '78', '78']); // Y N N
    expect((await col('test_data.status.v2.dbn.zst', 'action')).slice(0, 3)).toEqual(['7', '1', '1']);
    expect(await col('test_data.imbalance.v1.dbn.zst', 'ref_price')).toEqual(['229430000000', '229990000000']);
    expect(await col('test_data.imbalance.v3.dbn.zst', 'total_imbalance_qty')).toEqual(['2000', '281']);
    expect((await col('test_data.bbo-1m.v3.dbn.zst', 'bid_px_00')).slice(0, 2)).toEqual(['3702250000000', '3704500000000']);
    expect((await col('test_data.bbo-1s.v2.dbn.zst', 'ts_recv')).length).toBe(4);
    expect(await col('test_data.mbp-10.v1.dbn.zst', 'bid_px_09')).toEqual(['3718000000000', '3718000000000']);
    expect(await col('test_data.mbp-10.v3.dbn.zst', 'bid_ct_09')).toEqual(['39', '39']);
    expect(await col('test_data.ohlcv-1h.v2.dbn.zst', 'volume')).toEqual(['9385', '112698']);
    expect(await col('test_data.ohlcv-1h.v1.dbn.zst', 'open')).toEqual(['372025000000000', '372225000000000']);
    expect(await col('test_data.tbbo.v3.dbn.zst', 'action')).toEqual(['84', '84']); // trades carry the BBO before
  });
});
