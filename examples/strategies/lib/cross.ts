// Crossing tests on two consecutive closed-bar values: a helper module, imported by rsi-reversion.ts as
// './lib/cross.js' (the TypeScript ESM convention; contango transpiles this file too).

/** true when the value moved from above `level` to at or below it */
export function crossedBelow(prev: number, now: number, level: number): boolean {
  return prev > level && now <= level;
}

/** true when the value moved from below `level` to at or above it */
export function crossedAbove(prev: number, now: number, level: number): boolean {
  return prev < level && now >= level;
}
