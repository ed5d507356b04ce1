// Progress on stderr. On a terminal: a cli-progress bar with rate and ETA, redrawn in place. Elsewhere
// (CI logs, pipes): no escape codes, one plain line at most every `intervalMs` and at the end.
import cliProgress from 'cli-progress';

export interface Progress {
  update(done: number, note?: string): void;
  stop(): void;
}

export interface ProgressOptions {
  label: string;
  total: number;
  /** force plain periodic lines (tests) or the bar; default: bar when stderr is a TTY */
  mode?: 'bar' | 'lines' | 'silent';
  intervalMs?: number;
  /** items already complete when progress starts (resumed tasks): the ETA counts only the rest */
  base?: number;
  stream?: NodeJS.WritableStream & { isTTY?: boolean };
}

export function formatEta(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--:--';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  return h ? `${h}:${String(m).padStart(2, '0')}:${String(r).padStart(2, '0')}` : `${m}:${String(r).padStart(2, '0')}`;
}

export function createProgress(o: ProgressOptions): Progress {
  const stream = o.stream ?? process.stderr;
  const mode = o.mode ?? ((stream as { isTTY?: boolean }).isTTY ? 'bar' : 'lines');
  const t0 = Date.now();
  if (mode === 'silent') return { update() {}, stop() {} };
  if (mode === 'bar') {
    const bar = new cliProgress.SingleBar(
      {
        stream: stream as NodeJS.WritableStream,
        format: `${o.label} [{bar}] {value}/{total} {percentage}% | ETA {eta_formatted} | {note}`,
        hideCursor: true,
        etaBuffer: 50,
        fps: 10,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(o.total, o.base ?? 0, { note: '' });
    return {
      update: (done, note) => bar.update(done, { note: note ?? '' }),
      stop: () => bar.stop(),
    };
  }
  const interval = o.intervalMs ?? 5000;
  let lastLine = 0;
  let lastDone = 0;
  const line = (done: number, note?: string) => {
    const elapsed = (Date.now() - t0) / 1000;
    const base = o.base ?? 0;
    const eta = done > base ? (elapsed / (done - base)) * (o.total - done) : done >= o.total ? 0 : NaN;
    stream.write(`${o.label}: ${done}/${o.total} (${Math.floor((100 * done) / Math.max(1, o.total))}%) elapsed ${formatEta(elapsed)} ETA ${formatEta(eta)}${note ? ' ' + note : ''}\n`);
  };
  return {
    update(done, note) {
      lastDone = done;
      const now = Date.now();
      if (now - lastLine >= interval) {
        lastLine = now;
        line(done, note);
      }
    },
    stop() {
      line(lastDone);
    },
  };
}
