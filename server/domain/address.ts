/**
 * How an address someone types is compared with the one on record. Colombian addresses are
 * written a dozen ways ("Carrera 12 # 40-20", "Cra 12 No. 40 - 20", "KR 12 N° 40 20"): street
 * types and their abbreviations become one word, the number sign one mark, and "12-40",
 * "12 40" and "# 12 - 40" the same numbers.
 */

import { sameWord } from './fuzzy';
import type { MatchQuality } from './person-name';
import { stripAccents } from './text';

/** Place words: part of where someone lives, so they count as information. */
const PLACE_TYPES = new Map<string, string>([
  ...aliases('calle', ['calle', 'cl', 'cll', 'clle', 'call']),
  ...aliases('carrera', ['carrera', 'cra', 'cr', 'kra', 'kr', 'crr', 'carr', 'cra']),
  ...aliases('diagonal', ['diagonal', 'dg', 'diag']),
  ...aliases('transversal', ['transversal', 'tv', 'tr', 'trans', 'transv', 'trv']),
  ...aliases('avenida', ['avenida', 'av', 'avda', 'ave']),
  ...aliases('barrio', ['barrio', 'b', 'br', 'brr', 'bario', 'bo']),
  ...aliases('vereda', ['vereda', 'vda', 'vrd', 'v', 'ver']),
]);

/** Unit words: which door, not where: "casa 12" alone says nothing about a place. */
const UNIT_TYPES = new Map<string, string>([
  ...aliases('manzana', ['manzana', 'mz', 'mza', 'manz']),
  ...aliases('casa', ['casa', 'cs', 'cas']),
  ...aliases('apartamento', ['apartamento', 'apto', 'ap', 'apt', 'aparta']),
  ...aliases('#', ['#', 'no', 'n', 'nro', 'num', 'numero', 'n°', 'nº']),
]);

const STOPWORDS = new Set(['de', 'del', 'la', 'las', 'el', 'los', 'y', 'en', 'con', 'al', 'a', 'sector', 'via']);

function aliases(canonical: string, spellings: string[]): [string, string][] {
  return spellings.map((spelling) => [spelling, canonical]);
}

/** The address as canonical words: street types spelt out, "#" for the number sign, numbers apart. */
export function addressWords(value: string | null | undefined): string[] {
  if (!value) return [];
  const folded = stripAccents(value)
    .replace(/n[°º]/gi, ' # ')
    .toLowerCase()
    .replace(/#/g, ' # ')
    // "cra12", "12a" stay readable: letters and digits apart, except a one-letter suffix ("12a").
    .replace(/([a-z]{2,})(\d)/g, '$1 $2')
    .replace(/[^a-z0-9#]+/g, ' ')
    .trim();
  if (folded === '') return [];
  return folded.split(' ').map((word) => PLACE_TYPES.get(word) ?? UNIT_TYPES.get(word) ?? word);
}

const UNIT_WORDS = new Set([...UNIT_TYPES.values()].filter((word) => word !== '#'));

/**
 * The words that say where: no stopwords, no number sign, no unit words and no unit numbers
 * ("casa 12", "Mz 4", "apto 301" say which door, not where); street numbers after "#" stay.
 */
export function informativeAddressWords(words: readonly string[]): string[] {
  const kept: string[] = [];
  for (let index = 0; index < words.length; index++) {
    const word = words[index]!;
    if (UNIT_WORDS.has(word)) {
      if (/^\d/.test(words[index + 1] ?? '')) index++; // its number goes with it
      continue;
    }
    if (word !== '#' && !STOPWORDS.has(word)) kept.push(word);
  }
  return kept;
}

/** The comparison key of an address: its informative words, in order. */
export function addressKey(value: string | null | undefined): string {
  return informativeAddressWords(addressWords(value)).join(' ');
}

/** Fewer informative words than this identify no one ("casa 12", "la esperanza"). */
export const MIN_ADDRESS_WORDS = 2;

/** An address split once: its canonical words, those compared for `exact`, and the informative ones. */
export interface AddressParts {
  words: string[];
  whole: string[];
  informative: string[];
}

export function addressParts(value: string | null | undefined): AddressParts {
  const words = addressWords(value);
  return { words, whole: words.filter((word) => word !== '#' && !STOPWORDS.has(word)), informative: informativeAddressWords(words) };
}

/**
 * `exact`: the same words in the same order (stopwords and the number sign aside, units included:
 * "casa 12" left out makes it partial). `partial`: every informative word of the claim appears in
 * the recorded address ("vereda la esperanza" for "Vereda La Esperanza, casa 12"). A claim with
 * fewer than two informative words never matches. `typos`: one edit in words of five letters or more.
 */
export function matchAddress(claimed: string | null | undefined, recorded: string | null | undefined, typos = false): MatchQuality {
  return matchAddressParts(addressParts(claimed), addressParts(recorded), typos);
}

/** `matchAddress` on addresses already split, for callers comparing one claim with many addresses. */
export function matchAddressParts(claim: AddressParts, record: AddressParts, typos = false): MatchQuality {
  if (claim.informative.length < MIN_ADDRESS_WORDS) return 'none';
  if (claim.whole.length === record.whole.length && claim.whole.every((word, index) => sameWord(word, record.whole[index]!, typos))) {
    return 'exact';
  }
  return claim.informative.every((word) => record.words.some((candidate) => sameWord(word, candidate, typos))) ? 'partial' : 'none';
}
