import { foldText } from './text';

/**
 * Address comparison key. Rural and urban prefixes (Vereda, Vda, V/, Barrio, B/, Brr) are
 * noise in what customers type, and "#", "No." and punctuation carry no meaning.
 */
const PREFIX_WORDS = new Set(['vereda', 'vda', 'vrd', 'v', 'barrio', 'bario', 'brr', 'br', 'b', 'no']);

export function normalizeAddress(value: string | null | undefined): string {
  return foldText(value)
    .split(' ')
    .filter((word) => word !== '' && !PREFIX_WORDS.has(word))
    .join(' ');
}
