/**
 * Money and service state as the simulated WispHub Net keeps them: payments registered against
 * one invoice (422 once paid), payment reports with their receipt files, promises of payment,
 * and activate/deactivate tasks. Invoice ids are `serviceId * 100 + n` (see balance.ts), so an
 * invoice id names its client.
 */

import { randomUUID } from 'node:crypto';
import { type BalanceRecordShape, simulatedBalance } from './balance';
import type { JsonRecord } from './data';
import { type Answer, REQUIRED } from './http';

export interface SimPayment {
  invoiceId: number;
  serviceId: number;
  methodId: number;
  amount: number;
  paidAt: string;
  reference: string;
  reconnect: boolean;
}

export interface SimPaymentReport {
  invoiceId: number;
  methodId: number;
  paidAt: string;
  reference: string;
  reportedBy: string;
  file: { name: string; type: string; size: number };
}

export interface SimPromise {
  invoiceId: number;
  serviceId: number;
  until: string;
  comment: string;
  reconnect: boolean;
}

export interface SimServiceTask {
  id: string;
  serviceIds: number[];
  action: 'activate' | 'deactivate';
  reason: string;
  createdAt: number;
}

const LOCAL_DATE_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/;
const DASHED_DATE = /^\d{4}-\d{2}-\d{2}$/;

export class SimBilling {
  readonly payments: SimPayment[] = [];
  readonly reports: SimPaymentReport[] = [];
  readonly promises: SimPromise[] = [];
  readonly serviceTasks = new Map<string, SimServiceTask>();
  private readonly paid = new Set<number>();

  constructor(
    private readonly clientsById: ReadonlyMap<number, JsonRecord>,
    private readonly paymentMethodIds: ReadonlySet<number>,
  ) {}

  /** The client's balance record with paid invoices gone and the total lowered by them. */
  balance(client: JsonRecord, now: number, shape: BalanceRecordShape): JsonRecord {
    const record = simulatedBalance(client, now, shape);
    const list = (record.facturas ?? record.facturas_pendientes) as JsonRecord[] | undefined;
    if (!list) return record;
    const idOf = (invoice: JsonRecord) => Number(invoice.id ?? invoice.id_factura);
    const amountOf = (invoice: JsonRecord) => Number(invoice.total ?? invoice.monto);
    const paid = list.filter((invoice) => this.paid.has(idOf(invoice)));
    if (paid.length === 0) return record;
    const unpaid = list.filter((invoice) => !this.paid.has(idOf(invoice)));
    const field = 'saldo' in record ? 'saldo' : 'saldo_actual';
    const total = Number(record[field]) - paid.reduce((sum, invoice) => sum + amountOf(invoice), 0);
    return {
      ...record,
      [field]: typeof record[field] === 'string' ? total.toFixed(2) : total,
      ...(record.facturas ? { facturas: unpaid } : { facturas_pendientes: unpaid }),
    };
  }

  /** `GET /api/facturas/{id}/`: one invoice, paid or not (the portal's reading); 404 when no client has it. */
  invoice(invoiceId: number, now: number): Answer {
    const client = this.clientsById.get(Math.floor(invoiceId / 100));
    const invoice = client
      ? (simulatedBalance(client, now, 'production').facturas as JsonRecord[]).find((item) => item.id === invoiceId)
      : undefined;
    if (!client || !invoice) return { status: 404, body: { detail: 'No encontrado.' } };
    return {
      status: 200,
      body: {
        id_factura: invoiceId,
        total: invoice.total,
        fecha_vencimiento: invoice.fecha_vencimiento,
        estado: this.paid.has(invoiceId) ? 'Pagada' : 'Pendiente de Pago',
        cliente: { id_servicio: client.id_servicio, nombre: client.nombre },
      },
    };
  }

  /** The unpaid invoice with this id, with its client; null when no client has it unpaid. */
  private unpaidInvoice(invoiceId: number, now: number): { client: JsonRecord; amount: number } | 'paid' | null {
    if (this.paid.has(invoiceId)) return 'paid';
    const client = this.clientsById.get(Math.floor(invoiceId / 100));
    if (!client) return null;
    const invoice = (simulatedBalance(client, now, 'production').facturas as JsonRecord[]).find((item) => item.id === invoiceId);
    return invoice ? { client, amount: Number(invoice.total) } : null;
  }

  /** `POST /api/facturas/{id}/registrar-pago/` (JSON). */
  registerPayment(invoiceId: number, form: Record<string, string>, now: number): Answer {
    const found = this.unpaidInvoice(invoiceId, now);
    if (found === null) return { status: 404, body: { detail: 'No encontrado.' } };
    if (found === 'paid') return { status: 422, body: { detail: 'La factura ya se encuentra pagada.' } };
    const errors: Record<string, string[]> = {};
    for (const field of ['forma_pago', 'accion', 'fecha_pago', 'total_cobrado']) if (!form[field]?.trim()) errors[field] = REQUIRED;
    if (form.accion && form.accion !== '0' && form.accion !== '1') errors.accion = [`"${form.accion}" no es una elección válida.`];
    if (form.forma_pago && !this.paymentMethodIds.has(Number(form.forma_pago))) {
      errors.forma_pago = [`Clave primaria "${form.forma_pago}" inválida - objeto no existe.`];
    }
    if (form.fecha_pago && !LOCAL_DATE_TIME.test(form.fecha_pago)) errors.fecha_pago = ['Formato de fecha inválido. Use YYYY-MM-DD HH:MM.'];
    if (form.total_cobrado && !(Number(form.total_cobrado) > 0)) errors.total_cobrado = ['Un número válido es requerido.'];
    if (Object.keys(errors).length > 0) return { status: 400, body: errors };
    const serviceId = Number(found.client.id_servicio);
    this.paid.add(invoiceId);
    this.payments.push({
      invoiceId,
      serviceId,
      methodId: Number(form.forma_pago),
      amount: Number(form.total_cobrado),
      paidAt: form.fecha_pago!,
      reference: form.referencia ?? '',
      reconnect: form.accion === '1',
    });
    if (form.accion === '1') found.client.estado = 'Activo';
    return { status: 200, body: { messages: 'Pago registrado correctamente.', task_id: randomUUID() } };
  }

  /** `POST /api/facturas/reportar-pago/{id}/` (multipart, with `comprobante_pago_archivo`). */
  reportPayment(invoiceId: number, form: FormData, now: number): Answer {
    if (this.unpaidInvoice(invoiceId, now) === null) return { status: 404, body: { detail: 'No encontrado.' } };
    const text = (name: string) => {
      const value = form.get(name);
      return typeof value === 'string' ? value : '';
    };
    const errors: Record<string, string[]> = {};
    for (const field of ['forma_pago', 'fecha_pago', 'referencia']) if (!text(field).trim()) errors[field] = REQUIRED;
    const file = form.get('comprobante_pago_archivo');
    if (!file || typeof file === 'string' || file.size === 0) errors.comprobante_pago_archivo = ['No se envió ningún archivo.'];
    if (Object.keys(errors).length > 0 || !file || typeof file === 'string') return { status: 400, body: errors };
    this.reports.push({
      invoiceId,
      methodId: Number(text('forma_pago')),
      paidAt: text('fecha_pago'),
      reference: text('referencia'),
      reportedBy: text('nombre_user'),
      file: { name: file.name, type: file.type, size: file.size },
    });
    return { status: 200, body: { task_id: randomUUID() } };
  }

  /** `POST /api/promesa-pago/` (JSON). */
  createPromise(form: Record<string, string>, now: number): Answer {
    const errors: Record<string, string[]> = {};
    for (const field of ['id_factura', 'fecha_limite', 'accion']) if (!form[field]?.trim()) errors[field] = REQUIRED;
    if (form.fecha_limite && !DASHED_DATE.test(form.fecha_limite)) errors.fecha_limite = ['Formato de fecha inválido. Use YYYY-MM-DD.'];
    if (form.accion && form.accion !== '0' && form.accion !== '1') errors.accion = [`"${form.accion}" no es una elección válida.`];
    const found = form.id_factura ? this.unpaidInvoice(Number(form.id_factura), now) : null;
    if (form.id_factura && (found === null || found === 'paid')) errors.id_factura = ['La factura no existe o ya está pagada.'];
    if (Object.keys(errors).length > 0 || found === null || found === 'paid') return { status: 400, body: errors };
    const promise: SimPromise = {
      invoiceId: Number(form.id_factura),
      serviceId: Number(found.client.id_servicio),
      until: form.fecha_limite!,
      comment: form.comentarios ?? '',
      reconnect: form.accion === '1',
    };
    this.promises.push(promise);
    found.client.promesa_pago = { id_factura: promise.invoiceId, fecha_limite: promise.until, comentarios: promise.comment };
    if (promise.reconnect) found.client.estado = 'Activo';
    return { status: 201, body: { messages: 'Promesa de pago registrada.' } };
  }

  /** `POST /api/clientes/activar/` and `/desactivar/`: a task that changes the state when it finishes. */
  startServiceTask(action: 'activate' | 'deactivate', body: unknown): Answer {
    const { servicios, motivo } = (body ?? {}) as { servicios?: unknown; motivo?: unknown };
    if (!Array.isArray(servicios) || servicios.length === 0 || !servicios.every((id) => this.clientsById.has(Number(id)))) {
      return { status: 400, body: { servicios: ['Lista de servicios inválida.'] } };
    }
    const task: SimServiceTask = {
      id: randomUUID(),
      serviceIds: servicios.map(Number),
      action,
      reason: typeof motivo === 'string' ? motivo : '',
      createdAt: Date.now(),
    };
    this.serviceTasks.set(task.id, task);
    // Committed at once (a lost answer still changed the state); the task only reports progress.
    for (const serviceId of task.serviceIds) {
      const client = this.clientsById.get(serviceId);
      if (client) client.estado = action === 'activate' ? 'Activo' : 'Suspendido';
    }
    return { status: 202, body: { task_id: task.id } };
  }

  /** A service task's state: pending, in process, then done. */
  serviceTaskState(task: SimServiceTask, delayMs: number, now: number): JsonRecord {
    const elapsed = now - task.createdAt;
    if (elapsed < delayMs / 3) return { task: { status: 'PENDING', result: null } };
    if (elapsed < delayMs) return { task: { status: 'PROCESS', result: null } };
    return { task: { status: 'SUCCESS', result: { servicios: task.serviceIds, accion: task.action } } };
  }
}
