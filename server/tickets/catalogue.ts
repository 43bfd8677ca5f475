/**
 * The ticket subjects in force: the ISP's own catalogue from WispHub Net with our priority rules
 * merged in, or, when upstream has no catalogue endpoint or it fails, the shipped list (or the
 * TICKET_SUBJECTS_FILE override). Every answer says which.
 */

import { mergeSubjectCatalogue, type PriorityNumber, type SubjectCatalogue } from '../domain/ticket-subjects';
import { appErrorOf } from '../errors';
import type { Services } from '../services';
import type { RequestContext } from '../trpc/context';
import { type MemoSources, readFrom } from '../trpc/memo-sources';

export type SubjectSource = 'upstream' | 'file' | 'shipped';

export interface TicketCatalogue {
  catalogue: SubjectCatalogue;
  source: SubjectSource;
  /** Why the fallback is in use: `no_endpoint`, `empty`, or the upstream error's reason. */
  fallbackReason: string | null;
}

function fallbackSource(services: Services): SubjectSource {
  return services.config.TICKET_SUBJECTS_FILE ? 'file' : 'shipped';
}

export async function ticketCatalogue(ctx: RequestContext & { memo?: MemoSources }): Promise<TicketCatalogue> {
  const { services } = ctx;
  const fallback = (reason: string): TicketCatalogue => ({
    catalogue: services.subjects,
    source: fallbackSource(services),
    fallbackReason: reason,
  });
  let names: string[] | null;
  try {
    names = readFrom(ctx, await services.gateway.catalogue.ticketSubjects());
  } catch (error) {
    services.logger.warn(
      { requestId: ctx.requestId, reason: appErrorOf(error)?.reason },
      'ticket subjects from WispHub Net failed: using the fallback catalogue',
    );
    // An answer built on the fallback is not memoised: the next call tries upstream again.
    if (ctx.memo) ctx.memo.memoizable = false;
    return fallback(appErrorOf(error)?.reason ?? 'internal_error');
  }
  if (names === null) return fallback('no_endpoint');
  if (names.length === 0) return fallback('empty');
  const defaultPriority = services.config.DEFAULT_SUBJECT_PRIORITY as PriorityNumber;
  return { catalogue: mergeSubjectCatalogue(names, services.subjects, defaultPriority), source: 'upstream', fallbackReason: null };
}

/** For /ready: which catalogue is in force, from what is cached (no upstream call). */
export function catalogueSourceNow(services: Services): SubjectSource | 'not_loaded' {
  const cached = services.gateway.catalogue.ticketSubjectsCache.peek('all');
  if (cached === undefined) return 'not_loaded';
  return cached && cached.length > 0 ? 'upstream' : fallbackSource(services);
}
