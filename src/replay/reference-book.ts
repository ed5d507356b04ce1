// The obvious Databento book builder (Maps and sorting, one object per order), the reference the WebAssembly
// replay is tested against (test/replay, test/differential/replay.test.ts). It implements the semantics of
// docs/replay.md record by record, with the same checks in the same order as the kernel, so that books, queue
// order and every counter can be compared exactly:
//   A  adds (rejects: no side, size 0 or > 1e9, live id, price undefined / beyond ±(2^53 − 1) / off the tick)
//   C  removes `size` (the order when size ≥ leaves); unknown ids, mismatches, negative sizes counted
//   M  new price and size; only a same-price size decrease keeps the queue position; an unknown id is an add,
//      a side change a cancel plus an add, size 0 a cancel
//   R  clears the instrument; T, F, N change nothing
// and, after a record with LAST, checks the instrument's book for a cross (in pre-open: counted; outside: counted,
// with the first one's ts_event and record index and the last one's ts_event). Queue priority is a sequence
// number per order, renewed when priority is lost. Slow by design; tests only.
import { UNDEF_PRICE } from '../data/batch.js';

const MAXP = 9_007_199_254_740_991n; // 2^53 − 1: the engine's price range
const MAX_QTY = 1_000_000_000; // the replay's instruments accept any quantity up to this (src/replay/kernel.ts)
const BID = 66; // 'B'
const ASK = 65; // 'A'

interface RefOrder {
  instrumentId: number;
  side: number; // 'B' 66 / 'A' 65
  price: bigint;
  size: number;
  seq: number;
}

export interface RefLevel {
  price: bigint;
  size: number;
  count: number;
}

/**
 * Counters with the replay kernel's names (src/replay/kernel.ts RS), per instrument. otherReject counts the
 * rejects the replay's checks do not name (the kernel: out of memory, or an engine rule outside them); the
 * reference has no such reject, so it stays 0 and any in the kernel is a difference.
 */
export type RefCounters = Record<
  | 'records' | 'adds' | 'cancels' | 'modifies' | 'clears' | 'trades' | 'fills' | 'none' | 'last' | 'snapshot'
  | 'unknownCancel' | 'unknownModify' | 'negativeSize' | 'duplicateAdd' | 'zeroSize' | 'badPrice' | 'badSide'
  | 'mismatch' | 'sideChange' | 'unknownAction' | 'tobAdd' | 'otherReject' | 'crossedPreopen' | 'crossedOutside'
  | 'crossedNow' | 'firstCrossedOutsideIndex',
  number
> &
  Record<'firstCrossedOutsideTs' | 'lastCrossedOutsideTs' | 'firstTs' | 'lastTs', bigint>;

function zeroCounters(): RefCounters {
  return {
    records: 0, adds: 0, cancels: 0, modifies: 0, clears: 0, trades: 0, fills: 0, none: 0, last: 0, snapshot: 0,
    unknownCancel: 0, unknownModify: 0, negativeSize: 0, duplicateAdd: 0, zeroSize: 0, badPrice: 0, badSide: 0,
    mismatch: 0, sideChange: 0, unknownAction: 0, tobAdd: 0, otherReject: 0, crossedPreopen: 0, crossedOutside: 0,
    crossedNow: 0, firstCrossedOutsideIndex: 0, firstCrossedOutsideTs: 0n, lastCrossedOutsideTs: 0n, firstTs: 0n, lastTs: 0n,
  };
}

export interface ReferenceMboOptions {
  /** Tick per instrument (1e-9 units) for the off-tick check; instruments without one accept any price. */
  ticks?: ReadonlyMap<number, bigint>;
  /** Instruments in their pre-open (a crossed book there counts as crossedPreopen). */
  preopen?: (instrumentId: number) => boolean;
}

export class ReferenceMboBook {
  private readonly orders = new Map<bigint, RefOrder>();
  // aggregated levels per instrument and side (0 bids, 1 asks), kept in step with `orders`
  private readonly agg = new Map<number, [Map<bigint, RefLevel>, Map<bigint, RefLevel>]>();
  private readonly counters = new Map<number, RefCounters>();
  private seq = 0;
  /** Records applied so far, all instruments: the next record's index (the kernel's host record index). */
  private applied = 0;

  constructor(private readonly opts: ReferenceMboOptions = {}) {}

  /** Unknown-id cancels, all instruments (the per-instrument unknownCancel counters summed). */
  get unknownCancels(): number {
    return this.total('unknownCancel');
  }

  /** Cancels of more than the leaves, all instruments (the per-instrument negativeSize counters summed). */
  get negativeSizes(): number {
    return this.total('negativeSize');
  }

  private total(name: 'unknownCancel' | 'negativeSize'): number {
    let n = 0;
    for (const c of this.counters.values()) n += c[name];
    return n;
  }

  private count(instrumentId: number): RefCounters {
    let c = this.counters.get(instrumentId);
    if (!c) this.counters.set(instrumentId, (c = zeroCounters()));
    return c;
  }

  /** Counters of an instrument (zeros if it has had no record). */
  countersOf(instrumentId: number): RefCounters {
    return { ...this.count(instrumentId) };
  }

  private sideLevels(instrumentId: number, side: number): Map<bigint, RefLevel> {
    let a = this.agg.get(instrumentId);
    if (!a) this.agg.set(instrumentId, (a = [new Map(), new Map()]));
    return a[side === BID ? 0 : 1];
  }

  /** Add (+1) or remove (−1) an order's contribution to its level. */
  private touch(o: RefOrder, sign: 1 | -1): void {
    const m = this.sideLevels(o.instrumentId, o.side);
    let l = m.get(o.price);
    if (!l) m.set(o.price, (l = { price: o.price, size: 0, count: 0 }));
    l.size += sign * o.size;
    l.count += sign;
    if (l.count === 0) m.delete(o.price);
  }

  private insert(id: bigint, o: RefOrder): void {
    this.orders.set(id, o);
    this.touch(o, 1);
  }

  private remove(id: bigint, o: RefOrder): void {
    this.touch(o, -1);
    this.orders.delete(id);
  }

  /** The add checks in the kernel's order. */
  private add(c: RefCounters, instrumentId: number, side: number, orderId: bigint, price: bigint, size: number): void {
    if (side !== BID && side !== ASK) {
      c.badSide++;
      return;
    }
    if (size < 1 || size > MAX_QTY) {
      c.zeroSize++;
      return;
    }
    if (this.orders.has(orderId)) {
      c.duplicateAdd++;
      return;
    }
    if (!this.priceOk(instrumentId, price)) {
      c.badPrice++;
      return;
    }
    this.insert(orderId, { instrumentId, side, price, size, seq: ++this.seq });
  }

  private priceOk(instrumentId: number, price: bigint): boolean {
    if (price === UNDEF_PRICE || price > MAXP || price < -MAXP) return false;
    const tick = this.opts.ticks?.get(instrumentId);
    return tick === undefined || price % tick === 0n;
  }

  /**
   * Apply one record. `flags` (default LAST) drives the LAST, SNAPSHOT and TOB counters and the cross check;
   * `tsEvent` dates a crossed book outside pre-open, `tsRecv` (default tsEvent) the instrument's first and last
   * record.
   */
  apply(
    instrumentId: number, action: number, side: number, orderId: bigint, price: bigint, size: number, flags = 0x80,
    tsEvent = 0n, tsRecv = tsEvent,
  ): void {
    const c = this.count(instrumentId);
    const index = this.applied++;
    if (c.records === 0) c.firstTs = tsRecv;
    c.records++;
    c.lastTs = tsRecv;
    if ((flags & 0x20) !== 0) c.snapshot++;
    switch (action) {
      case 65: // A
        c.adds++;
        if ((flags & 0x40) !== 0) c.tobAdd++;
        this.add(c, instrumentId, side, orderId, price, size);
        break;
      case 67: {
        // C: size is the quantity removed
        c.cancels++;
        const o = this.orders.get(orderId);
        if (!o) {
          c.unknownCancel++;
          break;
        }
        if (o.price !== price || o.side !== side) c.mismatch++;
        if (size > o.size) c.negativeSize++;
        if (size === 0) c.zeroSize++;
        else if (size >= o.size) this.remove(orderId, o);
        else {
          this.touch(o, -1);
          o.size -= size;
          this.touch(o, 1);
        }
        break;
      }
      case 77: {
        // M
        c.modifies++;
        const o = this.orders.get(orderId);
        if (!o) {
          c.unknownModify++;
          this.add(c, instrumentId, side, orderId, price, size);
        } else if (size === 0) {
          c.zeroSize++;
          this.remove(orderId, o);
        } else if (o.side !== side) {
          c.sideChange++;
          this.remove(orderId, o);
          this.add(c, instrumentId, side, orderId, price, size);
        } else if (size > MAX_QTY) {
          c.zeroSize++;
        } else if (!this.priceOk(o.instrumentId, price)) {
          c.badPrice++;
        } else {
          // same price and no size increase keeps the queue position; anything else goes to the back
          if (price !== o.price || size > o.size) o.seq = ++this.seq;
          this.touch(o, -1);
          o.price = price;
          o.size = size;
          this.touch(o, 1);
        }
        break;
      }
      case 82: // R
        c.clears++;
        for (const [id, o] of this.orders) if (o.instrumentId === instrumentId) this.orders.delete(id);
        this.agg.delete(instrumentId);
        c.crossedNow = 0;
        break;
      case 84:
        c.trades++;
        break;
      case 70:
        c.fills++;
        break;
      case 78:
        c.none++;
        break;
      default:
        c.unknownAction++;
    }
    if ((flags & 0x80) !== 0) {
      c.last++;
      const b = this.best(instrumentId, BID);
      const a = this.best(instrumentId, ASK);
      const crossed = b !== undefined && a !== undefined && b >= a;
      c.crossedNow = crossed ? 1 : 0;
      if (crossed) {
        if (this.opts.preopen?.(instrumentId)) c.crossedPreopen++;
        else {
          if (c.crossedOutside === 0) {
            c.firstCrossedOutsideTs = tsEvent;
            c.firstCrossedOutsideIndex = index;
          }
          c.crossedOutside++;
          c.lastCrossedOutsideTs = tsEvent;
        }
      }
    }
  }

  private best(instrumentId: number, side: number): bigint | undefined {
    let best: bigint | undefined;
    for (const p of this.sideLevels(instrumentId, side).keys()) {
      if (best === undefined || (side === BID ? p > best : p < best)) best = p;
    }
    return best;
  }

  /** Best `n` levels of one side ('B' bids best first, 'A' asks best first). */
  levels(instrumentId: number, side: 'B' | 'A', n: number): RefLevel[] {
    const all = [...this.sideLevels(instrumentId, side === 'B' ? BID : ASK).values()].map((l) => ({ ...l }));
    all.sort((a, b) => (a.price < b.price ? -1 : a.price > b.price ? 1 : 0));
    if (side === 'B') all.reverse();
    return all.slice(0, n);
  }

  /** Every level of one side, best first, with its queue (ids and sizes in priority order). */
  queues(instrumentId: number, side: 'B' | 'A'): { price: bigint; ids: bigint[]; sizes: number[] }[] {
    const code = side === 'B' ? BID : ASK;
    const mine = [...this.orders].filter(([, o]) => o.instrumentId === instrumentId && o.side === code);
    mine.sort(([, a], [, b]) => (a.price !== b.price ? (a.price < b.price ? -1 : 1) * (side === 'B' ? -1 : 1) : a.seq - b.seq));
    const out: { price: bigint; ids: bigint[]; sizes: number[] }[] = [];
    for (const [id, o] of mine) {
      let q = out[out.length - 1];
      if (!q || q.price !== o.price) out.push((q = { price: o.price, ids: [], sizes: [] }));
      q.ids.push(id);
      q.sizes.push(o.size);
    }
    return out;
  }

  orderCount(instrumentId: number): number {
    let n = 0;
    for (const o of this.orders.values()) if (o.instrumentId === instrumentId) n++;
    return n;
  }

  /** Live orders, all instruments. */
  get size(): number {
    return this.orders.size;
  }
}
