import { accountRouter } from './account/router';
import { clientsRouter } from './clients/router';
import { networkRouter } from './network/router';
import { paymentMethodsRouter } from './catalogue/payment-methods.router';
import { paymentsRouter } from './billing/payments.router';
import { plansRouter } from './catalogue/plans.router';
import { promisesRouter } from './billing/promises.router';
import { serviceRouter } from './billing/service.router';
import { ticketsRouter } from './tickets/router';
import { router } from '../trpc/init';

/** The one set of procedures, served as tRPC at /trpc and as REST at /api/v1. */
export const appRouter = router({
  clients: clientsRouter,
  account: accountRouter,
  plans: plansRouter,
  paymentMethods: paymentMethodsRouter,
  tickets: ticketsRouter,
  network: networkRouter,
  payments: paymentsRouter,
  promises: promisesRouter,
  service: serviceRouter,
});

export type AppRouter = typeof appRouter;
