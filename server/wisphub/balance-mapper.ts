import { z } from 'zod';
import { AppError } from '../errors';
import { upstreamDayToIso } from './client-mapper';
import { upstreamNumber } from './schemas';

/**
 * `GET /api/clientes/{id}/saldo/`. Its shape is not confirmed (UPSTREAM.md): the record may come
 * bare, as a one-item list, or paginated, with numbers as strings. Money is never guessed: an
 * invoice that cannot be read fails the whole answer rather than understating what is owed.
 */

export interface UpstreamInvoice {
  id: string;
  amount: number;
  dueDate: string | null;
  /** Upstream's own count, as of its last billing run. */
  daysOverdue: number | null;
}

export interface UpstreamBalance {
  balance: number | null;
  lastPaymentDate: string | null;
  billingStatus: string | null;
  invoices: UpstreamInvoice[];
}

const invoiceSchema = z.object({
  id_factura: z.union([z.string().trim().min(1), z.number()]).transform(String),
  monto: upstreamNumber,
  fecha_vencimiento: z.string().nullish(),
  dias_vencido: upstreamNumber.nullish(),
});

const balanceRecordSchema = z.object({
  id_servicio: z.coerce.number().int().nullish(),
  saldo_actual: upstreamNumber.nullish(),
  fecha_ultimo_pago: z.string().nullish(),
  estado_facturas: z.string().nullish(),
  facturas_pendientes: z.array(invoiceSchema).nullish(),
});

const ENDPOINT = '/api/clientes/:id/saldo/';

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
  const own = items.filter((item) => typeof item === 'object' && item !== null && Number((item as { id_servicio?: unknown }).id_servicio) === serviceId);
  if (own.length !== 1) throw badResponse('several balance records');
  return own[0];
}

export function toBalance(body: unknown, serviceId: number): UpstreamBalance {
  const record = unwrap(body, serviceId);
  if (record === null) return { balance: null, lastPaymentDate: null, billingStatus: null, invoices: [] };
  const parsed = balanceRecordSchema.safeParse(record);
  if (!parsed.success) throw badResponse(`unreadable balance: ${parsed.error.issues.map((issue) => issue.path.join('.')).join(', ')}`);
  const data = parsed.data;
  if (data.id_servicio != null && data.id_servicio !== serviceId) throw badResponse('balance of another client');
  return {
    balance: data.saldo_actual ?? null,
    lastPaymentDate: upstreamDate(data.fecha_ultimo_pago),
    billingStatus: data.estado_facturas?.trim() || null,
    invoices: (data.facturas_pendientes ?? []).map((invoice) => ({
      id: invoice.id_factura,
      amount: invoice.monto,
      dueDate: upstreamDate(invoice.fecha_vencimiento),
      daysOverdue: invoice.dias_vencido ?? null,
    })),
  };
}
