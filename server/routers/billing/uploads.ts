/**
 * Files callers send (payment receipts, ticket photos): decoded from base64 within a size limit,
 * then accepted only as JPEG, PNG, HEIC or PDF by what their bytes are all the way through, never
 * by their name. The name that reaches WispHub is reduced to a safe base name with the real type's
 * extension.
 */

import { inspectFile } from '../../domain/file-structure';
import { RECEIPT_CONTENT_TYPES, type ReceiptKind, receiptExtension } from '../../domain/payments';
import { AppError } from '../../errors';

export interface Upload {
  bytes: Buffer;
  kind: ReceiptKind;
  contentType: string;
  extension: string;
}

export function readUpload(contentBase64: string, limitBytes: number, invalid: 'receipt_invalid' | 'attachment_invalid'): Upload {
  const tooLarge = () => new AppError('payload_too_large', { message: 'El archivo supera el tamaño permitido.', details: { limitBytes } });
  // Base64 is 4 characters per 3 bytes: refuse an oversized file before decoding it.
  if (Math.floor((contentBase64.length * 3) / 4) > limitBytes + 3) throw tooLarge();
  const bytes = Buffer.from(contentBase64, 'base64');
  if (bytes.length > limitBytes) throw tooLarge();
  const inspection = inspectFile(bytes);
  if (inspection.kind === null) {
    throw new AppError(invalid, { details: { accepted: Object.values(RECEIPT_CONTENT_TYPES), problem: inspection.problem } });
  }
  const { kind } = inspection;
  return { bytes, kind, contentType: RECEIPT_CONTENT_TYPES[kind], extension: receiptExtension(kind) };
}

const MAX_NAME_LENGTH = 80;

/**
 * A file name safe to hand to WispHub: the base name only (no directories, either slash), ASCII
 * letters, digits, dot, dash and underscore, no leading dots, at most 80 characters, ending in the
 * extension of what the bytes are. `fallback` (without extension) when nothing is left.
 */
export function safeFileName(given: string | undefined, fallback: string, extension: string): string {
  const base = (given ?? '').split(/[/\\]/).pop() ?? '';
  const stem = base
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/\.[A-Za-z0-9]{1,5}$/, '')
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^[._-]+/, '')
    .replace(/_+/g, '_')
    .slice(0, MAX_NAME_LENGTH - extension.length - 1)
    .replace(/[._-]+$/, '');
  return `${stem === '' ? fallback : stem}.${extension}`;
}
