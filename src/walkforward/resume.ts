// The results directory as the study's journal: study.json pins which study it holds (config hash), and
// tasks.jsonl gets one line per finished task, appended the moment the task finishes. An interrupted
// study (Ctrl-C, a kill, a crash) resumes by skipping every task with a line; a torn last line is ignored (and the
// resumed study's first line starts on a line of its own, so the torn one costs only its own task).
import { appendFileSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync, writevSync } from 'node:fs';
import path from 'node:path';
import type { Metrics, Trade } from '../backtest/api.js';

const EQ_MAGIC = [0x43, 0x54, 0x47, 0x45, 0x51, 0x31, 0, 0]; // "CTGEQ1\0\0"

export interface TaskRecord {
  id: string;
  fold: number;
  phase: 'is' | 'oos';
  paramIndex: number;
  params: Record<string, number>;
  status: 'ok' | 'failed';
  metrics?: Metrics;
  /** out-of-sample tasks: trades (timestamps as decimal strings) and the equity file under oos/ */
  trades?: JsonTrade[];
  equityFile?: string;
  error?: string;
  attempts: number;
  runMs: number;
}

export type JsonTrade = Omit<Trade, 'entryTs' | 'exitTs'> & { entryTs: string; exitTs: string };

export const toJsonTrade = (t: Trade): JsonTrade => ({ ...t, entryTs: t.entryTs.toString(), exitTs: t.exitTs.toString() });
export const fromJsonTrade = (t: JsonTrade): Trade => ({ ...t, entryTs: BigInt(t.entryTs), exitTs: BigInt(t.exitTs) });

export interface StudyStamp {
  name: string;
  hash: string;
  created: string;
}

export class ResultsJournal {
  readonly tasksFile: string;
  readonly oosDir: string;
  /** tasks.jsonl, open for appending from the first append to close(): one write() per task, no open/close */
  private fd: number | null = null;
  private closed = false;
  /** the journal read at open() ends in a torn line (a kill mid-write): the next line starts with a newline */
  private torn = false;

  constructor(readonly dir: string) {
    this.tasksFile = path.join(dir, 'tasks.jsonl');
    this.oosDir = path.join(dir, 'oos');
  }

  /**
   * Open the directory for a study: a new directory is stamped with the hash; an existing one must hold the
   * same study (or `fresh` wipes the journal). Returns the finished tasks to skip.
   */
  open(stamp: StudyStamp, fresh: boolean): Map<string, TaskRecord> {
    mkdirSync(this.dir, { recursive: true });
    const stampFile = path.join(this.dir, 'study.json');
    if (fresh) {
      rmSync(this.tasksFile, { force: true });
      rmSync(this.oosDir, { recursive: true, force: true });
    } else if (existsSync(stampFile)) {
      const old = JSON.parse(readFileSync(stampFile, 'utf8')) as StudyStamp;
      if (old.hash !== stamp.hash) {
        throw new Error(
          `${this.dir} holds results of another study (${old.name}, config hash ${old.hash}; this one is ${stamp.hash}). ` +
            'Use another --out directory, or --fresh to discard those results.',
        );
      }
    }
    if (fresh || !existsSync(stampFile)) writeFileSync(stampFile, JSON.stringify(stamp, null, 2) + '\n');
    mkdirSync(this.oosDir, { recursive: true });
    return this.readDone();
  }

  /** Finished tasks by id. Failed tasks are not "done": a resumed study tries them again. */
  readDone(): Map<string, TaskRecord> {
    const done = new Map<string, TaskRecord>();
    this.torn = false;
    if (!existsSync(this.tasksFile)) return done;
    const text = readFileSync(this.tasksFile, 'utf8');
    this.torn = text.length > 0 && !text.endsWith('\n');
    const lines = text.split('\n');
    for (const line of lines) {
      if (!line.trim()) continue;
      let rec: TaskRecord;
      try {
        rec = JSON.parse(line) as TaskRecord;
      } catch {
        continue; // torn line from a kill mid-write: that task runs again
      }
      if (rec.status !== 'ok') continue;
      if (rec.equityFile && !existsSync(path.join(this.dir, rec.equityFile))) continue;
      done.set(rec.id, rec);
    }
    return done;
  }

  /**
   * One line per task, synchronously: when this returns the record is in the file (the kernel's: it survives a
   * kill of the process, like the open-write-close per line this replaced; neither syncs to the disk).
   */
  append(rec: TaskRecord): void {
    let line = JSON.stringify(rec) + '\n';
    if (this.torn) {
      line = '\n' + line;
      this.torn = false;
    }
    // after close() (a record that finishes while a failed study unwinds): the file is opened for that line alone
    if (this.closed) return appendFileSync(this.tasksFile, line);
    this.fd ??= openSync(this.tasksFile, 'a');
    const bytes = Buffer.from(line);
    for (let done = 0; done < bytes.length; ) done += writeSync(this.fd, bytes, done, bytes.length - done);
  }

  /** Close tasks.jsonl (idempotent). */
  close(): void {
    this.closed = true;
    if (this.fd === null) return;
    const fd = this.fd;
    this.fd = null;
    closeSync(fd);
  }

  /**
   * Out-of-sample equity of one fold, for a resumed study: a 16-byte header (magic "CTGEQ1\0\0", row count as u64)
   * then the ns timestamps (i64) and the equity (f64), little-endian, written with one writev (the main thread does
   * this while the workers run: no encoding, no copy).
   */
  writeEquity(fold: number, ts: BigInt64Array, equity: Float64Array): string {
    const rel = path.join('oos', `fold-${String(fold).padStart(3, '0')}.eq`);
    const file = path.join(this.dir, rel);
    const head = new DataView(new ArrayBuffer(16));
    EQ_MAGIC.forEach((b, k) => head.setUint8(k, b));
    head.setBigUint64(8, BigInt(ts.length), true);
    const fd = openSync(file + '.tmp', 'w');
    try {
      const parts = [new Uint8Array(head.buffer), new Uint8Array(ts.buffer, ts.byteOffset, ts.byteLength), new Uint8Array(equity.buffer, equity.byteOffset, equity.byteLength)];
      const total = 16 + ts.byteLength + equity.byteLength;
      let done = writevSync(fd, parts);
      if (done < total) {
        const all = Buffer.concat(parts);
        while (done < total) done += writeSync(fd, all, done, total - done);
      }
    } finally {
      closeSync(fd);
    }
    renameSync(file + '.tmp', file); // the line in tasks.jsonl is written after: it never points at a half file
    return rel;
  }

  async readEquity(rel: string): Promise<{ ts: BigInt64Array; equity: Float64Array }> {
    const bytes = readFileSync(path.join(this.dir, rel));
    if (rel.endsWith('.eq')) {
      const n = bytes.length >= 16 && EQ_MAGIC.every((b, k) => bytes[k] === b) ? Number(bytes.readBigUInt64LE(8)) : -1;
      if (n < 0 || bytes.length !== 16 + 16 * n) throw new Error(`${path.join(this.dir, rel)}: not an equity file of this version`);
      const copy = new Uint8Array(bytes.subarray(16)); // aligned
      return { ts: new BigInt64Array(copy.buffer, 0, n), equity: new Float64Array(copy.buffer, 8 * n, n) };
    }
    // journals of earlier versions: Arrow IPC files (fold-NNN.arrow). The Arrow library loads only for them: it is
    // ~150 ms of the main thread's start-up, before the data can load (the results writer loads it later anyway,
    // while the workers run).
    const arrow = await import('apache-arrow');
    const table = arrow.tableFromIPC(bytes);
    const tsV = table.getChild('ts')!;
    const eqV = table.getChild('equity')!;
    const ts = new BigInt64Array(table.numRows);
    const equity = new Float64Array(table.numRows);
    let o = 0;
    for (const d of tsV.data) {
      ts.set(d.values as BigInt64Array, o);
      o += d.length;
    }
    o = 0;
    for (const d of eqV.data) {
      equity.set(d.values as Float64Array, o);
      o += d.length;
    }
    return { ts, equity };
  }
}
