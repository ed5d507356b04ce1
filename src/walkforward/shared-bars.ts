// Bars in shared memory for the pool: the main thread loads and validates the bar file once; a copy of the
// columns in SharedArrayBuffers reaches each worker thread once (src/walkforward/data-delivery.ts) at the cost of a
// few typed-array handles (structured clone shares a SharedArrayBuffer, it does not copy it). Workers then never
// read or convert the file: no per-worker load at start-up (which ran on every worker at once, next to the main thread's own load) and one
// copy of the data in memory. Nothing writes to bars after loading (the engine and strategies only read).
import type { BarSeries } from '../backtest/api.js';
import { inSharedMemory as shared } from '../util/shared-memory.js';

export function shareBars(b: BarSeries): BarSeries {
  const out: BarSeries = {
    symbol: b.symbol,
    barNs: b.barNs,
    ts: shared(b.ts),
    open: shared(b.open),
    high: shared(b.high),
    low: shared(b.low),
    close: shared(b.close),
    volume: shared(b.volume),
  };
  if (b.mark) out.mark = shared(b.mark);
  if (b.fundingRate) out.fundingRate = shared(b.fundingRate);
  return out;
}
