/**
 * The simulator's money and service-state routes: payment registration and reports, invoices,
 * promises of payment, activate/deactivate; each spelled (or missing) as the dialect says.
 */

import { isMissingBillingRoute, isPromisePath, registerPaymentInvoice } from '../dialect';
import { DETAIL_FORBIDDEN, htmlNotFound, parseForm, sendJson } from '../http';
import type { SimRoute } from '../routing';

export const BILLING_ROUTES: readonly SimRoute[] = [
  { method: '*', path: (path, dialect) => (isMissingBillingRoute(path, dialect) ? [] : null), handle: ({ res }) => htmlNotFound(res) },
  {
    method: 'POST',
    path: (path, dialect) => {
      const invoiceId = registerPaymentInvoice(path, dialect);
      return invoiceId === null ? null : [String(invoiceId)];
    },
    handle: async (call, [invoiceId], { billing }) => {
      const form = await parseForm(call.req, call.body);
      if (!form) return sendJson(call.res, 400, { detail: 'JSON parse error.' });
      const answer = billing.registerPayment(Number(invoiceId), form, Date.now());
      if (answer.status === 200) await call.afterWrite();
      return sendJson(call.res, answer.status, answer.body);
    },
  },
  {
    method: 'GET',
    path: /^\/api\/facturas\/(\d+)\/$/,
    handle: ({ res }, [id], { billing }) => {
      const answer = billing.invoice(Number(id), Date.now());
      return sendJson(res, answer.status, answer.body);
    },
  },
  {
    method: 'POST',
    path: /^\/api\/facturas\/reportar-pago\/(\d+)\/$/,
    handle: async (call, [invoiceId], { billing }) => {
      const type = call.req.headers['content-type'] ?? '';
      if (!type.startsWith('multipart/form-data')) return sendJson(call.res, 415, { detail: `Tipo de medio "${type}" no soportado.` });
      const form = await new Response(call.body, { headers: { 'content-type': type } }).formData().catch(() => null);
      if (!form) return sendJson(call.res, 400, { detail: 'Multipart form parse error.' });
      const answer = billing.reportPayment(Number(invoiceId), form, Date.now());
      if (answer.status === 200) await call.afterWrite();
      return sendJson(call.res, answer.status, answer.body);
    },
  },
  {
    method: 'POST',
    path: (path, dialect) => (isPromisePath(path, dialect) ? [] : null),
    handle: async (call, _, { billing, dialect }) => {
      if (!dialect.promisePermission) return sendJson(call.res, 403, DETAIL_FORBIDDEN);
      const form = await parseForm(call.req, call.body);
      if (!form) return sendJson(call.res, 400, { detail: 'JSON parse error.' });
      const answer = billing.createPromise(form, Date.now());
      if (answer.status === 201) await call.afterWrite();
      return sendJson(call.res, answer.status, answer.body);
    },
  },
  {
    method: 'POST',
    path: /^\/api\/clientes\/(activar|desactivar)\/$/,
    handle: async (call, [action], { billing }) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(call.body.toString('utf8') || '{}');
      } catch {
        return sendJson(call.res, 400, { detail: 'JSON parse error.' });
      }
      const answer = billing.startServiceTask(action === 'activar' ? 'activate' : 'deactivate', parsed);
      if (answer.status === 202) await call.afterWrite();
      return sendJson(call.res, answer.status, answer.body);
    },
  },
];
