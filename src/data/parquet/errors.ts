// Errors for bad input files: always the file, the row (0-based, counted from the start of the file)
// and the column, and what was expected, so the user can find the record with any other tool.

export class DataFormatError extends Error {
  constructor(
    readonly file: string,
    readonly row: number | undefined,
    readonly column: string | undefined,
    readonly problem: string,
  ) {
    const where = [row !== undefined ? `row ${row}` : undefined, column !== undefined ? `column '${column}'` : undefined]
      .filter(Boolean)
      .join(', ');
    super(`${file}${where ? `: ${where}` : ''}: ${problem}`);
    this.name = 'DataFormatError';
  }
}

/** One skipped row in tolerant mode. */
export interface SkippedRow {
  row: number;
  column: string;
  problem: string;
}

/**
 * Tolerant-mode bookkeeping: counts every skipped row, keeps the first `keep` in detail so a
 * report stays readable on a file with millions of bad rows.
 */
export class SkipLog {
  count = 0;
  readonly rows: SkippedRow[] = [];
  constructor(readonly keep = 1000) {}
  add(row: number, column: string, problem: string): void {
    this.count++;
    if (this.rows.length < this.keep) this.rows.push({ row, column, problem });
  }
  summary(file: string): string {
    if (this.count === 0) return `${file}: no rows skipped`;
    const shown = this.rows.slice(0, 10).map((r) => `row ${r.row} (${r.column}: ${r.problem})`);
    return `${file}: skipped ${this.count} bad row(s): ${shown.join('; ')}${this.count > shown.length ? '; ...' : ''}`;
  }
}
