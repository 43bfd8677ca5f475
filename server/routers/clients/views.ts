/**
 * Which view of a client a caller gets (the trust model, docs/threat-model.md): staff keys see
 * every record; a bot key sees in full only the customer whose verification token it holds (for
 * its own end user), and masked hints of anyone else.
 */

import type { z } from 'zod';
import type { Client } from '../../domain/client';
import { clientHint, MAX_UNVERIFIED_CANDIDATES } from '../../domain/client-hint';
import type { CallerContext } from '../../trpc/context';
import { verifiedServiceId } from '../../trpc/procedures';
import type { clientViewSchema } from './types';

export type ClientView = z.infer<typeof clientViewSchema>;

export interface Viewer {
  isStaff: boolean;
  /** The service id this bot call proved, or null. */
  verified: number | null;
  view(client: Client): ClientView;
  /** How many candidates one answer may list. */
  maxCandidates: number;
}

export function viewerOf(ctx: CallerContext): Viewer {
  const isStaff = ctx.key.role === 'operator';
  const verified = isStaff ? null : verifiedServiceId(ctx, ctx.key);
  return {
    isStaff,
    verified,
    maxCandidates: isStaff ? Number.POSITIVE_INFINITY : MAX_UNVERIFIED_CANDIDATES,
    view: (client) => (isStaff || client.serviceId === verified ? { view: 'full', ...client } : { view: 'masked', ...clientHint(client) }),
  };
}
