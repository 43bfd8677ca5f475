/**
 * `promesa_pago` on `GET /api/clientes/{id}/` (docs/upstream.md, "Promises of payment"): its
 * shape is not documented. Read: absent, null, false, "" or {} (no promise); true (a promise of
 * unknown date); a date as text; an object with the date in `fecha_limite` (the field the POST
 * takes), `fecha` or `fecha_promesa`, and maybe `id_factura`. Anything else is an unknown shape:
 * a 502 with the reason, never "no promise".
 */

import { AppError } from '../errors';
import { upstreamDate } from './balance-mapper';

export interface UpstreamPromise {
  /** YYYY-MM-DD, or null when upstream says a promise is active without its date. */
  until: string | null;
  invoiceId: string | null;
}

const DATE_FIELDS = ['fecha_limite', 'fecha', 'fecha_promesa'] as const;

function dateOf(value: unknown): string | null | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  return upstreamDate(value) ?? undefined;
}

export function readPromise(clientRecord: unknown): UpstreamPromise | null {
  if (typeof clientRecord !== 'object' || clientRecord === null) {
    throw new AppError('upstream_bad_response', { internal: { endpoint: '/api/clientes/:id/', problem: 'client is not an object' } });
  }
  const value = (clientRecord as Record<string, unknown>).promesa_pago;
  if (value === undefined || value === null || value === false || value === '') return null;
  if (value === true) return { until: null, invoiceId: null };
  if (typeof value === 'string') {
    const until = dateOf(value);
    if (until) return { until, invoiceId: null };
  }
  if (typeof value === 'object' && !Array.isArray(value)) {
    const record = value as Record<string, unknown>;
    if (Object.keys(record).length === 0) return null;
    for (const field of DATE_FIELDS) {
      const until = dateOf(record[field]);
      if (until) {
        const invoice = record.id_factura ?? record.factura;
        return { until, invoiceId: typeof invoice === 'number' || typeof invoice === 'string' ? String(invoice) : null };
      }
    }
  }
  throw new AppError('upstream_bad_response', {
    message: 'El sistema de gestión informó la promesa de pago en un formato que no conocemos. Un asesor debe revisarla.',
    internal: { endpoint: '/api/clientes/:id/', problem: 'unknown promesa_pago shape' },
  });
}
