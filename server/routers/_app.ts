import { router } from '../trpc/init';
import { accountRouter } from './account/router';
import { paymentsRouter } from './billing/payments.router';
import { promisesRouter } from './billing/promises.router';
import { serviceRouter } from './billing/service.router';
import { paymentMethodsRouter } from './catalogue/payment-methods.router';
import { plansRouter } from './catalogue/plans.router';
import { clientsRouter } from './clients/router';
import { networkRouter } from './network/router';
import { ticketsRouter } from './tickets/router';

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
