// The engine's WebAssembly exports (docs/abi.md). No imports except env.abort; no managed objects.
import { memReset, scratchReset, rawAlloc } from './matching/memory';
import { ordersInit, EngineOrders } from './matching/orders';
import { instrumentsInit } from './matching/instruments';
import { levelsReset } from './matching/levels';
import { mapInit, mapCount } from './matching/idmap';
import { eventsInit } from './matching/events';
import { processBatch } from './matching/commands';
import { queryTop, queryDepth, queryOrder } from './matching/queries';
import { computeBookHash } from './matching/hash';
import { checkInvariants } from './matching/invariants';
import {
  CMD, QRY, EVT, evtCap, evtOverflow, ORDMAP, INSMAP, clock, acceptSeq, eventSeq, heapSize, tqHead,
  tqTail, initialized, hintOrders, hintInstruments, evtCount,
} from './matching/state';
import { CMD_SIZE, CMD_CAPACITY, QRY_SIZE, ABI_VERSION } from './matching/consts';

function setup(maxOrders: u32, maxInstruments: u32): bool {
  memReset();
  scratchReset();
  levelsReset();
  CMD = rawAlloc(<u64>CMD_CAPACITY * <u64>CMD_SIZE);
  QRY = rawAlloc(<u64>QRY_SIZE);
  if (CMD == 0 || QRY == 0) return false;
  if (!eventsInit(8192)) return false;
  if (!ordersInit(maxOrders)) return false;
  if (!instrumentsInit(maxInstruments)) return false;
  ORDMAP = rawAlloc(16);
  INSMAP = rawAlloc(16);
  if (ORDMAP == 0 || INSMAP == 0) return false;
  if (!mapInit(ORDMAP, maxOrders < 1024 ? 1024 : maxOrders)) return false;
  if (!mapInit(INSMAP, maxInstruments < 16 ? 16 : maxInstruments)) return false;
  clock = 0;
  acceptSeq = 0;
  eventSeq = 0;
  heapSize = 0;
  tqHead = 0;
  tqTail = 0;
  evtCount = 0;
  initialized = true;
  return true;
}

/** Allocate pools sized by the hints (they grow) and reset all state. Returns 1 (0 if memory is short). */
export function init(maxOrders: u32, maxInstruments: u32): u32 {
  // pre-size at most 1 M orders / 64 K instruments; beyond that the pools grow on demand
  hintOrders = maxOrders > 1 << 20 ? 1 << 20 : maxOrders;
  hintInstruments = maxInstruments > 1 << 16 ? 1 << 16 : maxInstruments;
  if (setup(hintOrders, hintInstruments)) return 1;
  hintOrders = 1024;
  hintInstruments = 16;
  setup(hintOrders, hintInstruments);
  return 0;
}

@inline function ensure(): void {
  if (!initialized) setup(hintOrders, hintInstruments);
}

/** Drop every instrument and order; clock and sequences to 0. */
export function reset(): void {
  setup(hintOrders, hintInstruments);
}

export function cmdPtr(): usize {
  ensure();
  return CMD;
}
export function cmdCapacity(): u32 {
  return CMD_CAPACITY;
}
export function evtPtr(): usize {
  ensure();
  return EVT;
}
export function evtCapacity(): u32 {
  ensure();
  return evtCap;
}
export function qryPtr(): usize {
  ensure();
  return QRY;
}

/** Run n commands from the command area; returns the number of 64-byte events at evtPtr(). */
export function process(n: u32): u32 {
  ensure();
  return processBatch(n);
}

export function top(instrumentId: u32): u32 {
  ensure();
  return queryTop(instrumentId);
}
export function depth(instrumentId: u32, side: u32, levels: u32, out: usize): u32 {
  ensure();
  return queryDepth(instrumentId, side, levels, out);
}
export function orderState(orderId: u64): u32 {
  ensure();
  return queryOrder(orderId);
}
export function bookHash(): u64 {
  ensure();
  return computeBookHash<EngineOrders>();
}
export function liveOrders(): u32 {
  ensure();
  return mapCount(ORDMAP);
}
export function abiVersion(): u32 {
  return ABI_VERSION;
}
/** 0 when every internal invariant holds, else the code of the first violation (matching/invariants.ts). */
export function validateInternalState(): u32 {
  ensure();
  return checkInvariants();
}
/** 1 when a batch's events could not all be stored (memory exhausted; never expected in practice). */
export function eventsDropped(): u32 {
  return evtOverflow;
}
/** Engine clock (ns): the largest command ts seen so far. */
export function engineClock(): u64 {
  return clock;
}
export {
  replayInit, replayColumn, replayCapacity, replayStatus, replayStatsPtr, replayStatsCap, replayInstrumentIndex, replaySetBase,
  replaySetPreopen, replaySetFast, replayMbo, replayLevelOrders, replayLevelOut, replayBookCounts, replayOrderLeaves,
  replayLiveOrders, replayBookHash, replayValidate,
} from './replay/index';
