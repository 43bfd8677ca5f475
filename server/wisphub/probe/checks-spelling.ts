/**
 * Probe checks of path spellings: reads answer without a redirect; writes exist as spelt (a GET answers 405).
 */

import { describe, differs, ok, type ProbeCheck, type ProbeContext, sampleServiceId, unchecked } from './check-kit';

/** One read endpoint answered at the gateway's spelling without a redirect. */
export function readSpelling(
  id: string,
  label: string,
  path: (context: ProbeContext) => Promise<string | null>,
  query: Record<string, number> = {},
): ProbeCheck {
  return {
    id,
    assumption: `GET ${label} answers at this spelling (no redirect)`,
    blocking: false,
    async run(context) {
      const target = await path(context);
      if (target === null) return unchecked('no sample record to try it with');
      const observation = await context.http.get(target, query);
      if (observation.status === 200 && observation.json !== undefined) return ok('200 JSON');
      if (observation.status >= 300 && observation.status < 400) {
        return differs(`${describe(observation)}: reads follow it within the host; fix the spelling in server/wisphub/paths.ts`);
      }
      return differs(describe(observation));
    },
  };
}

/** A write endpoint's spelling, tested with a GET: 405 (or 200) means the route exists as spelt; a redirect means a write would be refused. */
export function writeSpelling(id: string, label: string, path: (serviceId: number) => string): ProbeCheck {
  return {
    id,
    assumption: `${label} exists at this spelling (checked with a GET: 405 expected, nothing is written)`,
    blocking: true,
    async run(context) {
      const serviceId = sampleServiceId(context);
      if (serviceId === null) return unchecked('no sample client');
      const observation = await context.http.get(path(serviceId));
      if (observation.status === 405 || observation.status === 200) return ok(`${observation.status}: the route exists`);
      if (observation.status >= 300 && observation.status < 400)
        return differs(`${describe(observation)}: a write is never redirected, it would fail`);
      return differs(describe(observation));
    },
  };
}

/** A write endpoint public sources spell two ways: fine when one of them exists (the gateway finds it); says which. */
export function writeSpellingAny(id: string, label: string, paths: readonly string[]): ProbeCheck {
  return {
    id,
    assumption: `${label} exists at one of ${paths.join(' or ')} (checked with GETs: 405 expected, nothing is written)`,
    blocking: true,
    async run(context) {
      const seen: string[] = [];
      for (const path of paths) {
        const observation = await context.http.get(path);
        if (observation.status === 405 || observation.status === 200) return ok(`${path}: ${observation.status}, the route exists`);
        seen.push(`${path}: ${describe(observation)}`);
      }
      return differs(`no spelling exists (${seen.join('; ')})`);
    },
  };
}
