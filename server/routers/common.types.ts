/** Schemas shared by every router: text a caller types, and references upstream returns. */

import { z } from 'zod';
import { cleanText, VISIBLE_ASCII } from '../domain/clean-text';

/** A reference to another record: a plan, a zone, a technician, a router. */
export const namedRefSchema = z.object({ id: z.number().int(), name: z.string() });

/** Free text, cleaned of control characters, escapes and bidi overrides before any rule reads it. */
export const freeText = () => z.string().overwrite(cleanText).trim();

/**
 * An Idempotency-Key: visible ASCII only, so the REST header (bytes read as Latin-1) and the tRPC
 * input (UTF-8 JSON) can never read one key two ways.
 */
export const idempotencyKeySchema = z
  .string()
  .trim()
  .min(8)
  .max(200)
  .regex(VISIBLE_ASCII, { error: 'idempotencyKey must be visible ASCII characters (no spaces, no accents)' });

/** A file sent in the input: its contents in base64 (tRPC, JSON), or a multipart file part on REST. */
export const uploadSchema = (description: string) =>
  z.object({
    contentBase64: z
      .string()
      .min(8)
      .regex(/^[A-Za-z0-9+/=\s]+$/, { error: 'contentBase64 must be base64' })
      .meta({ description: `${description}, base64 (on REST also a multipart file part).` }),
    fileName: freeText().max(120).optional().meta({ description: 'Shown to staff; the content decides the type, not the name.' }),
  });
