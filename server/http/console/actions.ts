/**
 * What staff can do from the console, each only for an admin session with its CSRF token (the
 * handler checks both): settle a payment report whose receipt waited for them, reveal one masked
 * field of one row (written to the audit trail: who saw whose data), and run the read-only probe
 * (rate limited by the runner).
 */

import type { IncomingMessage } from 'node:http';
import { AppError } from '../../errors';
import { auditEntry } from '../../observability/audit';
import type { Services } from '../../services';
import { PENDING_TICKET_PREFIX } from '../../tickets/records';
import { readJsonBody } from '../io';
import { lockoutId } from './views';

const REVEAL_KINDS = ['lockout', 'pendingTicket'] as const;
type RevealKind = (typeof REVEAL_KINDS)[number];

export function createActions(services: Services) {
  /** Staff confirm or dismiss a payment report whose receipt waited for them: the settlement names who. */
  async function settle(req: IncomingMessage, id: string, admin: string): Promise<Record<string, unknown>> {
    const body = (await readJsonBody(req, 1024)) as { outcome?: unknown };
    const outcome = body?.outcome === 'confirmed' || body?.outcome === 'refused' ? body.outcome : null;
    if (!outcome) throw new AppError('invalid_input', { details: { fieldErrors: { outcome: ['confirmed or refused'] } } });
    const entry = await auditEntry(services.audit, id);
    if (!entry) throw new AppError('route_not_found', { message: 'No hay una entrada con ese id.' });
    if (entry.outcome !== 'unknown' || !entry.receiptFile)
      throw new AppError('already_exists', {
        message: 'Esa entrada ya está resuelta o no tiene comprobante.',
        details: { outcome: entry.outcome },
      });
    await services.audit.settle(id, outcome, `${outcome === 'confirmed' ? 'confirmado' : 'descartado'} por ${admin} en la consola`);
    services.logger.info({ admin, auditId: id, outcome }, 'a receipt was settled by staff in the console');
    return { id, outcome };
  }

  /** The unmasked value of one row's field, or null when the row is gone. */
  async function unmasked(kind: RevealKind, id: string): Promise<{ value: string; serviceId: number | null } | null> {
    if (kind === 'lockout') {
      const lockout = (await services.identityGuard.lockouts()).find((candidate) => lockoutId(candidate) === id);
      return lockout?.endUser ? { value: lockout.endUser, serviceId: lockout.serviceId } : null;
    }
    if (!id.startsWith(PENDING_TICKET_PREFIX)) return null;
    const record = await services.pendingTickets.get(id);
    return record ? { value: record.plan.form.descripcion, serviceId: record.plan.form.servicio } : null;
  }

  /** One masked field shown in full to one admin, recorded in the audit trail before it is answered. */
  async function reveal(req: IncomingMessage, admin: string, requestId: string): Promise<Record<string, unknown>> {
    const body = (await readJsonBody(req, 1024)) as { kind?: unknown; id?: unknown };
    const kind = REVEAL_KINDS.find((known) => known === body?.kind);
    const id = typeof body?.id === 'string' && /^[\w-]{1,80}$/.test(body.id) ? body.id : null;
    if (!kind || !id)
      throw new AppError('invalid_input', {
        details: { fieldErrors: { ...(kind ? {} : { kind: ['lockout or pendingTicket'] }), ...(id ? {} : { id: ['a row id'] }) } },
      });
    const found = await unmasked(kind, id);
    if (!found) throw new AppError('route_not_found', { message: 'Esa fila ya no está (el bloqueo venció o el ticket se resolvió).' });
    const auditId = await services.audit.record({
      action: 'console.reveal',
      keyName: `console:${admin}`,
      role: 'admin',
      requestId,
      serviceId: found.serviceId,
      invoiceId: null,
      amount: null,
      reference: `${kind}:${id}`,
    });
    await services.audit.settle(auditId, 'confirmed', `visto por ${admin} en la consola`);
    services.logger.info({ admin, kind, row: id, auditId }, 'masked personal data revealed in the console');
    return { kind, id, value: found.value, auditId };
  }

  /** Starts the probe and answers at once; the page reads the report from the WispHub view when it is done. */
  function runProbe(admin: string): Record<string, unknown> {
    const run = services.probe.run(admin);
    services.logger.info({ admin }, 'the read-only probe was started from the console');
    run.then(
      (done) => services.logger.info({ admin, exitCode: done.report.exitCode, calls: done.report.calls }, 'console probe finished'),
      (error: unknown) => services.logger.warn({ err: error }, 'console probe failed'),
    );
    return { started: true };
  }

  return { settle, reveal, runProbe };
}
