// Exit manager (SPEC §7): partial take-profits, 25 % of the initial position at each of +2/+5/+8/+12 %,
// and a trailing stop that arms once the best close is +3 % from entry and exits when the close falls 2 %
// from that best close (longs; shorts mirror). Optional fixed stop-loss. It runs on closed bars and sends
// market orders, so every exit fills at the next bar's open (gaps included, no intra-bar guesswork).
import type { ParamSpec, StrategyContext } from '../backtest/strategy.js';

export const EXIT_PARAMS: ParamSpec[] = [
  { name: 'exits', default: 1, min: 0, max: 1, integer: true, description: '1: use the exit manager; 0: strategy signals only' },
  { name: 'tp1', default: 2, min: 0.1, max: 100, description: 'first take-profit, % from entry' },
  { name: 'tp2', default: 5, min: 0.1, max: 100, description: 'second take-profit, %' },
  { name: 'tp3', default: 8, min: 0.1, max: 100, description: 'third take-profit, %' },
  { name: 'tp4', default: 12, min: 0.1, max: 100, description: 'fourth take-profit, %' },
  { name: 'tpFraction', default: 0.25, min: 0.01, max: 1, description: 'fraction of the initial position closed at each take-profit (at least 1 lot)' },
  { name: 'trailStart', default: 3, min: 0.1, max: 100, description: 'trailing stop arms when the best close is this % in profit' },
  { name: 'trailPct', default: 2, min: 0.1, max: 50, description: 'trailing stop distance, % below the best close (above, for shorts)' },
  { name: 'stopLoss', default: 0, min: 0, max: 50, description: 'fixed stop-loss, % from entry; 0 = off' },
];

export class ExitManager {
  private readonly levels: number[];
  private side = 0;
  private initial = 0;
  private entry = NaN;
  private best = NaN;
  private hit = 0;
  readonly enabled: boolean;

  constructor(private readonly p: Record<string, number>) {
    this.enabled = p.exits === 1;
    this.levels = [p.tp1!, p.tp2!, p.tp3!, p.tp4!].map((x) => x / 100).sort((a, b) => a - b);
  }

  /** Call first in onBar. Returns true when it sent an exit order this bar (the strategy should not add). */
  onBar(ctx: StrategyContext): boolean {
    const pos = ctx.position;
    if (!this.enabled) return false;
    if (pos === 0) {
      this.side = 0;
      return false;
    }
    const side = Math.sign(pos);
    const abs = Math.abs(pos);
    if (side !== this.side || abs > this.initial) {
      // a new position, or the strategy added to it: restart from the current average entry
      this.side = side;
      this.initial = abs;
      this.entry = ctx.entryPrice;
      this.best = this.entry;
      this.hit = 0;
    }
    if (ctx.openOrders > 0) return true; // an exit is already on its way
    const c = ctx.close.at(0);
    if (side > 0 ? c > this.best : c < this.best) this.best = c;
    const gain = (side * (c - this.entry)) / this.entry;
    const bestGain = (side * (this.best - this.entry)) / this.entry;
    const p = this.p;
    const trail = p.trailPct! / 100;
    if (p.stopLoss! > 0 && gain <= -p.stopLoss! / 100) return this.all(ctx);
    if (bestGain >= p.trailStart! / 100 && (side > 0 ? c <= this.best * (1 - trail) : c >= this.best * (1 + trail))) {
      return this.all(ctx);
    }
    let qty = 0;
    while (this.hit < this.levels.length && gain >= this.levels[this.hit]!) {
      qty += Math.max(1, Math.floor(this.initial * p.tpFraction!));
      this.hit++;
    }
    if (qty > 0) {
      qty = Math.min(qty, abs);
      if (side > 0) ctx.sell(qty);
      else ctx.buy(qty);
      if (qty === abs) this.side = 0;
      else this.initial = Math.max(this.initial, abs); // keep the original size as the base
      return true;
    }
    return false;
  }

  private all(ctx: StrategyContext): boolean {
    ctx.flatten();
    this.side = 0;
    return true;
  }
}

/**
 * Hold a direction (-1, 0, 1) with one market order: flat closes, the same direction keeps whatever size
 * the engine granted (volatility targeting may have scaled it), the opposite reverses into `qty` lots.
 */
export function goDirection(ctx: StrategyContext, dir: number, qty: number): void {
  const pos = ctx.position;
  const cur = Math.sign(pos);
  if (dir === cur) return;
  if (ctx.openOrders > 0) ctx.cancelAll();
  if (dir === 0) {
    ctx.flatten();
    return;
  }
  if (ctx.halted) {
    if (pos !== 0) ctx.flatten();
    return;
  }
  const q = Math.abs(pos) + qty;
  if (dir > 0) ctx.buy(q);
  else ctx.sell(q);
}
