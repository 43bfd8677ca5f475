/** Upstream tickets (`/api/tickets/`) to domain tickets. Dates are local "%d/%m/%Y %H:%M". */

import { z } from 'zod';
import { toIsoWithOffset } from '../domain/business-days';
import type { Ticket, TicketStatus } from '../domain/ticket';
import { nextStep } from '../domain/ticket-next-step';
import { type PriorityLevel, subjectOfStored } from '../domain/ticket-subjects';

const STATUS_BY_TEXT: Record<string, TicketStatus> = {
  nuevo: 'new',
  'en progreso': 'in_progress',
  resuelto: 'resolved',
  cerrado: 'closed',
};
const STATE_NUMBER_BY_TEXT: Record<string, number> = { nuevo: 1, 'en progreso': 2, resuelto: 3, cerrado: 4 };
const PRIORITY_BY_TEXT: Record<string, PriorityLevel> = { baja: 'low', normal: 'normal', alta: 'high', 'muy alta': 'very_high' };

const namedRef = z.object({ id: z.coerce.number().int(), nombre: z.string() });
const zoneRef = namedRef.nullish();
const textOrNumber = z.union([z.string(), z.number()]).transform(String);

export const upstreamTicketSchema = z.object({
  id_ticket: z.coerce.number().int().positive(),
  asunto: z.string(),
  descripcion: z.string().nullish(),
  estado: textOrNumber.nullish(),
  prioridad: textOrNumber.nullish(),
  fecha_creacion: z.string().nullish(),
  fecha_estimada_inicio: z.string().nullish(),
  fecha_estimada_fin: z.string().nullish(),
  tecnico: z.union([namedRef, z.string(), z.number()]).nullish(),
  servicio: z.object({ id_servicio: z.coerce.number().int(), nombre: z.string().nullish(), zona: zoneRef }).nullish(),
  respuestas: z.array(z.object({ respuesta: z.string().nullish() })).nullish(),
});
export type UpstreamTicket = z.infer<typeof upstreamTicketSchema>;

/** Just what zone counting needs, so an odd field elsewhere does not drop a ticket from the count. */
export const upstreamTicketZoneSchema = z.object({
  id_ticket: z.coerce.number().int().positive(),
  estado: textOrNumber.nullish(),
  servicio: z.object({ zona: zoneRef }).nullish(),
});

export function ticketStateNumber(estado: string | null | undefined): number | null {
  if (!estado) return null;
  const trimmed = estado.trim().toLowerCase();
  if (/^[1-4]$/.test(trimmed)) return Number(trimmed);
  return STATE_NUMBER_BY_TEXT[trimmed] ?? null;
}

function priorityLevel(text: string | null | undefined): PriorityLevel | null {
  if (!text) return null;
  const trimmed = text.trim().toLowerCase();
  const byNumber: Record<string, PriorityLevel> = { '1': 'low', '2': 'normal', '3': 'high', '4': 'very_high' };
  return PRIORITY_BY_TEXT[trimmed] ?? byNumber[trimmed] ?? null;
}

/** "07/04/2026 09:00" (local to `timeZone`) → "2026-04-07T09:00:00-05:00"; ISO input passes through. */
export function upstreamDateTimeToIso(value: string | null | undefined, timeZone: string): string | null {
  const text = value?.trim();
  if (!text) return null;
  const match = text.match(/^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::\d{2})?)?$/);
  if (match) {
    const [, day, month, year, hour, minute] = match;
    const date = `${year}-${month!.padStart(2, '0')}-${day!.padStart(2, '0')}`;
    return toIsoWithOffset({ date, hour: Number(hour ?? 0), minute: Number(minute ?? 0) }, timeZone);
  }
  const parsed = new Date(text);
  return Number.isNaN(parsed.getTime()) ? null : parsed.toISOString();
}

export function toTicket(item: UpstreamTicket, timeZone: string): Ticket {
  const statusText = item.estado ?? null;
  const technician = item.tecnico && typeof item.tecnico === 'object' ? { id: item.tecnico.id, name: item.tecnico.nombre } : null;
  const answers = (item.respuestas ?? []).map((answer) => answer.respuesta?.trim()).filter((text): text is string => !!text);
  const stateNumber = ticketStateNumber(statusText);
  const status: TicketStatus = statusText
    ? (STATUS_BY_TEXT[statusText.trim().toLowerCase()] ??
      (stateNumber ? (['new', 'in_progress', 'resolved', 'closed'] as const)[stateNumber - 1]! : 'unknown'))
    : 'unknown';
  const startsAt = upstreamDateTimeToIso(item.fecha_estimada_inicio, timeZone);
  const dueAt = upstreamDateTimeToIso(item.fecha_estimada_fin, timeZone);
  return {
    id: item.id_ticket,
    subject: subjectOfStored(item.asunto),
    subjectText: item.asunto.trim(),
    description: item.descripcion?.trim() || null,
    status,
    statusText,
    priority: priorityLevel(item.prioridad),
    priorityText: item.prioridad ?? null,
    createdAt: upstreamDateTimeToIso(item.fecha_creacion, timeZone),
    startsAt,
    dueAt,
    technician,
    serviceId: item.servicio?.id_servicio ?? null,
    zone: item.servicio?.zona ? { id: item.servicio.zona.id, name: item.servicio.zona.nombre } : null,
    latestAnswer: answers.at(-1) ?? null,
    nextStep: nextStep({ status, technicianName: technician?.name ?? null, startsAt, dueAt }),
  };
}
