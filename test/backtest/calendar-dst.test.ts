// The trading calendar looks a clock change up once per UTC day (offsetChangeMs) instead of once per bar on that
// day: for every minute of every clock-change day 2019–2026 in zones with whole-hour, 30-minute and 45-minute
// offsets, both hemispheres, and a zone that dropped DST, the offset it implies equals the per-instant lookup.
import { describe, expect, it } from 'vitest';
import { localToNs, offsetAt, offsetChangeMs, utcOffsetMinutes } from '../../src/backtest/calendar.js';

const DAY = 86_400_000;
const ZONES = ['America/Chicago', 'America/New_York', 'Europe/London', 'Europe/Berlin', 'Australia/Sydney', 'Australia/Lord_Howe', 'Pacific/Chatham', 'America/Sao_Paulo', 'Asia/Tehran'];

describe('clock changes found once per day', () => {
  for (const tz of ZONES) {
    it(tz, () => {
      let days = 0;
      for (let d = Date.UTC(2019, 0, 1); d < Date.UTC(2027, 0, 1); d += DAY) {
        const a = utcOffsetMinutes(tz, d);
        const b = utcOffsetMinutes(tz, d + DAY - 1);
        if (a === b) continue;
        days++;
        const sw = offsetChangeMs(tz, d, b);
        for (let ms = d; ms < d + DAY; ms += 60_000) expect(ms >= sw ? b : a, `${tz} ${new Date(ms).toISOString()}`).toBe(utcOffsetMinutes(tz, ms));
        // and on the seconds around the change
        for (let ms = sw - 5_000; ms <= sw + 5_000; ms += 1_000) expect(ms >= sw ? b : a).toBe(utcOffsetMinutes(tz, ms));
      }
      // two changes a year while the zone observed DST (Sao Paulo until 2019, Tehran until 2022)
      expect(days).toBeGreaterThanOrEqual(tz === 'America/Sao_Paulo' ? 1 : 4);
    });
  }
});

// offsetAt (the calendar's and the settlement window's offset, cached per UTC day) and localToNs (local wall time →
// UTC, shared by the bar and the L3 settlement) against Intl.DateTimeFormat directly, minute by minute across every
// clock-change day 2019–2026, in zones whose changes are not whole UTC hours: Lord Howe moves 30 minutes (at 15:30
// UTC going forward), St. John's changes at 05:30 UTC, Tehran (DST until 2022) at 19:30/20:30 UTC. Chicago: the
// products' zone. A per-UTC-hour offset cache (the code before) is wrong for half an hour on each such day.
const oracleFormats = new Map<string, Intl.DateTimeFormat>();
/** local wall time at instant ms, as ms since 1970 read as if UTC, straight from Intl (whole minutes here) */
function wallMs(tz: string, ms: number): number {
  let f = oracleFormats.get(tz);
  if (!f) oracleFormats.set(tz, (f = new Intl.DateTimeFormat('en-GB', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })));
  const p = Object.fromEntries(f.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  return Date.UTC(+p.year!, +p.month! - 1, +p.day!, +p.hour!, +p.minute!, +p.second!);
}
const MIN = 60_000;

describe('offsetAt and localToNs against Intl across non-hour clock changes', () => {
  for (const tz of ['Australia/Lord_Howe', 'America/St_Johns', 'Asia/Tehran', 'America/Chicago']) {
    const changeDays: number[] = []; // UTC days whose first and last minute have different offsets (oracle)
    for (let d = Date.UTC(2019, 0, 1); d < Date.UTC(2027, 0, 1); d += DAY) if (wallMs(tz, d) - d !== wallMs(tz, d + DAY - MIN) - (d + DAY - MIN)) changeDays.push(d);

    it(`${tz}: offsetAt every minute of each change day`, () => {
      const bad: string[] = [];
      let offHour = 0; // changes not on a whole UTC hour: what the test is for
      for (const d of changeDays) {
        for (let ms = d; ms < d + DAY; ms += MIN) {
          const want = (wallMs(tz, ms) - ms) / MIN;
          if (offsetAt(tz, ms) !== want) bad.push(`${new Date(ms).toISOString()}: ${offsetAt(tz, ms)} != ${want}`);
          if (ms > d && want !== (wallMs(tz, ms - MIN) - (ms - MIN)) / MIN && ms % 3_600_000 !== 0) offHour++;
        }
      }
      expect(bad.slice(0, 5)).toEqual([]);
      expect(changeDays.length).toBeGreaterThanOrEqual(tz === 'Asia/Tehran' ? 6 : 16);
      if (tz !== 'America/Chicago') expect(offHour).toBeGreaterThan(0);
    });

    it(`${tz}: localToNs every local minute of each change day`, () => {
      const bad: string[] = [];
      let repeated = 0,
        skipped = 0;
      for (const d of changeDays) {
        // every instant 2 days either side, by its wall minute: the instants the clock shows each local minute
        const shown = new Map<number, number[]>();
        for (let ms = d - 2 * DAY; ms < d + 3 * DAY; ms += MIN) {
          const w = wallMs(tz, ms);
          shown.get(w)?.push(ms) ?? shown.set(w, [ms]);
        }
        const before = (wallMs(tz, d - DAY) - (d - DAY)) / MIN;
        const localDates = new Set([Math.floor(wallMs(tz, d) / DAY), Math.floor(wallMs(tz, d + DAY - MIN) / DAY)]);
        for (const date of localDates) {
          for (let s = 0; s < 86_400; s += 60) {
            const w = date * DAY + s * 1000;
            const got = Number(localToNs(tz, date, s) / 1_000_000n);
            const at = shown.get(w);
            let want: number;
            if (at) {
              want = Math.min(...at); // shown twice: the earlier
              if (at.length > 1) repeated++;
            } else {
              want = w - before * MIN; // skipped: read with the offset from before the change
              skipped++;
              if (wallMs(tz, want) <= w) bad.push(`skipped ${new Date(w).toISOString()} lands at ${new Date(wallMs(tz, want)).toISOString()} (not after)`);
            }
            if (got !== want) bad.push(`${new Date(w).toISOString().slice(0, 16)} local: ${new Date(got).toISOString()} != ${new Date(want).toISOString()}`);
          }
        }
      }
      expect(bad.slice(0, 5)).toEqual([]);
      expect(repeated).toBeGreaterThan(0);
      expect(skipped).toBeGreaterThan(0);
    });
  }
});
