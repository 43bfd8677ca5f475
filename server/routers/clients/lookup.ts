/** How procedures reach clients: through the cached collection, recorded for the response memo. */

import type { Client } from '../../domain/client';
import type { ClientDirectory } from '../../domain/client-directory';
import { AppError } from '../../errors';
import type { RequestContext } from '../../trpc/context';
import { type MemoSources, readFrom } from '../../trpc/memo-sources';

export type LookupContext = RequestContext & { memo?: MemoSources };

/** The cached, indexed client collection; records how it was served and its version. */
export async function directory(ctx: LookupContext): Promise<ClientDirectory> {
  const { gateway } = ctx.services;
  return readFrom(ctx, await gateway.clientDirectory());
}

/** One client or a 404 `client_not_found`. */
export async function existingClient(ctx: LookupContext, serviceId: number): Promise<Client> {
  // From the cached collection; only a client created upstream since the load costs a call.
  const client = (await directory(ctx)).get(serviceId) ?? (await ctx.services.gateway.clientByServiceId(serviceId));
  if (!client) throw new AppError('client_not_found', { details: { serviceId } });
  return client;
}
