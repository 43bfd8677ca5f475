/**
 * Ticket due dates in business days on the local calendar of a time zone: Saturdays, Sundays,
 * Colombian holidays (of every year the span touches) and configured extra days are skipped;
 * the local time of day is kept. Pure: the caller passes `now`.
 */

import { colombianHolidays, toIsoDate } from './holidays';

const DAY_MS = 86_400_000;

export interface LocalDateTime {
  /** YYYY-MM-DD on the zone's calendar. */
  date: string;
  hour: number;
  minute: number;
}

/**
 * One formatter per time zone and use, made once: each `Intl.DateTimeFormat` holds ICU memory
 * outside the JS heap, which the GC neither sees nor hurries to free; made per call, a load of a
 * few thousand tickets grew the process by over 200 MB.
 */
function formatterOf(cache: Map<string, Intl.DateTimeFormat>, timeZone: string, make: () => Intl.DateTimeFormat): Intl.DateTimeFormat {
  let formatter = cache.get(timeZone);
  if (!formatter) {
    formatter = make();
    cache.set(timeZone, formatter);
  }
  return formatter;
}
const wallClockFormatters = new Map<string, Intl.DateTimeFormat>();
const offsetFormatters = new Map<string, Intl.DateTimeFormat>();

/** Wall-clock date and time of an instant in a time zone. */
export function toLocal(instant: Date, timeZone: string): LocalDateTime {
  const parts = formatterOf(
    wallClockFormatters,
    timeZone,
    () =>
      new Intl.DateTimeFormat('en-CA', {
        timeZone,
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      }),
  ).formatToParts(instant);
  const get = (type: string) => parts.find((part) => part.type === type)?.value ?? '00';
  return { date: `${get('year')}-${get('month')}-${get('day')}`, hour: Number(get('hour')), minute: Number(get('minute')) };
}

/** Offset of a time zone at an instant, e.g. "-05:00". */
export function zoneOffset(instant: Date, timeZone: string): string {
  const name = formatterOf(offsetFormatters, timeZone, () => new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' }))
    .formatToParts(instant)
    .find((part) => part.type === 'timeZoneName')?.value;
  const match = name?.match(/GMT([+-]\d{2}):?(\d{2})?/);
  return match ? `${match[1]}:${match[2] ?? '00'}` : '+00:00';
}

/** The instant of a local wall-clock time in a zone (offset taken at that moment). */
export function fromLocal(local: LocalDateTime, timeZone: string): Date {
  const guess = new Date(`${local.date}T${pad(local.hour)}:${pad(local.minute)}:00Z`);
  const offset = zoneOffset(guess, timeZone);
  return new Date(`${local.date}T${pad(local.hour)}:${pad(local.minute)}:00${offset}`);
}

/** ISO 8601 with the zone's offset: "2026-04-07T09:00:00-05:00". */
export function toIsoWithOffset(local: LocalDateTime, timeZone: string): string {
  const offset = zoneOffset(fromLocal(local, timeZone), timeZone);
  return `${local.date}T${pad(local.hour)}:${pad(local.minute)}:00${offset}`;
}

/** "%d/%m/%Y %H:%M", the upstream's ticket date format. */
export function toUpstreamDateTime(local: LocalDateTime): string {
  const [year, month, day] = local.date.split('-');
  return `${day}/${month}/${year} ${pad(local.hour)}:${pad(local.minute)}`;
}

const pad = (value: number) => String(value).padStart(2, '0');

export function isBusinessDay(isoDate: string, extraHolidays: ReadonlySet<string>): boolean {
  const date = new Date(`${isoDate}T00:00:00Z`);
  const weekday = date.getUTCDay();
  if (weekday === 0 || weekday === 6) return false;
  if (extraHolidays.has(isoDate)) return false;
  return !colombianHolidays(date.getUTCFullYear()).has(isoDate);
}

/** `start` plus `days` business days, same time of day. Zero days keeps the start. */
export function addBusinessDays(start: LocalDateTime, days: number, extraHolidays: ReadonlySet<string> = new Set()): LocalDateTime {
  let cursor = new Date(`${start.date}T00:00:00Z`);
  let remaining = days;
  while (remaining > 0) {
    cursor = new Date(cursor.getTime() + DAY_MS);
    if (isBusinessDay(toIsoDate(cursor), extraHolidays)) remaining--;
  }
  return { ...start, date: toIsoDate(cursor) };
}
