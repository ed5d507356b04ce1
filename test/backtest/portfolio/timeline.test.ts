// Anchor 5: the union timeline. Instruments with gaps keep showing their latest closed bar, their orders wait for
// their next bar, and nothing a strategy reads at a step belongs to a bar opening after that step.
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../src/backtest/config-resolve.js';
import { runPortfolioBacktest } from '../../../src/backtest/portfolio/index.js';
import type { BarSeries } from '../../../src/backtest/api.js';
import { computeCalendar } from '../../../src/backtest/calendar.js';
import { unionCalendar } from '../../../src/backtest/portfolio/engine.js';
import { buildTimeline, latestIndex, unionOf } from '../../../src/backtest/portfolio/timeline.js';
import { resolveProduct } from '../../../src/backtest/product.js';
import { bars, config, MIN, NO_RISK, product } from '../helpers.js';
import { newPfLog, pfScript } from './helpers.js';

const ES = product('es');
const NQ = product('nq');

describe('unionOf / latestIndex', () => {
  it('merges, sorts and de-duplicates; latest bar at or before each step', () => {
    const a = BigInt64Array.from([1n, 3n, 5n, 7n]);
    const b = BigInt64Array.from([0n, 3n, 4n, 9n]);
    const u = unionOf([a, b]);
    expect([...u]).toEqual([0n, 1n, 3n, 4n, 5n, 7n, 9n]);
    expect([...latestIndex(a, u)]).toEqual([-1, 0, 1, 1, 2, 3, 3]);
    expect([...latestIndex(b, u)]).toEqual([0, 0, 1, 2, 2, 2, 3]);
  });

  it('the merge equals sort-and-deduplicate of the concatenation, on random series (1 to 5, some empty)', () => {
    let seed = 7;
    const rnd = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % n);
    for (let trial = 0; trial < 300; trial++) {
      const series = Array.from({ length: 1 + rnd(5) }, () => {
        const out: bigint[] = [];
        let t = BigInt(rnd(5)) - 2n; // negative times too
        for (let n = rnd(40); n > 0; n--) out.push((t += 1n + BigInt(rnd(3))));
        return BigInt64Array.from(out);
      });
      const want = [...new Set(series.flatMap((x) => [...x]))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      const got = unionOf(series);
      expect([...got]).toEqual(want);
      if (series.length === 1) expect(got).not.toBe(series[0]); // a copy: the caller may not own the input
    }
  });
});

describe('gaps: no look-ahead, orders wait for the instrument’s next bar', () => {
  // ES: a bar every minute, close = 1000 + step. NQ: bars at steps 0, 1, 5, 6, 7, 9 only, close = 5000 + step
  const steps = 10;
  const nqSteps = [0, 1, 5, 6, 7, 9];
  const es = bars(Array.from({ length: steps }, (_, s) => [1000 + s, 1000 + s + 5, 1000 + s - 5, 1000 + s]), '2024-03-05T15:00:00Z', 60e9, 'ESH4');
  const nqAll = bars(Array.from({ length: steps }, (_, s) => [5000 + s, 5000 + s + 5, 5000 + s - 5, 5000 + s]), '2024-03-05T15:00:00Z', 60e9, 'NQH4');
  const pick = <T extends Float64Array | BigInt64Array>(a: T): T => (a instanceof BigInt64Array ? BigInt64Array.from(nqSteps, (s) => a[s]!) : Float64Array.from(nqSteps, (s) => (a as Float64Array)[s]!)) as T;
  const nq = { ...nqAll, ts: pick(nqAll.ts), open: pick(nqAll.open), high: pick(nqAll.high), low: pick(nqAll.low), close: pick(nqAll.close), volume: pick(nqAll.volume) };

  it('each step shows every instrument’s latest bar opening at or before it, never a later one', () => {
    const seen: { step: number; ts: bigint; es: [boolean, number, bigint]; nq: [boolean, number, bigint] }[] = [];
    const log = newPfLog();
    const mod = pfScript(
      {
        // NQ has no bar at steps 2-4: a market order placed after step 2 fills at NQ's next bar (step 5) open
        2: (c) => c.instrument('NQ').buy(1),
        // a buy limit below every later low never fills; a stop placed at 7 fills at step 9 (NQ has no bar at 8)
        7: (c) => (c.instrument('NQ').buy(1, { type: 'limit', price: 1 }), c.instrument('NQ').sell(1, { type: 'stop', price: 5009 })),
      },
      log,
    );
    const inner = mod.create({});
    const watching = {
      ...mod,
      create: () => ({
        ...inner,
        onBar(ctx: Parameters<typeof inner.onBar>[0]) {
          const e = ctx.instrument('ES'),
            n = ctx.instrument('NQ');
          seen.push({ step: ctx.step, ts: ctx.ts, es: [e.updated, e.close.at(0), e.tsNs(0)], nq: [n.updated, n.close.at(0), n.tsNs(0)] });
          expect(() => n.close.at(-1)).toThrow(/future/);
          inner.onBar(ctx);
        },
      }),
    };
    runPortfolioBacktest({
      config: resolveConfig(config(ES, { risk: NO_RISK, execution: { closeAtEnd: false } })),
      instruments: [
        { name: 'ES', bars: es, product: ES },
        { name: 'NQ', bars: nq, product: NQ },
      ],
      strategy: watching,
    });
    expect(seen.length).toBe(steps);
    for (const v of seen) {
      const t0 = es.ts[0]!;
      expect(v.ts).toBe(t0 + BigInt(v.step) * MIN);
      expect(v.es).toEqual([true, 1000 + v.step, v.ts]);
      const last = Math.max(...nqSteps.filter((s) => s <= v.step)); // NQ's latest bar at or before this step
      expect(v.nq).toEqual([nqSteps.includes(v.step), 5000 + last, t0 + BigInt(last) * MIN]);
    }
    const fills = log.fills.map((f) => [f.instrument, f.side, f.price, f.bar]);
    expect(fills).toEqual([
      ['NQ', 1, 5005, 2], // NQ bar 2 opens at step 5: open 5005
      ['NQ', -1, 5009, 5], // stop 5009, NQ bar 5 (step 9) opens at 5009
    ]);
    // positions as seen after each step: NQ long from step 5, flat again at step 9
    expect(log.positions.map((p) => p.NQ)).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 1, 0]);
  });
});

describe('unionCalendar (the trading day and week at every union step)', () => {
  // the engine copies the first instrument's own calendar at its bars and computes only the other steps: it must
  // equal the calendar computed over the whole union timeline — across the 2024 US DST change (Sunday 10 March) and
  // the evening open of CME's session, with gaps in either series
  it('equals computeCalendar over the union timeline, on random gapped series', () => {
    const es = resolveProduct(ES);
    let seed = 11;
    const rnd = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % n);
    const t0 = BigInt(Date.parse('2024-03-07T20:00:00Z')) * 1_000_000n;
    for (let trial = 0; trial < 20; trial++) {
      const series = [0, 1].map((k) => {
        const times: bigint[] = [];
        for (let m = rnd(30); m < 7 * 1440; m += 1 + rnd(k === 0 ? 40 : 8)) times.push(t0 + BigInt(m) * MIN);
        const b = bars(times.map(() => [100, 101, 99, 100]));
        b.ts.set(times);
        return b;
      });
      const tl = buildTimeline(series.map((b, k) => ({ name: `I${k}`, bars: b, product: es })));
      const got = unionCalendar(tl, computeCalendar(series[0]!, es), es);
      const union: BarSeries = { ...series[0]!, ts: tl.ts, open: new Float64Array(0), high: new Float64Array(0), low: new Float64Array(0), close: new Float64Array(0), volume: new Float64Array(0) };
      const want = computeCalendar(union, es);
      expect([...got.day]).toEqual([...want.day]);
      expect([...got.week]).toEqual([...want.week]);
      expect(got.periodsPerYear).toBe(want.periodsPerYear);
      expect(new Set(want.day).size).toBeGreaterThan(5); // the week's trading days, DST change included
    }
  });
});
