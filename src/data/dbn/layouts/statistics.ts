// Statistics layouts (rtype 0x18). v1 and v2 share StatMsgV1 (64 bytes, i32 quantity, null =
// i32::MAX); v3 widens quantity to i64 (80 bytes, null = i64::MAX). compat.rs / record.rs.
import { RType } from '../enums.js';
import { HEADER, defineLayout } from '../layout.js';

export const STATISTICS_V1 = defineLayout('StatMsgV1', [RType.STATISTICS], [
  ...HEADER,
  ['ts_recv', 'u64'],
  ['ts_ref', 'u64'],
  ['price', 'i64'],
  ['quantity', 'i32'],
  ['sequence', 'u32'],
  ['ts_in_delta', 'i32'],
  ['stat_type', 'u16'],
  ['channel_id', 'u16'],
  ['update_action', 'u8'],
  ['stat_flags', 'u8'],
  ['_reserved', 'reserved', 6],
], 64);

export const STATISTICS_V3 = defineLayout('StatMsg', [RType.STATISTICS], [
  ...HEADER,
  ['ts_recv', 'u64'],
  ['ts_ref', 'u64'],
  ['price', 'i64'],
  ['quantity', 'i64'],
  ['sequence', 'u32'],
  ['ts_in_delta', 'i32'],
  ['stat_type', 'u16'],
  ['channel_id', 'u16'],
  ['update_action', 'u8'],
  ['stat_flags', 'u8'],
  ['_reserved', 'reserved', 18],
], 80);
