// Raw linear-memory allocator. The runtime is `stub` and the engine never uses managed objects, so it owns
// every byte above __heap_base: a bump pointer that grows memory on demand and reports failure as 0 (never
// traps). Pools grow by allocating a bigger block and copying; `init`/`reset` rewind the bump pointer, so
// nothing leaks across resets. Blocks are 64-byte aligned (cache lines).

let heapTop: usize = 0;

export function memReset(): void {
  heapTop = (__heap_base + 63) & ~(<usize>63);
}

/** Zeroed block of `size` bytes, or 0 when memory cannot grow. */
export function rawAlloc(size: u64): usize {
  if (heapTop == 0) memReset();
  const ptr = (<u64>heapTop + 63) & ~(<u64>63);
  const end = ptr + size;
  if (end > 0xffff0000) return 0; // wasm32: stay below 4 GiB
  const have = <u64>memory.size() << 16;
  if (end > have) {
    const pages = <i32>((end - have + 0xffff) >> 16);
    if (memory.grow(pages) < 0) return 0;
  }
  heapTop = <usize>end;
  memory.fill(<usize>ptr, 0, <usize>size);
  return <usize>ptr;
}

// Scratch block for sorts and rebuilds (query time and rare paths only).
let scratch: usize = 0;
let scratchSize: u64 = 0;

export function scratchReset(): void {
  scratch = 0;
  scratchSize = 0;
}

/** A scratch block of at least `bytes` bytes (contents undefined), or 0 on failure. */
export function getScratch(bytes: u64): usize {
  if (bytes <= scratchSize && scratch != 0) return scratch;
  let n: u64 = scratchSize < 4096 ? 4096 : scratchSize;
  while (n < bytes) n <<= 1;
  const p = rawAlloc(n);
  if (p == 0) return 0;
  scratch = p;
  scratchSize = n;
  return p;
}
