import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createProgress, formatEta } from '../../src/util/progress.js';

function sink() {
  const lines: string[] = [];
  const stream = new Writable({ write(chunk, _enc, cb) { lines.push(String(chunk)); cb(); } }) as Writable & { isTTY?: boolean };
  return { stream, lines };
}

describe('progress', () => {
  it('formats an ETA', () => {
    expect(formatEta(0)).toBe('0:00');
    expect(formatEta(75)).toBe('1:15');
    expect(formatEta(3725)).toBe('1:02:05');
    expect(formatEta(NaN)).toBe('--:--');
  });

  it('off a terminal: plain periodic lines, no escape codes, a last line at stop', () => {
    const { stream, lines } = sink();
    const p = createProgress({ label: 'study', total: 10, stream, intervalMs: 60_000 });
    for (let i = 1; i <= 10; i++) p.update(i);
    p.stop();
    expect(lines).toHaveLength(2); // the first update, then the final line (the interval suppresses the rest)
    expect(lines[1]).toMatch(/^study: 10\/10 \(100%\) elapsed \d+:\d\d ETA \d+:\d\d\n$/);
    expect(lines.join('')).not.toMatch(/\x1b\[/);
  });

  it('silent mode writes nothing', () => {
    const { stream, lines } = sink();
    const p = createProgress({ label: 's', total: 3, stream, mode: 'silent' });
    p.update(3);
    p.stop();
    expect(lines).toEqual([]);
  });
});
