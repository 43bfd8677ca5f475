/**
 * Colombian public holidays (Ley 51 de 1983, "Ley Emiliani"): fixed dates, dates moved to the
 * following Monday, and Easter-based dates. Pure: years in, ISO dates ("YYYY-MM-DD") out.
 */

const FIXED: [number, number][] = [
  [1, 1],
  [5, 1],
  [7, 20],
  [8, 7],
  [12, 8],
  [12, 25],
];
const MOVED_TO_MONDAY: [number, number][] = [
  [1, 6],
  [3, 19],
  [6, 29],
  [8, 15],
  [10, 12],
  [11, 1],
  [11, 11],
];
/** Days after Easter Sunday: Holy Thursday, Good Friday (not moved). */
const EASTER_FIXED = [-3, -2];
/** Days after Easter Sunday, moved to the following Monday: Ascension, Corpus Christi, Sacred Heart. */
const EASTER_MOVED = [39, 60, 68];

const DAY_MS = 86_400_000;

export function toIsoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** Easter Sunday (Gregorian, anonymous algorithm), as a UTC date. */
export function easterSunday(year: number): Date {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return new Date(Date.UTC(year, month - 1, day));
}

function nextMonday(date: Date): Date {
  const weekday = date.getUTCDay();
  const shift = weekday === 1 ? 0 : (8 - weekday) % 7;
  return new Date(date.getTime() + shift * DAY_MS);
}

const cache = new Map<number, Set<string>>();

export function colombianHolidays(year: number): Set<string> {
  const cached = cache.get(year);
  if (cached) return cached;
  const days = new Set<string>();
  for (const [month, day] of FIXED) days.add(toIsoDate(new Date(Date.UTC(year, month - 1, day))));
  for (const [month, day] of MOVED_TO_MONDAY) days.add(toIsoDate(nextMonday(new Date(Date.UTC(year, month - 1, day)))));
  const easter = easterSunday(year).getTime();
  for (const offset of EASTER_FIXED) days.add(toIsoDate(new Date(easter + offset * DAY_MS)));
  for (const offset of EASTER_MOVED) days.add(toIsoDate(nextMonday(new Date(easter + offset * DAY_MS))));
  cache.set(year, days);
  return days;
}
