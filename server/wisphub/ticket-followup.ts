/**
 * Ticket follow-up upstream: comments (`/api/tickets/comentarios/`, answered 404 at some ISPs)
 * and state changes (`PATCH /api/tickets/{id}/` with `razon_falla`; `PUT` of the whole ticket
 * where PATCH is not allowed). Writes are sent once; a lost answer is settled by reading again.
 */

import { z } from 'zod';
import { AppError, appErrorOf } from '../errors';
import { fetchAllPages } from './paginate';
import { UPSTREAM_PATHS } from './paths';
import { upstreamDateTimeToIso } from './ticket-mapper';
import { isUnknownOutcome, UpstreamNotFoundError } from './transport';
import type { UpstreamContext } from './upstream-context';

export interface TicketComment {
  id: number | null;
  text: string;
  /** ISO 8601 with offset. */
  createdAt: string | null;
  author: string | null;
  /** Upstream's link to the attached file, when there is one. */
  attachmentUrl: string | null;
}

export interface CommentAttachment {
  bytes: Uint8Array;
  contentType: string;
  fileName: string;
}

const ticketRef = z.union([
  z.coerce.number().int(),
  z.object({ id_ticket: z.coerce.number().int() }).transform((ticket) => ticket.id_ticket),
  z.object({ id: z.coerce.number().int() }).transform((ticket) => ticket.id),
]);

const upstreamCommentSchema = z.object({
  id: z.coerce.number().int().nullish(),
  ticket: ticketRef.nullish(),
  comentario: z.string(),
  fecha: z.string().nullish(),
  fecha_creacion: z.string().nullish(),
  usuario: z.union([z.string(), z.object({ nombre: z.string() }).transform((user) => user.nombre)]).nullish(),
  archivo: z.string().nullish(),
});

/** After upstream answered 404 for comments once, say "not supported" for this long without asking. */
const UNSUPPORTED_RECHECK_MS = 3_600_000;

const sameText = (a: string, b: string) => a.replace(/\s+/g, ' ').trim() === b.replace(/\s+/g, ' ').trim();

export class TicketFollowUpGateway {
  private commentsUnsupportedUntil = 0;

  constructor(
    private readonly upstream: UpstreamContext,
    private readonly timeZone: string,
  ) {}

  private unsupported(): AppError {
    return new AppError('not_supported_by_upstream', {
      message:
        'El sistema de gestión de este proveedor no permite comentarios en los tickets. Un asesor puede registrar la información por usted.',
      details: { feature: 'ticket_comments' },
    });
  }

  /** Throws the remembered 501 while the last answer was a 404, without asking upstream. */
  private assertCommentsSupported(): void {
    if (Date.now() < this.commentsUnsupportedUntil) throw this.unsupported();
  }

  private markUnsupported(): AppError {
    this.commentsUnsupportedUntil = Date.now() + UNSUPPORTED_RECHECK_MS;
    this.upstream.logger.warn(
      { endpoint: UPSTREAM_PATHS.ticketComments },
      'WispHub Net has no ticket comments here (404): answering 501 for an hour',
    );
    return this.unsupported();
  }

  /** A ticket's comments, oldest first; each item is checked to be this ticket's (filters may be ignored). */
  async comments(ticketId: number): Promise<TicketComment[]> {
    this.assertCommentsSupported();
    try {
      const load = await fetchAllPages(
        this.upstream.transport,
        UPSTREAM_PATHS.ticketComments,
        { ticket: ticketId },
        upstreamCommentSchema,
        this.upstream.paging,
      );
      this.upstream.stats.skippedItems += load.skipped;
      return load.items
        .filter((item) => item.ticket === ticketId)
        .map((item) => ({
          id: item.id ?? null,
          text: item.comentario.trim(),
          createdAt: upstreamDateTimeToIso(item.fecha ?? item.fecha_creacion, this.timeZone),
          author: item.usuario ?? null,
          attachmentUrl: item.archivo || null,
        }));
    } catch (error) {
      if (error instanceof UpstreamNotFoundError) throw this.markUnsupported();
      throw error;
    }
  }

  /**
   * Adds a comment (multipart, with the file in `archivo`). A lost answer is settled by reading the
   * comments: found means done; otherwise 504 `upstream_outcome_unknown`, never a second POST here.
   */
  async addComment(
    ticketId: number,
    text: string,
    attachment: CommentAttachment | null,
    notifyClient: boolean,
  ): Promise<{ reconciled: boolean }> {
    this.assertCommentsSupported();
    const form = new FormData();
    form.set('ticket', String(ticketId));
    form.set('comentario', text);
    form.set('do_not_notify_client', notifyClient ? 'false' : 'true');
    if (attachment) form.set('archivo', new Blob([attachment.bytes], { type: attachment.contentType }), attachment.fileName);
    try {
      await this.upstream.transport.send('POST', UPSTREAM_PATHS.ticketComments, form);
      return { reconciled: false };
    } catch (error) {
      if (error instanceof UpstreamNotFoundError) throw this.markUnsupported();
      if (!isUnknownOutcome(error)) throw error;
      const landed = await this.comments(ticketId).then(
        (comments) => comments.some((comment) => sameText(comment.text, text)),
        () => false,
      );
      if (landed) return { reconciled: true };
      throw new AppError('upstream_outcome_unknown', { retryAfterSeconds: 30, details: { ticketId }, cause: error });
    }
  }

  /**
   * Changes a ticket's state (1-4) with its reason. PATCH of `estado` and `razon_falla`; where PATCH
   * is not allowed (405: nothing written), PUT of the whole ticket as read, numbers for state and
   * priority. Re-sending the same state changes nothing, so a lost answer is safe to retry.
   */
  async changeState(ticketId: number, state: number, reason: string, current: Record<string, unknown>): Promise<void> {
    const path = UPSTREAM_PATHS.ticket(ticketId);
    try {
      await this.upstream.transport.send('PATCH', path, { estado: state, razon_falla: reason });
    } catch (error) {
      if (appErrorOf(error)?.internal?.upstreamStatus !== 405) throw error;
      await this.upstream.transport.send('PUT', path, { ...wholeTicket(current), estado: state, razon_falla: reason });
    }
  }
}

const PRIORITY_NUMBERS: Record<string, number> = { baja: 1, normal: 2, alta: 3, 'muy alta': 4 };

/** The writable fields of a ticket as read, in the form its create takes (numbers for references). */
function wholeTicket(raw: Record<string, unknown>): Record<string, unknown> {
  const id = (value: unknown) =>
    typeof value === 'object' && value !== null
      ? ((value as { id?: unknown; id_servicio?: unknown }).id ?? (value as { id_servicio?: unknown }).id_servicio)
      : value;
  const priority = String(raw.prioridad ?? '')
    .trim()
    .toLowerCase();
  const subject = String(raw.asunto ?? '');
  const at = subject.indexOf(' - ');
  return {
    asunto: at === -1 ? subject : subject.slice(0, at),
    asuntos_default: raw.asuntos_default ?? (at === -1 ? subject : subject.slice(0, at)),
    descripcion: raw.descripcion ?? '',
    tecnico: id(raw.tecnico),
    servicio: id(raw.servicio),
    prioridad: PRIORITY_NUMBERS[priority] ?? (Number(priority) || 2),
    fecha_inicio: raw.fecha_estimada_inicio ?? raw.fecha_inicio,
    fecha_final: raw.fecha_estimada_fin ?? raw.fecha_final,
    departamento: raw.departamento ?? 'Soporte Técnico',
    departamentos_default: raw.departamento ?? 'Soporte Técnico',
  };
}
