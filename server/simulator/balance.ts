/**
 * `GET /api/clientes/{id}/saldo` (no trailing slash). Two record shapes, as docs/upstream.md
 * records them: `production` (what production bots read: `{nombre, saldo, facturas: [{id, total,
 * fecha_vencimiento, ...}]}`) and `legacy` (older public code: `saldo_actual`, `fecha_ultimo_pago`,
 * `estado_facturas`, `facturas_pendientes [{id_factura, monto, fecha_vencimiento, dias_vencido}]`),
 * arriving bare, as a one-item list or paginated, numbers sometimes as strings. Derived from the
 * client's own `saldo` so the two agree; due dates are relative to today so days overdue are
 * realistic whenever the simulator runs. Invoice ids are the same in both shapes.
 */

import type { JsonRecord } from './data';
import { bogotaClock, dayMonthYear, pad } from './dates';
import { SeededRandom } from './random';

export type BalanceRecordShape = 'production' | 'legacy';
export type BalanceShape = 'bare' | 'list' | 'paginated';

const DAY_MS = 86_400_000;

/** Bogotá calendar date `daysAgo` days before `now` (negative: in the future). */
function bogotaDay(now: number, daysAgo: number): Date {
  return bogotaClock(now - daysAgo * DAY_MS);
}

const isoDay = (date: Date) => `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;

/** Days past due of the oldest pending invoice: some not yet due, some a little late, some very late. */
const OLDEST_DUE_DAYS_AGO = [-4, 0, 3, 12, 29, 30, 45, 75];

export function simulatedBalance(client: JsonRecord, now: number, recordShape: BalanceRecordShape = 'production'): JsonRecord {
  const serviceId = Number(client.id_servicio);
  const random = new SeededRandom(serviceId * 7919 + 17);
  const balance = Number(client.saldo ?? 0) || 0;
  const numbersAsStrings = serviceId % 2 === 0;
  const money = (amount: number) => (numbersAsStrings ? amount.toFixed(2) : amount);
  const invoices: { id: number; amount: number; due: Date; daysAgo: number }[] = [];
  if (balance > 0) {
    const count = Math.min(random.int(1, 3), Math.max(1, Math.floor(balance / 5000)));
    const oldest = random.pick(OLDEST_DUE_DAYS_AGO);
    let left = balance;
    for (let index = 0; index < count; index++) {
      const amount = index === count - 1 ? left : Math.round(balance / count / 100) * 100;
      left -= amount;
      const daysAgo = oldest - 30 * index;
      invoices.push({ id: serviceId * 100 + index + 1, amount, due: bogotaDay(now, daysAgo), daysAgo });
    }
  }
  const lastPayment = random.chance(0.9) ? dayMonthYear(bogotaDay(now, random.int(1, 60))) : null;
  const dueText = (due: Date) => (serviceId % 4 === 0 ? isoDay(due) : dayMonthYear(due));
  if (recordShape === 'production') {
    return {
      nombre: client.nombre,
      saldo: money(balance),
      facturas: invoices.map((invoice) => ({
        id: invoice.id,
        total: money(invoice.amount),
        sub_total: money(Math.round(invoice.amount / 1.19)),
        fecha_emision: dueText(bogotaDay(now, invoice.daysAgo + 15)),
        fecha_vencimiento: dueText(invoice.due),
        estado: 'Pendiente de pago',
      })),
    };
  }
  // WispHub's billing state follows the invoices: overdue ones make it "Vencida".
  const overdue = invoices.some((invoice) => invoice.daysAgo > 0);
  const billingState = invoices.length === 0 ? 'Al día' : overdue ? 'Vencida' : 'Pendiente de pago';
  return {
    id_servicio: serviceId,
    saldo_actual: money(balance),
    fecha_ultimo_pago: lastPayment,
    estado_facturas: billingState,
    facturas_pendientes: invoices.map((invoice) => ({
      id_factura: invoice.id,
      monto: money(invoice.amount),
      fecha_vencimiento: dueText(invoice.due),
      dias_vencido: numbersAsStrings ? String(Math.max(0, invoice.daysAgo)) : Math.max(0, invoice.daysAgo),
    })),
  };
}

export function balanceShape(serviceId: number): BalanceShape {
  return (['bare', 'list', 'paginated'] as const)[serviceId % 3]!;
}

/** Wraps a balance record in one of the three shapes seen upstream. */
export function shapeBalance(record: JsonRecord, shape: BalanceShape): unknown {
  if (shape === 'list') return [record];
  if (shape === 'paginated') return { count: 1, next: null, previous: null, results: [record] };
  return record;
}
