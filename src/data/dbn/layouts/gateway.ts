// Gateway records that may be interleaved in live-captured streams: error (0x15), symbol mapping
// (0x16) and system (0x17). v1 structs are 80 bytes (compat.rs *V1); v2 and v3 share the larger
// record.rs structs. They are not market data: the decoder reports them as control messages.
import { RType } from '../enums.js';
import { HEADER, defineLayout } from '../layout.js';

export const ERROR_V1 = defineLayout('ErrorMsgV1', [RType.ERROR], [...HEADER, ['err', 'cstr', 64]], 80);
export const ERROR_V2 = defineLayout('ErrorMsg', [RType.ERROR], [
  ...HEADER,
  ['err', 'cstr', 302],
  ['code', 'u8'],
  ['is_last', 'u8'],
], 320);

export const SYSTEM_V1 = defineLayout('SystemMsgV1', [RType.SYSTEM], [...HEADER, ['msg', 'cstr', 64]], 80);
export const SYSTEM_V2 = defineLayout('SystemMsg', [RType.SYSTEM], [
  ...HEADER,
  ['msg', 'cstr', 303],
  ['code', 'u8'],
], 320);

export const SYMBOL_MAPPING_V1 = defineLayout('SymbolMappingMsgV1', [RType.SYMBOL_MAPPING], [
  ...HEADER,
  ['stype_in_symbol', 'cstr', 22],
  ['stype_out_symbol', 'cstr', 22],
  ['_dummy', 'reserved', 4],
  ['start_ts', 'u64'],
  ['end_ts', 'u64'],
], 80);
export const SYMBOL_MAPPING_V2 = defineLayout('SymbolMappingMsg', [RType.SYMBOL_MAPPING], [
  ...HEADER,
  ['stype_in', 'u8'],
  ['stype_in_symbol', 'cstr', 71],
  ['stype_out', 'u8'],
  ['stype_out_symbol', 'cstr', 71],
  ['start_ts', 'u64'],
  ['end_ts', 'u64'],
], 176);
