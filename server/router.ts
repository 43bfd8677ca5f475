import { clientsRouter } from './routers/clients';
import { router } from './trpc';

/** The one set of procedures, served as tRPC at /trpc and as REST at /api/v1. */
export const appRouter = router({
  clients: clientsRouter,
});

export type AppRouter = typeof appRouter;
