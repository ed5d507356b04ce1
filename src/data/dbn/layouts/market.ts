// Market-data record layouts that are the same in DBN versions 1, 2 and 3 (rust/dbn/src/record.rs;
// v1.rs and v2.rs re-export these structs unchanged): MBO, MBP-0/1/10, BBO, CMBP-1, CBBO, OHLCV,
// status and imbalance.
import { RType } from '../enums.js';
import { HEADER, bidAskLevels, consolidatedLevel, defineLayout } from '../layout.js';

export const MBO = defineLayout('MboMsg', [RType.MBO], [
  ...HEADER,
  ['order_id', 'u64'],
  ['price', 'i64'],
  ['size', 'u32'],
  ['flags', 'u8'],
  ['channel_id', 'u8'],
  ['action', 'char'],
  ['side', 'char'],
  ['ts_recv', 'u64'],
  ['ts_in_delta', 'i32'],
  ['sequence', 'u32'],
], 56);

const MBP_BODY = [
  ['price', 'i64'],
  ['size', 'u32'],
  ['action', 'char'],
  ['side', 'char'],
  ['flags', 'u8'],
  ['depth', 'u8'],
  ['ts_recv', 'u64'],
  ['ts_in_delta', 'i32'],
  ['sequence', 'u32'],
] as const;

/** Trades schema (MBP with depth 0). */
export const TRADES = defineLayout('TradeMsg', [RType.MBP_0], [...HEADER, ...MBP_BODY], 48);
/** MBP-1 and TBBO. */
export const MBP1 = defineLayout('Mbp1Msg', [RType.MBP_1], [...HEADER, ...MBP_BODY, ...bidAskLevels(1)], 80);
export const MBP10 = defineLayout('Mbp10Msg', [RType.MBP_10], [...HEADER, ...MBP_BODY, ...bidAskLevels(10)], 368);

/** BBO-1s / BBO-1m (subsampled top of book; price/size/side of the last trade). */
export const BBO = defineLayout('BboMsg', [RType.BBO_1S, RType.BBO_1M], [
  ...HEADER,
  ['price', 'i64'],
  ['size', 'u32'],
  ['_reserved1', 'reserved', 1],
  ['side', 'char'],
  ['flags', 'u8'],
  ['_reserved2', 'reserved', 1],
  ['ts_recv', 'u64'],
  ['_reserved3', 'reserved', 4],
  ['sequence', 'u32'],
  ...bidAskLevels(1),
], 80);

/** CMBP-1 and TCBBO (consolidated top of book). */
export const CMBP1 = defineLayout('Cmbp1Msg', [RType.CMBP_1, RType.TCBBO], [
  ...HEADER,
  ['price', 'i64'],
  ['size', 'u32'],
  ['action', 'char'],
  ['side', 'char'],
  ['flags', 'u8'],
  ['_reserved1', 'reserved', 1],
  ['ts_recv', 'u64'],
  ['ts_in_delta', 'i32'],
  ['_reserved2', 'reserved', 4],
  ...consolidatedLevel(),
], 80);

/** CBBO-1s / CBBO-1m. */
export const CBBO = defineLayout('CbboMsg', [RType.CBBO_1S, RType.CBBO_1M], [
  ...HEADER,
  ['price', 'i64'],
  ['size', 'u32'],
  ['_reserved1', 'reserved', 1],
  ['side', 'char'],
  ['flags', 'u8'],
  ['_reserved2', 'reserved', 1],
  ['ts_recv', 'u64'],
  ['_reserved3', 'reserved', 8],
  ...consolidatedLevel(),
], 80);

/** OHLCV bars; ts_event is the bar's open time. */
export const OHLCV = defineLayout(
  'OhlcvMsg',
  [RType.OHLCV_1S, RType.OHLCV_1M, RType.OHLCV_1H, RType.OHLCV_1D, RType.OHLCV_EOD, RType.OHLCV_DEPRECATED],
  [
    ...HEADER,
    ['open', 'i64'],
    ['high', 'i64'],
    ['low', 'i64'],
    ['close', 'i64'],
    ['volume', 'u64'],
  ],
  56,
);

/** Trading status (the v1+ layout; the pre-release `group`-based struct never shipped in DBN). */
export const STATUS = defineLayout('StatusMsg', [RType.STATUS], [
  ...HEADER,
  ['ts_recv', 'u64'],
  ['action', 'u16'],
  ['reason', 'u16'],
  ['trading_event', 'u16'],
  ['is_trading', 'char'],
  ['is_quoting', 'char'],
  ['is_short_sell_restricted', 'char'],
  ['_reserved', 'reserved', 7],
], 40);

export const IMBALANCE = defineLayout('ImbalanceMsg', [RType.IMBALANCE], [
  ...HEADER,
  ['ts_recv', 'u64'],
  ['ref_price', 'i64'],
  ['auction_time', 'u64'],
  ['cont_book_clr_price', 'i64'],
  ['auct_interest_clr_price', 'i64'],
  ['ssr_filling_price', 'i64'],
  ['ind_match_price', 'i64'],
  ['upper_collar', 'i64'],
  ['lower_collar', 'i64'],
  ['paired_qty', 'u32'],
  ['total_imbalance_qty', 'u32'],
  ['market_imbalance_qty', 'u32'],
  ['unpaired_qty', 'u32'],
  ['auction_type', 'char'],
  ['side', 'char'],
  ['auction_status', 'u8'],
  ['freeze_status', 'u8'],
  ['num_extensions', 'u8'],
  ['unpaired_side', 'char'],
  ['significant_imbalance', 'char'],
  ['_reserved', 'reserved', 1],
], 112);
