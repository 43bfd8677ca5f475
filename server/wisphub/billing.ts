/**
 * Money and service state upstream: invoices (from the client's `saldo`), payment registration
 * and reports, promises of payment, activation and deactivation. Every write here is sent once
 * and never retried: callers reconcile an unknown outcome (see `isUnknownOutcome`) before any
 * second attempt.
 */

import { AppError, appErrorOf } from '../errors';
import type { AccountGateway } from './account';
import type { UpstreamBalance } from './balance-mapper';
import { UPSTREAM_PATHS } from './paths';
import { readPromise, type UpstreamPromise } from './promise-mapper';
import { readTask, taskIdOf, type UpstreamTask } from './tasks';
import { UpstreamNotFoundError } from './transport';
import type { UpstreamContext } from './upstream-context';

/** Upstream's HTTP status of a refused write, when it refused one. */
function upstreamStatusOf(error: unknown): number | undefined {
  const status = appErrorOf(error)?.internal?.upstreamStatus;
  return typeof status === 'number' ? status : undefined;
}

export interface PaymentRegistration {
  invoiceId: string;
  methodId: number;
  amount: number;
  /** "YYYY-MM-DD HH:mm" on the ISP's wall clock (upstream reads it as local time). */
  paidAtLocal: string;
  reference: string;
  reconnect: boolean;
}

export interface PaymentReport {
  invoiceId: string;
  methodId: number;
  /** "YYYY-MM-DD HH:mm" on the ISP's wall clock. */
  paidAtLocal: string;
  reference: string;
  /** Who reports it (upstream `nombre_user`): the bot's key name. */
  reportedBy: string;
  receipt: { bytes: Uint8Array; contentType: string; fileName: string };
}

export interface PromiseRequest {
  invoiceId: string;
  /** YYYY-MM-DD (dashes only: upstream refuses slashes). */
  until: string;
  comment: string;
  /** Upstream `accion`: 1 reconnects a suspended service for the promise's duration. */
  reconnect: boolean;
}

export class BillingGateway {
  /** Per endpoint, the spelling that last answered (its index in the candidates). */
  private readonly spellings = new Map<string, number>();

  constructor(
    private readonly upstream: UpstreamContext,
    private readonly account: AccountGateway,
  ) {}

  /**
   * POSTs to the first spelling whose route exists, starting with the one that worked last. A
   * route that does not exist answers Django's HTML 404 and records nothing, so the next spelling
   * is safe to try; none existing is a 502 naming them, never a silent no-op.
   */
  private async sendToExistingRoute(endpoint: string, candidates: readonly string[], body: FormData | Record<string, unknown>) {
    const start = this.spellings.get(endpoint) ?? 0;
    for (let tried = 0; tried < candidates.length; tried++) {
      const index = (start + tried) % candidates.length;
      try {
        const answer = await this.upstream.transport.send('POST', candidates[index]!, body);
        this.spellings.set(endpoint, index);
        return answer;
      } catch (error) {
        if (!(error instanceof UpstreamNotFoundError && error.routeMissing)) {
          if (!(error instanceof UpstreamNotFoundError)) this.spellings.set(endpoint, index);
          throw error;
        }
        this.upstream.logger.warn({ endpoint, missing: candidates[index] }, 'WispHub Net has no route at this spelling; trying the next');
      }
    }
    throw new AppError('upstream_bad_response', {
      internal: { endpoint, problem: `no route at any known spelling: ${candidates.join(', ')}` },
    });
  }

  /** What upstream says the client owes right now: the balance cache is dropped first (here and on every instance). */
  async freshBalance(serviceId: number): Promise<UpstreamBalance | null> {
    await this.account.balanceCache.invalidate(String(serviceId));
    return (await this.account.balance(serviceId))?.value ?? null;
  }

  /** The client's active promise of payment as upstream records it now; undefined when upstream does not know the client. */
  async activePromise(serviceId: number): Promise<UpstreamPromise | null | undefined> {
    let record: unknown;
    try {
      record = await this.upstream.transport.get(UPSTREAM_PATHS.client(serviceId));
    } catch (error) {
      if (error instanceof UpstreamNotFoundError) return undefined;
      throw error;
    }
    return readPromise(record);
  }

  /** Records a payment against one invoice. Answers upstream's task id (if any). 422: the invoice is already paid. */
  async registerPayment(payment: PaymentRegistration): Promise<{ taskId: string | null }> {
    try {
      const { data } = await this.sendToExistingRoute('registrar-pago', UPSTREAM_PATHS.registerPayment(payment.invoiceId), {
        forma_pago: payment.methodId,
        accion: payment.reconnect ? 1 : 0,
        fecha_pago: payment.paidAtLocal,
        total_cobrado: payment.amount,
        referencia: payment.reference,
      });
      return { taskId: taskIdOf(data) };
    } catch (error) {
      if (upstreamStatusOf(error) === 422) throw new AppError('invoice_already_paid', { details: { invoiceId: payment.invoiceId } });
      if (error instanceof UpstreamNotFoundError) throw new AppError('invoice_not_found', { details: { invoiceId: payment.invoiceId } });
      throw error;
    }
  }

  /** Sends a payment report with its receipt for staff review. */
  async reportPayment(report: PaymentReport): Promise<{ taskId: string | null }> {
    const form = new FormData();
    form.set('forma_pago', String(report.methodId));
    form.set('fecha_pago', report.paidAtLocal);
    form.set('referencia', report.reference);
    form.set('comprobante_pago', report.reference);
    form.set('nombre_user', report.reportedBy);
    const file = new Blob([report.receipt.bytes], { type: report.receipt.contentType });
    form.set('comprobante_pago_archivo', file, report.receipt.fileName);
    try {
      const { data } = await this.upstream.transport.send('POST', UPSTREAM_PATHS.reportPayment(report.invoiceId), form);
      return { taskId: taskIdOf(data) };
    } catch (error) {
      if (error instanceof UpstreamNotFoundError) throw new AppError('invoice_not_found', { details: { invoiceId: report.invoiceId } });
      throw error;
    }
  }

  /** Agrees a promise of payment. Upstream 403 here means the ISP's key lacks the permission, not a bad key. */
  async createPromise(promise: PromiseRequest): Promise<void> {
    try {
      await this.sendToExistingRoute('promesa-pago', UPSTREAM_PATHS.paymentPromise, {
        id_factura: Number(promise.invoiceId),
        fecha_limite: promise.until,
        comentarios: promise.comment,
        accion: promise.reconnect ? 1 : 0,
      });
    } catch (error) {
      if (appErrorOf(error)?.reason === 'upstream_auth_failed') {
        throw new AppError('upstream_permission_missing', {
          internal: { endpoint: 'promesa-pago', upstreamStatus: upstreamStatusOf(error) },
          details: { permission: 'promesa-pago' },
        });
      }
      throw error;
    }
  }

  /** Starts activating or deactivating one service; answers upstream's task id. */
  async changeServiceState(serviceId: number, action: 'activate' | 'deactivate', reason: string): Promise<string> {
    const path = action === 'activate' ? UPSTREAM_PATHS.activateServices : UPSTREAM_PATHS.deactivateServices;
    const { data } = await this.upstream.transport.send('POST', path, { servicios: [serviceId], motivo: reason });
    const taskId = taskIdOf(data);
    if (taskId === null) throw new AppError('upstream_bad_response', { internal: { endpoint: path, problem: 'no task_id' } });
    return taskId;
  }

  task(taskId: string): Promise<UpstreamTask | null> {
    return readTask(this.upstream.transport, taskId);
  }
}
