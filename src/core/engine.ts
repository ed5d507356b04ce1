// WasmEngine: the WebAssembly matching engine behind the OrderBookEngine interface (convenience object API),
// plus a raw batch path for hot loops: write 80-byte records straight into the command area, call run(n),
// read 64-byte events through typed-array views. Offsets live in abi.ts only.
import {
  CMD_SIZE,
  EVT_SIZE,
  LEVEL_SIZE,
  decodeEvent,
  decodeLevel,
  decodeOrder,
  decodeTop,
  encodeCommand,
  type EngineExports,
} from './abi.js';
import { instantiateEngine, type EngineBuild } from './loader.js';
import type { BookCommand, BookEvent, Level, OrderBookEngine, OrderState, Side, TopOfBook } from './types.js';

export interface WasmEngineOptions {
  /** 'release' (default, build/contango.wasm) or 'debug' (build/contango.debug.wasm). */
  build?: EngineBuild;
  /** Pool pre-sizing hints; the pools grow beyond them. */
  maxOrders?: number;
  maxInstruments?: number;
}

export class WasmEngine implements OrderBookEngine {
  readonly exports: EngineExports;
  /** Commands per batch (the command area's capacity). */
  readonly batchCapacity: number;
  private buffer: ArrayBuffer | null = null;
  private view!: DataView;
  private bytes!: Uint8Array;
  private cmdArea!: Uint8Array;
  private readonly memory: { readonly buffer: ArrayBuffer };

  constructor(options: WasmEngineOptions = {}) {
    this.exports = instantiateEngine(options.build ?? 'release');
    this.exports.init(options.maxOrders ?? 1 << 16, options.maxInstruments ?? 64);
    this.batchCapacity = this.exports.cmdCapacity();
    this.memory = this.exports.memory;
  }

  /** Re-create the views when memory grew (the ArrayBuffer is replaced) or after reset(). */
  private refresh(): void {
    const buf = this.memory.buffer;
    if (buf !== this.buffer) {
      this.buffer = buf;
      this.view = new DataView(buf);
      this.bytes = new Uint8Array(buf);
      const p = this.exports.cmdPtr();
      this.cmdArea = this.bytes.subarray(p, p + this.batchCapacity * CMD_SIZE);
    }
  }

  // ---- raw batch path ---------------------------------------------------------------------------------------

  /** Byte view of the command area (batchCapacity × 80 bytes); re-fetch after every run(). */
  commandArea(): Uint8Array {
    this.refresh();
    return this.cmdArea;
  }

  /** Run the first n records of the command area; returns the number of events (see eventArea). */
  run(n: number): number {
    return this.exports.process(n);
  }

  /** Byte view of the last batch's `count` events (64 bytes each); valid until the next run(). */
  eventArea(count: number): Uint8Array {
    this.refresh();
    const p = this.exports.evtPtr();
    return this.bytes.subarray(p, p + count * EVT_SIZE);
  }

  /** Debug/test hook: 0 when every internal invariant holds (assembly/matching/invariants.ts codes). */
  validateInternalState(): number {
    return this.exports.validateInternalState();
  }

  // ---- OrderBookEngine --------------------------------------------------------------------------------------

  process(commands: readonly BookCommand[]): BookEvent[] {
    const out: BookEvent[] = [];
    for (let start = 0; start < commands.length; start += this.batchCapacity) {
      const n = Math.min(this.batchCapacity, commands.length - start);
      this.refresh();
      const base = this.exports.cmdPtr();
      for (let i = 0; i < n; i++) encodeCommand(this.view, base + i * CMD_SIZE, commands[start + i]!);
      const count = this.exports.process(n);
      this.refresh();
      const ep = this.exports.evtPtr();
      for (let i = 0; i < count; i++) out.push(decodeEvent(this.view, ep + i * EVT_SIZE, start));
    }
    return out;
  }

  top(instrumentId: number): TopOfBook | null {
    if (this.exports.top(instrumentId >>> 0) === 0) return null;
    this.refresh();
    return decodeTop(this.view, this.exports.qryPtr());
  }

  depth(instrumentId: number, side: Side.Buy | Side.Sell, levels: number): Level[] {
    const out = this.exports.cmdPtr();
    const max = Math.min(Math.max(0, Math.floor(levels)), Math.floor((this.batchCapacity * CMD_SIZE) / LEVEL_SIZE));
    const n = this.exports.depth(instrumentId >>> 0, side, max, out);
    this.refresh();
    const res: Level[] = [];
    for (let i = 0; i < n; i++) res.push(decodeLevel(this.view, out + i * LEVEL_SIZE));
    return res;
  }

  orderState(orderId: bigint): OrderState | null {
    if (this.exports.orderState(BigInt.asUintN(64, orderId)) === 0) return null;
    this.refresh();
    return decodeOrder(this.view, this.exports.qryPtr());
  }

  bookHash(): bigint {
    return BigInt.asUintN(64, this.exports.bookHash());
  }

  liveOrders(): number {
    return this.exports.liveOrders();
  }

  reset(): void {
    this.exports.reset();
    this.buffer = null;
  }
}
