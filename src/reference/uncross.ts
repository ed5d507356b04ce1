// The indicative opening price of §7: among the distinct resting prices in [best ask, best bid], the one
// with the largest matched volume, then the smallest imbalance, then closest to the band reference, then
// the lowest.
import type { RefInstrument } from './instrument.js';

export interface OpeningPrice {
  price: number;
  /** min(bid volume at or above, ask volume at or below) at that price. */
  matched: number;
}

export function findOpeningPrice(inst: RefInstrument): OpeningPrice | undefined {
  const bestBid = inst.bids.best();
  const bestAsk = inst.asks.best();
  if (bestBid === undefined || bestAsk === undefined || bestBid.price < bestAsk.price) return undefined;
  const lo = bestAsk.price;
  const hi = bestBid.price;
  const candidates = new Set<number>();
  for (const level of [...inst.bids.levels, ...inst.asks.levels]) {
    if (level.price >= lo && level.price <= hi) candidates.add(level.price);
  }
  const sumLeaves = (levels: typeof inst.bids.levels, keep: (p: number) => boolean) =>
    levels.filter((l) => keep(l.price)).reduce((s, l) => s + l.queue.reduce((t, o) => t + o.leaves, 0), 0);
  const reference = inst.reference;
  const distance = (p: number) => {
    if (reference === undefined) return 0n;
    const d = BigInt(p) - BigInt(reference);
    return d < 0n ? -d : d;
  };

  let best: { price: number; matched: number; imbalance: number; distance: bigint } | undefined;
  for (const p of [...candidates].sort((a, b) => a - b)) {
    const bidVol = sumLeaves(inst.bids.levels, (q) => q >= p);
    const askVol = sumLeaves(inst.asks.levels, (q) => q <= p);
    const cand = { price: p, matched: Math.min(bidVol, askVol), imbalance: Math.abs(bidVol - askVol), distance: distance(p) };
    // candidates ascend, so on a full tie the earlier (lower) price stays
    if (
      best === undefined ||
      cand.matched > best.matched ||
      (cand.matched === best.matched &&
        (cand.imbalance < best.imbalance || (cand.imbalance === best.imbalance && cand.distance < best.distance)))
    ) {
      best = cand;
    }
  }
  return best && { price: best.price, matched: best.matched };
}
