import { stripAccents } from './text';

/** Identity documents (cédula, NIT, passport): dots, spaces and dashes are formatting, not content. */
export function normalizeDocument(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  if (/^\d+$/.test(text)) return text; // the usual cédula: nothing to normalise
  return stripAccents(text)
    .replace(/[^A-Za-z0-9]/g, '')
    .toUpperCase();
}
