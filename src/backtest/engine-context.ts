// What the L2 engine (engine.ts) and the L3 engine (l3-engine.ts) show a strategy in the same way: the account
// and risk state behind StrategyContext, order entry through each engine's own `place`, and the order checks.
// Each engine keeps what differs: the data (bar series or the replayed book), the clock (tsNs), how orders rest
// and are cancelled, and — at L3 — the position as reported to the strategy rather than the exchange's.
import type { Account, Position } from './account.js';
import type { ProductSpec } from './product.js';
import type { RiskGuard } from './risk.js';
import type { OrderOptions } from './strategy.js';

export abstract class EngineContext {
  /** index of the bar that just closed (L3: of the book update being delivered) */
  bar = -1;
  readonly product: ProductSpec;
  readonly params: Readonly<Record<string, number>>;

  protected abstract readonly account: Account;
  protected abstract readonly pos: Position;
  protected abstract readonly risk: RiskGuard;
  /** equity at the last mark (money micro-units) */
  protected equityNow = 0;

  constructor(product: ProductSpec, params: Record<string, number>) {
    this.product = product;
    this.params = Object.freeze({ ...params });
  }

  /** signed lots */
  get position(): number {
    return this.pos.qty;
  }
  get entryPrice(): number {
    return this.pos.entryPrice();
  }
  get equity(): number {
    return this.equityNow;
  }
  get cash(): number {
    return this.account.cash;
  }
  get halted(): boolean {
    return this.risk.halted;
  }
  get volScale(): number {
    return this.risk.volScale;
  }

  buy(qty: number, opts?: OrderOptions): number {
    return this.place(1, qty, opts);
  }
  sell(qty: number, opts?: OrderOptions): number {
    return this.place(-1, qty, opts);
  }
  abstract cancelAll(): void;
  /** market order closing the whole position (as the strategy knows it), after cancelling the others; 0 when flat */
  flatten(): number {
    this.cancelAll();
    const q = this.position;
    if (q === 0) return 0;
    return this.place(q > 0 ? -1 : 1, Math.abs(q));
  }

  /** a new order of `qty` lots on `side`; its id, or 0 when none was placed */
  protected abstract place(side: 1 | -1, qty: number, opts?: OrderOptions): number;
}

export function checkQty(q: number): void {
  if (!Number.isInteger(q) || q <= 0) throw new RangeError(`order quantity must be a positive whole number of lots, got ${q}`);
}

export function checkPrice(p: number): void {
  if (!Number.isInteger(p)) throw new RangeError(`order price must be a whole number of ticks, got ${p}`);
}
