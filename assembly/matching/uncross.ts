// Opening uncross (docs/matching-rules.md §7): pick the indicative opening price over the crossed range
// (max matched volume, min imbalance, closest to the §6 reference, lowest), then match best-bid head against
// best-ask head at that price, total leaves including hidden, iceberg positions kept.
import { oa, O_ID, O_LEAVES, O_VISIBLE, O_DISPLAY, O_LEVEL } from './orders';
import { ia, sideBlock, I_ID, I_LAST, I_NSTOP, S_BEST, S_BESTP, bandReference } from './instruments';
import { la, L_PRICE, L_TOT, L_VIS, L_HEAD, nextLevel, unlinkOrder } from './levels';
import { retire } from './lifecycle';
import { electStops } from './stops';
import { emit } from './events';
import { getScratch } from './memory';
import { E_FILL, NO_PRICE } from './consts';

/** Apply a fill of q to resting order s during the uncross; retires it when done. */
function uncrossFill(s: u32, q: u32): u32 {
  const o = oa(s);
  const lv = load<u32>(o, O_LEVEL);
  const a = la(lv);
  const leaves = load<u32>(o, O_LEAVES) - q;
  const vis = load<u32>(o, O_VISIBLE);
  const d = load<u32>(o, O_DISPLAY);
  const nv = leaves == 0 ? 0 : d > 0 && d < leaves ? d : leaves;
  store<u64>(a, load<u64>(a, L_TOT) - <u64>q, L_TOT);
  store<u64>(a, load<u64>(a, L_VIS) - <u64>vis + <u64>nv, L_VIS);
  store<u32>(o, leaves, O_LEAVES);
  store<u32>(o, nv, O_VISIBLE);
  return leaves;
}

export function uncross(insIdx: u32): void {
  const ins = ia(insIdx);
  const bsb = sideBlock(ins, 0);
  const asb = sideBlock(ins, 1);
  if (load<u32>(bsb, S_BEST) == 0 || load<u32>(asb, S_BEST) == 0) return;
  const bestBid = load<i64>(bsb, S_BESTP);
  const bestAsk = load<i64>(asb, S_BESTP);
  if (bestBid < bestAsk) return;
  // levels inside [bestAsk, bestBid]: bids collected best (highest) first, asks best (lowest) first
  let nb: u32 = 0;
  let na: u32 = 0;
  let lv = load<u32>(bsb, S_BEST);
  while (lv != 0 && load<i64>(la(lv), L_PRICE) >= bestAsk) {
    nb++;
    lv = nextLevel(lv);
  }
  lv = load<u32>(asb, S_BEST);
  while (lv != 0 && load<i64>(la(lv), L_PRICE) <= bestBid) {
    na++;
    lv = nextLevel(lv);
  }
  const buf = getScratch(<u64>(nb + na) << 4);
  if (buf == 0) return;
  const bbuf = buf; // bids: (price, tot) pairs, descending price
  const abuf = buf + (<usize>nb << 4); // asks ascending
  let i: u32 = 0;
  let bidTotal: u64 = 0;
  lv = load<u32>(bsb, S_BEST);
  for (i = 0; i < nb; i++) {
    store<i64>(bbuf + (<usize>i << 4), load<i64>(la(lv), L_PRICE));
    store<u64>(bbuf + (<usize>i << 4), load<u64>(la(lv), L_TOT), 8);
    bidTotal += load<u64>(la(lv), L_TOT);
    lv = nextLevel(lv);
  }
  lv = load<u32>(asb, S_BEST);
  for (i = 0; i < na; i++) {
    store<i64>(abuf + (<usize>i << 4), load<i64>(la(lv), L_PRICE));
    store<u64>(abuf + (<usize>i << 4), load<u64>(la(lv), L_TOT), 8);
    lv = nextLevel(lv);
  }
  // walk candidate prices ascending: asks ascending from index 0, bids ascending from index nb-1
  const ref = bandReference(ins);
  let bi: i32 = <i32>nb - 1;
  let ai: u32 = 0;
  let askCum: u64 = 0; // asks priced ≤ p
  let bidBelow: u64 = 0; // bids priced < p
  let bestP: i64 = 0;
  let bestM: u64 = 0;
  let bestImb: u64 = 0;
  let bestDist: u64 = 0;
  let have = false;
  while (bi >= 0 || ai < na) {
    const bp = bi >= 0 ? load<i64>(bbuf + (<usize>bi << 4)) : i64.MAX_VALUE;
    const ap = ai < na ? load<i64>(abuf + (<usize>ai << 4)) : i64.MAX_VALUE;
    const p = bp < ap ? bp : ap;
    // bids priced < p were consumed before; include asks at p
    while (ai < na && load<i64>(abuf + (<usize>ai << 4)) == p) {
      askCum += load<u64>(abuf + (<usize>ai << 4), 8);
      ai++;
    }
    const bidVol = bidTotal - bidBelow;
    const m = bidVol < askCum ? bidVol : askCum;
    const imb = bidVol > askCum ? bidVol - askCum : askCum - bidVol;
    const dist: u64 = ref == NO_PRICE ? 0 : <u64>(p > ref ? p - ref : ref - p);
    if (!have || m > bestM || (m == bestM && (imb < bestImb || (imb == bestImb && dist < bestDist)))) {
      have = true;
      bestP = p;
      bestM = m;
      bestImb = imb;
      bestDist = dist;
    }
    while (bi >= 0 && load<i64>(bbuf + (<usize>bi << 4)) == p) {
      bidBelow += load<u64>(bbuf + (<usize>bi << 4), 8);
      bi--;
    }
  }
  if (bestM == 0) return;
  const insId = load<u32>(ins, I_ID);
  let rem = bestM;
  while (rem > 0) {
    const b = load<u32>(la(load<u32>(bsb, S_BEST)), L_HEAD);
    const a = load<u32>(la(load<u32>(asb, S_BEST)), L_HEAD);
    const bl = load<u32>(oa(b), O_LEAVES);
    const al = load<u32>(oa(a), O_LEAVES);
    let q = bl < al ? bl : al;
    if (<u64>q > rem) q = <u32>rem;
    const blAfter = uncrossFill(b, q);
    const alAfter = uncrossFill(a, q);
    emit(E_FILL, 0, 0, 0, insId, load<u64>(oa(b), O_ID), load<u64>(oa(a), O_ID), bestP, q, blAfter, alAfter);
    if (blAfter == 0) {
      unlinkOrder(b);
      retire(b);
    }
    if (alAfter == 0) {
      unlinkOrder(a);
      retire(a);
    }
    store<i64>(ins, bestP, I_LAST);
    if (load<u32>(ins, I_NSTOP) != 0) electStops(ins, bestP);
    rem -= <u64>q;
  }
}
