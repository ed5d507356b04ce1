// The results journal (src/walkforward/resume.ts): one line per finished task, in the file when append returns (no
// buffering in the process: a kill loses nothing appended), a torn last line costing only its own task.
import { appendFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as arrow from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';
import { ResultsJournal, type TaskRecord } from '../../src/walkforward/resume.js';
import { tmpDir } from './helpers.js';

const work = tmpDir('contango-journal-');
afterAll(() => rmSync(work, { recursive: true, force: true }));
const stamp = { name: 'j', hash: 'h1', created: '2024-01-01T00:00:00.000Z' };
const rec = (p: number): TaskRecord => ({ id: `is:f0:p${p}`, fold: 0, phase: 'is', paramIndex: p, params: { a: p }, status: 'ok', metrics: { sharpe: p / 3 } as TaskRecord['metrics'], attempts: 1, runMs: 1 });
const lines = (j: ResultsJournal) => readFileSync(j.tasksFile, 'utf8').split('\n').filter(Boolean);

describe('results journal', () => {
  it('a record is in the file when append returns; close, then a late record, then resume', () => {
    const dir = path.join(work, 'a');
    const j = new ResultsJournal(dir);
    expect(j.open(stamp, true).size).toBe(0);
    j.append(rec(0));
    expect(lines(j)).toEqual([JSON.stringify(rec(0))]); // read by another handle while the journal's stays open
    j.append(rec(1));
    j.close();
    j.close(); // idempotent
    j.append(rec(2)); // finished while a failed study unwinds: still journaled
    expect(lines(j).map((l) => JSON.parse(l).id)).toEqual(['is:f0:p0', 'is:f0:p1', 'is:f0:p2']);
    const again = new ResultsJournal(dir);
    expect([...again.open(stamp, false).keys()]).toEqual(['is:f0:p0', 'is:f0:p1', 'is:f0:p2']);
    again.close();
  });

  it('after a torn last line (a kill mid-write) the next record starts a line of its own', () => {
    const dir = path.join(work, 'b');
    const j = new ResultsJournal(dir);
    j.open(stamp, true);
    j.append(rec(0));
    j.close();
    appendFileSync(j.tasksFile, '{"id":"is:f0:p1","fo');
    const k = new ResultsJournal(dir);
    expect([...k.open(stamp, false).keys()]).toEqual(['is:f0:p0']);
    k.append(rec(1));
    k.append(rec(2));
    k.close();
    expect([...new ResultsJournal(dir).readDone().keys()]).toEqual(['is:f0:p0', 'is:f0:p1', 'is:f0:p2']);
    expect(lines(k)).toHaveLength(4); // the torn line stays, alone
  });

  it('reads back out-of-sample equity: the raw file of this version and the Arrow IPC file of earlier ones', async () => {
    const dir = path.join(work, 'c');
    const j = new ResultsJournal(dir);
    j.open(stamp, true);
    const ts = BigInt64Array.from([1n, 2n, 3n, 1_700_000_000_000_000_000n]);
    const equity = Float64Array.from([1e11, 1.5e11, 0.1, -2.5]);
    const raw = await j.readEquity(j.writeEquity(3, ts, equity));
    expect([Array.from(raw.ts), Array.from(raw.equity)]).toEqual([Array.from(ts), Array.from(equity)]);
    const legacy = path.join('oos', 'fold-004.arrow');
    writeFileSync(path.join(dir, legacy), arrow.tableToIPC(arrow.tableFromArrays({ ts, equity }), 'file'));
    const old = await j.readEquity(legacy);
    expect([Array.from(old.ts), Array.from(old.equity)]).toEqual([Array.from(ts), Array.from(equity)]);
    j.close();
  });
});
