// The CME Globex equity-index session calendar the ES sample generator follows, in exchange time
// (America/Chicago, daylight saving time from the tz database via Intl, never a fixed offset):
// Sunday 17:00 to Friday 16:00 CT with a daily halt 16:00–17:00 CT, plus the holidays of the sample's
// date range (closed days and 12:00 CT early halts). Holidays live in this table, not in logic.

export interface Holiday {
  /** local (CT) calendar date */
  date: string;
  /** 'closed': no trading that local day until the 17:00 reopen; 'early': trading halts at 12:00 CT */
  kind: 'closed' | 'early';
  name: string;
}

/** CME Globex equity-index holiday schedule, Dec 2023 – Mar 2024 (CME holiday calendar). */
export const ES_HOLIDAYS: Holiday[] = [
  { date: '2023-12-25', kind: 'closed', name: 'Christmas' },
  { date: '2024-01-01', kind: 'closed', name: "New Year's Day" },
  { date: '2024-01-15', kind: 'early', name: 'Martin Luther King Jr. Day' },
  { date: '2024-02-19', kind: 'early', name: "Presidents' Day" },
  { date: '2024-03-29', kind: 'closed', name: 'Good Friday' },
];

const fmt = new Intl.DateTimeFormat('en-US', {
  timeZone: 'America/Chicago',
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  weekday: 'short',
});

export interface LocalTime {
  date: string; // YYYY-MM-DD in CT
  weekday: number; // 0 = Sunday
  minuteOfDay: number; // 0..1439 in CT
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const offsetCache = new Map<number, number>();

/** UTC ms → Chicago local calendar fields. The UTC offset is looked up once per UTC hour. */
export function chicagoTime(utcMs: number): LocalTime {
  const hour = Math.floor(utcMs / 3_600_000);
  let offsetMin = offsetCache.get(hour);
  if (offsetMin === undefined) {
    const parts = Object.fromEntries(fmt.formatToParts(new Date(hour * 3_600_000)).map((p) => [p.type, p.value]));
    const asUtc = Date.UTC(+parts.year!, +parts.month! - 1, +parts.day!, +parts.hour!, +parts.minute!);
    offsetMin = Math.round((asUtc - hour * 3_600_000) / 60_000);
    offsetCache.set(hour, offsetMin);
  }
  const local = new Date(utcMs + offsetMin * 60_000);
  return {
    date: local.toISOString().slice(0, 10),
    weekday: local.getUTCDay(),
    minuteOfDay: local.getUTCHours() * 60 + local.getUTCMinutes(),
  };
}

export { WEEKDAYS };

const byDate = new Map(ES_HOLIDAYS.map((h) => [h.date, h]));

/** Is the one-minute bar starting at this instant inside the ES trading session? */
export function esSessionOpen(utcMs: number, holidays: Map<string, Holiday> = byDate): boolean {
  const t = chicagoTime(utcMs);
  const m = t.minuteOfDay;
  if (t.weekday === 6) return false; // Saturday
  if (t.weekday === 0 && m < 17 * 60) return false; // Sunday before the 17:00 open
  if (t.weekday === 5 && m >= 16 * 60) return false; // Friday after the 16:00 close
  if (m >= 16 * 60 && m < 17 * 60) return false; // daily maintenance halt
  const h = holidays.get(t.date);
  if (h) {
    if (h.kind === 'closed' && m < 17 * 60) return false;
    if (h.kind === 'early' && m >= 12 * 60 && m < 17 * 60) return false;
  }
  // a Sunday evening before a closed Monday does not open (Christmas and New Year's Eve on a Sunday)
  if (t.weekday === 0 && m >= 17 * 60) {
    const next = new Date(Date.parse(t.date + 'T00:00:00Z') + 86_400_000).toISOString().slice(0, 10);
    if (holidays.get(next)?.kind === 'closed') return false;
  }
  // a weekday evening before a closed day (Good Friday) does not reopen
  if (t.weekday >= 1 && t.weekday <= 4 && m >= 17 * 60) {
    const next = new Date(Date.parse(t.date + 'T00:00:00Z') + 86_400_000).toISOString().slice(0, 10);
    if (holidays.get(next)?.kind === 'closed') return false;
  }
  return true;
}

/** Regular trading hours (08:30–15:00 CT), where most of the volume and volatility is. */
export function isRth(t: LocalTime): boolean {
  return t.weekday >= 1 && t.weekday <= 5 && t.minuteOfDay >= 8 * 60 + 30 && t.minuteOfDay < 15 * 60;
}
