/**
 * The end user behind a bot: an opaque id the bot chooses (e.g. a hash of a WhatsApp number),
 * sent as the X-End-User header or, over MCP, as a tool's `endUser` argument. Never personal data:
 * it is logged and used as a counter key.
 */

import { AppError } from '../errors';

const END_USER = /^[\w.:@+=/-]{1,128}$/;
/** The same rule as a JSON Schema / OpenAPI `pattern`, for the surfaces that document it. */
export const END_USER_PATTERN = END_USER.source;

/** Null when absent; a 400 when it is not an opaque id. */
export function readEndUser(value: unknown, where: string): string | null {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value !== 'string' || !END_USER.test(value)) {
    throw new AppError('invalid_input', {
      message: `${where} debe ser un identificador opaco de hasta 128 caracteres (letras, dígitos y . _ : @ + = / -).`,
      details: { fieldErrors: { [where]: ['1-128 characters of A-Z a-z 0-9 _ . : @ + = / -'] } },
    });
  }
  return value;
}
