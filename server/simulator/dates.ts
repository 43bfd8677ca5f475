/** How the simulated WispHub Net writes dates: day first, Bogotá wall clock, zero-padded. */

export const pad = (value: number, size = 2) => String(value).padStart(size, '0');

const BOGOTA_OFFSET_MS = 5 * 3_600_000;

/** A Date whose UTC fields read as Bogotá's wall clock at `epochMs`. */
export const bogotaClock = (epochMs: number): Date => new Date(epochMs - BOGOTA_OFFSET_MS);

/** "23/11/2026" from a date's UTC fields. */
export const dayMonthYear = (date: Date): string => `${pad(date.getUTCDate())}/${pad(date.getUTCMonth() + 1)}/${date.getUTCFullYear()}`;

/** "23/11/2026 14:05", or with `:ss` when `withSeconds`, from a date's UTC fields. */
export function dayMonthYearTime(date: Date, withSeconds = false): string {
  const time = `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}`;
  return `${dayMonthYear(date)} ${time}${withSeconds ? `:${pad(date.getUTCSeconds())}` : ''}`;
}
