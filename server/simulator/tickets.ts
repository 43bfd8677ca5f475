/**
 * The simulated tenant's tickets and their comments: creation with DRF's field errors, state
 * changes that need a reason, the list's filters, and the subject catalogue a create must name.
 */

import type { SimClients } from './clients';
import { type JsonRecord, type SimulatorData, TICKET_PRIORITIES, TICKET_STATES } from './data';
import { presentTicket, type SimulatorDialect } from './dialect';
import { type Answer, bogotaNow, REQUIRED } from './http';
import { SIM_CATALOGUE, SIM_OWN_CATALOGUE } from './subjects';

const CREATE_REQUIRED = [
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

export class SimTickets {
  readonly byId: Map<number, JsonRecord>;
  private readonly comments = new Map<number, JsonRecord[]>();
  private nextId: number;
  private nextCommentId = 1;

  constructor(
    private readonly data: SimulatorData,
    private readonly clients: SimClients,
  ) {
    this.byId = new Map(data.tickets.map((ticket) => [ticket.id_ticket as number, ticket]));
    this.nextId = Math.max(5000, ...this.byId.keys()) + 1;
  }

  /** The subjects `/api/tickets/asuntos-tickets/` lists in this dialect. */
  catalogue(dialect: SimulatorDialect): readonly string[] {
    if (dialect.subjectCatalogue === 'own') return SIM_OWN_CATALOGUE;
    if (dialect.subjectCatalogue === 'full') return SIM_CATALOGUE;
    return SIM_CATALOGUE.slice(0, Math.ceil(SIM_CATALOGUE.length / 2));
  }

  /** Tickets in a state (1-4) and of a service, either filter null for all. */
  list(state: string | null, serviceId: string | null): JsonRecord[] {
    const name = state === null ? null : TICKET_STATES[Number(state) - 1];
    return this.data.tickets.filter(
      (ticket) =>
        (name === null || ticket.estado === name) &&
        (serviceId === null || String((ticket.servicio as JsonRecord | null)?.id_servicio) === serviceId),
    );
  }

  create(form: Record<string, string>, dialect: SimulatorDialect): Answer {
    const errors: Record<string, string[]> = {};
    for (const field of CREATE_REQUIRED) if (!form[field]?.trim()) errors[field] = REQUIRED;
    const client = this.clients.byId.get(Number(form.servicio));
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
    const technician = this.data.technicians.find((tech) => tech.id === Number(form.tecnico));
    if (form.tecnico && !technician) errors.tecnico = [`Clave primaria "${form.tecnico}" inválida - objeto no existe.`];
    if (Object.keys(errors).length > 0 || !client) return { status: 400, body: errors };
    const ticket: JsonRecord = {
      id_ticket: this.nextId++,
      // WispHub Net appends the client's name to the subject it stores.
      asunto: `${form.asunto} - ${String(client.nombre)}`,
      asuntos_default: form.asuntos_default,
      descripcion: form.descripcion,
      estado: TICKET_STATES[state - 1],
      prioridad: TICKET_PRIORITIES[priority - 1],
      fecha_creacion: bogotaNow(),
      fecha_estimada_inicio: form.fecha_inicio,
      fecha_estimada_fin: form.fecha_final,
      tecnico: technician,
      departamento: form.departamento,
      origen_reporte: form.origen_reporte ?? null,
      servicio: { id_servicio: client.id_servicio, nombre: client.nombre, zona: client.zona },
      respuestas: [],
    };
    this.data.tickets.push(ticket);
    this.byId.set(ticket.id_ticket as number, ticket);
    return { status: 201, body: presentTicket(ticket, dialect) };
  }

  /** PATCH (estado, razon_falla) or PUT (the whole ticket) of `/api/tickets/{id}/`. */
  change(ticket: JsonRecord, form: Record<string, string>, whole: boolean, dialect: SimulatorDialect): Answer {
    const errors: Record<string, string[]> = {};
    if (whole)
      for (const field of ['asunto', 'servicio', 'tecnico', 'prioridad', 'estado']) if (!form[field]?.trim()) errors[field] = REQUIRED;
    const state = Number(form.estado);
    if (form.estado !== undefined && !(state >= 1 && state <= 4)) errors.estado = [`"${form.estado}" no es una elección válida.`];
    const changing = form.estado !== undefined && TICKET_STATES[state - 1] !== ticket.estado;
    if (changing && !form.razon_falla?.trim()) errors.razon_falla = REQUIRED;
    if (Object.keys(errors).length > 0) return { status: 400, body: errors };
    if (changing) {
      ticket.estado = TICKET_STATES[state - 1];
      ticket.razon_falla = form.razon_falla;
      ticket.respuestas = [...((ticket.respuestas as JsonRecord[] | undefined) ?? []), { respuesta: form.razon_falla }];
    }
    return { status: 200, body: presentTicket(ticket, dialect) };
  }

  /** Comments of one ticket (all when null). */
  commentsOf(ticketId: string | null): JsonRecord[] {
    const all = [...this.comments.values()].flat();
    return ticketId === null ? all : all.filter((comment) => String(comment.ticket) === ticketId);
  }

  addComment(form: FormData): Answer {
    const text = form.get('comentario');
    const ticketId = Number(form.get('ticket'));
    const errors: Record<string, string[]> = {};
    if (typeof text !== 'string' || text.trim() === '') errors.comentario = REQUIRED;
    if (!this.byId.has(ticketId)) errors.ticket = [`Clave primaria "${String(form.get('ticket'))}" inválida - objeto no existe.`];
    if (Object.keys(errors).length > 0) return { status: 400, body: errors };
    const file = form.get('archivo');
    const attached = file && typeof file !== 'string' ? file : null;
    const comment: JsonRecord = {
      id: this.nextCommentId++,
      ticket: ticketId,
      comentario: text,
      fecha: bogotaNow(),
      usuario: 'api',
      archivo: attached ? `/media/tickets/${ticketId}/${attached.name}` : null,
      archivo_tipo: attached ? attached.type : null,
      archivo_bytes: attached ? attached.size : null,
      do_not_notify_client: form.get('do_not_notify_client') === 'true',
    };
    this.comments.set(ticketId, [...(this.comments.get(ticketId) ?? []), comment]);
    return { status: 201, body: comment };
  }
}
