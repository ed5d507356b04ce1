// Continuous FIFO matching (docs/matching-rules.md §4): an incoming order against the opposite side's best
// level heads, self-match prevention, iceberg refill, stop election on every trade; the FOK/min-quantity
// liquidity pre-check; resting a remainder; draining the trigger queue (§5).
import {
  oa, O_ID, O_PRICE, O_LEAVES, O_VISIBLE, O_NEXT, O_INS, O_SIDE, O_TYPE, O_TIF, O_STATUS, O_FLAGS, O_STOP,
  O_DISPLAY, O_SMP,
} from './orders';
import { ia, sideBlock, I_ID, I_LAST, I_NSTOP, S_BEST, S_BESTP } from './instruments';
import { la, L_HEAD, L_VIS, L_TOT, L_PRICE, levelGetOrCreate, pushBack, unlinkOrder, moveToBack, nextLevel } from './levels';
import { retire } from './lifecycle';
import { electStops, stopRemove, dequeueTriggered } from './stops';
import { emit } from './events';
import { tqHead } from './state';
import {
  BUY, E_CANCELLED, E_FILL, E_TRIGGERED, X_SELF_MATCH, X_FAK_REMAINDER, F_SMP_CANCEL_AGGRESSOR,
  ST_RESTING, ST_STOP, ST_INCOMING, TIF_FAK, TIF_FOK, T_STOP,
} from './consts';

/** Match incoming order s (in no level) up to its limit; leaves its remaining quantity in O_LEAVES
 *  (0 when filled or cancelled by self-match prevention). */
export function matchAggressor(s: u32): void {
  const o = oa(s);
  const ins = ia(load<u32>(o, O_INS));
  const insId = load<u32>(ins, I_ID);
  const side = load<u8>(o, O_SIDE);
  const sb = sideBlock(ins, side == BUY ? 1 : 0);
  const lim = load<i64>(o, O_PRICE);
  const smp = load<u32>(o, O_SMP);
  const otype = load<u8>(o, O_TYPE);
  const id = load<u64>(o, O_ID);
  let leaves = load<u32>(o, O_LEAVES);
  while (leaves > 0) {
    const lv = load<u32>(sb, S_BEST);
    if (lv == 0) break;
    const lp = load<i64>(sb, S_BESTP);
    if (side == BUY ? lp > lim : lp < lim) break;
    const a = la(lv);
    const m = load<u32>(a, L_HEAD);
    const mo = oa(m);
    if (smp != 0 && load<u32>(mo, O_SMP) == smp) {
      if ((load<u8>(o, O_FLAGS) & F_SMP_CANCEL_AGGRESSOR) != 0) {
        emit(E_CANCELLED, side, X_SELF_MATCH, otype, insId, id, 0, lim, leaves, 0, 0);
        leaves = 0;
        break;
      }
      emit(E_CANCELLED, load<u8>(mo, O_SIDE), X_SELF_MATCH, load<u8>(mo, O_TYPE), insId, load<u64>(mo, O_ID), 0,
        lp, load<u32>(mo, O_LEAVES), 0, 0);
      unlinkOrder(m);
      retire(m);
      continue;
    }
    const mv = load<u32>(mo, O_VISIBLE);
    const q = leaves < mv ? leaves : mv;
    leaves -= q;
    const nmv = mv - q;
    const ml = load<u32>(mo, O_LEAVES) - q;
    store<u32>(mo, nmv, O_VISIBLE);
    store<u32>(mo, ml, O_LEAVES);
    store<u64>(a, load<u64>(a, L_VIS) - <u64>q, L_VIS);
    store<u64>(a, load<u64>(a, L_TOT) - <u64>q, L_TOT);
    emit(E_FILL, side, 0, otype, insId, id, load<u64>(mo, O_ID), lp, q, leaves, ml);
    if (nmv == 0) {
      if (ml > 0) {
        // iceberg refill: a new slice, to the back of the level
        const d = load<u32>(mo, O_DISPLAY);
        const nv = d > 0 && d < ml ? d : ml;
        store<u32>(mo, nv, O_VISIBLE);
        store<u64>(a, load<u64>(a, L_VIS) + <u64>nv, L_VIS);
        moveToBack(m);
      } else {
        unlinkOrder(m);
        retire(m);
      }
    }
    store<i64>(ins, lp, I_LAST);
    if (load<u32>(ins, I_NSTOP) != 0) electStops(ins, lp);
  }
  store<u32>(o, leaves, O_LEAVES);
}

/** Liquidity incoming order s could take (FOK / min-quantity pre-check), summed until it reaches need. */
export function available(s: u32, need: u64): u64 {
  const o = oa(s);
  const ins = ia(load<u32>(o, O_INS));
  const side = load<u8>(o, O_SIDE);
  const sb = sideBlock(ins, side == BUY ? 1 : 0);
  const lim = load<i64>(o, O_PRICE);
  const smp = load<u32>(o, O_SMP);
  const cancelAggressor = (load<u8>(o, O_FLAGS) & F_SMP_CANCEL_AGGRESSOR) != 0;
  let sum: u64 = 0;
  let lv = load<u32>(sb, S_BEST);
  while (lv != 0) {
    const lp = load<i64>(la(lv), L_PRICE);
    if (side == BUY ? lp > lim : lp < lim) break;
    let m = load<u32>(la(lv), L_HEAD);
    while (m != 0) {
      const mo = oa(m);
      if (smp != 0 && load<u32>(mo, O_SMP) == smp) {
        if (cancelAggressor) return sum;
      } else {
        sum += <u64>load<u32>(mo, O_LEAVES);
        if (sum >= need) return sum;
      }
      m = load<u32>(mo, O_NEXT);
    }
    lv = nextLevel(lv);
  }
  return sum;
}

/** Put order s (not in any level) at the back of its price level with a fresh visible slice. */
@inline export function restOrder(s: u32): void {
  const o = oa(s);
  const leaves = load<u32>(o, O_LEAVES);
  const d = load<u32>(o, O_DISPLAY);
  store<u32>(o, d > 0 && d < leaves ? d : leaves, O_VISIBLE);
  store<u8>(o, ST_RESTING, O_STATUS);
  const lv = levelGetOrCreate(load<u32>(o, O_INS), <u32>load<u8>(o, O_SIDE) - 1, load<i64>(o, O_PRICE));
  pushBack(lv, s);
}

/** After matching: retire a finished order, cancel an FAK/FOK remainder, or rest the rest. */
export function finishIncoming(s: u32): void {
  const o = oa(s);
  const leaves = load<u32>(o, O_LEAVES);
  if (leaves == 0) {
    retire(s);
    return;
  }
  const tif = load<u8>(o, O_TIF);
  if (tif == TIF_FAK || tif == TIF_FOK) {
    emit(E_CANCELLED, load<u8>(o, O_SIDE), X_FAK_REMAINDER, load<u8>(o, O_TYPE), load<u32>(ia(load<u32>(o, O_INS)), I_ID),
      load<u64>(o, O_ID), 0, load<i64>(o, O_PRICE), leaves, 0, 0);
    retire(s);
    return;
  }
  restOrder(s);
}

/** Remove a live order (resting or untriggered stop) from the book and retire it. */
export function removeLive(s: u32): void {
  const o = oa(s);
  const st = load<u8>(o, O_STATUS);
  if (st == ST_RESTING) unlinkOrder(s);
  else if (st == ST_STOP) stopRemove(ia(load<u32>(o, O_INS)), s);
  retire(s);
}

/** Process elected stops in queue order until the queue is empty (§5). Inlined check: usually empty. */
@inline export function drainTriggers(): void {
  if (tqHead != 0) drainTriggerQueue();
}

function drainTriggerQueue(): void {
  let s = dequeueTriggered();
  while (s != 0) {
    const o = oa(s);
    const ins = ia(load<u32>(o, O_INS));
    const otype = load<u8>(o, O_TYPE);
    const leaves = load<u32>(o, O_LEAVES);
    emit(E_TRIGGERED, load<u8>(o, O_SIDE), 0, otype, load<u32>(ins, I_ID), load<u64>(o, O_ID),
      <u64>load<i64>(o, O_STOP), load<i64>(o, O_PRICE), leaves, leaves, 0);
    store<u8>(o, ST_INCOMING, O_STATUS);
    matchAggressor(s);
    finishIncoming(s);
    s = dequeueTriggered();
  }
}

/** Is s a stop type (STOP or STOP_LIMIT)? */
@inline export function isStopType(t: u8): bool {
  return t >= T_STOP;
}
