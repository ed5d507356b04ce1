// Record layout tables: for each record struct, its fields with name, type and byte offset.
// Layouts are written as the ordered field list of Databento's `#[repr(C)]` structs; offsets are
// computed here and the builder refuses any field that would need implicit padding (DBN structs
// have none: the Rust crate tests `test_alignment_and_no_padding`), so a mistyped field shows up as
// an exception at load time, and test/dbn/layout.test.ts pins the resulting offsets and sizes.

export type ScalarType = 'u8' | 'i8' | 'u16' | 'i16' | 'u32' | 'i32' | 'u64' | 'i64';
/** `char` is a single c_char (ASCII code in a Uint8Array column); `cstr` a NUL-padded string. */
export type FieldType = ScalarType | 'char' | 'cstr' | 'reserved';

/** What a field means, where it matters for defaults and checks. */
export type FieldRole = 'price' | 'ts' | 'plain';

export interface FieldSpec {
  name: string;
  type: FieldType;
  offset: number;
  /** Byte size (for cstr / reserved: the array length). */
  size: number;
  role: FieldRole;
}

export interface RecordLayout {
  /** Struct name in the Rust crate, with version suffix, e.g. `InstrumentDefMsgV1`. */
  name: string;
  /** rtypes this struct serves. */
  rtypes: readonly number[];
  /** Size in bytes without ts_out. */
  size: number;
  /** All fields in order, header and reserved included. */
  fields: readonly FieldSpec[];
  /** Field name -> spec. */
  byName: ReadonlyMap<string, FieldSpec>;
  /** The field used for ordering checks: ts_recv when the record has it, else ts_event. */
  indexTs: string;
}

/** One entry of a struct definition: [name, type] or [name, 'cstr'|'reserved', length]. */
export type FieldDef = readonly [string, FieldType, number?] | readonly [string, FieldType, number, FieldRole];

const SCALAR_SIZE: Record<ScalarType | 'char', number> = {
  u8: 1, i8: 1, char: 1, u16: 2, i16: 2, u32: 4, i32: 4, u64: 8, i64: 8,
};

/** The 16-byte header shared by every record. */
export const HEADER: readonly FieldDef[] = [
  ['length', 'u8'],
  ['rtype', 'u8'],
  ['publisher_id', 'u16'],
  ['instrument_id', 'u32'],
  ['ts_event', 'u64'],
];
export const HEADER_LEN = 16;

// Field names whose values are fixed-point prices (1e-9) or UNIX-nanosecond timestamps. Used to pick
// the null value when the writer has to fill a column the input lacks.
const PRICE_NAMES = new Set([
  'price', 'open', 'high', 'low', 'close', 'min_price_increment', 'display_factor', 'high_limit_price',
  'low_limit_price', 'max_price_variation', 'trading_reference_price', 'min_price_increment_amount',
  'price_ratio', 'strike_price', 'leg_price', 'leg_delta', 'ref_price', 'cont_book_clr_price',
  'auct_interest_clr_price', 'ssr_filling_price', 'ind_match_price', 'upper_collar', 'lower_collar',
  'unit_of_measure_qty',
]);
const TS_NAMES = new Set(['ts_event', 'ts_recv', 'ts_ref', 'expiration', 'activation', 'auction_time', 'start_ts', 'end_ts', 'ts_out']);

function roleOf(name: string, type: FieldType): FieldRole {
  if (type === 'i64' && (PRICE_NAMES.has(name) || /^(bid|ask)_px_\d\d$/.test(name))) return 'price';
  if (type === 'u64' && TS_NAMES.has(name)) return 'ts';
  return 'plain';
}

/** Builds a layout from the ordered field list; throws if a field would be misaligned. */
export function defineLayout(
  name: string,
  rtypes: readonly number[],
  defs: readonly FieldDef[],
  expectedSize: number,
): RecordLayout {
  const fields: FieldSpec[] = [];
  let offset = 0;
  for (const def of defs) {
    const [fname, type, len, role] = def;
    let size: number;
    let align: number;
    if (type === 'cstr' || type === 'reserved') {
      if (len === undefined) throw new Error(`${name}.${fname}: array field needs a length`);
      size = len;
      align = 1;
    } else {
      size = SCALAR_SIZE[type];
      align = size;
    }
    if (offset % align !== 0) {
      throw new Error(`${name}.${fname}: offset ${offset} is not ${align}-aligned (implicit padding)`);
    }
    fields.push({ name: fname, type, offset, size, role: role ?? roleOf(fname, type) });
    offset += size;
  }
  if (offset % 8 !== 0) throw new Error(`${name}: size ${offset} is not a multiple of 8`);
  if (offset !== expectedSize) throw new Error(`${name}: computed size ${offset}, expected ${expectedSize}`);
  const byName = new Map(fields.map((f) => [f.name, f]));
  return {
    name,
    rtypes,
    size: offset,
    fields,
    byName,
    indexTs: byName.has('ts_recv') ? 'ts_recv' : 'ts_event',
  };
}

/** The fields that become batch columns or strings (not `length`, not reserved filler). */
export function dataFields(layout: RecordLayout): FieldSpec[] {
  return layout.fields.filter((f) => f.type !== 'reserved' && f.name !== 'length');
}

/** Fields of a bid/ask level, suffixed `_00`, `_01`, ... as Databento's CSV/parquet name them. */
export function bidAskLevels(count: number): FieldDef[] {
  const out: FieldDef[] = [];
  for (let i = 0; i < count; i++) {
    const s = String(i).padStart(2, '0');
    out.push(
      [`bid_px_${s}`, 'i64'],
      [`ask_px_${s}`, 'i64'],
      [`bid_sz_${s}`, 'u32'],
      [`ask_sz_${s}`, 'u32'],
      [`bid_ct_${s}`, 'u32'],
      [`ask_ct_${s}`, 'u32'],
    );
  }
  return out;
}

/** A consolidated level (publisher ids instead of order counts). */
export function consolidatedLevel(): FieldDef[] {
  return [
    ['bid_px_00', 'i64'],
    ['ask_px_00', 'i64'],
    ['bid_sz_00', 'u32'],
    ['ask_sz_00', 'u32'],
    ['bid_pb_00', 'u16'],
    ['_reserved_bid_pb', 'reserved', 2],
    ['ask_pb_00', 'u16'],
    ['_reserved_ask_pb', 'reserved', 2],
  ];
}
