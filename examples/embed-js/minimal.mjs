// The engine from plain JavaScript: no AssemblyScript bindings, no contango TypeScript — only the standard
// WebAssembly API and DataView, so the same code runs in a browser, Deno, Bun and Node. Records as in
// docs/abi.md (80-byte commands, 64-byte events, little-endian).
//   node examples/embed-js/minimal.mjs    deno run --allow-read examples/embed-js/minimal.mjs    bun examples/embed-js/minimal.mjs
const url = new URL('../../build/contango.wasm', import.meta.url);
const bytes = globalThis.Deno
  ? await Deno.readFile(url)
  : globalThis.Bun
    ? await Bun.file(url).arrayBuffer()
    : globalThis.window
      ? await (await fetch(url)).arrayBuffer() // browser: serve build/contango.wasm next to the page
      : await (await import('node:fs/promises')).readFile(url);

// env.abort is the only import a build may have (today's builds have none); it never fires on bad input.
const { instance } = await WebAssembly.instantiate(bytes, {
  env: { abort: (_msg, _file, line, col) => { throw new Error(`contango abort at ${line}:${col}`); } },
});
const e = instance.exports;
e.init(1024, 4);

const CMD = 80, EVT = 64;
const NO_REFERENCE = 0x7fffffffffffffffn;
let dv = new DataView(e.memory.buffer);
const base = e.cmdPtr();
new Uint8Array(e.memory.buffer, base, 3 * CMD).fill(0); // unused bytes must be zero

// 0: DEFINE_INSTRUMENT 1: tick 1 (price units), no reference, protection 10 ticks, max qty 1000, OPEN
dv.setUint8(base + 0, 1);
dv.setUint8(base + 2, 2);
dv.setUint32(base + 4, 1, true);
dv.setBigInt64(base + 8, 1n, true);
dv.setBigInt64(base + 16, NO_REFERENCE, true);
dv.setUint32(base + 28, 10, true);
dv.setUint32(base + 32, 1000, true);
// 1: NEW_ORDER #1 SELL LIMIT GTC 5 @ 100;  2: NEW_ORDER #2 BUY LIMIT GTC 3 @ 101
for (const [i, id, side, qty, price] of [[1, 1n, 2, 5, 100n], [2, 2n, 1, 3, 101n]]) {
  const at = base + i * CMD;
  dv.setUint8(at + 0, 2); // NEW_ORDER
  dv.setUint8(at + 1, side);
  dv.setUint8(at + 2, 1); // LIMIT
  dv.setUint8(at + 3, 1); // GTC
  dv.setUint32(at + 4, 1, true);
  dv.setBigUint64(at + 8, id, true);
  dv.setBigInt64(at + 16, price, true);
  dv.setUint32(at + 32, qty, true);
  dv.setBigUint64(at + 72, BigInt(i), true); // ts
}

const n = e.process(3);
dv = new DataView(e.memory.buffer); // memory may have grown: views on the old buffer are stale
const names = ['', 'ACCEPTED', 'REJECTED', 'FILL', 'CANCELLED', 'TRIGGERED', 'EXPIRED', 'MODIFIED', 'INSTRUMENT_DEFINED', 'STATE_CHANGED'];
for (let i = 0; i < n; i++) {
  const at = e.evtPtr() + i * EVT;
  const type = names[dv.getUint8(at)];
  const orderId = dv.getBigUint64(at + 8, true);
  const aux = dv.getBigUint64(at + 16, true);
  const price = dv.getBigInt64(at + 24, true);
  const qty = dv.getUint32(at + 32, true);
  const leaves = dv.getUint32(at + 36, true);
  console.log(type === 'FILL' ? `FILL taker #${orderId} maker #${aux} ${qty} @ ${price} (taker leaves ${leaves})` : `${type} #${orderId} qty ${qty} price ${price}`);
}
console.log(`bookHash 0x${BigInt.asUintN(64, e.bookHash()).toString(16).padStart(16, '0')}`);
