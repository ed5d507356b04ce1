// Uninitialised memory for buffers that are written in full before anyone reads them.
//
// `new ArrayBuffer(n)` zero-fills (a memset pass over fresh memory). Node's
// Buffer.allocUnsafeSlow(n) skips the fill and is never carved from Buffer's shared 8 KiB pool,
// so its ArrayBuffer is exactly the requested memory, at byteOffset 0 (8-byte aligned for typed
// array views). Callers must write every byte they expose; bytes past what they expose may hold
// stale data of this process.

/** A new ArrayBuffer of `bytes`, not zero-filled where Node allows it. */
export function allocUninit(bytes: number): ArrayBuffer {
  const B = (globalThis as { Buffer?: { allocUnsafeSlow(n: number): Uint8Array } }).Buffer;
  if (B !== undefined && bytes > 0) {
    const b = B.allocUnsafeSlow(bytes);
    if (b.byteOffset === 0 && b.buffer.byteLength === bytes && b.buffer instanceof ArrayBuffer) return b.buffer;
  }
  return new ArrayBuffer(bytes);
}
