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
