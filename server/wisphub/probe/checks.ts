/**
 * The assumptions the gateway makes about WispHub Net (docs/upstream.md) that a GET can test.
 * Each check says what we assume, what it observed (counts, statuses, field names and paths only:
 * never a name, document, phone or other record value) and a verdict. `blocking` marks what the
 * gateway cannot work without: a blocking check that differs fails the probe.
 */

import { UPSTREAM_PATHS } from '../paths';
import { loadTicketSample, type ProbeCheck, sampleServiceId } from './check-kit';
import { auth, nextLink, pageSize, pagination } from './checks-access';
import { balanceShape, clientFilters, invoiceEndpoint } from './checks-clients';
import { readSpelling, writeSpelling, writeSpellingAny } from './checks-spelling';
import { subjectCatalogue, subjectRewrite, taskEndpoint, ticketComments, ticketFilters, ticketShape } from './checks-tickets';

export type { CheckResult, ProbeCheck, ProbeContext, Verdict } from './check-kit';

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
