import { describe, expect, it } from 'vitest';
import { makeFolds, type FoldSpec } from '../../src/walkforward/folds.js';
import { parseDuration, formatDuration } from '../../src/walkforward/duration.js';

const D = 86_400_000_000_000n;
const spec = (s: Partial<FoldSpec>): FoldSpec => ({ mode: 'rolling', train: 10n * D, test: 5n * D, step: 5n * D, partial: false, ...s });
const days = (f: { trainStart: bigint; trainEnd: bigint; testStart: bigint; testEnd: bigint }) =>
  [f.trainStart, f.trainEnd, f.testStart, f.testEnd].map((v) => Number(v / D));

describe('folds', () => {
  it('rolling: fixed train length sliding by step, test right after train', () => {
    const f = makeFolds(0n, 30n * D, spec({}));
    expect(f.map(days)).toEqual([
      [0, 10, 10, 15],
      [5, 15, 15, 20],
      [10, 20, 20, 25],
      [15, 25, 25, 30],
    ]);
  });

  it('anchored: train always starts at the data start and grows', () => {
    const f = makeFolds(0n, 30n * D, spec({ mode: 'anchored' }));
    expect(f.map(days)).toEqual([
      [0, 10, 10, 15],
      [0, 15, 15, 20],
      [0, 20, 20, 25],
      [0, 25, 25, 30],
    ]);
  });

  it('drops a cut-short last test window unless partial is set', () => {
    expect(makeFolds(0n, 28n * D, spec({})).map(days).at(-1)).toEqual([10, 20, 20, 25]);
    expect(makeFolds(0n, 28n * D, spec({ partial: true })).map(days).at(-1)).toEqual([15, 25, 25, 28]);
  });

  it('step larger than test leaves gaps but never overlaps', () => {
    const f = makeFolds(0n, 40n * D, spec({ step: 7n * D }));
    for (let i = 1; i < f.length; i++) expect(f[i]!.testStart >= f[i - 1]!.testEnd).toBe(true);
    expect(f.map((x) => Number(x.testStart / D))).toEqual([10, 17, 24, 31]);
  });

  it('exactly one fold when the data is train + test long', () => {
    expect(makeFolds(0n, 15n * D, spec({})).map(days)).toEqual([[0, 10, 10, 15]]);
    expect(makeFolds(0n, 15n * D, spec({ mode: 'anchored' })).length).toBe(1);
  });

  it('errors with the numbers when nothing fits, when windows overlap, or the range is empty', () => {
    expect(() => makeFolds(0n, 14n * D, spec({}))).toThrow(/no fold fits.*partial/);
    expect(makeFolds(0n, 14n * D, spec({ partial: true })).map(days)).toEqual([[0, 10, 10, 14]]);
    expect(() => makeFolds(0n, 10n * D, spec({ partial: true }))).toThrow(/no fold fits/);
    expect(() => makeFolds(0n, 30n * D, spec({ step: 4n * D }))).toThrow(/overlap/);
    expect(() => makeFolds(5n, 5n, spec({}))).toThrow(/empty/);
    expect(() => makeFolds(0n, 30n * D, spec({ train: 0n }))).toThrow(/positive/);
  });

  it('windows are exact nanoseconds from an arbitrary start', () => {
    const start = 1_704_931_200_123_456_789n;
    const f = makeFolds(start, start + 20n * D, spec({}));
    expect(f[0]!.trainStart).toBe(start);
    expect(f[1]!.testEnd).toBe(start + 20n * D);
  });

  it('durations parse and print exactly', () => {
    expect(parseDuration('30d')).toBe(30n * D);
    expect(parseDuration('90m')).toBe(5_400_000_000_000n);
    expect(parseDuration('2w')).toBe(14n * D);
    expect(formatDuration(36n * 3_600_000_000_000n)).toBe('36h');
    expect(() => parseDuration('1.5d')).toThrow(/not a duration/);
    expect(() => parseDuration('0d')).toThrow(/not a duration/);
  });
});
