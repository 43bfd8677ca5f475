import type { AnyRouter } from '@trpc/server';
import type { OpenApiMeta, OpenApiMethod } from 'trpc-to-openapi';

/**
 * The REST route table, compiled from the same procedure meta that generates /openapi.json,
 * so a path in the document and a path served can never drift apart.
 */

export interface RestRoute {
  method: OpenApiMethod;
  /** Path template relative to the REST base, e.g. "/clients/{serviceId}/verify". */
  template: string;
  procedurePath: string;
  type: 'query' | 'mutation';
  pattern: RegExp;
  params: string[];
  /** Static segments count: more specific routes win ("/clients/search" over "/clients/{id}"). */
  specificity: number;
  /** HTTP status of a success when not 200 (meta `successStatus`). */
  successStatus: number;
  /** The procedure accepts an `Idempotency-Key` header (meta `idempotencyKeyHeader`). */
  idempotencyKeyHeader: boolean;
  cacheable: boolean;
}

/** Our own meta beside trpc-to-openapi's `openapi` block. */
export type RestMeta = {
  successStatus?: number;
  idempotencyKeyHeader?: boolean;
  /** A query computed only from cached collections: its answers may be memoised (see response-memo.ts). */
  cacheable?: boolean;
  [key: string]: unknown;
};

export type RouteMatch = { route: RestRoute; params: Record<string, string> } | { allowed: OpenApiMethod[] } | null;

interface ProcedureLike {
  _def: { type: 'query' | 'mutation' | 'subscription'; meta?: OpenApiMeta & RestMeta };
}

function compile(template: string): { pattern: RegExp; params: string[]; specificity: number } {
  const params: string[] = [];
  let specificity = 0;
  const source = template
    .split('/')
    .map((segment) => {
      const param = segment.match(/^\{(\w+)\}$/);
      if (param) {
        params.push(param[1]!);
        return '([^/]+)';
      }
      if (segment !== '') specificity++;
      return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return { pattern: new RegExp(`^${source}/?$`), params, specificity };
}

/** tRPC paths of the cacheable queries (meta `cacheable`), for the HTTP fast path. */
export function cacheableProcedures(appRouter: AnyRouter): Set<string> {
  const procedures = appRouter._def.procedures as Record<string, ProcedureLike>;
  return new Set(Object.entries(procedures).filter(([, p]) => p._def.meta?.cacheable === true && p._def.type === 'query').map(([path]) => path));
}

export function compileRoutes(appRouter: AnyRouter): RestRoute[] {
  const procedures = appRouter._def.procedures as Record<string, ProcedureLike>;
  const routes: RestRoute[] = [];
  for (const [procedurePath, procedure] of Object.entries(procedures)) {
    const openapi = procedure._def.meta?.openapi;
    if (!openapi || openapi.enabled === false || procedure._def.type === 'subscription') continue;
    routes.push({
      method: openapi.method,
      template: openapi.path,
      procedurePath,
      type: procedure._def.type,
      successStatus: procedure._def.meta?.successStatus ?? 200,
      idempotencyKeyHeader: procedure._def.meta?.idempotencyKeyHeader === true,
      cacheable: procedure._def.meta?.cacheable === true && procedure._def.type === 'query',
      ...compile(openapi.path),
    });
  }
  return routes.sort((a, b) => b.specificity - a.specificity || a.params.length - b.params.length);
}

export function matchRoute(routes: readonly RestRoute[], method: string, path: string): RouteMatch {
  const allowed: OpenApiMethod[] = [];
  for (const route of routes) {
    const found = route.pattern.exec(path);
    if (!found) continue;
    if (route.method !== method) {
      if (!allowed.includes(route.method)) allowed.push(route.method);
      continue;
    }
    const params: Record<string, string> = {};
    route.params.forEach((name, index) => {
      params[name] = decodeURIComponent(found[index + 1]!);
    });
    return { route, params };
  }
  return allowed.length > 0 ? { allowed } : null;
}
