/**
 * `GET /api/clientes/{id}/saldo` (no trailing slash: docs/upstream.md, "Balance"). Two shapes are
 * read, both with numbers as strings too:
 * - production bots: `{nombre, saldo, facturas: [{id, total, fecha_vencimiento, ...}]}`;
 * - older public code: `{saldo_actual, fecha_ultimo_pago, estado_facturas, facturas_pendientes:
 *   [{id_factura, monto, fecha_vencimiento, dias_vencido}]}`;
 * bare, as a one-item list or paginated. Money is never guessed: a record with none of the known
 * fields, or an invoice that cannot be read, fails the answer (502) rather than saying "nothing owed".
 */

import { z } from 'zod';
import { AppError } from '../errors';
import { upstreamDayToIso } from './client-mapper';
import { upstreamNumber } from './schemas';

export interface UpstreamInvoice {
  /** Upstream's invoice id (`id` or `id_factura`): payments are made against it. */
  id: string;
  amount: number;
  dueDate: string | null;
  /** Upstream's own count, as of its last billing run (older shape only). */
  daysOverdue: number | null;
}

export interface UpstreamBalance {
  /** What upstream says is owed; negative is a credit in the customer's favour. */
  balance: number | null;
  lastPaymentDate: string | null;
  billingStatus: string | null;
  invoices: UpstreamInvoice[];
}

const invoiceId = z.union([z.string().trim().min(1), z.number()]).transform(String);

const invoiceSchema = z
  .object({
    id: invoiceId.optional(),
    id_factura: invoiceId.optional(),
    total: upstreamNumber.optional(),
    monto: upstreamNumber.optional(),
    fecha_vencimiento: z.string().nullish(),
    dias_vencido: upstreamNumber.nullish(),
  })
  .transform((invoice, context) => {
    const id = invoice.id ?? invoice.id_factura;
    const amount = invoice.total ?? invoice.monto;
    if (id === undefined || amount === undefined) {
      context.addIssue({ code: 'custom', message: 'an invoice needs an id (id or id_factura) and an amount (total or monto)' });
      return z.NEVER;
    }
    return { id, amount, dueDate: upstreamDate(invoice.fecha_vencimiento), daysOverdue: invoice.dias_vencido ?? null };
  });

const balanceRecordSchema = z.object({
  id_servicio: z.coerce.number().int().nullish(),
  saldo: upstreamNumber.nullish(),
  saldo_actual: upstreamNumber.nullish(),
  fecha_ultimo_pago: z.string().nullish(),
  estado_facturas: z.string().nullish(),
  facturas: z.array(invoiceSchema).nullish(),
  facturas_pendientes: z.array(invoiceSchema).nullish(),
});

/** The fields that say what is owed: a record holding none of them is a shape we do not know. */
const MONEY_FIELDS = ['saldo', 'saldo_actual', 'facturas', 'facturas_pendientes'] as const;

const ENDPOINT = '/api/clientes/:id/saldo';

function badResponse(problem: string): AppError {
  return new AppError('upstream_bad_response', { internal: { endpoint: ENDPOINT, problem } });
}

/** "6/08/2026", "06/08/2026 10:00:00", "2026-08-06" or an ISO date-time → "2026-08-06"; else null. */
export function upstreamDate(value: string | null | undefined): string | null {
  const text = value?.trim();
  if (!text) return null;
  const dayFirst = upstreamDayToIso(text);
  if (dayFirst) return dayFirst;
  const iso = text.match(/^(\d{4})-(\d{2})-(\d{2})(?:$|[T ])/);
  return iso ? `${iso[1]}-${iso[2]}-${iso[3]}` : null;
}

/** The one record inside any of the three shapes; null when upstream has none for the client. */
function unwrap(body: unknown, serviceId: number): unknown {
  let items: unknown[] | null = null;
  if (Array.isArray(body)) items = body;
  else if (typeof body === 'object' && body !== null && Array.isArray((body as { results?: unknown }).results)) {
    items = (body as { results: unknown[] }).results;
  }
  if (items === null) return body;
  if (items.length === 0) return null;
  if (items.length === 1) return items[0];
  // Several records: only the client's own is ours (a filter ignored upstream would list everyone's).
  const own = items.filter(
    (item) => typeof item === 'object' && item !== null && Number((item as { id_servicio?: unknown }).id_servicio) === serviceId,
  );
  if (own.length !== 1) throw badResponse('several balance records');
  return own[0];
}

export function toBalance(body: unknown, serviceId: number): UpstreamBalance {
  const record = unwrap(body, serviceId);
  if (record === null) return { balance: null, lastPaymentDate: null, billingStatus: null, invoices: [] };
  if (typeof record !== 'object' || Array.isArray(record)) throw badResponse('balance is not an object');
  const known = MONEY_FIELDS.filter(
    (field) => (record as Record<string, unknown>)[field] !== undefined && (record as Record<string, unknown>)[field] !== null,
  );
  if (known.length === 0) throw badResponse(`unknown balance shape (fields: ${Object.keys(record).slice(0, 20).join(', ')})`);
  const parsed = balanceRecordSchema.safeParse(record);
  if (!parsed.success)
    throw badResponse(`unreadable balance: ${parsed.error.issues.map((issue) => issue.path.join('.') || issue.message).join(', ')}`);
  const data = parsed.data;
  if (data.id_servicio != null && data.id_servicio !== serviceId) throw badResponse('balance of another client');
  return {
    balance: data.saldo ?? data.saldo_actual ?? null,
    lastPaymentDate: upstreamDate(data.fecha_ultimo_pago),
    billingStatus: data.estado_facturas?.trim() || null,
    invoices: [...(data.facturas ?? []), ...(data.facturas_pendientes ?? [])],
  };
}
