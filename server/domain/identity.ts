import { normalizeAddress } from './address';
import type { Client } from './client';
import { nameKey, planKey, type ClientDirectory } from './client-directory';
import { normalizeDocument } from './document';
import { extractPhoneNumbers, normalizePhone } from './phone';

/**
 * Identity checks before a bot touches an account. Every comparison is on normalised values,
 * and a claimed value that is empty after normalisation never counts as a match.
 */

export const IDENTITY_FIELDS = ['document', 'name', 'address', 'phone', 'planName', 'planPrice'] as const;
export type IdentityField = (typeof IDENTITY_FIELDS)[number];

export interface IdentityClaims {
  document?: string;
  name?: string;
  address?: string;
  phone?: string;
  planName?: string;
  planPrice?: number;
}

/** Plan prices are compared within one peso (upstream money arrives as "65000.00"). */
export const PRICE_TOLERANCE_PESOS = 1;

function equalKeys(claimed: string, actual: string): boolean {
  return claimed !== '' && claimed === actual;
}

/** Claims normalised once, then compared with any number of clients. */
export interface PreparedClaims {
  given: IdentityField[];
  document: string;
  name: string;
  address: string;
  planName: string;
  planPrice: number | undefined;
  phones: Set<string>;
}

export function prepareClaims(claims: IdentityClaims): PreparedClaims {
  return {
    given: IDENTITY_FIELDS.filter((field) => claims[field] !== undefined),
    document: normalizeDocument(claims.document),
    name: nameKey(claims.name),
    address: normalizeAddress(claims.address),
    planName: planKey(claims.planName),
    planPrice: claims.planPrice,
    phones: new Set([...extractPhoneNumbers(claims.phone), normalizePhone(claims.phone)].filter((n) => n !== '')),
  };
}

function fieldMatches(field: IdentityField, claims: PreparedClaims, client: Client): boolean {
  switch (field) {
    case 'document':
      return equalKeys(claims.document, normalizeDocument(client.document));
    case 'name':
      return equalKeys(claims.name, nameKey(client.name));
    case 'address':
      return equalKeys(claims.address, normalizeAddress(client.address));
    case 'planName':
      return equalKeys(claims.planName, planKey(client.plan?.name));
    case 'planPrice':
      return (
        claims.planPrice !== undefined &&
        client.planPrice !== null &&
        Math.abs(claims.planPrice - client.planPrice) <= PRICE_TOLERANCE_PESOS
      );
    case 'phone':
      return client.phones.some((phone) => claims.phones.has(phone));
  }
}

export interface ClaimComparison {
  given: IdentityField[];
  matchedFields: IdentityField[];
  mismatchedFields: IdentityField[];
}

export function compareClaims(client: Client, prepared: PreparedClaims): ClaimComparison {
  const { given } = prepared;
  const matchedFields = given.filter((field) => fieldMatches(field, prepared, client));
  return { given, matchedFields, mismatchedFields: given.filter((field) => !matchedFields.includes(field)) };
}

export const MIN_VERIFY_FACTS = 2;

export type VerifyOutcome = 'verified' | 'mismatch' | 'insufficient_facts';

export interface VerifyResult {
  isValid: boolean;
  outcome: VerifyOutcome;
  matchedFields: IdentityField[];
  mismatchedFields: IdentityField[];
  message: string;
}

/** Valid only when at least two facts were given and every one of them matches. */
export function verifyIdentity(client: Client, claims: IdentityClaims): VerifyResult {
  const { given, matchedFields, mismatchedFields } = compareClaims(client, prepareClaims(claims));
  if (given.length < MIN_VERIFY_FACTS) {
    return {
      isValid: false,
      outcome: 'insufficient_facts',
      matchedFields,
      mismatchedFields,
      message: 'Para verificar su identidad necesitamos al menos dos datos, por ejemplo su cédula y su dirección.',
    };
  }
  if (mismatchedFields.length > 0) {
    return {
      isValid: false,
      outcome: 'mismatch',
      matchedFields,
      mismatchedFields,
      message: 'Los datos no coinciden con los registrados en su cuenta. Por favor revíselos e intente de nuevo.',
    };
  }
  return { isValid: true, outcome: 'verified', matchedFields, mismatchedFields, message: 'Identidad verificada. ¡Gracias!' };
}

export const MIN_RESOLVE_FACTS = 3;
export const MAX_RESOLVE_CANDIDATES = 5;

export type ResolveClaims = Pick<IdentityClaims, 'name' | 'address' | 'planName' | 'planPrice'>;

export interface ResolveCandidate {
  client: Client;
  matchedFields: IdentityField[];
  mismatchedFields: IdentityField[];
}

export type ResolveResult =
  | { status: 'resolved'; client: Client; matchedFields: IdentityField[] }
  | { status: 'ambiguous'; candidates: ResolveCandidate[] }
  | { status: 'not_found' };

/**
 * Finds the one client matching every given fact. Several full matches, or no full match but
 * clients missing only one fact, are `ambiguous` (ranked, at most five); anything less is `not_found`.
 * A plan name and price identify no one (thousands share them), so every candidate must match
 * the name or the address: candidates come from those two indexes only.
 */
export function resolveIdentity(directory: ClientDirectory, claims: ResolveClaims): ResolveResult {
  const prepared = prepareClaims(claims);
  const candidates = directory.findByIdentityKeys({ name: prepared.name, address: prepared.address });
  const scored = candidates.map((client) => ({ client, ...compareClaims(client, prepared) }));
  const full = scored.filter((entry) => entry.given.length > 0 && entry.mismatchedFields.length === 0);
  if (full.length === 1) return { status: 'resolved', client: full[0]!.client, matchedFields: full[0]!.matchedFields };
  const given = scored[0]?.given.length ?? 0;
  const close = full.length > 1 ? full : scored.filter((entry) => entry.matchedFields.length >= Math.max(2, given - 1));
  if (close.length === 0) return { status: 'not_found' };
  close.sort((a, b) => b.matchedFields.length - a.matchedFields.length || a.client.serviceId - b.client.serviceId);
  return {
    status: 'ambiguous',
    candidates: close.slice(0, MAX_RESOLVE_CANDIDATES).map(({ client, matchedFields, mismatchedFields }) => ({
      client,
      matchedFields,
      mismatchedFields,
    })),
  };
}
