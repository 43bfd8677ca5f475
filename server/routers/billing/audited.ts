/**
 * Actions that move money or change a service's state, audited the one way both billing and
 * service-state changes use: recorded before upstream is called, settled after.
 */

import { appErrorOf } from '../../errors';
import type { AuditRecord } from '../../observability/audit';
import type { CallerContext } from '../../trpc/context';
import { isUnknownOutcome } from '../../wisphub/transport';

export type Audited<T> =
  | { outcome: 'confirmed'; value: T; auditId: string }
  | { outcome: 'open'; value: T; auditId: string }
  | { outcome: 'unknown'; error: unknown; auditId: string };

/**
 * Records the action, runs it, settles the record: `confirmed`, `refused` (upstream or a rule said
 * no: the error is rethrown) or, when upstream's answer was lost, left `unknown` for the caller
 * to reconcile.
 */
export async function audited<T>(
  ctx: CallerContext,
  record: Omit<AuditRecord, 'keyName' | 'role' | 'requestId'>,
  work: () => Promise<T>,
  /** Upstream accepted the action but has not finished it: the entry stays open, settled later. */
  stillRunning: (value: T) => boolean = () => false,
): Promise<Audited<T>> {
  const { audit, logger } = ctx.services;
  const auditId = await audit.record({ ...record, keyName: ctx.key.name, role: ctx.key.role, requestId: ctx.requestId });
  const settle = (outcome: 'confirmed' | 'refused', detail: string | null) =>
    audit.settle(auditId, outcome, detail).catch((error: unknown) => {
      logger.error({ err: error, auditId }, 'audit settlement failed: the entry stays unknown');
    });
  try {
    const value = await work();
    if (stillRunning(value)) return { outcome: 'open', value, auditId };
    await settle('confirmed', null);
    return { outcome: 'confirmed', value, auditId };
  } catch (error) {
    if (isUnknownOutcome(error)) {
      logger.warn({ auditId, action: record.action, serviceId: record.serviceId }, 'upstream outcome unknown: reconciling');
      return { outcome: 'unknown', error, auditId };
    }
    await settle('refused', appErrorOf(error)?.reason ?? 'internal_error');
    throw error;
  }
}
