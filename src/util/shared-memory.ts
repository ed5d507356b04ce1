// Typed arrays in SharedArrayBuffers: what a study hands its worker threads (a structured clone shares such memory
// instead of copying it).

type Typed = Uint8Array | Int32Array | Float64Array | BigInt64Array;

/** `a` itself when it already lives in shared memory, else a copy of it that does. */
export function inSharedMemory<T extends Typed>(a: T): T {
  if (a.buffer instanceof SharedArrayBuffer) return a;
  const out = new (a.constructor as new (b: SharedArrayBuffer) => T)(new SharedArrayBuffer(a.byteLength));
  (out as unknown as { set(x: T): void }).set(a);
  return out;
}

/** A zeroed Float64Array of n values in a SharedArrayBuffer of its own. */
export function sharedFloat64(n: number): Float64Array {
  return new Float64Array(new SharedArrayBuffer(n * Float64Array.BYTES_PER_ELEMENT));
}
