import { randomUUID } from 'node:crypto';
import { catalogueEntries, matchSubject, type SubjectCatalogue, subjectOfStored } from '../../domain/ticket-subjects';
import { foldText } from '../../domain/text';
import { toBalance } from '../balance-mapper';
import { UPSTREAM_PATHS } from '../paths';
import { ticketStateNumber } from '../ticket-mapper';
import { locationPath, type Observation, type ProbeHttp } from './probe-http';

/**
 * The assumptions the gateway makes about WispHub Net (docs/upstream.md) that a GET can test.
 * Each check says what we assume, what it observed (counts, statuses, field names and paths only:
 * never a name, document, phone or other record value) and a verdict. `blocking` marks what the
 * gateway cannot work without: a blocking check that differs fails the probe.
 */

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

type Row = Record<string, unknown>;

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

const ok = (observed: string): CheckResult => ({ verdict: 'ok', observed });
const differs = (observed: string): CheckResult => ({ verdict: 'differs', observed });
const unchecked = (observed: string): CheckResult => ({ verdict: 'could not check', observed });

function isRow(value: unknown): value is Row {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The items of a list answer: a DRF page's `results`, or a bare array. */
function itemsOf(observation: Observation): Row[] | null {
  const body = observation.json;
  if (Array.isArray(body)) return body.filter(isRow);
  if (isRow(body) && Array.isArray(body.results)) return body.results.filter(isRow);
  return null;
}

function describe(observation: Observation): string {
  if (observation.status >= 300 && observation.status < 400)
    return `${observation.status} to ${locationPath(observation.location, 'http://x')}`;
  return `${observation.status} ${observation.json === undefined ? (observation.contentType.includes('html') ? 'HTML' : 'not JSON') : 'JSON'}`;
}

const serviceIdOf = (client: Row): number | null =>
  typeof client.id_servicio === 'number'
    ? client.id_servicio
    : Number.isInteger(Number(client.id_servicio))
      ? Number(client.id_servicio)
      : null;

function sampleServiceId(context: ProbeContext, index = 0): number | null {
  const ids = context.sample.clients.map(serviceIdOf).filter((id): id is number => id !== null);
  return ids[index] ?? null;
}

async function loadTicketSample(context: ProbeContext): Promise<Row[]> {
  if (context.sample.tickets === null) {
    const page = await context.http.get(UPSTREAM_PATHS.tickets, { limit: 20, offset: 0 });
    context.sample.tickets = itemsOf(page) ?? [];
  }
  return context.sample.tickets;
}

const WRONG_KEY = 'probe000.probeprobeprobeprobeprobeprobeprob';

const auth: ProbeCheck = {
  id: 'auth',
  assumption: 'Authorization: Api-Key <key> is accepted; a wrong key gets a JSON 403 {detail}',
  blocking: true,
  async run(context) {
    const good = await context.http.get(UPSTREAM_PATHS.clients, { limit: 5, offset: 0 });
    const items = itemsOf(good);
    if (good.status === 401 || good.status === 403)
      return differs(`with the key: ${good.status}: the key was rejected (check WISPHUB_NET_KEY)`);
    if (good.status !== 200 || items === null) return differs(`with the key: ${describe(good)} (a list was expected)`);
    context.keyAccepted = true;
    context.sample.clients = items;
    const bad = await context.http.get(UPSTREAM_PATHS.clients, { limit: 1 }, WRONG_KEY);
    const refused = (bad.status === 403 || bad.status === 401) && isRow(bad.json) && typeof bad.json.detail === 'string';
    const observed = `with the key: 200 JSON; with a wrong key: ${describe(bad)}`;
    return refused ? ok(observed) : differs(observed);
  },
};

const pagination: ProbeCheck = {
  id: 'pagination',
  assumption: '?limit&offset pages with an integer `count`; offsets shift the page',
  blocking: true,
  async run(context) {
    const first = await context.http.get(UPSTREAM_PATHS.clients, { limit: 2, offset: 0 });
    const firstItems = itemsOf(first);
    const count = isRow(first.json) ? first.json.count : undefined;
    if (first.status !== 200 || firstItems === null) return differs(`page: ${describe(first)}`);
    if (typeof count !== 'number' || !Number.isInteger(count))
      return differs('no integer `count` on the first page: the gateway cannot tell a complete collection');
    if (firstItems.length > 2) return differs(`limit=2 answered ${firstItems.length} items: limit ignored`);
    const notes = [`count ${count}`];
    if (count >= 2) {
      const second = itemsOf(await context.http.get(UPSTREAM_PATHS.clients, { limit: 1, offset: 1 }));
      const shifted = second?.[0] !== undefined && serviceIdOf(second[0]) === serviceIdOf(firstItems[1]!);
      if (!shifted) return differs(`${notes[0]}; offset=1 did not answer the second item: offsets ignored`);
      notes.push('offset shifts the page');
    }
    return ok(notes.join('; '));
  },
};

const pageSize: ProbeCheck = {
  id: 'page-size',
  assumption: 'a large limit (UPSTREAM_PAGE_SIZE) is served whole (a smaller cap still works: the gateway pages by what it gets)',
  blocking: false,
  async run(context) {
    const page = await context.http.get(UPSTREAM_PATHS.clients, { limit: context.pageSize, offset: 0 });
    const items = itemsOf(page);
    const count = isRow(page.json) ? page.json.count : undefined;
    if (items === null || typeof count !== 'number') return differs(`limit=${context.pageSize}: ${describe(page)}`);
    const expected = Math.min(count, context.pageSize);
    if (items.length === expected) return ok(`limit=${context.pageSize} answered ${items.length}`);
    return differs(
      `limit=${context.pageSize} answered ${items.length} of ${expected}: set UPSTREAM_PAGE_SIZE to ${items.length} to spend no call on a cut page`,
    );
  },
};

const nextLink: ProbeCheck = {
  id: 'next-link',
  assumption: '`next` is an absolute limit/offset URL (may say http://); the gateway never follows it',
  blocking: false,
  async run(context) {
    const page = await context.http.get(UPSTREAM_PATHS.clients, { limit: 1, offset: 0 });
    const next = isRow(page.json) ? page.json.next : undefined;
    if (next === null) return ok('null (a single page)');
    if (typeof next !== 'string') return differs(`\`next\` is ${next === undefined ? 'absent' : typeof next}`);
    let url: URL;
    try {
      url = new URL(next);
    } catch {
      return differs('`next` is not an absolute URL');
    }
    if (!url.searchParams.has('offset'))
      return differs(`\`next\` carries ${[...url.searchParams.keys()].join(', ') || 'no parameters'}, not offset: not limit/offset pages`);
    return ok(`absolute ${url.protocol}// URL with offset=${url.searchParams.get('offset')}`);
  },
};

/** One read endpoint answered at the gateway's spelling without a redirect. */
function readSpelling(
  id: string,
  label: string,
  path: (context: ProbeContext) => Promise<string | null>,
  query: Record<string, number> = {},
): ProbeCheck {
  return {
    id,
    assumption: `GET ${label} answers at this spelling (no redirect)`,
    blocking: false,
    async run(context) {
      const target = await path(context);
      if (target === null) return unchecked('no sample record to try it with');
      const observation = await context.http.get(target, query);
      if (observation.status === 200 && observation.json !== undefined) return ok('200 JSON');
      if (observation.status >= 300 && observation.status < 400) {
        return differs(`${describe(observation)}: reads follow it within the host; fix the spelling in server/wisphub/paths.ts`);
      }
      return differs(describe(observation));
    },
  };
}

/** A write endpoint's spelling, tested with a GET: 405 (or 200) means the route exists as spelt; a redirect means a write would be refused. */
function writeSpelling(id: string, label: string, path: (serviceId: number) => string): ProbeCheck {
  return {
    id,
    assumption: `${label} exists at this spelling (checked with a GET: 405 expected, nothing is written)`,
    blocking: true,
    async run(context) {
      const serviceId = sampleServiceId(context);
      if (serviceId === null) return unchecked('no sample client');
      const observation = await context.http.get(path(serviceId));
      if (observation.status === 405 || observation.status === 200) return ok(`${observation.status}: the route exists`);
      if (observation.status >= 300 && observation.status < 400)
        return differs(`${describe(observation)}: a write is never redirected, it would fail`);
      return differs(describe(observation));
    },
  };
}

/** A write endpoint public sources spell two ways: fine when one of them exists (the gateway finds it); says which. */
function writeSpellingAny(id: string, label: string, paths: readonly string[]): ProbeCheck {
  return {
    id,
    assumption: `${label} exists at one of ${paths.join(' or ')} (checked with GETs: 405 expected, nothing is written)`,
    blocking: true,
    async run(context) {
      const seen: string[] = [];
      for (const path of paths) {
        const observation = await context.http.get(path);
        if (observation.status === 405 || observation.status === 200) return ok(`${path}: ${observation.status}, the route exists`);
        seen.push(`${path}: ${describe(observation)}`);
      }
      return differs(`no spelling exists (${seen.join('; ')})`);
    },
  };
}

const balanceShape: ProbeCheck = {
  id: 'saldo-shape',
  assumption: '/saldo answers {nombre, saldo, facturas[{id, total, fecha_vencimiento}]} (or the older saldo_actual/facturas_pendientes)',
  blocking: true,
  async run(context) {
    const ids = [0, 1, 2].map((index) => sampleServiceId(context, index)).filter((id): id is number => id !== null);
    if (ids.length === 0) return unchecked('no sample client');
    const shapes: string[] = [];
    for (const serviceId of ids) {
      let observation = await context.http.get(UPSTREAM_PATHS.balance(serviceId));
      // The spelling has its own check: follow one redirect here to see the shape.
      if (observation.status >= 300 && observation.status < 400 && observation.location) {
        observation = await context.http.get(locationPath(observation.location, context.http.baseUrl));
      }
      if (observation.status !== 200 || observation.json === undefined)
        return differs(`client ${shapes.length + 1}: ${describe(observation)}`);
      try {
        context.sample.invoiceId ??= toBalance(observation.json, serviceId).invoices[0]?.id;
      } catch {
        const record = Array.isArray(observation.json)
          ? observation.json[0]
          : isRow(observation.json) && Array.isArray(observation.json.results)
            ? observation.json.results[0]
            : observation.json;
        const fields = isRow(record) ? Object.keys(record).sort().join(', ') : typeof record;
        return differs(`client ${shapes.length + 1}: unknown shape (fields: ${fields})`);
      }
      const record = JSON.stringify(observation.json);
      shapes.push(record.includes('"facturas"') || record.includes('"saldo"') ? 'production' : 'older');
    }
    const counts = ['production', 'older'].map((shape) => `${shapes.filter((s) => s === shape).length} ${shape}`).join(', ');
    return ok(`${shapes.length} clients read: ${counts}`);
  },
};

/** Whether a list filter narrows the list to matching items (honoured) or answers the unfiltered list (ignored). */
async function filterHonoured(
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

const clientFilters: ProbeCheck = {
  id: 'client-filters',
  assumption:
    'client filters id_servicio, cedula, telefono narrow the list (the gateway reads whole collections and does not rely on them)',
  blocking: false,
  async run(context) {
    const client = context.sample.clients.find(
      (row) => typeof row.cedula === 'string' && row.cedula !== '' && typeof row.telefono === 'string' && row.telefono !== '',
    );
    if (!client) return unchecked('no sample client with a document and a phone');
    const results = [
      await filterHonoured(
        context,
        UPSTREAM_PATHS.clients,
        'id_servicio',
        String(client.id_servicio),
        (item) => String(item.id_servicio) === String(client.id_servicio),
      ),
      await filterHonoured(context, UPSTREAM_PATHS.clients, 'cedula', String(client.cedula), (item) => item.cedula === client.cedula),
      await filterHonoured(
        context,
        UPSTREAM_PATHS.clients,
        'telefono',
        String(client.telefono),
        (item) => typeof item.telefono === 'string' && item.telefono.includes(String(client.telefono)),
      ),
    ];
    return results.every((result) => result.endsWith('honoured')) ? ok(results.join(', ')) : differs(results.join(', '));
  },
};

const ticketServiceId = (ticket: Row): number | null =>
  isRow(ticket.servicio) && typeof ticket.servicio.id_servicio === 'number' ? ticket.servicio.id_servicio : null;

const ticketFilters: ProbeCheck = {
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

const ticketShape: ProbeCheck = {
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

const subjectRewrite: ProbeCheck = {
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

const subjectCatalogue: ProbeCheck = {
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

/** The field names of a JSON object, for a report that never shows a value. */
const fieldNames = (row: Row): string => Object.keys(row).sort().join(', ');

const ticketComments: ProbeCheck = {
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

/** An invoice id from the balance of a sampled client who owes something (at most three reads). */
async function findInvoice(context: ProbeContext): Promise<string | undefined> {
  const owing = context.sample.clients.filter((client) => Number(client.saldo) > 0).slice(0, 3);
  for (const client of owing) {
    const serviceId = serviceIdOf(client);
    if (serviceId === null) continue;
    const observation = await context.http.get(UPSTREAM_PATHS.balance(serviceId));
    try {
      const id = toBalance(observation.json, serviceId).invoices[0]?.id;
      if (id) return id;
    } catch {
      // An unreadable balance is saldo-shape's to report.
    }
  }
  return undefined;
}

const invoiceEndpoint: ProbeCheck = {
  id: 'invoice-endpoint',
  assumption:
    'GET /api/facturas/{id}/ answers one invoice as a JSON object (read before a promise by the ISP portal; the gateway reads invoices from /saldo)',
  blocking: false,
  async run(context) {
    const invoiceId = context.sample.invoiceId ?? (await findInvoice(context));
    if (!invoiceId) return unchecked('no invoice among the sampled balances');
    const observation = await context.http.get(UPSTREAM_PATHS.invoice(invoiceId));
    if (observation.status === 200 && isRow(observation.json)) return ok(`200 JSON object with fields: ${fieldNames(observation.json)}`);
    if (observation.status === 404 && observation.json !== undefined) return differs('a JSON 404 for an invoice /saldo lists');
    return differs(`${describe(observation)}: no such endpoint here`);
  },
};

const taskEndpoint: ProbeCheck = {
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

/** Every check, in the order they run (auth first: the others use the clients it samples). */
export const PROBE_CHECKS: readonly ProbeCheck[] = [
  auth,
  pagination,
  pageSize,
  nextLink,
  readSpelling('spelling:clients', UPSTREAM_PATHS.clients, async () => UPSTREAM_PATHS.clients, { limit: 1 }),
  readSpelling('spelling:client', '/api/clientes/{id}/', async (context) => {
    const id = sampleServiceId(context);
    return id === null ? null : UPSTREAM_PATHS.client(id);
  }),
  readSpelling('spelling:saldo', '/api/clientes/{id}/saldo', async (context) => {
    const id = sampleServiceId(context);
    return id === null ? null : UPSTREAM_PATHS.balance(id);
  }),
  readSpelling('spelling:plans', UPSTREAM_PATHS.plans, async () => UPSTREAM_PATHS.plans, { limit: 1 }),
  readSpelling('spelling:payment-methods', UPSTREAM_PATHS.paymentMethods, async () => UPSTREAM_PATHS.paymentMethods, { limit: 1 }),
  readSpelling('spelling:tickets', UPSTREAM_PATHS.tickets, async () => UPSTREAM_PATHS.tickets, { limit: 1 }),
  readSpelling('spelling:ticket', '/api/tickets/{id}/', async (context) => {
    const ticket = (await loadTicketSample(context)).find((row) => typeof row.id_ticket === 'number');
    return ticket ? UPSTREAM_PATHS.ticket(ticket.id_ticket as number) : null;
  }),
  writeSpelling('spelling:perfil', 'PUT /api/clientes/{id}/perfil/', UPSTREAM_PATHS.profile),
  writeSpelling('spelling:ping', 'POST /api/clientes/{id}/ping/', UPSTREAM_PATHS.ping),
  // Invoice routes answer 405 to a GET before looking the invoice up: any id shows the spelling.
  writeSpellingAny('spelling:registrar-pago', 'POST registrar-pago', UPSTREAM_PATHS.registerPayment('1')),
  writeSpelling('spelling:reportar-pago', 'POST /api/facturas/reportar-pago/{id}/', () => UPSTREAM_PATHS.reportPayment('1')),
  writeSpellingAny('spelling:promesa-pago', 'POST promise of payment', UPSTREAM_PATHS.paymentPromise),
  writeSpelling('spelling:activar', 'POST /api/clientes/activar/', () => UPSTREAM_PATHS.activateServices),
  writeSpelling('spelling:desactivar', 'POST /api/clientes/desactivar/', () => UPSTREAM_PATHS.deactivateServices),
  balanceShape,
  clientFilters,
  ticketFilters,
  ticketShape,
  subjectRewrite,
  subjectCatalogue,
  taskEndpoint,
  ticketComments,
  invoiceEndpoint,
];
