import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError } from './settings';
import { catalogueProblems, DEFAULT_SUBJECT_CATALOGUE, type SubjectCatalogue } from '../domain/ticket-subjects';
import { foldText } from '../domain/text';

/** The ticket subject catalogue: the default, or a JSON file named by TICKET_SUBJECTS_FILE. */

const subjects = z.array(z.string().trim().min(1)).min(1);
const fileSchema = z.object({ '1': subjects, '2': subjects, '3': subjects, '4': subjects }).strict();

export function loadSubjectCatalogue(path: string | undefined): SubjectCatalogue {
  if (!path) return DEFAULT_SUBJECT_CATALOGUE;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError([
      `TICKET_SUBJECTS_FILE: cannot read JSON from ${path} (${error instanceof Error ? error.message : 'unknown error'})`,
    ]);
  }
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map(
        (issue) =>
          `TICKET_SUBJECTS_FILE: ${issue.path.join('.') || 'file'}: ${issue.message} (expected {"1": [...], "2": [...], "3": [...], "4": [...]})`,
      ),
    );
  }
  const catalogue: SubjectCatalogue = { 1: parsed.data['1'], 2: parsed.data['2'], 3: parsed.data['3'], 4: parsed.data['4'] };
  const problems = catalogueProblems(catalogue);
  if (problems.length > 0) throw new ConfigError(problems.map((problem) => `TICKET_SUBJECTS_FILE: ${problem}`));
  return catalogue;
}

const synonymsSchema = z.record(z.string().trim().min(1), z.array(z.string().trim().min(2).max(120)).min(1));

/**
 * The ISP's own words for its own subjects, from TICKET_SUBJECT_SYNONYMS_FILE:
 * `{"Sin Señal en la Antena": ["no hay señal", "antena sin señal"]}`. Keyed by the folded subject.
 */
export function loadSubjectSynonyms(path: string | undefined): ReadonlyMap<string, readonly string[]> {
  if (!path) return new Map();
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError([
      `TICKET_SUBJECT_SYNONYMS_FILE: cannot read JSON from ${path} (${error instanceof Error ? error.message : 'unknown error'})`,
    ]);
  }
  const parsed = synonymsSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map(
        (issue) =>
          `TICKET_SUBJECT_SYNONYMS_FILE: ${issue.path.join('.') || 'file'}: ${issue.message} (expected {"<subject>": ["<phrase>", ...]})`,
      ),
    );
  }
  return new Map(Object.entries(parsed.data).map(([subject, phrases]) => [foldText(subject), phrases]));
}
