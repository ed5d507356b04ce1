// Engine-wide state: memory areas, clock and counters. Everything else lives in the pools.
export let CMD: usize = 0; // command area (CMD_CAPACITY × 80 B)
export let QRY: usize = 0; // query area (4 KiB)
export let EVT: usize = 0; // event area (grows)
export let evtCap: u32 = 0;
export let evtCount: u32 = 0;
/** Set when the event area could not grow (memory exhausted): events were dropped. */
export let evtOverflow: u32 = 0;
export let ORDMAP: usize = 0; // id → order slot map header
export let INSMAP: usize = 0; // instrument id → instrument index map header

export let clock: u64 = 0; // engine clock (ns)
export let acceptSeq: u64 = 0; // acceptance sequence counter (docs/matching-rules.md §9)
export let eventSeq: u64 = 0; // event counter

export let curCmd: u32 = 0; // index of the command being processed
export let curTs: u64 = 0; // its ts

// GTD heap size (array in orders.ts HEAP)
export let heapSize: u32 = 0;
// Trigger queue of elected stops (linked through O_NEXT)
export let tqHead: u32 = 0;
export let tqTail: u32 = 0;

export let initialized: bool = false;
export let hintOrders: u32 = 1024;
export let hintInstruments: u32 = 16;
