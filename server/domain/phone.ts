/**
 * Colombian phone numbers as WispHub Net stores them: free text that may hold several
 * numbers ("3001234567 / 3109876543"), a +57 or 57 prefix, spaces and dashes inside.
 */

const SEPARATORS = /[/,;|]|\s+(?:y|o)\s+/i;

/** Digits of one number without the country code: "+57 300-123-4567" -> "3001234567". */
export function normalizePhone(value: string | null | undefined): string {
  if (!value) return '';
  let digits = value.replace(/\D/g, '');
  if (digits.length === 12 && digits.startsWith('57')) digits = digits.slice(2);
  else if (digits.length === 13 && digits.startsWith('057')) digits = digits.slice(3);
  return digits;
}

/** Ten digits starting with 3 (mobile) or 60 (landline with area code, numbering since 2021). */
function isColombianNumber(digits: string): boolean {
  return digits.length === 10 && (digits.startsWith('3') || digits.startsWith('60'));
}

/** Every number in a `telefono` field, normalised, without duplicates. */
export function extractPhoneNumbers(raw: string | null | undefined): string[] {
  if (!raw) return [];
  const found = new Set<string>();
  for (const part of raw.split(SEPARATORS)) {
    const whole = normalizePhone(part);
    if (isColombianNumber(whole) || /^\d{7}$/.test(whole)) {
      found.add(whole);
      continue;
    }
    // Several numbers separated only by spaces, each possibly written in groups ("300 123 4567").
    let pending = '';
    for (const group of part.trim().split(/\s+/)) {
      pending += group.replace(/\D/g, '');
      const candidate = normalizePhone(pending);
      if (isColombianNumber(candidate) && (pending.length === 10 || pending.length === 12)) {
        found.add(candidate);
        pending = '';
      } else if (pending.length >= 12) {
        pending = '';
      }
    }
  }
  return [...found];
}
