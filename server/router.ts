import { accountRouter } from './routers/account';
import { clientsRouter } from './routers/clients';
import { networkRouter } from './routers/network';
import { paymentMethodsRouter } from './routers/payment-methods';
import { plansRouter } from './routers/plans';
import { ticketsRouter } from './routers/tickets';
import { router } from './trpc';

/** The one set of procedures, served as tRPC at /trpc and as REST at /api/v1. */
export const appRouter = router({
  clients: clientsRouter,
  account: accountRouter,
  plans: plansRouter,
  paymentMethods: paymentMethodsRouter,
  tickets: ticketsRouter,
  network: networkRouter,
});

export type AppRouter = typeof appRouter;
