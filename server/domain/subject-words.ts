/**
 * Suggestions for the ISP's own subjects, those no phrase rule knows (every ISP names a few of its
 * own: "Sin Señal en la Antena", "Traslado de Servicio"): by the words of the subject's name and
 * any synonyms the ISP lists (TICKET_SUBJECT_SYNONYMS_FILE). Weaker evidence than a rule written
 * for a subject, so such a suggestion is never `high`: the bot confirms it with the customer.
 */

import { foldText } from './text';
import { type CatalogueSubject, catalogueEntries, type SubjectCatalogue } from './ticket-subjects';

/** Words that name nothing on their own. */
const FILLER = new Set(['de', 'del', 'la', 'las', 'el', 'los', 'en', 'y', 'a', 'al', 'con', 'para', 'por', 'un', 'una', 'se', 'mi', 'su']);

/** The most a word-matched subject can score: below what a rule scores for a clear reading. */
export const WORD_MATCH_CEILING = 0.7;
/** A synonym the ISP wrote, found whole in the message. */
export const SYNONYM_CONFIDENCE = 0.65;

/** Informative words, folded; long words compared by their first five letters (señal / señales). */
function stems(text: string): string[] {
  return foldText(text.replace(/ñ/gi, 'n'))
    .split(' ')
    .filter((word) => word.length > 1 && !FILLER.has(word))
    .map((word) => (word.length > 5 ? word.slice(0, 5) : word));
}

export interface WordSuggestion extends CatalogueSubject {
  confidence: number;
  reads: string;
}

/**
 * Scores the subjects in `candidates` (the ones no rule targets) against a message already
 * normalised by the rules (shorthand spelt out): the share of a subject's words the message holds,
 * up to the ceiling, when at least two of them (or its only one) appear; a listed synonym found
 * whole scores SYNONYM_CONFIDENCE.
 */
export function suggestByWords(
  message: string,
  catalogue: SubjectCatalogue,
  isRuleSubject: (subject: string) => boolean,
  synonyms: ReadonlyMap<string, readonly string[]> = new Map(),
): WordSuggestion[] {
  const said = new Set(stems(message));
  const folded = ` ${foldText(message.replace(/ñ/gi, 'n'))} `;
  const found: WordSuggestion[] = [];
  for (const entry of catalogueEntries(catalogue)) {
    if (isRuleSubject(entry.subject)) continue;
    const own = synonyms.get(foldText(entry.subject)) ?? [];
    const synonym = own.find((phrase) => folded.includes(` ${foldText(phrase.replace(/ñ/gi, 'n'))} `));
    if (synonym) {
      found.push({ ...entry, confidence: SYNONYM_CONFIDENCE, reads: `sinónimo del proveedor: «${synonym}»` });
      continue;
    }
    const words = [...new Set(stems(entry.subject))];
    const hits = words.filter((word) => said.has(word)).length;
    if (words.length === 0 || hits < Math.min(2, words.length)) continue;
    const confidence = Math.round(WORD_MATCH_CEILING * (hits / words.length) * 100) / 100;
    found.push({ ...entry, confidence, reads: `palabras del asunto «${entry.subject}»` });
  }
  return found;
}
