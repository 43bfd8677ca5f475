/**
 * What every probe check shares: the verdicts, the context, and the readers of an observation
 * (counts, statuses, field names and paths only: never a record's value).
 */

import type { SubjectCatalogue } from '../../domain/ticket-subjects';
import { UPSTREAM_PATHS } from '../paths';
import { locationPath, type Observation, type ProbeHttp } from './probe-http';

export type Verdict = 'ok' | 'differs' | 'could not check';

export interface CheckResult {
  verdict: Verdict;
  observed: string;
}

export interface ProbeCheck {
  id: string;
  assumption: string;
  blocking: boolean;
  run(context: ProbeContext): Promise<CheckResult>;
}

export type Row = Record<string, unknown>;

/** What the checks share: the HTTP client, our subject catalogue, and samples earlier checks read. */
export interface ProbeContext {
  http: ProbeHttp;
  subjects: SubjectCatalogue;
  pageSize: number;
  /** Set by the auth check: without an accepted key no other check can say anything. */
  keyAccepted: boolean;
  /** `tickets` is null until first loaded (a tenant may have none: loaded once either way). */
  sample: { clients: Row[]; tickets: Row[] | null; invoiceId?: string };
}

export const ok = (observed: string): CheckResult => ({ verdict: 'ok', observed });
export const differs = (observed: string): CheckResult => ({ verdict: 'differs', observed });
export const unchecked = (observed: string): CheckResult => ({ verdict: 'could not check', observed });

export function isRow(value: unknown): value is Row {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The items of a list answer: a DRF page's `results`, or a bare array. */
export function itemsOf(observation: Observation): Row[] | null {
  const body = observation.json;
  if (Array.isArray(body)) return body.filter(isRow);
  if (isRow(body) && Array.isArray(body.results)) return body.results.filter(isRow);
  return null;
}

export function describe(observation: Observation): string {
  if (observation.status >= 300 && observation.status < 400)
    return `${observation.status} to ${locationPath(observation.location, 'http://x')}`;
  return `${observation.status} ${observation.json === undefined ? (observation.contentType.includes('html') ? 'HTML' : 'not JSON') : 'JSON'}`;
}

export const serviceIdOf = (client: Row): number | null =>
  typeof client.id_servicio === 'number'
    ? client.id_servicio
    : Number.isInteger(Number(client.id_servicio))
      ? Number(client.id_servicio)
      : null;

export function sampleServiceId(context: ProbeContext, index = 0): number | null {
  const ids = context.sample.clients.map(serviceIdOf).filter((id): id is number => id !== null);
  return ids[index] ?? null;
}

export async function loadTicketSample(context: ProbeContext): Promise<Row[]> {
  if (context.sample.tickets === null) {
    const page = await context.http.get(UPSTREAM_PATHS.tickets, { limit: 20, offset: 0 });
    context.sample.tickets = itemsOf(page) ?? [];
  }
  return context.sample.tickets;
}

/** The field names of a JSON object, for a report that never shows a value. */
export const fieldNames = (row: Row): string => Object.keys(row).sort().join(', ');

/** Whether a list filter narrows the list to matching items (honoured) or answers the unfiltered list (ignored). */
export async function filterHonoured(
  context: ProbeContext,
  path: string,
  filter: string,
  value: string,
  matches: (item: Row) => boolean,
): Promise<string> {
  const observation = await context.http.get(path, { [filter]: value, limit: 20, offset: 0 });
  const items = itemsOf(observation);
  if (items === null) return `${filter}: ${describe(observation)}`;
  return items.length > 0 && items.every(matches) ? `${filter} honoured` : `${filter} ignored`;
}
