import { RECEIPT_CONTENT_TYPES, type ReceiptKind, receiptKind } from '../domain/payments';
import { AppError } from '../errors';

/**
 * Files callers send (payment receipts, ticket photos): decoded from base64 within a size limit,
 * then accepted only as JPEG, PNG or PDF by what their bytes are, never by their name.
 */

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
  const kind = receiptKind(bytes);
  if (!kind) throw new AppError(invalid, { details: { accepted: Object.values(RECEIPT_CONTENT_TYPES) } });
  return { bytes, kind, contentType: RECEIPT_CONTENT_TYPES[kind], extension: kind === 'jpeg' ? 'jpg' : kind };
}
