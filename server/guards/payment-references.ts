import { normalizeReference } from '../domain/payments';
import type { AuditEntry } from '../observability/audit';

/**
 * Payment references already used, so one payment is never reported (or registered) twice, by
 * one bot or two. A reference is claimed before the upstream call, atomically, and released only
 * when upstream definitely refused it. In memory here (seeded from the audit trail at start); in
 * Redis across instances (redis/shared-references.ts).
 */
export interface PaymentReferences {
  /** Claims `reference` for `owner`; answers the owner that holds it when another already does, else null. */
  claim(scope: string, reference: string, owner: string): Promise<string | null>;
  /** Frees a claim held by `owner` (upstream refused the payment: the reference was never used). */
  release(scope: string, reference: string, owner: string): Promise<void>;
}

export class LocalPaymentReferences implements PaymentReferences {
  private readonly owners = new Map<string, string>();

  async claim(scope: string, reference: string, owner: string): Promise<string | null> {
    const key = `${scope}\u0000${reference}`;
    const holder = this.owners.get(key);
    if (holder !== undefined && holder !== owner) return holder;
    this.owners.set(key, owner);
    return null;
  }

  async release(scope: string, reference: string, owner: string): Promise<void> {
    const key = `${scope}\u0000${reference}`;
    if (this.owners.get(key) === owner) this.owners.delete(key);
  }
}

/** The reference scope of an audited action, or null for actions that carry none. */
const SCOPE_OF: Partial<Record<AuditEntry['action'], string>> = { 'payment.report': 'report', 'payment.register': 'register' };

/**
 * Re-claims every reference the trail shows used (confirmed, or unknown: it may have landed), so
 * a restart of a single instance forgets none.
 */
export async function claimAuditedReferences(references: PaymentReferences, entries: readonly AuditEntry[]): Promise<number> {
  let claimed = 0;
  for (const entry of entries) {
    const scope = SCOPE_OF[entry.action];
    if (!scope || !entry.reference || entry.outcome === 'refused') continue;
    const normalized = normalizeReference(entry.reference);
    if (normalized === '') continue;
    await references.claim(scope, normalized, `audit:${entry.id}`);
    claimed++;
  }
  return claimed;
}
