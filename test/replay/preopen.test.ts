// Pre-open detection: the daily window on the exchange clock, and status records (a real Databento status file)
// deciding per instrument whether a crossed book is expected.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PreopenSchedule, loadStatusChanges, statusIsPreopen, StatusAction } from '../../src/replay/preopen.js';
import { MboReplayer } from '../../src/replay/replayer.js';
import { parseInstant, parseInterval, parsePriceUnits } from '../../src/replay/times.js';
import { mbo, TICK } from './mbo-fixture.js';

const STATUS = fileURLToPath(new URL('../../../shared/data/databento/format/test_data.status.v3.dbn.zst', import.meta.url));
const ns = (iso: string) => parseInstant(iso);

describe('daily pre-open window', () => {
  const s = new PreopenSchedule({ open: '23:00', preopenMinutes: 60 });
  it('covers [22:00, 23:00) UTC every day', () => {
    expect(s.at(ns('2023-12-25T21:59:59.999999999Z'))).toBe(false);
    expect(s.at(ns('2023-12-25T22:00:00Z'))).toBe(true);
    expect(s.at(ns('2023-12-25T22:59:59.999999999Z'))).toBe(true);
    expect(s.at(ns('2023-12-25T23:00:00Z'))).toBe(false);
    expect(s.at(ns('2023-12-26T22:30:00Z'))).toBe(true);
  });
  it('names the next boundary', () => {
    expect(s.nextChange(ns('2023-12-25T12:00:00Z'))).toBe(ns('2023-12-25T22:00:00Z'));
    expect(s.nextChange(ns('2023-12-25T22:00:00Z'))).toBe(ns('2023-12-25T23:00:00Z'));
    expect(s.nextChange(ns('2023-12-25T23:30:00Z'))).toBe(ns('2023-12-26T22:00:00Z'));
  });
  it('rejects bad times with a clear message', () => {
    expect(() => new PreopenSchedule({ open: '25:00' })).toThrow(/--open: found "25:00"/);
    expect(() => parseInterval('1x')).toThrow(/--every: found "1x"/);
    expect(parseInterval('250ms')).toBe(250_000_000n);
    expect(parsePriceUnits('0.25')).toBe(250_000_000n);
    expect(ns('2023-12-25T23:00:00.000000001Z')).toBe(1703545200_000_000_001n);
  });
});

describe('status records', () => {
  it('classifies Databento status actions', () => {
    expect(statusIsPreopen(StatusAction.PreOpen)).toBe(true);
    expect(statusIsPreopen(StatusAction.NewPriceIndication)).toBe(true);
    expect(statusIsPreopen(StatusAction.Trading)).toBe(false);
    expect(statusIsPreopen(StatusAction.None)).toBeUndefined();
  });

  it.skipIf(!existsSync(STATUS))('a real status file decides: crossed while trading counts, crossed in pre-open does not', async () => {
    const changes = await loadStatusChanges(STATUS);
    // Trading at 1609110000, PreOpen at 1609190100 (then PreOpen, NewPriceIndication)
    expect(changes.map((c) => [c.ts, c.instrumentId, c.preopen])).toEqual([
      [1609110000_000_000_000n, 5482, false],
      [1609190100_000_000_000n, 5482, true],
      [1609190970_000_000_000n, 5482, true],
      [1609191000_000_000_000n, 5482, true],
    ]);
    const r = new MboReplayer({ tick: TICK, preopen: { status: changes } });
    const t = (s: number) => BigInt(s) * 1_000_000_000n;
    r.feedBatch(mbo([
      { ts: t(1609100000), action: 'A', side: 'A', id: 1n, price: 100n, size: 1, instrument: 5482 }, // before any status
      { ts: t(1609120000), action: 'A', side: 'B', id: 2n, price: 100n, size: 1, instrument: 5482 }, // trading: crossed!
      { ts: t(1609120001), action: 'C', side: 'B', id: 2n, price: 100n, size: 1, instrument: 5482 },
      { ts: t(1609190200), action: 'A', side: 'B', id: 3n, price: 101n, size: 1, instrument: 5482 }, // pre-open: crossed, fine
      { ts: t(1609191500), action: 'A', side: 'B', id: 4n, price: 102n, size: 1, instrument: 5482 },
    ]));
    const s = r.kernel.stats(5482)!;
    expect(s.crossedOutside).toBe(1n);
    expect(s.firstCrossedOutsideTs).toBe(t(1609120000));
    expect(s.crossedPreopen).toBe(2n);
  });
});
