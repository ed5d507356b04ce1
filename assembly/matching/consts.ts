// Constants shared by the engine modules: record sizes, enums and reason codes (docs/abi.md, docs/matching-rules.md).

export const CMD_SIZE: u32 = 80;
export const EVT_SIZE: u32 = 64;
export const CMD_CAPACITY: u32 = 4096;
export const QRY_SIZE: u32 = 4096;
export const ABI_VERSION: u32 = 1;

/** |price| bound so the TypeScript side holds prices exactly (2^53 − 1). */
export const MAXP: i64 = 9007199254740991;
export const NO_PRICE: i64 = i64.MAX_VALUE;
export const ALL_INSTRUMENTS: u32 = 0xffffffff;

export const MAX_TICK: i64 = 1_000_000_000_000;
export const MAX_BAND_TICKS: u32 = 1_000_000;
export const MAX_ORDER_QTY: u32 = 1_000_000_000;

// Command types
export const C_DEFINE: u8 = 1;
export const C_NEW: u8 = 2;
export const C_CANCEL: u8 = 3;
export const C_MODIFY: u8 = 4;
export const C_MASS_CANCEL: u8 = 5;
export const C_SET_STATE: u8 = 6;
export const C_END_SESSION: u8 = 7;
export const C_ADVANCE: u8 = 8;

// Event types
export const E_ACCEPTED: u8 = 1;
export const E_REJECTED: u8 = 2;
export const E_FILL: u8 = 3;
export const E_CANCELLED: u8 = 4;
export const E_TRIGGERED: u8 = 5;
export const E_EXPIRED: u8 = 6;
export const E_MODIFIED: u8 = 7;
export const E_DEFINED: u8 = 8;
export const E_STATE: u8 = 9;

// Sides (wire values); internal side index = side - 1 (0 bids, 1 asks)
export const BUY: u8 = 1;
export const SELL: u8 = 2;

// Order types
export const T_LIMIT: u8 = 1;
export const T_MARKET_LIMIT: u8 = 2;
export const T_MARKET: u8 = 3;
export const T_STOP: u8 = 4;
export const T_STOP_LIMIT: u8 = 5;

// Time in force
export const TIF_DAY: u8 = 0;
export const TIF_GTC: u8 = 1;
export const TIF_GTD: u8 = 2;
export const TIF_FAK: u8 = 3;
export const TIF_FOK: u8 = 4;

// Trading states
export const S_PREOPEN: u8 = 1;
export const S_OPEN: u8 = 2;
export const S_HALTED: u8 = 3;

// Flags
export const F_POST_ONLY: u8 = 1;
export const F_SMP_CANCEL_AGGRESSOR: u8 = 2;

// Order status (internal; ORDER query reports 1 and 2)
export const ST_FREE: u8 = 0;
export const ST_RESTING: u8 = 1;
export const ST_STOP: u8 = 2;
export const ST_INCOMING: u8 = 3;
export const ST_TRIGGERED: u8 = 4;

// Reject reasons
export const R_UNKNOWN_INSTRUMENT: u8 = 1;
export const R_DUPLICATE_INSTRUMENT: u8 = 2;
export const R_INVALID_INSTRUMENT: u8 = 3;
export const R_INVALID_SIDE: u8 = 4;
export const R_INVALID_ORDER_TYPE: u8 = 5;
export const R_INVALID_TIF: u8 = 6;
export const R_INVALID_QUANTITY: u8 = 7;
export const R_INVALID_MIN_QTY: u8 = 8;
export const R_INVALID_DISPLAY_QTY: u8 = 9;
export const R_DUPLICATE_ORDER_ID: u8 = 10;
export const R_INVALID_EXPIRY: u8 = 11;
export const R_PRICE_OUT_OF_RANGE: u8 = 12;
export const R_INVALID_PRICE_TICK: u8 = 13;
export const R_PRICE_OUTSIDE_BAND: u8 = 14;
export const R_INVALID_STOP_PRICE: u8 = 15;
export const R_INVALID_POST_ONLY: u8 = 16;
export const R_POST_ONLY_WOULD_CROSS: u8 = 17;
export const R_NO_OPPOSITE_SIDE: u8 = 18;
export const R_MARKET_NOT_OPEN: u8 = 19;
export const R_INSTRUMENT_HALTED: u8 = 20;
export const R_UNKNOWN_ORDER: u8 = 21;
export const R_CAPACITY_EXCEEDED: u8 = 22;
export const R_UNKNOWN_COMMAND: u8 = 23;
export const R_INVALID_STATE: u8 = 24;

// Cancel reasons
export const X_USER: u8 = 1;
export const X_FAK_REMAINDER: u8 = 2;
export const X_FOK_NOT_FILLED: u8 = 3;
export const X_MIN_QTY_NOT_MET: u8 = 4;
export const X_SELF_MATCH: u8 = 5;
export const X_MASS_CANCEL: u8 = 6;

// Expire reasons
export const XP_DAY: u8 = 1;
export const XP_GTD: u8 = 2;
