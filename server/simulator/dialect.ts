import type { BalanceRecordShape } from './balance';
import type { JsonRecord } from './data';

/**
 * The upstream behaviours the simulator can play two ways: the default is WispHub Net as
 * docs/upstream.md records it; each flag flips one behaviour, so tests (and the probe's own tests)
 * can check that the gateway copes with, or reports, the other reading.
 */
export interface SimulatorDialect {
  /** Record shape of `GET /api/clientes/{id}/saldo` (`unknown`: none of the fields we know). */
  balanceRecord: BalanceRecordShape | 'unknown';
  /** Canonical spelling of the balance endpoint: false = `/saldo` (the real one), true = `/saldo/`. */
  balanceWithSlash: boolean;
  /** Canonical spelling of the profile endpoint: true = `/perfil/` (the real one), false = `/perfil`. */
  profileWithSlash: boolean;
  /** Upstream stores the ticket subject as "<subject> - <client name>"; false serves it as sent. */
  rewriteTicketSubjects: boolean;
  /**
   * Lists: `offset` = DRF limit/offset with `count` and absolute `next` links (the real one);
   * `cursor` = offsets ignored, `next` carries a cursor; `no-count` = no `count` field.
   */
  paging: 'offset' | 'cursor' | 'no-count';
  /** The largest `limit` a list honours (larger ones are cut to it, silently). */
  maxPageSize: number;
  /** Ticket items nest `servicio {id_servicio, nombre, zona}` (true) or carry the bare service id. */
  nestedTicketService: boolean;
  /**
   * `GET /api/tickets/asuntos-tickets/`: every subject, only the first half, the ISP's own 12-subject
   * catalogue (`own`: creates then accept those only), items without a name (`unreadable`), or no
   * such endpoint (HTML 404).
   */
  subjectCatalogue: 'full' | 'partial' | 'own' | 'unreadable' | 'absent';
  /** `/api/tickets/comentarios/` exists (true), or answers the HTML 404 some ISPs give. */
  ticketComments: boolean;
  /** `PATCH /api/tickets/{id}/` is allowed (true), or answers 405 (only a whole-ticket PUT works). */
  ticketPatch: boolean;
  /** `GET /api/tasks/{id}/` exists (true), or answers Django's HTML 404 page. */
  taskEndpoint: boolean;
  /** The ISP's key may create promises of payment (true), or `POST /api/promesa-pago/` answers 403. */
  promisePermission: boolean;
  /** Where payments are registered: `/api/facturas/{id}/registrar-pago/` or `/api/facturas/registrar-pago/{id}/` (the other: HTML 404). */
  registerPaymentPath: 'invoice-first' | 'action-first';
  /** Where promises are made: `/api/promesa-pago/` or `/api/promesas-de-pago/` (the other: HTML 404). */
  promisePath: 'promesa-pago' | 'promesas-de-pago';
}

export const UPSTREAM_DIALECT: SimulatorDialect = {
  balanceRecord: 'production',
  balanceWithSlash: false,
  profileWithSlash: true,
  rewriteTicketSubjects: true,
  paging: 'offset',
  maxPageSize: 2000,
  nestedTicketService: true,
  subjectCatalogue: 'full',
  taskEndpoint: true,
  promisePermission: true,
  registerPaymentPath: 'invoice-first',
  promisePath: 'promesa-pago',
  ticketComments: true,
  ticketPatch: true,
};

const REGISTER_INVOICE_FIRST = /^\/api\/facturas\/\d+\/registrar-pago\/$/;
const REGISTER_ACTION_FIRST = /^\/api\/facturas\/registrar-pago\/\d+\/$/;
const PROMISE_PATHS = { 'promesa-pago': '/api/promesa-pago/', 'promesas-de-pago': '/api/promesas-de-pago/' } as const;

/** The invoice id of a registration path spelt as this dialect's upstream has it; null for any other path. */
export function registerPaymentInvoice(path: string, dialect: SimulatorDialect): number | null {
  const pattern = dialect.registerPaymentPath === 'invoice-first' ? REGISTER_INVOICE_FIRST : REGISTER_ACTION_FIRST;
  return pattern.test(path) ? Number(path.match(/\d+/)![0]) : null;
}

export function isPromisePath(path: string, dialect: SimulatorDialect): boolean {
  return path === PROMISE_PATHS[dialect.promisePath];
}

/** A billing spelling this dialect's upstream does not have: Django answers its HTML 404 page. */
export function isMissingBillingRoute(path: string, dialect: SimulatorDialect): boolean {
  const isRegister = REGISTER_INVOICE_FIRST.test(path) || REGISTER_ACTION_FIRST.test(path);
  const isPromise = (Object.values(PROMISE_PATHS) as string[]).includes(path);
  return (isRegister && registerPaymentInvoice(path, dialect) === null) || (isPromise && !isPromisePath(path, dialect));
}

const BALANCE_PATH = /^\/api\/clientes\/\d+\/saldo\/?$/;
const PROFILE_PATH = /^\/api\/clientes\/\d+\/perfil\/?$/;

/**
 * The one spelling upstream answers for a path; any other gets a 301 to it. Every endpoint keeps
 * its trailing slash except the balance (unless the dialect says otherwise).
 */
export function canonicalPath(path: string, dialect: SimulatorDialect): string {
  const bare = path.replace(/\/+$/, '');
  if (BALANCE_PATH.test(path)) return dialect.balanceWithSlash ? `${bare}/` : bare;
  if (PROFILE_PATH.test(path)) return dialect.profileWithSlash ? `${bare}/` : bare;
  return `${bare}/`;
}

/** A ticket as upstream serves it under the dialect (the stored record is the real upstream's). */
export function presentTicket(ticket: JsonRecord, dialect: SimulatorDialect): JsonRecord {
  let shown = ticket;
  if (!dialect.rewriteTicketSubjects && typeof ticket.asunto === 'string') shown = { ...shown, asunto: ticket.asunto.split(' - ')[0] };
  if (!dialect.nestedTicketService) shown = { ...shown, servicio: (ticket.servicio as JsonRecord | null)?.id_servicio ?? null };
  return shown;
}
