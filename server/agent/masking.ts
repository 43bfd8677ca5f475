/**
 * What the model may read of a tool's answer: documents and phone numbers (any run of six or more
 * digits in a text field; ids and amounts are JSON numbers and stay) masked to their last three, e-mail addresses to their first letter and domain, unless
 * the customer wrote that number themselves in this conversation; verification tokens never
 * (the gateway keeps them).
 */

import { maskPersonalText, numberRuns } from '../domain/personal-text';

const SECRET_FIELDS = new Set(['verificationToken', 'token']);

/** The digit runs (6+) the customer wrote, for "beyond what the customer said themselves". */
export const saidNumbers = (userTexts: readonly string[]): Set<string> => numberRuns(userTexts);

export function maskForModel(value: unknown, said: ReadonlySet<string>): unknown {
  if (typeof value === 'string') return maskPersonalText(value, said);
  if (Array.isArray(value)) return value.map((item) => maskForModel(item, said));
  if (value !== null && typeof value === 'object') {
    const masked: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value))
      masked[key] = SECRET_FIELDS.has(key) && item !== null ? '[guardado por el sistema]' : maskForModel(item, said);
    return masked;
  }
  return value;
}
