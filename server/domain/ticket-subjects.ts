/** The ticket subject catalogue by priority, and matching of what a bot sends against it. */

import { foldText } from './text';

export const PRIORITY_LEVELS = { 1: 'low', 2: 'normal', 3: 'high', 4: 'very_high' } as const;
export type PriorityNumber = keyof typeof PRIORITY_LEVELS;
export type PriorityLevel = (typeof PRIORITY_LEVELS)[PriorityNumber];
export const PRIORITY_LABELS: Record<PriorityNumber, string> = { 1: 'Baja', 2: 'Normal', 3: 'Alta', 4: 'Muy Alta' };

export type SubjectCatalogue = Record<PriorityNumber, string[]>;

export const DEFAULT_SUBJECT_CATALOGUE: SubjectCatalogue = {
  1: ['Cambio de Contraseña en Router Wifi', 'Cambio de Domicilio', 'Recolección De Equipos', 'Cancelación', 'Desconexión'],
  2: ['Internet Lento', 'Internet Intermitente', 'Antena Desalineada', 'Cables Mal Colocados', 'Cableado Para Modem Extra'],
  3: [
    'No Tiene Internet',
    'Antena Dañada',
    'No Responde la Antena',
    'No Responde el Router Wifi',
    'Router Wifi Reseteado (Valores de Fabrica)',
    'Cambio de Router Wifi',
    'Cambio de Antena',
    'Cambio de Antena + Router Wifi',
    'Cable UTP Dañado',
    'PoE Dañado',
    'Conector Dañado',
    'Antena valores De Fabrica',
    'Eliminador Dañado',
    'RJ45 Dañado',
    'Alambres Rotos',
    'Reconexión',
    'Cable Fibra Dañado',
    'Jumper Dañado',
  ],
  4: ['Troncal Dañado', 'Caja Nap Dañada', 'Cambio A Fibra Óptica'],
};

export interface CatalogueSubject {
  subject: string;
  priority: PriorityNumber;
  level: PriorityLevel;
}

export function catalogueEntries(catalogue: SubjectCatalogue): CatalogueSubject[] {
  return ([1, 2, 3, 4] as const).flatMap((priority) =>
    catalogue[priority].map((subject) => ({ subject, priority, level: PRIORITY_LEVELS[priority] })),
  );
}

/** "+" and parentheses matter in subjects ("Cambio de Antena + Router Wifi"), so they stay in the key. */
function subjectKey(value: string): string {
  return foldText(value.replace(/\+/g, ' plus '));
}

/** Upstream's separator between the subject sent and what it appends (the client's name). */
const STORED_SUBJECT_SEPARATOR = ' - ';

/**
 * The subject as sent, from the subject as upstream stores it: WispHub Net rewrites "No Tiene
 * Internet" to "No Tiene Internet - Esperanza Benítez Ríos" (docs/upstream.md, "Tickets"), so
 * the part before the first " - " is the subject. No catalogue subject holds " - ".
 */
export function subjectOfStored(stored: string): string {
  const at = stored.indexOf(STORED_SUBJECT_SEPARATOR);
  return (at === -1 ? stored : stored.slice(0, at)).trim();
}

/** A stored subject is the one sent, rewritten or not, accents and case aside. */
export function isSameSubject(stored: string, sent: string): boolean {
  const key = subjectKey(sent);
  return key !== '' && subjectKey(subjectOfStored(stored)) === key;
}

/** The catalogue entry for a subject written in any case or accents, or null. */
export function matchSubject(input: string, catalogue: SubjectCatalogue): CatalogueSubject | null {
  const key = subjectKey(input);
  if (key === '') return null;
  return catalogueEntries(catalogue).find((entry) => subjectKey(entry.subject) === key) ?? null;
}

/** Problems of a catalogue read from a file; empty when valid. */
export function catalogueProblems(catalogue: SubjectCatalogue): string[] {
  const problems: string[] = [];
  const seen = new Map<string, string>();
  for (const entry of catalogueEntries(catalogue)) {
    const key = subjectKey(entry.subject);
    if (key === '') problems.push(`empty subject at priority ${entry.priority}`);
    const previous = seen.get(key);
    if (previous) problems.push(`"${entry.subject}" duplicates "${previous}"`);
    seen.set(key, entry.subject);
  }
  return problems;
}

/**
 * The ISP's own catalogue (upstream's subject names, as upstream spells them) with our priority
 * rules: a subject the rules know keeps its priority, any other gets `defaultPriority`. Subjects of
 * the rules that the ISP does not have are left out: upstream refuses them as `asuntos_default`.
 */
export function mergeSubjectCatalogue(
  upstreamSubjects: readonly string[],
  rules: SubjectCatalogue,
  defaultPriority: PriorityNumber,
): SubjectCatalogue {
  const merged: SubjectCatalogue = { 1: [], 2: [], 3: [], 4: [] };
  const seen = new Set<string>();
  for (const name of upstreamSubjects) {
    const subject = name.trim();
    const key = subjectKey(subject);
    if (key === '' || seen.has(key)) continue;
    seen.add(key);
    merged[matchSubject(subject, rules)?.priority ?? defaultPriority].push(subject);
  }
  return merged;
}

/** Up to `count` catalogue subjects closest to what was sent, for a 400 that helps: shared words first, then spelling. */
export function closestSubjects(input: string, catalogue: SubjectCatalogue, count = 3): string[] {
  const words = new Set(
    subjectKey(input)
      .split(' ')
      .filter((word) => word.length > 2),
  );
  const key = subjectKey(input);
  return catalogueEntries(catalogue)
    .map(({ subject }) => {
      const candidate = subjectKey(subject);
      const shared = candidate.split(' ').filter((word) => words.has(word)).length;
      return { subject, shared, distance: editDistance(key, candidate) };
    })
    .filter((entry) => entry.shared > 0 || entry.distance <= Math.max(3, Math.floor(key.length / 3)))
    .sort((a, b) => b.shared - a.shared || a.distance - b.distance)
    .slice(0, count)
    .map((entry) => entry.subject);
}

/** Levenshtein distance (subject names are short). */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}
