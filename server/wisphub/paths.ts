/**
 * Every WispHub Net path the gateway calls, spelled as upstream answers it without a redirect
 * (docs/upstream.md: the trailing slash is not uniform). The gateway and the probe both read
 * them from here, so the probe checks exactly the spellings the gateway sends.
 */
export const UPSTREAM_PATHS = {
  clients: '/api/clientes/',
  client: (serviceId: number) => `/api/clientes/${serviceId}/`,
  /** The one endpoint without a trailing slash. */
  balance: (serviceId: number) => `/api/clientes/${serviceId}/saldo`,
  profile: (serviceId: number) => `/api/clientes/${serviceId}/perfil/`,
  ping: (serviceId: number) => `/api/clientes/${serviceId}/ping/`,
  task: (taskId: string) => `/api/tasks/${encodeURIComponent(taskId)}/`,
  plans: '/api/plan-internet/',
  planDetail: (kind: 'pppoe' | 'queue', planId: number) => `/api/plan-internet/${kind}/${planId}/`,
  paymentMethods: '/api/formas-de-pago/',
  tickets: '/api/tickets/',
  ticket: (ticketId: number) => `/api/tickets/${ticketId}/`,
  ticketSubjects: '/api/tickets/asuntos-tickets/',
  /** Ticket follow-up; answered 404 at some ISPs. */
  ticketComments: '/api/tickets/comentarios/',
  /**
   * JSON; without the slash the 301 drops the body and nothing is recorded. Sources disagree on
   * the order (docs/upstream.md): the gateway tries these in turn while a route is missing.
   */
  registerPayment: (invoiceId: string) =>
    [
      `/api/facturas/${encodeURIComponent(invoiceId)}/registrar-pago/`,
      `/api/facturas/registrar-pago/${encodeURIComponent(invoiceId)}/`,
    ] as const,
  /** One invoice (read by the probe; the gateway reads invoices from the balance). */
  invoice: (invoiceId: string) => `/api/facturas/${encodeURIComponent(invoiceId)}/`,
  /** Multipart, with the receipt file. */
  reportPayment: (invoiceId: string) => `/api/facturas/reportar-pago/${encodeURIComponent(invoiceId)}/`,
  /** Two spellings in public code (docs/upstream.md), tried in turn while a route is missing. */
  paymentPromise: ['/api/promesa-pago/', '/api/promesas-de-pago/'],
  activateServices: '/api/clientes/activar/',
  deactivateServices: '/api/clientes/desactivar/',
} as const;
