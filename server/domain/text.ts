/** Text folding shared by search and identity checks: accents, case, punctuation. */

const DIACRITICS = /[\u0300-\u036f]/g;
const NON_ASCII = /[\u0080-\uffff]/;

/**
 * Accents removed ("Peña" -> "Pena"). Text that is plain ASCII is returned as it is: decomposing
 * it changes nothing, and indexing folds tens of thousands of names and addresses.
 */
export function stripAccents(value: string): string {
  return NON_ASCII.test(value) ? value.normalize('NFD').replace(DIACRITICS, '') : value;
}

/** Lower case, accents removed ("Peña" -> "pena"), punctuation as spaces, spaces collapsed. */
export function foldText(value: string | null | undefined): string {
  if (!value) return '';
  return stripAccents(value)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** Folded words of a text. Digit groups written with dots or dashes ("1.098.765") stay one word. */
export function tokenize(value: string | null | undefined): string[] {
  if (!value) return [];
  const joined = value.replace(/(\d)[.-](?=\d)/g, '$1');
  const folded = foldText(joined);
  return folded === '' ? [] : folded.split(' ');
}

/** Word multiset equality, order-insensitive: "Peña Muñoz José" equals "jose pena munoz". */
export function sameWords(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length || a.length === 0) return false;
  const left = [...a].sort();
  const right = [...b].sort();
  return left.every((word, index) => word === right[index]);
}
