/** Identity documents (cédula, NIT, passport): dots, spaces and dashes are formatting, not content. */
export function normalizeDocument(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  return String(value)
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9]/g, '')
    .toUpperCase();
}
