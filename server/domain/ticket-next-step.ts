import type { TicketStatus } from './ticket';

/**
 * What happens next with a ticket, said to the customer: who attends it and by when, on the
 * Colombian wall clock, in a sentence a bot can show as it is: "Su caso está en progreso; el
 * técnico Juan Pérez lo atenderá antes del martes 1 de diciembre a las 5:00 p. m."
 */

export interface NextStep {
  technician: string | null;
  /** The scheduled window (ISO 8601 with offset), when upstream has one. */
  window: { from: string | null; until: string | null } | null;
  message: string;
}

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

export function nextStep(ticket: {
  status: TicketStatus;
  technicianName: string | null;
  startsAt: string | null;
  dueAt: string | null;
}): NextStep {
  const technician = ticket.technicianName?.trim() || null;
  const window = ticket.startsAt || ticket.dueAt ? { from: ticket.startsAt, until: ticket.dueAt } : null;
  const who = technician ? `el técnico ${technician}` : 'un técnico';
  const by = ticket.dueAt ? spanishDateTime(ticket.dueAt) : null;
  const when = by ? ` antes del ${by}` : ' lo antes posible';
  // "… a las 5:00 p. m." already ends the sentence.
  const end = (sentence: string) => (sentence.endsWith('.') ? sentence : `${sentence}.`);
  const message = {
    new: end(`Su caso fue recibido; ${who} lo atenderá${when}`),
    in_progress: end(`Su caso está en progreso; ${who} lo atenderá${when}`),
    resolved: 'Su caso fue resuelto. Si el problema continúa, avísenos y lo revisamos de nuevo.',
    closed: 'Su caso está cerrado. Si necesita algo más, con gusto abrimos uno nuevo.',
    unknown: 'Su caso está registrado; un asesor le dará noticias pronto.',
  }[ticket.status];
  return { technician, window, message };
}
