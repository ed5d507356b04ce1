// Price arithmetic of the rule book on exact integers. Prices are `number`s bounded to ±(2^53 − 1), but
// sums like reference + bandTicks × tick can reach 10^18, so those go through bigint.
import { MAX_PRICE, Side } from '../core/types.js';

const MAX = BigInt(MAX_PRICE);

/** |price| ≤ 2^53 − 1 and an integer (§2 rule 11, PRICE_OUT_OF_RANGE). */
export function inPriceRange(price: number): boolean {
  return Number.isInteger(price) && Math.abs(price) <= MAX_PRICE;
}

/** A multiple of the tick (§2 rule 11, INVALID_PRICE_TICK). */
export function onTick(price: number, tickSize: number): boolean {
  return price % tickSize === 0;
}

/**
 * Band check of §6: a BUY above reference + band, or a SELL below reference − band, is outside.
 * No band (bandTicks 0) or no reference: always inside.
 */
export function insideBand(side: Side, price: number, reference: number | undefined, bandTicks: number, tickSize: number): boolean {
  if (bandTicks === 0 || reference === undefined) return true;
  const width = BigInt(bandTicks) * BigInt(tickSize);
  if (side === Side.Buy) return BigInt(price) <= BigInt(reference) + width;
  return BigInt(price) >= BigInt(reference) - width;
}

/**
 * base ± ticks × tick (buy: +, sell: −): the limit of a MARKET order (base = best opposite) or of a
 * triggered STOP (base = stopPrice), clamped to the furthest multiple of the tick within ±(2^53 − 1) (§3).
 */
export function protectionLimit(side: Side, base: number, ticks: number, tickSize: number): number {
  const tick = BigInt(tickSize);
  const offset = BigInt(ticks) * tick;
  const raw = side === Side.Buy ? BigInt(base) + offset : BigInt(base) - offset;
  const furthest = (MAX / tick) * tick;
  if (raw > furthest) return Number(furthest);
  if (raw < -furthest) return Number(-furthest);
  return Number(raw);
}

/** Would an order of `side` at limit `limit` trade against a resting price `resting`? */
export function crosses(side: Side, limit: number, resting: number): boolean {
  return side === Side.Buy ? resting <= limit : resting >= limit;
}
