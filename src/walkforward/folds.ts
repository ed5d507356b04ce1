// Walk-forward folds: in-sample (train) and out-of-sample (test) windows over the data's range.
//
//   rolling : train window of fixed length slides forward by `step`
//   anchored: train window always starts at the data's start and grows by `step`
//
// Every test window starts where its train window ends. Test windows must not overlap (step >= test),
// otherwise the stitched out-of-sample equity would count the same bars twice.

export type FoldMode = 'anchored' | 'rolling';

export interface FoldSpec {
  mode: FoldMode;
  train: bigint; // ns
  test: bigint; // ns
  step: bigint; // ns
  /** keep a last fold whose test window is cut short by the end of the data */
  partial: boolean;
}

export interface Fold {
  index: number;
  trainStart: bigint;
  trainEnd: bigint; // exclusive; = testStart
  testStart: bigint;
  testEnd: bigint; // exclusive
}

/**
 * Folds over [start, end). Throws with the numbers when the windows are inconsistent or no fold fits,
 * rather than returning an empty study.
 */
export function makeFolds(start: bigint, end: bigint, spec: FoldSpec): Fold[] {
  const { mode, train, test, step } = spec;
  if (train <= 0n || test <= 0n || step <= 0n) {
    throw new Error(`folds: train, test and step must be positive (got train=${train}ns test=${test}ns step=${step}ns)`);
  }
  if (step < test) {
    throw new Error(
      `folds.step (${step}ns) is shorter than folds.test (${test}ns): out-of-sample windows would overlap; use step >= test`,
    );
  }
  if (end <= start) throw new Error(`folds: the data range is empty (start=${start} end=${end})`);
  const folds: Fold[] = [];
  for (let k = 0n; ; k++) {
    const trainStart = mode === 'rolling' ? start + k * step : start;
    const trainEnd = mode === 'rolling' ? trainStart + train : start + train + k * step;
    const testStart = trainEnd;
    if (testStart >= end) break;
    let testEnd = testStart + test;
    if (testEnd > end) {
      if (!spec.partial) break;
      testEnd = end;
    }
    folds.push({ index: folds.length, trainStart, trainEnd, testStart, testEnd });
  }
  if (folds.length === 0) {
    throw new Error(
      `folds: no fold fits the data: it spans ${end - start}ns but train + test needs ${train + test}ns` +
        (spec.partial ? '' : ' (set folds.partial: true to keep a shortened last test window)'),
    );
  }
  return folds;
}
