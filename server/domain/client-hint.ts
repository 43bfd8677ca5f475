/**
 * What a receptionist may say to a caller who has not proved who they are: enough to tell
 * candidates apart ("¿Esperanza B. R., cédula terminada en 432?"), never enough to impersonate
 * them. The first given name in full, every other word as its initial; the last three characters
 * of the document and of each phone. Nothing else: no address, email, money, status, dates, IP.
 */

import type { Client } from './client';
import { normalizeDocument } from './document';

export interface ClientHint {
  serviceId: number;
  /** "Esperanza B. R." for "Esperanza Benítez Ríos". */
  nameHint: string;
  /** Last 3 characters of the document; null when there is none (or it is too short to hide the rest). */
  documentEnding: string | null;
  /** Last 3 digits of each phone on record. */
  phoneEndings: string[];
}

/** How much of an identifier a hint shows. */
export const HINT_DIGITS = 3;
/** Identifiers shorter than this are not hinted at all: three characters would be most of them. */
const MIN_HINTED_LENGTH = 7;

/** Callers who have proved nothing get at most this many candidates a call. */
export const MAX_UNVERIFIED_CANDIDATES = 5;

function ending(value: string): string | null {
  return value.length >= MIN_HINTED_LENGTH ? value.slice(-HINT_DIGITS) : null;
}

export function nameHint(name: string): string {
  const words = name
    .trim()
    .split(/\s+/)
    .filter((word) => word !== '');
  if (words.length === 0) return '';
  const [first, ...rest] = words;
  return [first!, ...rest.map((word) => `${[...word][0]!.toLocaleUpperCase('es-CO')}.`)].join(' ');
}

export function clientHint(client: Client): ClientHint {
  return {
    serviceId: client.serviceId,
    nameHint: nameHint(client.name),
    documentEnding: ending(normalizeDocument(client.document)),
    phoneEndings: [...new Set(client.phones.map(ending).filter((value): value is string => value !== null))],
  };
}
