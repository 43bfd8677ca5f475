import { accountRouter } from './account';
import { clientsRouter } from './clients';
import { networkRouter } from './network';
import { paymentMethodsRouter } from './payment-methods';
import { paymentsRouter } from './payments';
import { plansRouter } from './plans';
import { promisesRouter } from './promises';
import { serviceRouter } from './service';
import { ticketsRouter } from './tickets';
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
