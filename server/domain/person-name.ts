/**
 * How a name someone types is compared with the name on record. Colombian names are given
 * names then surnames ("Esperanza Benítez Ríos", "Luz Dary Gómez", "Jhon Fredy Pérez Ruiz");
 * people leave out the second surname or the middle name, never the first given name.
 */

import { sameWord } from './fuzzy';
import { foldText } from './text';

/** Spanish particles: "María del Pilar de la Torre" is compared as "maria pilar torre". */
export const PARTICLES: ReadonlySet<string> = new Set(['de', 'del', 'la', 'las', 'los', 'y', 'e']);

/**
 * Given names that often come second, so a three-word name "Luz Dary Gómez" or "Juan Carlos Ruiz"
 * is two given names and one surname rather than one given name and two surnames.
 */
const SECOND_GIVEN_NAMES = new Set(
  (
    'dary dari mary marina fredy freddy jose maria carlos andres alberto antonio eduardo enrique fernando felipe javier ' +
    'alejandro alexander alexis david daniel esteban manuel miguel angel luis pablo camilo sebastian mauricio orlando ' +
    'jair jairo hernan hernando alfonso arturo ricardo rodrigo ramon rafael gabriel elena isabel cristina patricia ' +
    'andrea paola alejandra carolina fernanda marcela milena liliana lorena johana yaneth janeth esperanza cecilia ' +
    'teresa rocio estella stella eugenia amparo consuelo piedad del pilar helena adriana viviana yamile sofia valentina ' +
    'juliana natalia catalina margarita lucia ines ivonne yolanda beatriz nelly edith ruth dayana tatiana marleny ' +
    'emilio julian julio cesar augusto octavio gustavo humberto alirio aldemar arley yesid wilson fabian nicolas'
  ).split(' '),
);

export type MatchQuality = 'exact' | 'partial' | 'none';

/** Folded words of a name without particles. */
export function nameWords(name: string | null | undefined): string[] {
  return foldText(name)
    .split(' ')
    .filter((word) => word !== '' && !PARTICLES.has(word));
}

/** How many of a recorded name's words are given names; the rest are surnames. */
export function givenNameCount(words: readonly string[]): number {
  if (words.length <= 2) return 1;
  if (words.length === 3) return SECOND_GIVEN_NAMES.has(words[1]!) ? 2 : 1;
  return words.length - 2;
}

/**
 * `exact`: the same words (any order: "Peña Muñoz José" is José Peña Muñoz). `partial`: the
 * claimed words appear in the recorded name in the same order and include its first given name
 * and at least one surname ("Esperanza Benitez" and "Esperanza Rios" for Esperanza Benítez Ríos;
 * never "Benitez" or "Esperanza" alone). `typos`: one edit in words of five letters or more.
 */
export function matchName(claimed: string | null | undefined, recorded: string | null | undefined, typos = false): MatchQuality {
  return matchNameWords(nameWords(claimed), nameWords(recorded), typos);
}

/**
 * `matchName` on words already split (nameWords), for callers comparing one claim with many names.
 * `givenCount`: how many of the record's words are given names, when upstream says so.
 */
export function matchNameWords(claim: readonly string[], record: readonly string[], typos = false, givenCount?: number): MatchQuality {
  if (claim.length === 0 || record.length === 0) return 'none';
  if (claim.length === record.length && sameMultiset(claim, record, typos)) return 'exact';
  if (claim.length < 2) return 'none';
  const given = givenCount ?? givenNameCount(record);
  let position = 0;
  let coversFirstGiven = false;
  let coversSurname = false;
  for (const word of claim) {
    while (position < record.length && !sameWord(word, record[position]!, typos)) position++;
    if (position === record.length) return 'none';
    if (position === 0) coversFirstGiven = true;
    if (position >= given) coversSurname = true;
    position++;
  }
  return coversFirstGiven && coversSurname ? 'partial' : 'none';
}

function sameMultiset(claim: readonly string[], record: readonly string[], typos: boolean): boolean {
  const left = [...record];
  for (const word of claim) {
    const at = left.findIndex((candidate) => sameWord(word, candidate, typos));
    if (at === -1) return false;
    left.splice(at, 1);
  }
  return left.length === 0;
}
