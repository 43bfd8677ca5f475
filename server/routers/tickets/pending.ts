/**
 * Ticket creates whose upstream outcome is unknown (the POST timed out or the connection dropped
 * after sending). The caller is not kept waiting through the settle time: it gets a handle at once
 * (202 `pending_confirmation`) and polls it, while the settlement (wisphub/tickets.ts `settle`)
 * finds the ticket or, once upstream has settled with the ticket absent, posts it once more.
 * Records live in the pending store (Redis across instances); a settlement whose instance stopped
 * is taken over by the next instance asked about it.
 */

import { randomBytes } from 'node:crypto';
import { AppError, ERROR_CATALOGUE, type ErrorReason } from '../../errors';
import type { Services } from '../../services';
import { finishCreated } from '../../tickets/created';
import {
  type CreatedTicket,
  type CreateRequester,
  PENDING_TICKET_PREFIX,
  type PendingTicketRecord,
  type PlannedTicket,
} from '../../tickets/records';
import type { RequestContext } from '../../trpc/context';

export type { PendingTicketRecord };

export interface PendingTicket {
  status: 'pending_confirmation';
  handle: string;
  message: string;
  checkAfterSeconds: number;
}

export interface FailedTicket {
  status: 'failed';
  handle: string;
  error: { reason: ErrorReason; message: string };
}

/** What `tickets.createStatus` answers. */
export type PendingTicketStatus = PendingTicket | (CreatedTicket & { handle: string }) | FailedTicket;

const PENDING_MESSAGE =
  'Estamos confirmando la creación del ticket con el sistema de gestión. No lo cree de nuevo: consulte el estado con este código en unos segundos.';

function newHandle(): string {
  return PENDING_TICKET_PREFIX + randomBytes(16).toString('base64url');
}

function checkAfterSeconds(services: Services): number {
  return Math.min(15, Math.max(1, Math.ceil(services.config.WRITE_SETTLE_MS / 8000)));
}

function pendingAnswer(services: Services, handle: string): PendingTicket {
  return { status: 'pending_confirmation', handle, message: PENDING_MESSAGE, checkAfterSeconds: checkAfterSeconds(services) };
}

/** Records the unknown outcome, starts settling it in the background and answers the handle. */
export async function openPending(
  ctx: RequestContext,
  plan: PlannedTicket,
  since: number,
  requester: CreateRequester,
): Promise<PendingTicket> {
  const { services } = ctx;
  const record: PendingTicketRecord = {
    handle: newHandle(),
    keyName: requester.keyName,
    since,
    plan,
    idempotency: requester.idempotency,
    outcome: { status: 'pending' },
  };
  await services.pendingTickets.put(record.handle, record);
  const release = await services.pendingTickets.hold(record.handle);
  void settleInBackground(services, record, release);
  return pendingAnswer(services, record.handle);
}

/** The state of a pending create, for its own key only; takes over a settlement whose instance stopped. */
export async function pendingStatus(ctx: RequestContext, keyName: string, handle: string): Promise<PendingTicketStatus> {
  const { services } = ctx;
  const record = await services.pendingTickets.get(handle);
  if (!record || record.keyName !== keyName) throw new AppError('pending_ticket_not_found', { details: { handle } });
  const { outcome } = record;
  if (outcome.status === 'created') return { status: 'created', handle, ticket: outcome.ticket, zoneStatus: outcome.zoneStatus };
  if (outcome.status === 'failed') return { status: 'failed', handle, error: { reason: outcome.reason, message: outcome.message } };
  if (await services.pendingTickets.claimOrphan(handle)) {
    services.logger.warn({ handle }, 'taking over the settlement of a pending ticket create whose instance stopped');
    const release = await services.pendingTickets.hold(handle);
    void settleInBackground(services, record, release);
  }
  return pendingAnswer(services, handle);
}

async function settleInBackground(services: Services, record: PendingTicketRecord, release: () => void): Promise<void> {
  const { gateway, logger } = services;
  let outcome: PendingTicketRecord['outcome'];
  try {
    const ticket = await gateway.tickets.settle(record.plan.form, record.since);
    const created = await finishCreated({ services }, record.plan, ticket);
    outcome = { status: 'created', ticket: created.ticket, zoneStatus: created.zoneStatus };
  } catch (error) {
    if (gateway.tickets.stopped) {
      // Left unsettled on purpose: with Redis another instance takes it over once the claim lapses.
      release();
      return;
    }
    const reason: ErrorReason = error instanceof AppError ? error.reason : 'internal_error';
    const message = error instanceof AppError ? error.message : ERROR_CATALOGUE.internal_error.message;
    logger.warn({ handle: record.handle, reason }, 'pending ticket create failed');
    outcome = { status: 'failed', reason, message };
    // Nothing was created: a retry with the same idempotency key may run again.
    if (record.idempotency)
      await services.idempotency.release(record.keyName, record.idempotency.key, record.idempotency.request).catch(() => {});
  }
  try {
    await services.pendingTickets.put(record.handle, { ...record, outcome });
  } finally {
    release();
  }
}
