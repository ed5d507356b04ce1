// The trading calendar looks a clock change up once per UTC day (offsetChangeMs) instead of once per bar on that
// day: for every minute of every clock-change day 2019–2026 in zones with whole-hour, 30-minute and 45-minute
// offsets, both hemispheres, and a zone that dropped DST, the offset it implies equals the per-instant lookup.
import { describe, expect, it } from 'vitest';
import { offsetChangeMs, utcOffsetMinutes } from '../../src/backtest/calendar.js';

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
