/**
 * An embedded WispHub Net: the same dialect (Api-Key auth, DRF pagination with absolute
 * http:// next links, trailing-slash 301s, DRF 400s, ping tasks) on a loopback port, with
 * fault injection and per-path call counters for tests.
 */

import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { type BalanceShape, balanceShape, shapeBalance } from './balance';
import { SimBilling } from './billing';
import { generateSimulatorData, type JsonRecord, type SimulatorData, type SimulatorDataOptions } from './data';
import { bogotaClock, dayMonthYearTime } from './dates';
import {
  canonicalPath,
  isMissingBillingRoute,
  isPromisePath,
  presentTicket,
  registerPaymentInvoice,
  type SimulatorDialect,
  UPSTREAM_DIALECT,
} from './dialect';
import { faultsApply, NO_FAULTS, type SimulatorFaults } from './faults';
import { pingTaskState, type SimPingTask } from './ping';
import { SIM_CATALOGUE, SIM_OWN_CATALOGUE } from './subjects';

export interface SimulatorOptions extends SimulatorDataOptions {
  port?: number;
  host?: string;
  apiKey?: string;
  pingDelayMs: number;
  faults?: Partial<SimulatorFaults>;
  /** Behaviours played the other way (default: WispHub Net as docs/upstream.md records it). */
  dialect?: Partial<SimulatorDialect>;
}

export interface Simulator {
  url: string;
  apiKey: string;
  data: SimulatorData;
  setFaults(faults: Partial<SimulatorFaults>): void;
  resetFaults(): void;
  /** Plays some behaviours the other way; `resetDialect` restores the start-up dialect. */
  setDialect(dialect: Partial<SimulatorDialect>): void;
  resetDialect(): void;
  /** Adds a client as if created in WispHub Net's own UI (not through this service). */
  addClient(client: JsonRecord): void;
  /** Sets what `/api/clientes/{id}/saldo` answers for one client (record and shape); null restores the generated one. */
  setBalance(serviceId: number, balance: { record: JsonRecord; shape: BalanceShape } | null): void;
  /** Payments, payment reports, promises and service tasks upstream holds. */
  billing: SimBilling;
  /** Marks (description) or clears (null) a known outage on a router, as an ISP does in WispHub Net. */
  setOutage(routerId: number, description: string | null): void;
  /** Calls served whose "METHOD /path" contains `filter` (all calls without a filter). */
  calls(filter?: string | RegExp): number;
  resetCalls(): void;
  close(): Promise<void>;
}

const DETAIL_FORBIDDEN = { detail: 'Usted no tiene permiso para realizar esta acción.' };
const DETAIL_NOT_FOUND = { detail: 'No encontrado.' };
const REQUIRED = ['Este campo es requerido.'];
const TICKET_STATE_NAMES = ['Nuevo', 'En Progreso', 'Resuelto', 'Cerrado'];
const PRIORITY_NAMES = ['Baja', 'Normal', 'Alta', 'Muy Alta'];
const CLIENT_STATE_BY_NUMBER: Record<string, string> = { '1': 'Activo', '2': 'Suspendido', '3': 'Cancelado', '4': 'Gratis' };
const HTML_NOT_FOUND = '<!DOCTYPE html><html><head><title>Not Found</title></head><body><h1>Not Found</h1></body></html>';
/** Routes that answer only writes: another method gets a 405. */
const WRITE_ONLY_ROUTES = [
  /^\/api\/clientes\/\d+\/perfil\/?$/,
  /^\/api\/clientes\/\d+\/ping\/$/,
  /^\/api\/facturas\/\d+\/registrar-pago\/$/,
  /^\/api\/facturas\/registrar-pago\/\d+\/$/,
  /^\/api\/facturas\/reportar-pago\/\d+\/$/,
  /^\/api\/promesas?-(?:de-)?pago\/$/,
  /^\/api\/clientes\/(?:activar|desactivar)\/$/,
];
const HTML_PAGE = '<!DOCTYPE html><html><head><title>403 Forbidden</title></head><body><h1>Forbidden</h1></body></html>';

const sleep = (ms: number) =>
  new Promise<void>((resolve) => {
    if (ms <= 0) return resolve();
    setTimeout(resolve, ms).unref();
  });

function bogotaNow(): string {
  return dayMonthYearTime(bogotaClock(Date.now()));
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
  res.end(payload);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function htmlNotFound(res: ServerResponse): void {
  res.writeHead(404, { 'content-type': 'text/html; charset=utf-8' });
  res.end(HTML_NOT_FOUND);
}

/** A multipart (or JSON) body as form data, files kept. */
async function parseMultipart(req: IncomingMessage, raw: Buffer): Promise<FormData | null> {
  const type = req.headers['content-type'] ?? '';
  try {
    if (type.startsWith('multipart/form-data')) return await new Response(raw, { headers: { 'content-type': type } }).formData();
    const fields = await parseForm(req, raw);
    if (!fields) return null;
    const form = new FormData();
    for (const [key, value] of Object.entries(fields)) form.set(key, value);
    return form;
  } catch {
    return null;
  }
}

async function parseForm(req: IncomingMessage, raw: Buffer): Promise<Record<string, string> | null> {
  const type = req.headers['content-type'] ?? '';
  try {
    if (type.startsWith('application/json')) {
      const parsed: unknown = JSON.parse(raw.toString('utf8') || '{}');
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return null;
      return Object.fromEntries(Object.entries(parsed).map(([key, value]) => [key, value === null ? '' : String(value)]));
    }
    if (type.startsWith('multipart/form-data') || type.startsWith('application/x-www-form-urlencoded')) {
      const form = await new Response(raw, { headers: { 'content-type': type } }).formData();
      const out: Record<string, string> = {};
      form.forEach((value, key) => {
        out[key] = typeof value === 'string' ? value : '';
      });
      return out;
    }
  } catch {
    return null;
  }
  return null;
}

export async function startSimulator(options: SimulatorOptions): Promise<Simulator> {
  const data = generateSimulatorData(options);
  const apiKey = options.apiKey ?? 'SimuLat0.wisphubnetsimulatorkey0000000001';
  let faults: SimulatorFaults = { ...NO_FAULTS, ...options.faults };
  let dialect: SimulatorDialect = { ...UPSTREAM_DIALECT, ...options.dialect };
  const counters = new Map<string, number>();
  const tasks = new Map<string, SimPingTask>();
  const sockets = new Set<Socket>();
  const clientsById = new Map<number, JsonRecord>(data.clients.map((client) => [client.id_servicio as number, client]));
  const ticketsById = new Map<number, JsonRecord>(data.tickets.map((ticket) => [ticket.id_ticket as number, ticket]));
  let nextTicketId = Math.max(5000, ...ticketsById.keys()) + 1;
  const balances = new Map<number, { record: JsonRecord; shape: BalanceShape }>();
  const comments = new Map<number, JsonRecord[]>();
  let nextCommentId = 1;
  const billing = new SimBilling(clientsById, new Set(data.paymentMethods.map((method) => Number(method.id))));
  let origin = '';

  function paginate(res: ServerResponse, url: URL, items: readonly JsonRecord[], active: boolean): void {
    const limit = Math.min(Math.max(Number(url.searchParams.get('limit') ?? '100') || 100, 1), dialect.maxPageSize);
    const offset = Math.max(Number(url.searchParams.get('offset') ?? '0') || 0, 0);
    if (active && faults.failOffsets.includes(offset)) {
      sendJson(res, 500, { detail: 'Error interno del servidor.' });
      return;
    }
    const page = items.slice(offset, offset + limit).map((item) => {
      const id = item.id_servicio ?? item.id_ticket ?? item.id;
      if (active && typeof id === 'number' && faults.malformedItemIds.includes(id)) {
        return { ...item, id_servicio: 'no-es-un-numero', id_ticket: 'x', id: null, nombre: 42, asunto: 42 };
      }
      return item;
    });
    const link = (at: number) => {
      const next = new URL(`http://${url.host}${url.pathname}`);
      for (const [key, value] of url.searchParams) next.searchParams.set(key, value);
      next.searchParams.set('limit', String(limit));
      if (dialect.paging === 'cursor') {
        next.searchParams.delete('offset');
        next.searchParams.set('cursor', Buffer.from(`o=${at}`).toString('base64url'));
      } else next.searchParams.set('offset', String(at));
      return next.toString();
    };
    // The cursor variant ignores offsets (always the first page); the no-count variant drops `count`.
    const start = dialect.paging === 'cursor' ? 0 : offset;
    const shown = dialect.paging === 'cursor' ? items.slice(0, limit) : page;
    sendJson(res, 200, {
      ...(dialect.paging === 'no-count' ? {} : { count: items.length }),
      next: start + limit < items.length ? link(start + limit) : null,
      previous: start > 0 ? link(Math.max(0, start - limit)) : null,
      results: shown,
    });
  }

  /** A filter's value, or null when absent or when upstream is set to ignore it. */
  function honoured(url: URL, filter: string): string | null {
    return faults.ignoredFilters.includes(filter) ? null : url.searchParams.get(filter);
  }

  function filterClients(url: URL): JsonRecord[] {
    const params = url.searchParams;
    let list: JsonRecord[] = data.clients;
    const cedula = honoured(url, 'cedula');
    if (cedula !== null) list = list.filter((client) => client.cedula === cedula);
    const serviceId = honoured(url, 'id_servicio');
    if (serviceId !== null) list = list.filter((client) => String(client.id_servicio) === serviceId);
    const phone = honoured(url, 'telefono');
    if (phone !== null) list = list.filter((client) => typeof client.telefono === 'string' && client.telefono.includes(phone));
    const name = honoured(url, 'nombre');
    if (name !== null) list = list.filter((client) => String(client.nombre).toLowerCase().includes(name.toLowerCase()));
    const user = params.get('usuario');
    if (user !== null) list = list.filter((client) => client.usuario === user);
    const state = params.get('estado');
    if (state !== null) list = list.filter((client) => client.estado === CLIENT_STATE_BY_NUMBER[state]);
    return list;
  }

  function createTicket(form: Record<string, string>): { status: number; body: JsonRecord } {
    const errors: Record<string, string[]> = {};
    const required = [
      'servicio',
      'asunto',
      'asuntos_default',
      'tecnico',
      'descripcion',
      'estado',
      'prioridad',
      'fecha_inicio',
      'fecha_final',
      'departamento',
      'departamentos_default',
    ];
    for (const field of required) if (!form[field]?.trim()) errors[field] = REQUIRED;
    const client = clientsById.get(Number(form.servicio));
    if (form.servicio && !client) errors.servicio = [`Clave primaria "${form.servicio}" inválida - objeto no existe.`];
    const accepted = dialect.subjectCatalogue === 'own' ? SIM_OWN_CATALOGUE : SIM_CATALOGUE;
    if (form.asuntos_default && !accepted.includes(form.asuntos_default)) {
      errors.asuntos_default = [`"${form.asuntos_default}" no es una elección válida.`];
    }
    for (const field of ['fecha_inicio', 'fecha_final']) {
      const value = form[field];
      if (value && !/^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}$/.test(value)) {
        errors[field] = ['Formato de fecha inválido. Use uno de estos formatos: DD/MM/YYYY HH:MM.'];
      }
    }
    const priority = Number(form.prioridad);
    if (form.prioridad && !(priority >= 1 && priority <= 4)) errors.prioridad = [`"${form.prioridad}" no es una elección válida.`];
    const state = Number(form.estado);
    if (form.estado && !(state >= 1 && state <= 4)) errors.estado = [`"${form.estado}" no es una elección válida.`];
    const technician = data.technicians.find((tech) => tech.id === Number(form.tecnico));
    if (form.tecnico && !technician) errors.tecnico = [`Clave primaria "${form.tecnico}" inválida - objeto no existe.`];
    if (Object.keys(errors).length > 0 || !client) return { status: 400, body: errors };
    const ticket: JsonRecord = {
      id_ticket: nextTicketId++,
      // WispHub Net appends the client's name to the subject it stores.
      asunto: `${form.asunto} - ${String(client.nombre)}`,
      asuntos_default: form.asuntos_default,
      descripcion: form.descripcion,
      estado: TICKET_STATE_NAMES[state - 1],
      prioridad: PRIORITY_NAMES[priority - 1],
      fecha_creacion: bogotaNow(),
      fecha_estimada_inicio: form.fecha_inicio,
      fecha_estimada_fin: form.fecha_final,
      tecnico: technician,
      departamento: form.departamento,
      origen_reporte: form.origen_reporte ?? null,
      servicio: { id_servicio: client.id_servicio, nombre: client.nombre, zona: client.zona },
      respuestas: [],
    };
    data.tickets.push(ticket);
    ticketsById.set(ticket.id_ticket as number, ticket);
    return { status: 201, body: presentTicket(ticket, dialect) };
  }

  /** PATCH (estado, razon_falla) or PUT (the whole ticket) of `/api/tickets/{id}/`. */
  function changeTicket(ticket: JsonRecord, form: Record<string, string>, whole: boolean): { status: number; body: JsonRecord } {
    const errors: Record<string, string[]> = {};
    if (whole)
      for (const field of ['asunto', 'servicio', 'tecnico', 'prioridad', 'estado']) if (!form[field]?.trim()) errors[field] = REQUIRED;
    const state = Number(form.estado);
    if (form.estado !== undefined && !(state >= 1 && state <= 4)) errors.estado = [`"${form.estado}" no es una elección válida.`];
    const changing = form.estado !== undefined && TICKET_STATE_NAMES[state - 1] !== ticket.estado;
    if (changing && !form.razon_falla?.trim()) errors.razon_falla = REQUIRED;
    if (Object.keys(errors).length > 0) return { status: 400, body: errors };
    if (changing) {
      ticket.estado = TICKET_STATE_NAMES[state - 1];
      ticket.razon_falla = form.razon_falla;
      ticket.respuestas = [...((ticket.respuestas as JsonRecord[] | undefined) ?? []), { respuesta: form.razon_falla }];
    }
    return { status: 200, body: presentTicket(ticket, dialect) };
  }

  function updateProfile(client: JsonRecord, form: Record<string, string>): boolean {
    const fields = ['nombre', 'apellidos', 'cedula', 'direccion', 'localidad', 'ciudad', 'telefono', 'email', 'saldo'];
    const given = fields.filter((field) => field in form);
    if (given.length === 0) return false;
    for (const field of given) {
      if (field === 'nombre') client.nombres = form.nombre;
      else client[field] = form[field];
    }
    client.nombre = `${String(client.nombres)} ${String(client.apellidos)}`.trim();
    client.ultimo_cambio = `${bogotaNow()}:00`;
    return true;
  }

  async function route(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    body: Buffer,
    writeFault: { stallMs: number; reset: boolean },
  ): Promise<void> {
    const stallAfterWrite = async () => {
      await sleep(writeFault.stallMs);
      if (writeFault.reset) res.socket?.destroy();
    };
    const method = req.method ?? 'GET';
    const path = url.pathname;
    let match: RegExpMatchArray | null;

    if (method === 'GET' && path === '/api/clientes/') return paginate(res, url, filterClients(url), true);
    if ((match = path.match(/^\/api\/clientes\/(\d+)\/$/)) && method === 'GET') {
      const client = clientsById.get(Number(match[1]));
      return client ? sendJson(res, 200, client) : sendJson(res, 404, DETAIL_NOT_FOUND);
    }
    if ((match = path.match(/^\/api\/clientes\/(\d+)\/saldo\/?$/)) && method === 'GET') {
      const serviceId = Number(match[1]);
      const client = clientsById.get(serviceId);
      if (!client) return sendJson(res, 404, DETAIL_NOT_FOUND);
      const set = balances.get(serviceId);
      if (dialect.balanceRecord === 'unknown')
        return sendJson(res, 200, { cliente: client.id_servicio, deuda: { valor: client.saldo }, documentos: [] });
      return sendJson(
        res,
        200,
        set
          ? shapeBalance(set.record, set.shape)
          : shapeBalance(billing.balance(client, Date.now(), dialect.balanceRecord), balanceShape(serviceId)),
      );
    }
    if ((match = path.match(/^\/api\/clientes\/(\d+)\/perfil\/?$/)) && method === 'PUT') {
      const client = clientsById.get(Number(match[1]));
      if (!client) return sendJson(res, 404, DETAIL_NOT_FOUND);
      const form = await parseForm(req, body);
      if (!form) return sendJson(res, 400, { detail: 'JSON parse error.' });
      if (!updateProfile(client, form)) return sendJson(res, 400, { non_field_errors: ['No se enviaron datos.'] });
      await stallAfterWrite();
      return sendJson(res, 200, { detail: 'Perfil actualizado.' });
    }
    if ((match = path.match(/^\/api\/clientes\/(\d+)\/ping\/$/)) && method === 'POST') {
      const serviceId = Number(match[1]);
      if (!clientsById.has(serviceId)) return sendJson(res, 404, DETAIL_NOT_FOUND);
      const form = (await parseForm(req, body)) ?? {};
      const pings = Math.min(Math.max(Number(form.pings ?? '4') || 4, 1), 20);
      const task: SimPingTask = { id: randomUUID(), serviceId, pings, createdAt: Date.now() };
      tasks.set(task.id, task);
      await stallAfterWrite();
      return sendJson(res, 202, { task_id: task.id });
    }
    if (path.startsWith('/api/tasks/') && !dialect.taskEndpoint) {
      res.writeHead(404, { 'content-type': 'text/html; charset=utf-8' });
      res.end(HTML_NOT_FOUND);
      return;
    }
    if ((match = path.match(/^\/api\/tasks\/([\w-]+)\/$/)) && method === 'GET') {
      const serviceTask = billing.serviceTasks.get(match[1]!);
      if (serviceTask) return sendJson(res, 200, billing.serviceTaskState(serviceTask, options.pingDelayMs, Date.now()));
      const task = tasks.get(match[1]!);
      const client = task ? clientsById.get(task.serviceId) : undefined;
      if (!task || !client) return sendJson(res, 404, DETAIL_NOT_FOUND);
      return sendJson(res, 200, pingTaskState(task, client, options.pingDelayMs, Date.now()));
    }
    if (method === 'GET' && path === '/api/plan-internet/') {
      return paginate(
        res,
        url,
        data.plans.map(({ id, nombre, precio, tipo }) => ({ id, nombre, precio, tipo })),
        true,
      );
    }
    if ((match = path.match(/^\/api\/plan-internet\/(pppoe|queue)\/(\d+)\/$/)) && method === 'GET') {
      const wanted = match[1] === 'pppoe' ? 'PPPOE' : 'Simple Queue';
      const plan = data.plans.find((candidate) => candidate.id === Number(match![2]) && candidate.tipo === wanted);
      if (!plan) return sendJson(res, 404, DETAIL_NOT_FOUND);
      return sendJson(res, 200, { nombre: plan.nombre, precio: plan.precio, bajada: plan.bajada, subida: plan.subida, rafaga: false });
    }
    if (method === 'GET' && path === '/api/formas-de-pago/') return paginate(res, url, data.paymentMethods, true);
    if (method === 'GET' && path === '/api/zonas/') return paginate(res, url, data.zones as unknown as JsonRecord[], true);
    if (path === '/api/tickets/asuntos-tickets/' && dialect.subjectCatalogue === 'absent') return htmlNotFound(res);
    if (path.startsWith('/api/tickets/comentarios/') && !dialect.ticketComments) return htmlNotFound(res);
    if (path === '/api/tickets/comentarios/' && method === 'GET') {
      const ticket = honoured(url, 'ticket');
      const all = [...comments.values()].flat();
      return paginate(res, url, ticket === null ? all : all.filter((comment) => String(comment.ticket) === ticket), true);
    }
    if (path === '/api/tickets/comentarios/' && method === 'POST') {
      const form = await parseMultipart(req, body);
      if (!form) return sendJson(res, 400, { detail: 'Cuerpo de la solicitud inválido.' });
      const text = form.get('comentario');
      const ticketId = Number(form.get('ticket'));
      const errors: Record<string, string[]> = {};
      if (typeof text !== 'string' || text.trim() === '') errors.comentario = REQUIRED;
      if (!ticketsById.has(ticketId)) errors.ticket = [`Clave primaria "${String(form.get('ticket'))}" inválida - objeto no existe.`];
      if (Object.keys(errors).length > 0) return sendJson(res, 400, errors);
      const file = form.get('archivo');
      const comment: JsonRecord = {
        id: nextCommentId++,
        ticket: ticketId,
        comentario: text,
        fecha: bogotaNow(),
        usuario: 'api',
        archivo: file && typeof file !== 'string' ? `/media/tickets/${ticketId}/${file.name}` : null,
        archivo_tipo: file && typeof file !== 'string' ? file.type : null,
        archivo_bytes: file && typeof file !== 'string' ? file.size : null,
        do_not_notify_client: form.get('do_not_notify_client') === 'true',
      };
      comments.set(ticketId, [...(comments.get(ticketId) ?? []), comment]);
      await stallAfterWrite();
      return sendJson(res, 201, comment);
    }
    if ((match = path.match(/^\/api\/tickets\/(\d+)\/$/)) && (method === 'PATCH' || method === 'PUT')) {
      const ticket = ticketsById.get(Number(match[1]));
      if (!ticket) return sendJson(res, 404, DETAIL_NOT_FOUND);
      if (method === 'PATCH' && !dialect.ticketPatch) return sendJson(res, 405, { detail: 'Método "PATCH" no permitido.' });
      const form = await parseForm(req, body);
      if (!form) return sendJson(res, 400, { detail: 'JSON parse error.' });
      const answer = changeTicket(ticket, form, method === 'PUT');
      if (answer.status === 200) await stallAfterWrite();
      return sendJson(res, answer.status, answer.body);
    }
    if (method === 'GET' && path === '/api/tickets/asuntos-tickets/') {
      if (dialect.subjectCatalogue === 'unreadable') return paginate(res, url, [{ id: 1 }, { id: 2, activo: true }], true);
      const subjects =
        dialect.subjectCatalogue === 'own'
          ? SIM_OWN_CATALOGUE
          : dialect.subjectCatalogue === 'full'
            ? SIM_CATALOGUE
            : SIM_CATALOGUE.slice(0, Math.ceil(SIM_CATALOGUE.length / 2));
      return paginate(
        res,
        url,
        subjects.map((nombre, index) => ({ id: index + 1, nombre })),
        true,
      );
    }
    if (method === 'GET' && path === '/api/tickets/') {
      // `estado` and `servicio` filter, unless a fault makes upstream ignore them silently.
      const state = honoured(url, 'estado');
      const name = state === null ? null : TICKET_STATE_NAMES[Number(state) - 1];
      const service = honoured(url, 'servicio');
      const tickets = data.tickets.filter(
        (ticket) =>
          (name === null || ticket.estado === name) &&
          (service === null || String((ticket.servicio as JsonRecord | null)?.id_servicio) === service),
      );
      return paginate(
        res,
        url,
        tickets.map((ticket) => presentTicket(ticket, dialect)),
        true,
      );
    }
    if (method === 'POST' && path === '/api/tickets/') {
      const form = await parseForm(req, body);
      if (!form) return sendJson(res, 400, { detail: 'Cuerpo de la solicitud inválido.' });
      const result = createTicket(form);
      if (result.status === 201) await stallAfterWrite();
      return sendJson(res, result.status, result.body);
    }
    if ((match = path.match(/^\/api\/tickets\/(\d+)\/$/)) && method === 'GET') {
      const ticket = ticketsById.get(Number(match[1]));
      return ticket ? sendJson(res, 200, presentTicket(ticket, dialect)) : sendJson(res, 404, DETAIL_NOT_FOUND);
    }
    if (isMissingBillingRoute(path, dialect)) {
      res.writeHead(404, { 'content-type': 'text/html; charset=utf-8' });
      res.end(HTML_NOT_FOUND);
      return;
    }
    const registeredInvoice = registerPaymentInvoice(path, dialect);
    if (registeredInvoice !== null && method === 'POST') {
      const form = await parseForm(req, body);
      if (!form) return sendJson(res, 400, { detail: 'JSON parse error.' });
      const answer = billing.registerPayment(registeredInvoice, form, Date.now());
      if (answer.status === 200) await stallAfterWrite();
      return sendJson(res, answer.status, answer.body);
    }
    if ((match = path.match(/^\/api\/facturas\/(\d+)\/$/)) && method === 'GET') {
      const answer = billing.invoice(Number(match[1]), Date.now());
      return sendJson(res, answer.status, answer.body);
    }
    if ((match = path.match(/^\/api\/facturas\/reportar-pago\/(\d+)\/$/)) && method === 'POST') {
      const type = req.headers['content-type'] ?? '';
      if (!type.startsWith('multipart/form-data')) return sendJson(res, 415, { detail: `Tipo de medio "${type}" no soportado.` });
      const form = await new Response(body, { headers: { 'content-type': type } }).formData().catch(() => null);
      if (!form) return sendJson(res, 400, { detail: 'Multipart form parse error.' });
      const answer = billing.reportPayment(Number(match[1]), form, Date.now());
      if (answer.status === 200) await stallAfterWrite();
      return sendJson(res, answer.status, answer.body);
    }
    if (isPromisePath(path, dialect) && method === 'POST') {
      if (!dialect.promisePermission) return sendJson(res, 403, DETAIL_FORBIDDEN);
      const form = await parseForm(req, body);
      if (!form) return sendJson(res, 400, { detail: 'JSON parse error.' });
      const answer = billing.createPromise(form, Date.now());
      if (answer.status === 201) await stallAfterWrite();
      return sendJson(res, answer.status, answer.body);
    }
    if ((match = path.match(/^\/api\/clientes\/(activar|desactivar)\/$/)) && method === 'POST') {
      let parsed: unknown;
      try {
        parsed = JSON.parse(body.toString('utf8') || '{}');
      } catch {
        return sendJson(res, 400, { detail: 'JSON parse error.' });
      }
      const answer = billing.startServiceTask(match[1] === 'activar' ? 'activate' : 'deactivate', parsed);
      if (answer.status === 202) await stallAfterWrite();
      return sendJson(res, answer.status, answer.body);
    }
    // A route that exists answers another method with DRF's 405, as upstream does.
    if (WRITE_ONLY_ROUTES.some((route) => route.test(path))) return sendJson(res, 405, { detail: `Método "${method}" no permitido.` });
    sendJson(res, 404, DETAIL_NOT_FOUND);
  }

  /** Holds the answer's last write until `at`. */
  function sendNoSoonerThan(res: ServerResponse, at: number): void {
    const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
    res.end = ((...args: unknown[]) => {
      const wait = at - Date.now();
      if (wait > 0) setTimeout(() => end(...args), wait);
      else end(...args);
      return res;
    }) as typeof res.end;
  }

  /** Applies the active faults; answers and returns true when a fault took the call over. */
  async function injectFault(req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean> {
    const method = req.method ?? 'GET';
    const active = faultsApply(faults, method, path);
    await sleep(faults.latencyMs + Math.random() * faults.jitterMs);
    // A list page is built at once and leaves when its latency is up, as a server that builds
    // pages in parallel would send it: built after the wait, the pages of one round would leave
    // one after another, this process's single thread charged to the service under test.
    const listLatency = active && path !== '/' ? pageLatency(path) : 0;
    if (listLatency > 0) sendNoSoonerThan(res, Date.now() + listLatency);
    if (!active) return false;
    if (faults.stallRate > 0 && Math.random() < faults.stallRate) await sleep(faults.stallMs);
    if (faults.resetRate > 0 && Math.random() < faults.resetRate) {
      req.socket.destroy();
      return true;
    }
    if (faults.forbidden) {
      sendJson(res, 403, DETAIL_FORBIDDEN);
      return true;
    }
    if (faults.forceStatus !== null) {
      sendJson(res, faults.forceStatus, { detail: 'Servicio no disponible.' });
      return true;
    }
    if (faults.errorRate > 0 && Math.random() < faults.errorRate) {
      sendJson(res, 500, { detail: 'Error interno del servidor.' });
      return true;
    }
    if (faults.htmlRate > 0 && Math.random() < faults.htmlRate) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(HTML_PAGE);
      return true;
    }
    if (faults.truncatedJsonRate > 0 && Math.random() < faults.truncatedJsonRate) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"count": 12, "next": null, "results": [{"id_servicio": 1, "nombre": "Jos');
      return true;
    }
    return false;
  }

  function pageLatency(path: string): number {
    return /\/$/.test(path) && faults.pageLatencyMs > 0 && !/\/\d+\/$/.test(path) ? faults.pageLatencyMs : 0;
  }

  function control(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> | void {
    if (url.pathname === '/__sim/calls') {
      return sendJson(res, 200, { total: simulator.calls(), byPath: Object.fromEntries(counters) });
    }
    if (url.pathname === '/__sim/faults' && req.method === 'PUT') {
      return readBody(req).then((raw) => {
        try {
          simulator.setFaults(JSON.parse(raw.toString('utf8')) as Partial<SimulatorFaults>);
          sendJson(res, 200, faults);
        } catch {
          sendJson(res, 400, { detail: 'invalid faults' });
        }
      });
    }
    if (url.pathname === '/__sim/faults' && req.method === 'DELETE') {
      simulator.resetFaults();
      return sendJson(res, 200, faults);
    }
    sendJson(res, 404, DETAIL_NOT_FOUND);
  }

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', origin);
    if (url.pathname.startsWith('/__sim/')) {
      void control(req, res, url);
      return;
    }
    const key = `${req.method ?? 'GET'} ${url.pathname}`;
    counters.set(key, (counters.get(key) ?? 0) + 1);
    void (async () => {
      // Like a real server, the (small) body is received before any slowness: a stalled write still
      // commits after the client gave up, which is what makes blind retries create duplicates.
      const body = req.method === 'GET' || req.method === 'HEAD' ? Buffer.alloc(0) : await readBody(req);
      if (await injectFault(req, res, url.pathname)) return;
      const active = faultsApply(faults, req.method ?? 'GET', url.pathname);
      const writeFault = { stallMs: active ? faults.commitThenStallMs : 0, reset: active && faults.commitThenReset };
      if (req.headers.authorization !== `Api-Key ${apiKey}`) return sendJson(res, 403, DETAIL_FORBIDDEN);
      // DRF answers one spelling per endpoint; the other gets a 301 (which a client following it on a write turns into a bodiless GET).
      const canonical = canonicalPath(url.pathname, dialect);
      if (url.pathname !== canonical) {
        res.writeHead(301, { location: `${canonical}${url.search}` });
        res.end();
        return;
      }
      await route(req, res, url, body, writeFault);
    })().catch(() => {
      if (!res.headersSent) sendJson(res, 500, { detail: 'Error interno del servidor.' });
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('simulator did not bind a TCP port');
  origin = `http://${options.host ?? '127.0.0.1'}:${address.port}`;

  const simulator: Simulator = {
    url: origin,
    apiKey,
    data,
    setFaults(next) {
      faults = { ...faults, ...next };
    },
    resetFaults() {
      faults = { ...NO_FAULTS, ...options.faults };
    },
    setDialect(next) {
      dialect = { ...dialect, ...next };
    },
    resetDialect() {
      dialect = { ...UPSTREAM_DIALECT, ...options.dialect };
    },
    setBalance(serviceId, balance) {
      if (balance) balances.set(serviceId, balance);
      else balances.delete(serviceId);
    },
    billing,
    setOutage(routerId, description) {
      // Clients share their router's record, as they share the router upstream.
      for (const client of data.clients) {
        const router = client.router as JsonRecord | null;
        if (router?.id !== routerId) continue;
        router.falla_general = description !== null;
        router.falla_general_descripcion = description ?? '';
      }
    },
    addClient(client) {
      data.clients.push(client);
      clientsById.set(client.id_servicio as number, client);
    },
    calls(filter) {
      let total = 0;
      for (const [key, count] of counters) {
        if (filter === undefined || (typeof filter === 'string' ? key.includes(filter) : filter.test(key))) total += count;
      }
      return total;
    },
    resetCalls() {
      counters.clear();
    },
    close() {
      return new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      });
    },
  };
  return simulator;
}
