/**
 * Rules for money a customer reports or promises, and the receipts they send. Pure: the caller
 * passes today's local date and what upstream says.
 */

import { type FileKind, inspectFile } from './file-structure';
import { spanishDate } from './spanish-dates';

export type ReceiptKind = FileKind;

export const RECEIPT_CONTENT_TYPES: Record<ReceiptKind, string> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  pdf: 'application/pdf',
  heic: 'image/heic',
};

/** The extension a receipt of a kind is stored and named with. */
export const receiptExtension = (kind: ReceiptKind): string => (kind === 'jpeg' ? 'jpg' : kind);

/** The media type of a stored receipt, from its extension (octet-stream for anything else). */
export function receiptContentType(extension: string): string {
  const kind = (extension === 'jpg' ? 'jpeg' : extension) as ReceiptKind;
  return Object.hasOwn(RECEIPT_CONTENT_TYPES, kind) ? RECEIPT_CONTENT_TYPES[kind] : 'application/octet-stream';
}

/**
 * What a receipt really is, from its bytes all the way through (never its name or declared type):
 * JPEG, PNG, HEIC or PDF (see file-structure.ts); null for anything else or anything malformed.
 */
export function receiptKind(bytes: Uint8Array): ReceiptKind | null {
  return inspectFile(bytes).kind;
}

/**
 * A payment reference as it identifies one payment: case, spaces, dots and dashes do not make
 * two references different ("ab-12 345" and "AB12345" are one payment). Empty when nothing is left.
 */
export function normalizeReference(reference: string): string {
  return reference
    .normalize('NFKC')
    .toUpperCase()
    .replace(/[\s.\-_/#]+/g, '');
}

/** Whole days from `from` to `to` (YYYY-MM-DD), negative when `to` is earlier. */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

export interface PromiseRules {
  /** The latest promise date allowed, in days after today. */
  maxDays: number;
  /** No new promise for this many days after a broken one's date. */
  cooldownDays: number;
}

/** A promise of payment this service agreed for an invoice. */
export interface AgreedPromise {
  invoiceId: string;
  /** YYYY-MM-DD. */
  until: string;
}

export type PromiseRefusal =
  | { reason: 'date_in_past' }
  | { reason: 'date_too_far'; latest: string }
  | { reason: 'already_active'; until: string | null }
  | { reason: 'after_broken_promise'; brokenUntil: string; allowedFrom: string };

/** The date `days` after `date` (YYYY-MM-DD). */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * Whether a promise until `until` may be agreed today. `active`: upstream's active promise, if
 * any. `previous`: promises agreed before, with whether each invoice is still unpaid: one whose
 * date passed with its invoice unpaid is broken, and starts the cool-down.
 */
export function promiseRefusal(input: {
  today: string;
  until: string;
  rules: PromiseRules;
  active: { until: string | null } | null;
  previous: readonly (AgreedPromise & { invoiceStillUnpaid: boolean })[];
}): PromiseRefusal | null {
  const { today, until, rules } = input;
  if (daysBetween(today, until) < 0) return { reason: 'date_in_past' };
  const latest = addDays(today, rules.maxDays);
  if (daysBetween(latest, until) > 0) return { reason: 'date_too_far', latest };
  if (input.active && (input.active.until === null || daysBetween(today, input.active.until) >= 0)) {
    return { reason: 'already_active', until: input.active.until };
  }
  const broken = input.previous
    .filter((promise) => promise.invoiceStillUnpaid && daysBetween(promise.until, today) > 0)
    .sort((a, b) => b.until.localeCompare(a.until))[0];
  if (broken && rules.cooldownDays > 0) {
    const allowedFrom = addDays(broken.until, rules.cooldownDays + 1);
    if (daysBetween(today, allowedFrom) > 0) return { reason: 'after_broken_promise', brokenUntil: broken.until, allowedFrom };
  }
  return null;
}

/** The Spanish sentence a bot shows for a refusal. */
export function promiseRefusalMessage(refusal: PromiseRefusal): string {
  switch (refusal.reason) {
    case 'date_in_past':
      return 'La fecha de la promesa de pago no puede ser anterior a hoy.';
    case 'date_too_far':
      return `La promesa de pago puede ser como máximo hasta el ${spanishDate(refusal.latest)}.`;
    case 'already_active':
      return refusal.until
        ? `Ya tiene una promesa de pago activa hasta el ${spanishDate(refusal.until)}.`
        : 'Ya tiene una promesa de pago activa.';
    case 'after_broken_promise':
      return `No fue posible cumplir la promesa de pago anterior (hasta el ${spanishDate(refusal.brokenUntil)}). Podrá acordar una nueva a partir del ${spanishDate(refusal.allowedFrom)}; mientras tanto, un asesor puede ayudarle.`;
  }
}
