/**
 * What happens next with a ticket, said to the customer: who attends it and by when, on the
 * Colombian wall clock, in a sentence a bot can show as it is: "Su caso está en progreso; el
 * técnico Juan Pérez lo atenderá antes del martes 1 de diciembre a las 5:00 p. m."
 */

import { spanishDateTime } from './spanish-dates';
import type { NextStep, TicketStatus } from './ticket';

export type { NextStep };

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
