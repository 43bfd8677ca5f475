/**
 * Probe checks of tickets: filters, item shape, stored subjects, the catalogue, comments, the task endpoint.
 */

import { randomUUID } from 'node:crypto';
import { foldText } from '../../domain/text';
import { catalogueEntries, matchSubject, subjectOfStored } from '../../domain/ticket-subjects';
import { UPSTREAM_PATHS } from '../paths';
import { ticketStateNumber } from '../ticket-mapper';
import {
  type CheckResult,
  describe,
  differs,
  fieldNames,
  filterHonoured,
  isRow,
  itemsOf,
  loadTicketSample,
  ok,
  type ProbeCheck,
  type ProbeContext,
  type Row,
  unchecked,
} from './check-kit';

const ticketServiceId = (ticket: Row): number | null =>
  isRow(ticket.servicio) && typeof ticket.servicio.id_servicio === 'number' ? ticket.servicio.id_servicio : null;

export const ticketFilters: ProbeCheck = {
  id: 'ticket-filters',
  assumption: 'ticket filters estado and servicio narrow the list (the gateway re-checks every item either way)',
  blocking: false,
  async run(context) {
    const tickets = await loadTicketSample(context);
    const serviceId = tickets.map(ticketServiceId).find((id) => id !== null);
    const results = [
      await filterHonoured(
        context,
        UPSTREAM_PATHS.tickets,
        'estado',
        '1',
        (item) => ticketStateNumber(typeof item.estado === 'string' ? item.estado : null) === 1,
      ),
    ];
    if (serviceId !== undefined && serviceId !== null) {
      results.push(
        await filterHonoured(context, UPSTREAM_PATHS.tickets, 'servicio', String(serviceId), (item) => ticketServiceId(item) === serviceId),
      );
    } else results.push('servicio: no sample ticket with a service');
    return results.every((result) => result.endsWith('honoured')) ? ok(results.join(', ')) : differs(results.join(', '));
  },
};

export const ticketShape: ProbeCheck = {
  id: 'ticket-shape',
  assumption: 'ticket items carry id_ticket, estado as text and servicio {id_servicio, zona {id}} (zone limits count them)',
  blocking: true,
  async run(context) {
    const tickets = await loadTicketSample(context);
    if (tickets.length === 0) return unchecked('no tickets to look at');
    const withId = tickets.filter((ticket) => typeof ticket.id_ticket === 'number').length;
    const nested = tickets.filter((ticket) => isRow(ticket.servicio)).length;
    const bare = tickets.filter((ticket) => typeof ticket.servicio === 'number' || typeof ticket.servicio === 'string').length;
    const zoned = tickets.filter(
      (ticket) => isRow(ticket.servicio) && isRow(ticket.servicio.zona) && typeof ticket.servicio.zona.id === 'number',
    ).length;
    const observed = `${tickets.length} tickets: ${withId} with id_ticket, ${nested} with a nested servicio, ${zoned} with servicio.zona.id`;
    if (withId < tickets.length) return differs(`${observed}: tickets without a numeric id_ticket`);
    if (bare > 0 || (nested === 0 && tickets.length > 0))
      return differs(`${observed}; ${bare} with a bare service id: zones cannot be counted`);
    return ok(observed);
  },
};

export const subjectRewrite: ProbeCheck = {
  id: 'subject-rewrite',
  assumption: 'stored subjects read "<subject> - <client name>" (the gateway compares the part before " - "; either way works)',
  blocking: false,
  async run(context) {
    const tickets = (await loadTicketSample(context)).filter((ticket) => typeof ticket.asunto === 'string' && isRow(ticket.servicio));
    if (tickets.length === 0) return unchecked('no ticket with a subject and a service to look at');
    const rewritten = tickets.filter((ticket) => String(ticket.asunto).includes(' - ')).length;
    const observed = `${rewritten} of ${tickets.length} sampled subjects carry " - <name>"`;
    return rewritten > 0 ? ok(observed) : differs(`${observed}: stored as sent`);
  },
};

/** Up to five quoted names, then an ellipsis. */
const someOf = (names: readonly string[]): string =>
  `${names
    .slice(0, 5)
    .map((name) => `"${name}"`)
    .join(', ')}${names.length > 5 ? ', …' : ''}`;

export const subjectCatalogue: ProbeCheck = {
  id: 'subject-catalogue',
  assumption:
    'tickets take the ISP’s own subjects from /api/tickets/asuntos-tickets/ (read, each with our priority rule or the default); without that endpoint, the fallback list (shipped or TICKET_SUBJECTS_FILE) holds only subjects upstream accepts',
  blocking: true,
  async run(context) {
    const observation = await context.http.get(UPSTREAM_PATHS.ticketSubjects, { limit: 1000, offset: 0 });
    const ours = catalogueEntries(context.subjects).map((entry) => entry.subject);
    if (observation.status === 404) return fallbackVerdict(context, ours);
    const items = itemsOf(observation);
    if (observation.status !== 200 || items === null)
      return differs(`catalogue: ${describe(observation)}, not a list the gateway can read`);
    const theirs = items.map((item) => String(item.nombre ?? item.asunto ?? item.name ?? '').trim()).filter(Boolean);
    if (theirs.length === 0) {
      return differs(`catalogue: ${items.length} item(s) without a subject name (nombre): the gateway cannot offer any subject`);
    }
    // The ISP's catalogue is the truth: what differs from our rules is information, not a fault.
    const theirKeys = new Set(theirs.map(foldText));
    const withoutRule = theirs.filter((subject) => matchSubject(subject, context.subjects) === null);
    const unused = ours.filter((subject) => !theirKeys.has(foldText(subject)));
    const notes = [
      `the ISP’s ${theirs.length} subjects are offered as they are`,
      withoutRule.length > 0
        ? `${withoutRule.length} have no priority rule here and get DEFAULT_SUBJECT_PRIORITY (${someOf(withoutRule)})`
        : 'every one has a priority rule here',
      unused.length > 0
        ? `${unused.length} subjects our rules know are not in this ISP’s catalogue and are never offered (${someOf(unused)})`
        : '',
    ];
    return ok(notes.filter(Boolean).join('; '));
  },
};

/**
 * No catalogue endpoint: the gateway offers its fallback list. The subjects of the ISP's own
 * tickets are subjects upstream accepted; one the fallback list lacks shows an ISP catalogue
 * of its own, so the fallback holds subjects upstream would refuse.
 */
async function fallbackVerdict(context: ProbeContext, ours: string[]): Promise<CheckResult> {
  const tickets = await loadTicketSample(context);
  const seen = [
    ...new Set(
      tickets
        .map((ticket) => String(ticket.asuntos_default ?? (typeof ticket.asunto === 'string' ? subjectOfStored(ticket.asunto) : '')))
        .filter(Boolean),
    ),
  ];
  const known = new Set(ours.map(foldText));
  const foreign = seen.filter((subject) => !known.has(foldText(subject)));
  if (seen.length === 0) return unchecked('no catalogue endpoint (404) and no ticket to learn the ISP’s subjects from');
  if (foreign.length > 0) {
    return differs(
      `no catalogue endpoint (404), and ${foreign.length} subject(s) of the ISP’s own tickets are not in the fallback list (${someOf(foreign)}): it is not this ISP’s catalogue; set TICKET_SUBJECTS_FILE to it`,
    );
  }
  return ok(
    `no catalogue endpoint (404): the fallback list of ${ours.length} covers the ${seen.length} subjects seen in ${tickets.length} tickets`,
  );
}

export const ticketComments: ProbeCheck = {
  id: 'ticket-comments',
  assumption:
    'GET /api/tickets/comentarios/?ticket={id} lists a ticket’s comments (`comentario` each), or answers 404 where the ISP does not offer them (tickets.comments then answers 501)',
  blocking: false,
  async run(context) {
    const ticket = (await loadTicketSample(context)).find((row) => row.id_ticket !== undefined || row.id !== undefined);
    if (!ticket) return unchecked('no sample ticket');
    const observation = await context.http.get(UPSTREAM_PATHS.ticketComments, { ticket: String(ticket.id_ticket ?? ticket.id) });
    if (observation.status === 404)
      return ok('404: comments are not offered here (tickets.comments answers 501 not_supported_by_upstream)');
    const items = itemsOf(observation);
    if (observation.status !== 200 || items === null) return differs(`${describe(observation)}: neither a list nor a 404`);
    if (items.length === 0) return ok('200, a list (no comments on the sample ticket)');
    const named = items.filter((item) => 'comentario' in item).length;
    if (named < items.length)
      return differs(`${items.length - named} of ${items.length} comments without \`comentario\` (fields: ${fieldNames(items[0]!)})`);
    return ok(`200, ${items.length} comment(s) with fields: ${fieldNames(items[0]!)}`);
  },
};

export const taskEndpoint: ProbeCheck = {
  id: 'task-endpoint',
  assumption: 'GET /api/tasks/{id}/ answers JSON (a task state, or a JSON 404 for an unknown task)',
  blocking: true,
  async run(context) {
    const observation = await context.http.get(UPSTREAM_PATHS.task(randomUUID()));
    if (observation.json === undefined) return differs(`${describe(observation)}: ping results could not be read`);
    if (observation.status === 200 && isRow(observation.json) && isRow(observation.json.task))
      return ok(`200 JSON, task status ${String(observation.json.task.status)}`);
    if (observation.status === 404) return ok('404 JSON for an unknown task: the endpoint exists');
    return differs(describe(observation));
  },
};
