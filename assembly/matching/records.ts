// Field offsets of the command and event records (docs/abi.md): the one place on the WebAssembly side that
// knows them. The engine's batch loop reads commands and writes events through these; the replay's reference
// path (assembly/replay/commands.ts) writes commands and reads rejects through the same names. (The host side's
// copy is src/core/abi.ts, pinned against docs/abi.md by test/core/abi-layout.test.ts.)

// Command record (CMD_SIZE = 80 bytes). Common: type, instrumentId, ts.
export const CF_TYPE: usize = 0; // u8 command type (consts.ts C_*)
export const CF_SIDE: usize = 1; // u8 NEW_ORDER side; DEFINE_INSTRUMENT match algorithm; SET_STATE new state
export const CF_OTYPE: usize = 2; // u8 NEW_ORDER order type; DEFINE_INSTRUMENT initial state
export const CF_TIF: usize = 3; // u8 NEW_ORDER time in force
export const CF_INS: usize = 4; // u32 instrumentId (0xFFFFFFFF = all for MASS_CANCEL / END_SESSION)
export const CF_OID: usize = 8; // u64 orderId (NEW_ORDER, CANCEL, MODIFY); DEFINE_INSTRUMENT tickSize (i64)
export const CF_PRICE: usize = 16; // i64 limit price (NEW_ORDER, MODIFY); DEFINE_INSTRUMENT referencePrice
export const CF_STOP: usize = 24; // i64 stop price (NEW_ORDER, MODIFY); DEFINE_INSTRUMENT bandTicks (u32)
export const CF_PROT: usize = 28; // u32 DEFINE_INSTRUMENT protectionTicks
export const CF_QTY: usize = 32; // u32 quantity (NEW_ORDER), new leaves (MODIFY); DEFINE_INSTRUMENT maxOrderQty
export const CF_MINQTY: usize = 36; // u32
export const CF_DISPLAY: usize = 40; // u32
export const CF_ACCOUNT: usize = 44; // u32 (NEW_ORDER, MASS_CANCEL)
export const CF_SMP: usize = 48; // u32
export const CF_FLAGS: usize = 52; // u8
export const CF_EXPIRE: usize = 56; // u64 GTD expiry
export const CF_TS: usize = 72; // u64
// DEFINE_INSTRUMENT reuses the order fields' bytes under these names
export const CF_ALGO: usize = CF_SIDE;
export const CF_STATE: usize = CF_OTYPE;
export const CF_TICK: usize = CF_OID;
export const CF_REF: usize = CF_PRICE;
export const CF_BAND: usize = CF_STOP;
export const CF_MAXQ: usize = CF_QTY;
// SET_STATE: the new state
export const CF_NEW_STATE: usize = CF_SIDE;

// Event record (EVT_SIZE = 64 bytes). type, side, reason and orderType are consecutive bytes (events.ts
// writes them as one u32).
export const EF_TYPE: usize = 0; // u8
export const EF_SIDE: usize = 1; // u8
export const EF_REASON: usize = 2; // u8
export const EF_OTYPE: usize = 3; // u8
export const EF_INS: usize = 4; // u32
export const EF_OID: usize = 8; // u64
export const EF_AUX: usize = 16; // u64
export const EF_PRICE: usize = 24; // i64
export const EF_QTY: usize = 32; // u32
export const EF_LEAVES: usize = 36; // u32
export const EF_MAKER_LEAVES: usize = 40; // u32
export const EF_CMD_INDEX: usize = 44; // u32
export const EF_TS: usize = 48; // u64
export const EF_SEQ: usize = 56; // u64
