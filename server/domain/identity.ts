/**
 * Identity checks before a bot touches an account. Documents, phones and plans compare exactly
 * on normalised values; names and addresses by the rules in person-name.ts and address.ts
 * (partial names, street abbreviations). A claimed value that is empty after normalisation never
 * counts as a match. `resolve` tolerates one typo in long words; `verify` never does.
 */

import { type AddressParts, addressParts, matchAddressParts } from './address';
import type { Client } from './client';
import type { ClientDirectory } from './client-directory';
import { clientWords, planKey } from './client-words';
import { normalizeDocument } from './document';
import { type MatchQuality, matchNameWords, nameWords } from './person-name';
import { extractPhoneNumbers, normalizePhone } from './phone';

export const IDENTITY_FIELDS = ['document', 'name', 'address', 'phone', 'planName', 'planPrice'] as const;
export type IdentityField = (typeof IDENTITY_FIELDS)[number];
export type { MatchQuality };

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

/** What each fact weighs in a score: a name or an address says more than a plan thousands share. */
const FIELD_WEIGHTS: Record<IdentityField, number> = { document: 4, phone: 3, name: 3, address: 3, planName: 1, planPrice: 1 };
const QUALITY_WEIGHT: Record<MatchQuality, number> = { exact: 1, partial: 0.75, none: 0 };

/** Claims normalised once, then compared with any number of clients. */
export interface PreparedClaims {
  given: IdentityField[];
  document: string;
  name: string[];
  address: AddressParts;
  planName: string;
  planPrice: number | undefined;
  phones: Set<string>;
}

export function prepareClaims(claims: IdentityClaims): PreparedClaims {
  return {
    given: IDENTITY_FIELDS.filter((field) => claims[field] !== undefined),
    document: normalizeDocument(claims.document),
    name: nameWords(claims.name),
    address: addressParts(claims.address),
    planName: planKey(claims.planName),
    planPrice: claims.planPrice,
    phones: new Set([...extractPhoneNumbers(claims.phone), normalizePhone(claims.phone)].filter((n) => n !== '')),
  };
}

const isMatch = (quality: MatchQuality | undefined): boolean => quality === 'exact' || quality === 'partial';

const exactIf = (matches: boolean): MatchQuality => (matches ? 'exact' : 'none');

function fieldQuality(field: IdentityField, claims: PreparedClaims, client: Client, typos: boolean): MatchQuality {
  switch (field) {
    case 'document':
      return exactIf(claims.document !== '' && claims.document === normalizeDocument(client.document));
    case 'name':
      return matchNameWords(claims.name, clientWords(client).name, typos, clientWords(client).givenCount);
    case 'address':
      return matchAddressParts(claims.address, clientWords(client).address, typos);
    case 'planName':
      return exactIf(claims.planName !== '' && claims.planName === planKey(client.plan?.name));
    case 'planPrice':
      return exactIf(
        claims.planPrice !== undefined &&
          client.planPrice !== null &&
          Math.abs(claims.planPrice - client.planPrice) <= PRICE_TOLERANCE_PESOS,
      );
    case 'phone':
      return exactIf(client.phones.some((phone) => claims.phones.has(phone)));
  }
}

export type FieldQualities = Partial<Record<IdentityField, MatchQuality>>;

export interface ClaimComparison {
  given: IdentityField[];
  matchedFields: IdentityField[];
  mismatchedFields: IdentityField[];
  quality: FieldQualities;
  /** 0-1: the given facts' weights, partial matches counted at three quarters. */
  score: number;
}

/**
 * How many of the exact facts (document, phone, plan, price) a client fails, without allocating:
 * resolve drops most of a thousand address neighbours on plan and price before any name or
 * address comparison.
 */
function exactMismatches(client: Client, claims: PreparedClaims): number {
  let misses = 0;
  for (const field of claims.given) {
    if (field !== 'name' && field !== 'address' && fieldQuality(field, claims, client, false) === 'none') misses++;
  }
  return misses;
}

/** Compares every given fact; with `maxMismatches`, null as soon as more facts than that fail. */
export function compareClaims(client: Client, prepared: PreparedClaims, typos?: boolean): ClaimComparison;
export function compareClaims(client: Client, prepared: PreparedClaims, typos: boolean, maxMismatches: number): ClaimComparison | null;
export function compareClaims(
  client: Client,
  prepared: PreparedClaims,
  typos = false,
  maxMismatches = Number.POSITIVE_INFINITY,
): ClaimComparison | null {
  if (maxMismatches < prepared.given.length && exactMismatches(client, prepared) > maxMismatches) return null;
  const { given } = prepared;
  const quality: FieldQualities = {};
  for (const field of given) quality[field] = fieldQuality(field, prepared, client, typos);
  let earned = 0;
  let possible = 0;
  for (const field of given) {
    earned += FIELD_WEIGHTS[field] * QUALITY_WEIGHT[quality[field]!];
    possible += FIELD_WEIGHTS[field];
  }
  return {
    given,
    matchedFields: given.filter((field) => quality[field] !== 'none'),
    mismatchedFields: given.filter((field) => quality[field] === 'none'),
    quality,
    score: possible === 0 ? 0 : Math.round((earned / possible) * 100) / 100,
  };
}

export const MIN_VERIFY_FACTS = 2;
/** Facts the public cannot read (a plan and its price are in the public plan list; a name is often known). */
export const PRIVATE_FACTS: readonly IdentityField[] = ['document', 'phone'];
/** Facts that count towards verification: a private one plus a second of these. Plan and price never count. */
export const COUNTED_FACTS: readonly IdentityField[] = ['document', 'phone', 'name', 'address'];

export type VerifyOutcome = 'verified' | 'mismatch' | 'insufficient_facts';

export interface VerifyResult {
  isValid: boolean;
  outcome: VerifyOutcome;
  matchedFields: IdentityField[];
  mismatchedFields: IdentityField[];
  fieldQuality: FieldQualities;
  message: string;
}

/**
 * Valid only when the document or a phone on record is given, with a second fact (name, address,
 * or the other of document and phone), and every fact given matches (no typo tolerated). A plan
 * name or price may be given, and must then match, but never counts: anyone can read the plans.
 */
export function verifyIdentity(client: Client, claims: IdentityClaims): VerifyResult {
  const { given, matchedFields, mismatchedFields, quality } = compareClaims(client, prepareClaims(claims), false);
  const base = { matchedFields, mismatchedFields, fieldQuality: quality };
  const counted = given.filter((field) => COUNTED_FACTS.includes(field));
  if (counted.length < MIN_VERIFY_FACTS || !counted.some((field) => PRIVATE_FACTS.includes(field))) {
    return {
      isValid: false,
      outcome: 'insufficient_facts',
      ...base,
      message:
        'Para verificar su identidad necesitamos su número de documento o un teléfono registrado, y un dato más: su nombre completo o su dirección.',
    };
  }
  if (mismatchedFields.length > 0) {
    return {
      isValid: false,
      outcome: 'mismatch',
      ...base,
      message: 'Los datos no coinciden con los registrados en su cuenta. Por favor revíselos e intente de nuevo.',
    };
  }
  return { isValid: true, outcome: 'verified', ...base, message: 'Identidad verificada. ¡Gracias!' };
}

export const MIN_RESOLVE_FACTS = 3;
export const MAX_RESOLVE_CANDIDATES = 5;

export type ResolveClaims = Pick<IdentityClaims, 'name' | 'address' | 'planName' | 'planPrice'>;

export interface ResolveCandidate {
  client: Client;
  matchedFields: IdentityField[];
  mismatchedFields: IdentityField[];
  fieldQuality: FieldQualities;
  score: number;
}

export type ResolveResult =
  | { status: 'resolved'; client: Client; matchedFields: IdentityField[]; fieldQuality: FieldQualities; score: number }
  | { status: 'ambiguous'; candidates: ResolveCandidate[] }
  | { status: 'not_found' };

/**
 * Finds the one client matching every given fact (names and addresses partly, one typo in long
 * words). Several full matches, or no full match but clients missing only one fact, are
 * `ambiguous` (ranked by score, at most five); anything less is `not_found`. A plan name and
 * price identify no one (thousands share them): every candidate comes from the name or the
 * address words, so plan and price alone never resolve.
 */
export function resolveIdentity(directory: ClientDirectory, claims: ResolveClaims): ResolveResult {
  const prepared = prepareClaims(claims);
  const given = prepared.given.length;
  // Close candidates match all but one fact at most (and two at least): more misses rule one out.
  const closeMatches = Math.max(2, given - 1);
  const maxMismatches = Math.max(0, given - closeMatches);
  const candidates = directory.identityCandidates({ name: claims.name, address: claims.address });
  const scored: ({ client: Client } & ClaimComparison)[] = [];
  for (const client of candidates) {
    const comparison = compareClaims(client, prepared, true, maxMismatches);
    if (comparison && (isMatch(comparison.quality.name) || isMatch(comparison.quality.address))) scored.push({ client, ...comparison });
  }
  const full = scored.filter((entry) => entry.given.length > 0 && entry.mismatchedFields.length === 0);
  if (full.length === 1) {
    const [only] = full;
    return {
      status: 'resolved',
      client: only!.client,
      matchedFields: only!.matchedFields,
      fieldQuality: only!.quality,
      score: only!.score,
    };
  }
  const close = full.length > 1 ? full : scored.filter((entry) => entry.matchedFields.length >= closeMatches);
  if (close.length === 0) return { status: 'not_found' };
  close.sort((a, b) => b.score - a.score || b.matchedFields.length - a.matchedFields.length || a.client.serviceId - b.client.serviceId);
  return {
    status: 'ambiguous',
    candidates: close.slice(0, MAX_RESOLVE_CANDIDATES).map(({ client, matchedFields, mismatchedFields, quality, score }) => ({
      client,
      matchedFields,
      mismatchedFields,
      fieldQuality: quality,
      score,
    })),
  };
}
