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

/**
 * The words of a list one edit away from a query word, found without scanning the list. Two words
 * of four letters or more within one edit share their first two letters (the edit is further on)
 * or their last two (it is within the first two), and differ in length by one at most: each word
 * is filed under "length + first two" and "length + last two", and a query reads six buckets.
 * Words of digits only are left out: a query word with no digit is never one edit from them.
 */
export class NearWords {
  private readonly buckets = new Map<string, number[]>();

  constructor(private readonly words: readonly string[]) {
    words.forEach((word, position) => {
      if (word.length < TYPO_MIN_LENGTH - 1 || /^\d+$/.test(word)) return;
      for (const key of [startKey(word.length, word), endKey(word.length, word)]) {
        const bucket = this.buckets.get(key);
        if (bucket) bucket.push(position);
        else this.buckets.set(key, [position]);
      }
    });
  }

  /** Positions (ascending) of the words within one edit of `token`, itself included when listed. */
  positionsNear(token: string): number[] {
    if (token.length < TYPO_MIN_LENGTH) return [];
    const found = new Set<number>();
    for (let length = token.length - 1; length <= token.length + 1; length++) {
      for (const key of [startKey(length, token), endKey(length, token)]) {
        for (const position of this.buckets.get(key) ?? []) if (withinOneEdit(token, this.words[position]!)) found.add(position);
      }
    }
    return [...found].sort((a, b) => a - b);
  }
}

const startKey = (length: number, word: string): string => `${length}<${word.slice(0, 2)}`;
const endKey = (length: number, word: string): string => `${length}>${word.slice(-2)}`;
