/**
 * The ticket subject files: the catalogue (TICKET_SUBJECTS_FILE, else the shipped one) and the
 * ISP's phrases for its own subjects (TICKET_SUBJECT_SYNONYMS_FILE). A file that cannot be read or
 * does not match stops start-up with a message naming the variable.
 */

import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { foldText } from '../domain/text';
import { catalogueProblems, DEFAULT_SUBJECT_CATALOGUE, type SubjectCatalogue } from '../domain/ticket-subjects';
import { ConfigError } from './settings';

/** A JSON file named by `variable`, validated by `schema`; `expected` says the shape in the message. */
function readJsonSetting<T>(variable: string, path: string, schema: z.ZodType<T>, expected: string): T {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError([`${variable}: cannot read JSON from ${path} (${error instanceof Error ? error.message : 'unknown error'})`]);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => `${variable}: ${issue.path.join('.') || 'file'}: ${issue.message} (expected ${expected})`),
    );
  }
  return parsed.data;
}

const subjects = z.array(z.string().trim().min(1)).min(1);
const fileSchema = z.object({ '1': subjects, '2': subjects, '3': subjects, '4': subjects }).strict();

export function loadSubjectCatalogue(path: string | undefined): SubjectCatalogue {
  if (!path) return DEFAULT_SUBJECT_CATALOGUE;
  const file = readJsonSetting('TICKET_SUBJECTS_FILE', path, fileSchema, '{"1": [...], "2": [...], "3": [...], "4": [...]}');
  const catalogue: SubjectCatalogue = { 1: file['1'], 2: file['2'], 3: file['3'], 4: file['4'] };
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
  const file = readJsonSetting('TICKET_SUBJECT_SYNONYMS_FILE', path, synonymsSchema, '{"<subject>": ["<phrase>", ...]}');
  return new Map(Object.entries(file).map(([subject, phrases]) => [foldText(subject), phrases]));
}
