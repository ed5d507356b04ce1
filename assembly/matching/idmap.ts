// Open-addressing hash map u64 key → u32 value (value 0 = empty: slot and instrument index 0 are null).
// Linear probing over 16-byte entries {key u64, value u32}, Fibonacci hashing, load ≤ 1/2, deletion by
// backward shift (no tombstones, so probe lengths stay short under heavy add/cancel churn).
// A map is a 16-byte header: base usize @0, bits u32 @4, count u32 @8.
import { rawAlloc } from './memory';

const MAX_BITS: u32 = 24;

@inline function home(key: u64, bits: u32): u32 {
  return <u32>((key * 0x9e3779b97f4a7c15) >> (64 - <u64>bits));
}

export function mapInit(h: usize, minEntries: u32): bool {
  let bits: u32 = 4;
  while ((<u32>1 << bits) < minEntries * 2 && bits < MAX_BITS) bits++;
  const base = rawAlloc(<u64>16 << bits);
  if (base == 0) return false;
  store<u32>(h, <u32>base, 0);
  store<u32>(h, bits, 4);
  store<u32>(h, 0, 8);
  return true;
}

@inline export function mapCount(h: usize): u32 {
  return load<u32>(h, 8);
}

export function mapGet(h: usize, key: u64): u32 {
  const base = <usize>load<u32>(h, 0);
  const bits = load<u32>(h, 4);
  const mask = (<u32>1 << bits) - 1;
  let i = home(key, bits);
  while (true) {
    const e = base + (<usize>i << 4);
    const v = load<u32>(e, 8);
    if (v == 0) return 0;
    if (load<u64>(e) == key) return v;
    i = (i + 1) & mask;
  }
  return 0;
}

function insertRaw(base: usize, bits: u32, key: u64, val: u32): void {
  const mask = (<u32>1 << bits) - 1;
  let i = home(key, bits);
  while (true) {
    const e = base + (<usize>i << 4);
    if (load<u32>(e, 8) == 0) {
      store<u64>(e, key);
      store<u32>(e, val, 8);
      return;
    }
    i = (i + 1) & mask;
  }
}

/** Room for one more key (grows the table); false when memory cannot grow. */
@inline export function mapReserve(h: usize): bool {
  // the common case (room left) inlined; growth stays out of line
  if ((load<u32>(h, 8) + 1) * 2 <= (<u32>1 << load<u32>(h, 4))) return true;
  return mapGrow(h);
}

function mapGrow(h: usize): bool {
  const bits = load<u32>(h, 4);
  const count = load<u32>(h, 8);
  if ((count + 1) * 2 <= (<u32>1 << bits)) return true;
  if (bits >= MAX_BITS) return (count + 1) < (<u32>1 << bits) - 1; // saturated: allow up to ~full
  const nb = bits + 1;
  const nbase = rawAlloc(<u64>16 << nb);
  if (nbase == 0) return (count + 1) < (<u32>1 << bits) - 1;
  const base = <usize>load<u32>(h, 0);
  const n = <u32>1 << bits;
  for (let i: u32 = 0; i < n; i++) {
    const e = base + (<usize>i << 4);
    const v = load<u32>(e, 8);
    if (v != 0) insertRaw(nbase, nb, load<u64>(e), v);
  }
  store<u32>(h, <u32>nbase, 0);
  store<u32>(h, nb, 4);
  return true;
}

/** Insert a key known to be absent; call mapReserve first. */
export function mapPut(h: usize, key: u64, val: u32): void {
  insertRaw(<usize>load<u32>(h, 0), load<u32>(h, 4), key, val);
  store<u32>(h, load<u32>(h, 8) + 1, 8);
}

export function mapDel(h: usize, key: u64): void {
  const base = <usize>load<u32>(h, 0);
  const bits = load<u32>(h, 4);
  const mask = (<u32>1 << bits) - 1;
  let i = home(key, bits);
  while (true) {
    const e = base + (<usize>i << 4);
    if (load<u32>(e, 8) == 0) return; // absent
    if (load<u64>(e) == key) break;
    i = (i + 1) & mask;
  }
  // backward-shift deletion
  let j = i;
  while (true) {
    j = (j + 1) & mask;
    const ej = base + (<usize>j << 4);
    if (load<u32>(ej, 8) == 0) break;
    const k = home(load<u64>(ej), bits);
    // entry j may move to i only if its home is not cyclically in (i, j]
    const stays = i <= j ? i < k && k <= j : i < k || k <= j;
    if (stays) continue;
    const ei = base + (<usize>i << 4);
    store<u64>(ei, load<u64>(ej));
    store<u32>(ei, load<u32>(ej, 8), 8);
    i = j;
  }
  store<u32>(base + (<usize>i << 4), 0, 8);
  store<u32>(h, load<u32>(h, 8) - 1, 8);
}

/** Entry i's value (0 = empty) and key, for invariant checks. */
export function mapSlots(h: usize): u32 {
  return <u32>1 << load<u32>(h, 4);
}
export function mapValAt(h: usize, i: u32): u32 {
  return load<u32>(<usize>load<u32>(h, 0) + (<usize>i << 4), 8);
}
export function mapKeyAt(h: usize, i: u32): u64 {
  return load<u64>(<usize>load<u32>(h, 0) + (<usize>i << 4));
}
