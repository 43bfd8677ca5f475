/**
 * A customer's account in plain terms: what is owed, what is overdue and how badly. Pure: the
 * caller passes today's date on the business calendar and the thresholds from config.
 */

export const ACCOUNT_STATUSES = ['up_to_date', 'overdue', 'seriously_overdue'] as const;
export type AccountStatus = (typeof ACCOUNT_STATUSES)[number];

export interface PendingInvoice {
  id: string;
  /** Pesos. */
  amount: number;
  /** YYYY-MM-DD, when known. */
  dueDate: string | null;
  /** 0 when not yet due. */
  daysOverdue: number;
}

export interface OverdueThresholds {
  /** An invoice this many days past due makes the account overdue (1: the day after). */
  overdueAfterDays: number;
  /** ... and this many, seriously overdue (service cut-off territory). */
  seriouslyOverdueAfterDays: number;
}

export interface AccountSummary {
  totalOwed: number;
  /** Pesos in the customer's favour (a negative upstream balance with nothing invoiced); else 0. */
  credit: number;
  maxDaysOverdue: number;
  status: AccountStatus;
  message: string;
}

const DAY_MS = 86_400_000;

/** Whole days from `dueDate` to `today` (both YYYY-MM-DD), never negative. */
export function daysPastDue(dueDate: string, today: string): number {
  const days = Math.round((Date.parse(`${today}T00:00:00Z`) - Date.parse(`${dueDate}T00:00:00Z`)) / DAY_MS);
  return Number.isFinite(days) ? Math.max(0, days) : 0;
}

/**
 * Days overdue of an invoice: computed from its due date when known (upstream's own count may be
 * as old as its last batch run), else upstream's count, else 0.
 */
export function invoiceDaysOverdue(dueDate: string | null, upstreamDays: number | null, today: string): number {
  if (dueDate) return daysPastDue(dueDate, today);
  return upstreamDays !== null && upstreamDays > 0 ? Math.floor(upstreamDays) : 0;
}

export function accountStatus(maxDaysOverdue: number, thresholds: OverdueThresholds): AccountStatus {
  if (maxDaysOverdue >= thresholds.seriouslyOverdueAfterDays) return 'seriously_overdue';
  if (maxDaysOverdue >= thresholds.overdueAfterDays) return 'overdue';
  return 'up_to_date';
}

/** Made once: a locale formatter per call costs ICU memory and time (see business-days.ts). */
const PESOS = new Intl.NumberFormat('es-CO');
const pesos = (amount: number) => `$${PESOS.format(Math.round(amount))}`;

/**
 * Total owed is the sum of pending invoices; with none listed, a positive balance is what is owed
 * (an ISP may carry a debt without an open invoice), and a zero balance owes nothing. A negative
 * balance with nothing invoiced is a credit in the customer's favour.
 */
export function summarizeAccount(
  balance: number | null,
  invoices: readonly PendingInvoice[],
  thresholds: OverdueThresholds,
): AccountSummary {
  const invoiced = invoices.reduce((sum, invoice) => sum + invoice.amount, 0);
  const totalOwed = Math.round((invoices.length > 0 ? invoiced : Math.max(0, balance ?? 0)) * 100) / 100;
  const credit = invoices.length === 0 && balance !== null && balance < 0 ? Math.round(-balance * 100) / 100 : 0;
  const maxDaysOverdue = invoices.reduce((max, invoice) => Math.max(max, invoice.daysOverdue), 0);
  const status = accountStatus(maxDaysOverdue, thresholds);
  let message: string;
  if (credit > 0) message = `Su cuenta está al día y tiene un saldo a favor de ${pesos(credit)}.`;
  else if (totalOwed <= 0) message = 'Su cuenta está al día: no tiene saldo pendiente.';
  else if (status === 'up_to_date') message = `Tiene un saldo de ${pesos(totalOwed)}, aún dentro del plazo de pago.`;
  else if (status === 'overdue')
    message = `Tiene un saldo pendiente de ${pesos(totalOwed)} con ${maxDaysOverdue} día(s) de vencido. Le recomendamos pagar pronto para evitar la suspensión.`;
  else
    message = `Tiene un saldo vencido de ${pesos(totalOwed)} (${maxDaysOverdue} días de mora). Su servicio puede ser suspendido: realice el pago lo antes posible.`;
  return { totalOwed, credit, maxDaysOverdue, status, message };
}
