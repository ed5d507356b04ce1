// Price checks shared by new orders and modifies (docs/matching-rules.md §2 rules 11–12, §6).
import { I_TICK, I_BAND, I_PROT, I_MAXTP, I_MAXQ, sideBlock, S_BEST, S_BESTP, bandReference } from './instruments';
import { MAXP, NO_PRICE, BUY } from './consts';
import { tickIndex } from './levels';

@inline export function inRange(p: i64): bool {
  return p <= MAXP && p >= -MAXP;
}

/** Order quantity rule (§2): 1 ≤ qty ≤ the instrument's maximum. */
@inline export function validQty(ins: usize, qty: u32): bool {
  return qty >= 1 && qty <= load<u32>(ins, I_MAXQ);
}

@inline export function onTick(ins: usize, p: i64): bool {
  const tick = load<i64>(ins, I_TICK);
  return tickIndex(p, tick) * tick == p; // |p| ≤ 2^53 here, so the product cannot overflow
}

/** Within the static band around the §6 reference (always true without band or reference). */
export function inBand(ins: usize, side: u8, p: i64): bool {
  const band = load<u32>(ins, I_BAND);
  if (band == 0) return true;
  const ref = bandReference(ins);
  if (ref == NO_PRICE) return true;
  const w = <i64>band * load<i64>(ins, I_TICK); // ≤ 1e18: no overflow with |ref| ≤ 2^53
  return side == BUY ? p <= ref + w : p >= ref - w;
}

/** Limit at base ± protection (buy +, sell −), clamped to the furthest tick multiple inside ±(2^53 − 1). */
export function protectedLimit(ins: usize, side: u8, base: i64): i64 {
  const w = <i64>load<u32>(ins, I_PROT) * load<i64>(ins, I_TICK);
  const maxTp = load<i64>(ins, I_MAXTP);
  if (side == BUY) {
    const l = base + w;
    return l > maxTp ? maxTp : l;
  }
  const l = base - w;
  return l < -maxTp ? -maxTp : l;
}

/** Would a limit at p on this side match the opposite best now? */
export function crosses(ins: usize, side: u8, p: i64): bool {
  const sb = sideBlock(ins, side == BUY ? 1 : 0);
  if (load<u32>(sb, S_BEST) == 0) return false;
  const best = load<i64>(sb, S_BESTP);
  return side == BUY ? best <= p : best >= p;
}

/** Stop price rule 12: buy stop above the last trade, sell below (when traded); stop-limit price side. */
export function stopPricesValid(side: u8, last: i64, stop: i64, isStopLimit: bool, price: i64): bool {
  if (last != NO_PRICE && (side == BUY ? stop <= last : stop >= last)) return false;
  if (isStopLimit && (side == BUY ? price < stop : price > stop)) return false;
  return true;
}
