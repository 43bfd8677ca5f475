import { foldText } from './text';

/** The ticket subject catalogue by priority, and matching of what a bot sends against it. */

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
