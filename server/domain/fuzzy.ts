/**
 * Tolerance for what people type: one edit (insertion, deletion, substitution, or two
 * neighbouring letters swapped) in words of five letters or more. Shorter words must be exact:
 * one edit in "ana" or "cra" is a different word.
 */

export const TYPO_MIN_LENGTH = 5;

/** True when `a` becomes `b` with at most one edit (a swap of neighbours counts as one). No allocation: it runs per index word. */
export function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true;
  const lengthGap = a.length - b.length;
  if (lengthGap > 1 || lengthGap < -1) return false;
  let start = 0;
  while (start < a.length && start < b.length && a.charCodeAt(start) === b.charCodeAt(start)) start++;
  if (lengthGap === 0) {
    if (sameFrom(a, start + 1, b, start + 1)) return true; // substitution
    return a[start] === b[start + 1] && a[start + 1] === b[start] && sameFrom(a, start + 2, b, start + 2); // neighbours swapped
  }
  // Insertion or deletion: skip one character of the longer word.
  return lengthGap > 0 ? sameFrom(a, start + 1, b, start) : sameFrom(a, start, b, start + 1);
}

/** `a` from `i` equals `b` from `j`, to the end of both. */
function sameFrom(a: string, i: number, b: string, j: number): boolean {
  if (a.length - i !== b.length - j) return false;
  for (; i < a.length; i++, j++) if (a.charCodeAt(i) !== b.charCodeAt(j)) return false;
  return true;
}

/** The same word, or, when `typos` allows and the claimed word is long enough, one edit away. */
export function sameWord(claimed: string, actual: string, typos: boolean): boolean {
  if (claimed === actual) return true;
  return typos && claimed.length >= TYPO_MIN_LENGTH && withinOneEdit(claimed, actual);
}
