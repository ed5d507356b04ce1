// Seeded generator of realistic random command streams for the order books (docs/matching-rules.md):
// several instruments with different ticks, bands and protections (one with negative prices, one next to
// the ±(2^53 − 1) price limit), every order type and TIF, minimum and display quantities, post-only, self-match
// ids in both modes, GTD expiry, modifies that keep and lose priority, cancels, mass cancels, PREOPEN → OPEN
// with crossed books to uncross, halts, END_SESSION, ADVANCE_TIME, prices at the band edges, and bad
// commands for every reachable reject reason. The stream is a pure function of the seed: the generator does
// not look at any book, it only remembers what it sent.
import {
  ALL_INSTRUMENTS,
  CommandType,
  MAX_PRICE,
  OrderFlags,
  OrderType,
  Side,
  TimeInForce,
  TradingState,
  type BookCommand,
  type DefineInstrument,
  type NewOrder,
} from '../core/types.js';
import { Prng, WeightTable } from './prng.js';

const ACTIONS = new WeightTable({ order: 52, cancel: 14, modify: 22, mass: 0.05, state: 0.3, session: 0.006, advance: 0.5, bad: 3 });
const TYPES_OPEN = new WeightTable({ Limit: 68, MarketLimit: 4, Market: 5, Stop: 11, StopLimit: 12 });
const TYPES_PREOPEN = new WeightTable({ Limit: 84, MarketLimit: 1, Market: 2, Stop: 7, StopLimit: 6 });
const TIF_STOP = new WeightTable({ Day: 45, GTC: 35, GTD: 20 });
const TIF_OPEN = new WeightTable({ Day: 38, GTC: 22, GTD: 14, FAK: 16, FOK: 10 });
const TIF_PREOPEN = new WeightTable({ Day: 45, GTC: 30, GTD: 22, FAK: 2, FOK: 1 });

export interface InstrumentProfile {
  id: number;
  tickSize: number;
  referencePrice?: number;
  bandTicks: number;
  protectionTicks: number;
  maxOrderQty: number;
  state: TradingState;
  /** Price (in ticks) the generated flow centres on. */
  centerTicks: number;
}

/** Instruments shaped like real contracts, plus two edge cases. Prices in 1e-9 units (docs/scales.md). */
export const DEFAULT_PROFILES: readonly InstrumentProfile[] = [
  // ES: tick 0.25, reference 4800.00
  { id: 1, tickSize: 250_000_000, referencePrice: 4_800_000_000_000, bandTicks: 40, protectionTicks: 8, maxOrderQty: 500, state: TradingState.Open, centerTicks: 19_200 },
  // CL: tick 0.01, reference 75.00, opens from pre-open
  { id: 7, tickSize: 10_000_000, referencePrice: 75_000_000_000, bandTicks: 60, protectionTicks: 20, maxOrderQty: 200, state: TradingState.PreOpen, centerTicks: 7_500 },
  // ZN: tick 1/64, no reference price (no banding until the first trade)
  { id: 42, tickSize: 15_625_000, bandTicks: 30, protectionTicks: 5, maxOrderQty: 1000, state: TradingState.PreOpen, centerTicks: 7_040 },
  // 6J: tick 0.0000005, no band, thin book
  { id: 1000, tickSize: 500, referencePrice: 6_700_000, bandTicks: 0, protectionTicks: 10, maxOrderQty: 100, state: TradingState.Open, centerTicks: 13_400 },
  // negative prices (a spread or CL in April 2020): tick 0.001 around −5.000
  { id: 3, tickSize: 1_000_000, referencePrice: -5_000_000_000, bandTicks: 200, protectionTicks: 50, maxOrderQty: 1000, state: TradingState.Open, centerTicks: -5_000 },
  // right at the price limit: tick 1000.0, prices near 2^53 − 1 (clamped protection limits, out-of-range prices)
  { id: 0xffff_fffe, tickSize: 1_000_000_000_000, referencePrice: 9_000_000_000_000_000, bandTicks: 6, protectionTicks: 10, maxOrderQty: 50, state: TradingState.Open, centerTicks: 8_985 },
];

export interface RandomCommandOptions {
  seed: number;
  profiles?: readonly InstrumentProfile[];
  /** First timestamp (ns). */
  startTs?: bigint;
  /** Also emit commands of unknown type (UNKNOWN_COMMAND); off unless the encoder accepts them. */
  unknownCommands?: boolean;
  /**
   * Optional oracle "is this order still live?" (for example a reference book's orderState). With it the
   * generator forgets filled and expired orders, so its cancels and modifies mostly hit live orders and it
   * keeps each book near KNOWN_CAP orders; the stream is then a function of the seed and of the rules.
   * Call `processed()` whenever the book the oracle looks at has run every command taken so far: orders
   * taken after that are not asked about (they are not in the book yet). Without an oracle the stream
   * depends on the seed alone.
   */
  isLive?: (orderId: bigint) => boolean;
}

interface Known {
  id: bigint;
  instrumentId: number;
  side: Side;
  orderType: OrderType;
  tif: TimeInForce;
  price: number;
  stopPrice: number;
  qty: number;
  account: number;
  expireTs: bigint;
  /** Value of `epoch` when it was sent: the oracle knows about it once `epoch` has moved past. */
  epoch: number;
}

interface InstrumentFlow {
  profile: InstrumentProfile;
  state: TradingState;
  /** Commands left before the scheduled transition out of PREOPEN/HALTED (0 = none scheduled). */
  countdown: number;
  mid: number; // in ticks
  known: Known[];
}

const MS = 1_000_000n;
const SECOND = 1_000_000_000n;
/** Orders the generator keeps live per instrument before it cancels the oldest itself. */
const KNOWN_CAP = 300;
const HIGH_IDS = 0xffff_ffff_0000_0000n;

export class RandomCommands {
  private readonly rng: Prng;
  private readonly flows: InstrumentFlow[];
  private readonly pending: BookCommand[] = [];
  private ts: bigint;
  private nextId = 1n;
  private readonly unknownCommands: boolean;
  private readonly isLive: ((orderId: bigint) => boolean) | undefined;
  private epoch = 0;

  constructor(options: RandomCommandOptions) {
    this.rng = new Prng(options.seed);
    this.ts = options.startTs ?? 1_700_000_000n * SECOND;
    this.unknownCommands = options.unknownCommands ?? false;
    this.isLive = options.isLive;
    const profiles = options.profiles ?? DEFAULT_PROFILES;
    this.flows = profiles.map((profile) => ({
      profile,
      state: profile.state,
      countdown: profile.state === TradingState.Open ? 0 : this.rng.range(200, 900),
      mid: profile.centerTicks,
      known: [],
    }));
    this.pending.push(...this.prologue(profiles));
  }

  /** Tells the generator that the liveness oracle has seen every command taken so far. */
  processed(): void {
    this.epoch++;
  }

  /** The next `n` commands. */
  take(n: number): BookCommand[] {
    const out: BookCommand[] = new Array(n);
    for (let i = 0; i < n; i++) out[i] = this.next();
    return out;
  }

  next(): BookCommand {
    const queued = this.pending.shift();
    if (queued !== undefined) return queued;
    this.ts += BigInt(this.rng.int(2_000_000));
    const due = this.scheduledTransition();
    if (due !== undefined) return due;
    const flow = this.rng.pick(this.flows);
    switch (this.rng.weighted(ACTIONS)) {
      case 'order':
        return this.order(flow);
      case 'cancel':
        return this.cancel(flow);
      case 'modify':
        return this.modify(flow);
      case 'mass':
        return this.massCancel();
      case 'state':
        return this.stateChange(flow);
      case 'session':
        return this.endSession();
      case 'advance':
        return this.advanceTime();
      default:
        return this.badCommand(flow);
    }
  }

  /** ts of the next command; now and then one below the clock (which must not move it back). */
  private stamp(): bigint {
    return this.rng.chance(0.01) ? this.ts - BigInt(this.rng.int(3_000_000)) : this.ts;
  }

  // ---- definitions ---------------------------------------------------------------------------------

  private prologue(profiles: readonly InstrumentProfile[]): BookCommand[] {
    const defs: BookCommand[] = profiles.map((p) => definition(p, this.ts));
    const base = profiles[0]!;
    const bad: Partial<DefineInstrument>[] = [
      {}, // duplicate
      { instrumentId: 500, tickSize: 0 },
      { instrumentId: 501, tickSize: 1_000_000_000_001 },
      { instrumentId: 502, bandTicks: 1_000_001 },
      { instrumentId: 503, protectionTicks: 1_000_001 },
      { instrumentId: 504, maxOrderQty: 0 },
      { instrumentId: 505, maxOrderQty: 1_000_000_001 },
      { instrumentId: 506, matchAlgorithm: 1 },
      { instrumentId: 507, referencePrice: base.tickSize * 10 + 1 },
      { instrumentId: 508, referencePrice: MAX_PRICE + 1 },
      { instrumentId: 509, state: 0 as TradingState },
      { instrumentId: 510, state: 4 as TradingState },
      { instrumentId: ALL_INSTRUMENTS },
    ];
    for (const b of bad) defs.push({ ...definition(base, this.ts), ...b });
    return defs;
  }

  // ---- state changes -------------------------------------------------------------------------------

  private scheduledTransition(): BookCommand | undefined {
    for (const flow of this.flows) {
      if (flow.countdown === 0) continue;
      flow.countdown--;
      if (flow.countdown === 0) {
        // Pre-open ends in OPEN (the uncross) or, now and then, in a halt with the book possibly still
        // crossed. Halts resume through pre-open most of the time, straight to OPEN sometimes — which
        // uncrosses a book left crossed by pre-open (§1: every entry into OPEN uncrosses).
        let to: TradingState;
        if (flow.state === TradingState.PreOpen) to = this.rng.chance(0.3) ? TradingState.Halted : TradingState.Open;
        else to = this.rng.chance(0.6) ? TradingState.PreOpen : TradingState.Open;
        if (to === TradingState.PreOpen) flow.countdown = this.rng.range(100, 600);
        else if (to === TradingState.Halted) flow.countdown = this.rng.range(20, 200);
        flow.state = to;
        return { type: CommandType.SetState, instrumentId: flow.profile.id, state: to, ts: this.stamp() };
      }
    }
    return undefined;
  }

  private stateChange(flow: InstrumentFlow): BookCommand {
    const ts = this.stamp();
    const id = flow.profile.id;
    if (this.rng.chance(0.1)) {
      // same state again, a bad state value, or an unknown instrument
      const odd = this.rng.int(3);
      if (odd === 0) return { type: CommandType.SetState, instrumentId: id, state: flow.state, ts };
      if (odd === 1) return { type: CommandType.SetState, instrumentId: id, state: this.rng.pick([0, 4, 255]), ts };
      return { type: CommandType.SetState, instrumentId: 123_456, state: TradingState.Open, ts };
    }
    if (flow.state !== TradingState.Open) return this.order(flow);
    const to = this.rng.chance(0.75) ? TradingState.PreOpen : TradingState.Halted;
    flow.state = to;
    flow.countdown = to === TradingState.PreOpen ? this.rng.range(100, 600) : this.rng.range(20, 200);
    return { type: CommandType.SetState, instrumentId: id, state: to, ts };
  }

  // ---- orders --------------------------------------------------------------------------------------

  private drift(flow: InstrumentFlow): void {
    flow.mid += this.rng.int(3) - 1;
    const away = flow.mid - flow.profile.centerTicks;
    if (Math.abs(away) > 25) flow.mid -= Math.sign(away);
  }

  private quantity(max: number): number {
    const r = this.rng.float();
    const q = r < 0.7 ? this.rng.range(1, 5) : r < 0.95 ? this.rng.range(1, 40) : r < 0.995 ? this.rng.range(1, max) : max;
    return Math.min(q, max);
  }

  /** A limit price in ticks: passive mostly, crossing sometimes, at the band edges now and then. */
  private limitTicks(flow: InstrumentFlow, side: Side): number {
    const sign = side === Side.Buy ? 1 : -1;
    const preopen = flow.state === TradingState.PreOpen;
    const r = this.rng.float();
    if (r < 0.05 && flow.profile.bandTicks > 0) {
      return flow.mid + sign * (flow.profile.bandTicks + this.rng.range(-3, 2));
    }
    if (r < (preopen ? 0.5 : 0.2)) return flow.mid + sign * this.rng.range(0, 4); // at or through the mid
    const depth = Math.min(this.rng.int(4) + this.rng.int(4) * this.rng.int(6), 24);
    return flow.mid - sign * (1 + depth);
  }

  private freshId(): bigint {
    const id = this.nextId++;
    return this.rng.chance(0.03) ? HIGH_IDS + id : id;
  }

  private order(flow: InstrumentFlow): BookCommand {
    this.drift(flow);
    const p = flow.profile;
    const preopen = flow.state === TradingState.PreOpen;
    const side = this.rng.chance(0.5) ? Side.Buy : Side.Sell;
    const sign = side === Side.Buy ? 1 : -1;
    const orderType = OrderType[this.rng.weighted(preopen ? TYPES_PREOPEN : TYPES_OPEN)];
    const stop = orderType === OrderType.Stop || orderType === OrderType.StopLimit;
    const tif = TimeInForce[this.rng.weighted(stop ? TIF_STOP : preopen ? TIF_PREOPEN : TIF_OPEN)];
    const qty = this.quantity(p.maxOrderQty);
    let priceTicks = 0;
    let stopTicks = 0;
    if (orderType === OrderType.Limit) priceTicks = this.limitTicks(flow, side);
    if (stop) {
      // a buy stop above the market, a sell stop below (sometimes on the wrong side: INVALID_STOP_PRICE)
      stopTicks = this.rng.chance(0.08) ? flow.mid - sign * this.rng.range(0, 3) : flow.mid + sign * this.rng.range(1, 10);
      if (orderType === OrderType.StopLimit) {
        priceTicks = this.rng.chance(0.05) ? stopTicks - sign : stopTicks + sign * this.rng.range(0, 4);
      }
    }
    const smpId = this.rng.chance(0.15) ? this.rng.range(1, 3) : 0;
    let flags = 0;
    if (orderType === OrderType.Limit && tif !== TimeInForce.FAK && tif !== TimeInForce.FOK && this.rng.chance(0.07)) {
      flags |= OrderFlags.PostOnly;
    } else if (this.rng.chance(0.004)) {
      flags |= OrderFlags.PostOnly; // INVALID_POST_ONLY
    }
    if (smpId !== 0 && this.rng.chance(0.5)) flags |= OrderFlags.SmpCancelAggressor;
    const cmd: NewOrder = {
      type: CommandType.NewOrder,
      instrumentId: p.id,
      orderId: this.freshId(),
      side,
      orderType,
      tif,
      price: priceTicks * p.tickSize,
      stopPrice: stopTicks * p.tickSize,
      qty,
      minQty: tif !== TimeInForce.FOK && this.rng.chance(0.07) ? this.rng.range(1, qty) : 0,
      displayQty: this.rng.chance(0.12) ? this.rng.range(1, qty) : 0,
      account: this.rng.range(1, 8),
      smpId,
      flags,
      expireTs: tif === TimeInForce.GTD ? this.ts + MS + BigInt(this.rng.int(20_000)) * MS : 0n,
      ts: this.stamp(),
    };
    // FAK/FOK never rest; everything else may, so the generator remembers it for cancels and modifies
    if (tif !== TimeInForce.FAK && tif !== TimeInForce.FOK) this.remember(flow, cmd);
    return cmd;
  }

  private remember(flow: InstrumentFlow, cmd: NewOrder): void {
    flow.known.push({
      id: cmd.orderId,
      instrumentId: cmd.instrumentId,
      side: cmd.side,
      orderType: cmd.orderType,
      tif: cmd.tif,
      price: cmd.price,
      stopPrice: cmd.stopPrice,
      qty: cmd.qty,
      account: cmd.account,
      expireTs: cmd.expireTs,
      epoch: this.epoch,
    });
    if (flow.known.length <= KNOWN_CAP) return;
    const isLive = this.isLive;
    if (isLive === undefined) {
      // blind: forget the oldest, and pull it now and then (it may well be filled already)
      const oldest = flow.known.shift()!;
      if (this.rng.chance(0.3)) this.pending.push({ type: CommandType.Cancel, orderId: oldest.id, ts: this.ts });
      return;
    }
    // forget dead orders; if the book is still too deep, pull the oldest live ones down to 90 % of the cap
    flow.known = flow.known.filter((k) => k.epoch === this.epoch || isLive(k.id));
    while (flow.known.length > KNOWN_CAP * 0.9) {
      const oldest = flow.known.shift()!;
      this.pending.push({ type: CommandType.Cancel, orderId: oldest.id, ts: this.ts });
    }
  }

  private takeKnown(flow: InstrumentFlow, remove: boolean): Known | undefined {
    for (let attempt = 0; attempt < 8 && flow.known.length > 0; attempt++) {
      const at = this.rng.int(flow.known.length);
      const k = flow.known[at]!;
      if (this.isLive !== undefined && k.epoch !== this.epoch && !this.isLive(k.id)) {
        flow.known.splice(at, 1);
        continue;
      }
      if (remove) flow.known.splice(at, 1);
      return k;
    }
    return undefined;
  }

  private cancel(flow: InstrumentFlow): BookCommand {
    const k = this.rng.chance(0.85) ? this.takeKnown(flow, true) : undefined;
    const orderId = k?.id ?? this.rng.pick([0n, this.nextId + 1000n, BigInt(this.rng.int(Number(this.nextId) + 1))]);
    return { type: CommandType.Cancel, orderId, ts: this.stamp() };
  }

  private modify(flow: InstrumentFlow): BookCommand {
    const p = flow.profile;
    const k = this.rng.chance(0.92) ? this.takeKnown(flow, false) : undefined;
    if (k === undefined) {
      return { type: CommandType.Modify, orderId: this.nextId + 77n, price: flow.mid * p.tickSize, stopPrice: 0, qty: 1, ts: this.stamp() };
    }
    const tick = p.tickSize;
    const r = this.rng.float();
    // quantity: down keeps priority, up loses it; sometimes invalid
    let qty = r < 0.4 ? Math.max(1, k.qty - this.rng.range(0, 3)) : r < 0.6 ? k.qty : k.qty + this.rng.range(1, 5);
    if (this.rng.chance(0.01)) qty = this.rng.chance(0.5) ? 0 : p.maxOrderQty + 1;
    qty = Math.min(qty, p.maxOrderQty + 1);
    let price = k.price;
    let stopPrice = k.stopPrice;
    const stop = k.orderType === OrderType.Stop || k.orderType === OrderType.StopLimit;
    if (stop) {
      stopPrice = k.stopPrice + this.rng.range(-3, 3) * tick;
      if (k.orderType === OrderType.StopLimit) {
        const sign = k.side === Side.Buy ? 1 : -1;
        price = stopPrice + sign * this.rng.range(-1, 3) * tick;
      }
      // a triggered stop rests as a limit: its price is what a modify changes then
      if (this.rng.chance(0.3)) price = k.price + this.rng.range(-2, 2) * tick;
    } else if (this.rng.chance(0.45)) {
      price = k.price + this.rng.range(-6, 6) * tick;
    }
    if (this.rng.chance(0.01)) price += 1; // off tick
    k.price = price;
    k.stopPrice = stopPrice;
    k.qty = Math.max(1, qty);
    return { type: CommandType.Modify, orderId: k.id, price, stopPrice, qty, ts: this.stamp() };
  }

  private massCancel(): BookCommand {
    const account = this.rng.range(1, 8);
    const r = this.rng.float();
    const instrumentId = r < 0.6 ? this.rng.pick(this.flows).profile.id : r < 0.95 ? ALL_INSTRUMENTS : 777;
    for (const flow of this.flows) {
      if (instrumentId === ALL_INSTRUMENTS || instrumentId === flow.profile.id) {
        flow.known = flow.known.filter((k) => k.account !== account);
      }
    }
    return { type: CommandType.MassCancel, instrumentId, account, ts: this.stamp() };
  }

  private endSession(): BookCommand {
    const r = this.rng.float();
    const instrumentId = r < 0.6 ? this.rng.pick(this.flows).profile.id : r < 0.97 ? ALL_INSTRUMENTS : 778;
    for (const flow of this.flows) {
      if (instrumentId === ALL_INSTRUMENTS || instrumentId === flow.profile.id) {
        flow.known = flow.known.filter((k) => k.tif !== TimeInForce.Day);
      }
    }
    return { type: CommandType.EndSession, instrumentId, ts: this.stamp() };
  }

  private advanceTime(): BookCommand {
    this.ts += BigInt(this.rng.range(1, 30)) * SECOND;
    for (const flow of this.flows) {
      flow.known = flow.known.filter((k) => k.tif !== TimeInForce.GTD || k.expireTs > this.ts);
    }
    return { type: CommandType.AdvanceTime, ts: this.ts };
  }

  // ---- bad commands: one per reject reason the generator can provoke on purpose ---------------------

  private badCommand(flow: InstrumentFlow): BookCommand {
    const p = flow.profile;
    const base: NewOrder = {
      type: CommandType.NewOrder,
      instrumentId: p.id,
      orderId: this.freshId(),
      side: Side.Buy,
      orderType: OrderType.Limit,
      tif: TimeInForce.Day,
      price: (flow.mid - 30) * p.tickSize,
      stopPrice: 0,
      qty: 1,
      minQty: 0,
      displayQty: 0,
      account: 1,
      smpId: 0,
      flags: 0,
      expireTs: 0n,
      ts: this.stamp(),
    };
    const kinds = [
      'instrument', 'side', 'type', 'tif', 'stopTif', 'qtyZero', 'qtyBig', 'minQty', 'fokMinQty', 'display',
      'duplicate', 'expiry', 'range', 'rangeLow', 'tick', 'postOnly', 'unknownOrder', 'unknownModify',
    ];
    if (this.unknownCommands) kinds.push('command');
    switch (this.rng.pick(kinds)) {
      case 'instrument':
        return { ...base, instrumentId: 999_999 };
      case 'side':
        return { ...base, side: this.rng.pick([0, 3]) as Side };
      case 'type':
        return { ...base, orderType: this.rng.pick([0, 6]) as OrderType };
      case 'tif':
        return { ...base, tif: 5 as TimeInForce };
      case 'stopTif':
        return { ...base, orderType: OrderType.Stop, stopPrice: (flow.mid + 5) * p.tickSize, tif: TimeInForce.FAK };
      case 'qtyZero':
        return { ...base, qty: 0 };
      case 'qtyBig':
        return { ...base, qty: p.maxOrderQty + 1 };
      case 'minQty':
        return { ...base, qty: 2, minQty: 3 };
      case 'fokMinQty':
        return { ...base, tif: TimeInForce.FOK, qty: 2, minQty: 1 };
      case 'display':
        return { ...base, qty: 2, displayQty: 3 };
      case 'duplicate': {
        const k = this.takeKnown(flow, false);
        return { ...base, orderId: k?.id ?? base.orderId };
      }
      case 'expiry':
        return { ...base, tif: TimeInForce.GTD, expireTs: this.ts - BigInt(this.rng.int(2)) * MS };
      case 'range':
        return { ...base, price: this.rng.pick([MAX_PRICE + 1, 2 ** 60]) };
      case 'rangeLow':
        return { ...base, side: Side.Sell, price: this.rng.pick([-MAX_PRICE - 1, -(2 ** 62)]) };
      case 'tick':
        return p.tickSize > 1 ? { ...base, price: base.price + 1 } : { ...base, qty: 0 };
      case 'postOnly':
        return { ...base, orderType: OrderType.Market, flags: OrderFlags.PostOnly };
      case 'unknownOrder':
        return { type: CommandType.Cancel, orderId: this.nextId + 5000n, ts: base.ts };
      case 'unknownModify':
        return { type: CommandType.Modify, orderId: this.nextId + 5001n, price: base.price, stopPrice: 0, qty: 1, ts: base.ts };
      default:
        return { type: 99 as CommandType, instrumentId: p.id, ts: base.ts } as unknown as BookCommand;
    }
  }
}

function definition(p: InstrumentProfile, ts: bigint): DefineInstrument {
  return {
    type: CommandType.DefineInstrument,
    instrumentId: p.id,
    tickSize: p.tickSize,
    referencePrice: p.referencePrice,
    bandTicks: p.bandTicks,
    protectionTicks: p.protectionTicks,
    maxOrderQty: p.maxOrderQty,
    matchAlgorithm: 0,
    state: p.state,
    ts,
  };
}

/** One command as a JSON-safe object (bigints as strings), for failure reports. */
export function describeCommand(cmd: BookCommand): string {
  return JSON.stringify(cmd, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
}
