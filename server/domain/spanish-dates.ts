/** Dates as a Colombian customer reads them: "4 de diciembre de 2026", "martes 1 de diciembre a las 5:00 p. m.". */

const WEEKDAYS = ['domingo', 'lunes', 'martes', 'miércoles', 'jueves', 'viernes', 'sábado'];
const MONTHS = [
  'enero',
  'febrero',
  'marzo',
  'abril',
  'mayo',
  'junio',
  'julio',
  'agosto',
  'septiembre',
  'octubre',
  'noviembre',
  'diciembre',
];

/** "2026-12-04" → "4 de diciembre de 2026". */
export function spanishDate(isoDate: string): string {
  const [year, month, day] = isoDate.split('-').map(Number);
  return `${day} de ${MONTHS[(month ?? 1) - 1]} de ${year}`;
}

/** "2026-12-01T17:00:00-05:00" → "martes 1 de diciembre a las 5:00 p. m." (the wall clock the offset gives). */
export function spanishDateTime(iso: string): string | null {
  const match = iso.match(/^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/);
  if (!match) return null;
  const [, year, month, day, hour, minute] = match.map(Number) as [number, number, number, number, number, number];
  const weekday = new Date(Date.UTC(year, month - 1, day)).getUTCDay();
  const twelve = hour % 12 === 0 ? 12 : hour % 12;
  const time = `${twelve}:${String(minute).padStart(2, '0')} ${hour < 12 ? 'a. m.' : 'p. m.'}`;
  return `${WEEKDAYS[weekday]} ${day} de ${MONTHS[month - 1]} a las ${time}`;
}
