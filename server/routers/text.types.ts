import { z } from 'zod';
import { cleanText, VISIBLE_ASCII } from '../domain/clean-text';

/** Input schemas shared by every router for text a caller types. */

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
