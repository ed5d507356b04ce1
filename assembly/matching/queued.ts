// The queue prefix. Every record that can rest in a price level's FIFO queue starts with these fields: the
// engine's 128-byte orders (orders.ts) and the MBO replay's 32-byte orders (assembly/replay/book.ts). One
// implementation of the queue operations (levels.ts), the book hash (hash.ts) and the book invariant checks
// (invariants.ts) serves both pools.
//
// A pool is an @unmanaged class whose at(slot) method returns the record address of a slot (and whose
// restingError(...) says what is wrong with a resting record, for the invariant checks). Generic functions
// take the pool as a type parameter: `rec<P>(s)` inlines to the pool's address arithmetic, so the code is
// the same as hand-written field accesses on that pool (no indirection, no instance).
export const Q_ID: usize = 0; // u64 order id
export const Q_NEXT: usize = 8; // u32 next slot in the level queue (0 = last); free list link when free
export const Q_PREV: usize = 12; // u32 previous slot (0 = first)
export const Q_LEVEL: usize = 16; // u32 level index while resting
export const Q_LEAVES: usize = 20; // u32 open quantity
export const Q_VISIBLE: usize = 24; // u32 displayed part of it (= leaves unless an iceberg)
/** Bytes of the prefix; a pool's own fields start at or after this offset. */
export const Q_BYTES: usize = 28;

/** Record address of slot s in pool P. */
@inline export function rec<P>(s: u32): usize {
  return changetype<P>(0).at(s);
}
