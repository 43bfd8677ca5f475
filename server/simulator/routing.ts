/**
 * The simulator's route table: each route a method, a path (a pattern, or a matcher that reads
 * the dialect) and a handler over the tenant's state. The first route that matches answers;
 * a path only write routes name answers other methods with DRF's 405; anything else is DRF's 404.
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimulatorDialect } from './dialect';
import { DETAIL_NOT_FOUND, sendJson } from './http';
import type { SimState } from './state';

/** One call as a handler sees it. */
export interface SimExchange {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly url: URL;
  readonly body: Buffer;
  /** Plays a commit-then-stall (or reset) fault after a write committed. */
  afterWrite(): Promise<void>;
}

type PathMatcher = RegExp | ((path: string, dialect: SimulatorDialect) => readonly string[] | null);

export interface SimRoute {
  /** An HTTP method, a list of them, or '*' for any. */
  readonly method: string | readonly string[];
  readonly path: PathMatcher;
  /** The route exists only in dialects where this holds. */
  readonly when?: (dialect: SimulatorDialect) => boolean;
  /** `params` are the pattern's capture groups. */
  handle(call: SimExchange, params: readonly string[], state: SimState): void | Promise<void>;
}

/** Routes that answer only writes: another method gets a 405. */
const WRITE_ONLY_ROUTES = [
  /^\/api\/clientes\/\d+\/perfil\/?$/,
  /^\/api\/clientes\/\d+\/ping\/$/,
  /^\/api\/facturas\/\d+\/registrar-pago\/$/,
  /^\/api\/facturas\/registrar-pago\/\d+\/$/,
  /^\/api\/facturas\/reportar-pago\/\d+\/$/,
  /^\/api\/promesas?-(?:de-)?pago\/$/,
  /^\/api\/clientes\/(?:activar|desactivar)\/$/,
];

function methodMatches(wanted: SimRoute['method'], method: string): boolean {
  if (wanted === '*') return true;
  return typeof wanted === 'string' ? wanted === method : wanted.includes(method);
}

function pathParams(matcher: PathMatcher, path: string, dialect: SimulatorDialect): readonly string[] | null {
  if (typeof matcher === 'function') return matcher(path, dialect);
  const match = path.match(matcher);
  return match ? match.slice(1).map((group) => group ?? '') : null;
}

export async function dispatch(routes: readonly SimRoute[], call: SimExchange, state: SimState): Promise<void> {
  const method = call.req.method ?? 'GET';
  const path = call.url.pathname;
  for (const route of routes) {
    if (!methodMatches(route.method, method)) continue;
    if (route.when && !route.when(state.dialect)) continue;
    const params = pathParams(route.path, path, state.dialect);
    if (params) return route.handle(call, params, state);
  }
  // A route that exists answers another method with DRF's 405, as upstream does.
  if (WRITE_ONLY_ROUTES.some((route) => route.test(path))) return sendJson(call.res, 405, { detail: `Método "${method}" no permitido.` });
  sendJson(call.res, 404, DETAIL_NOT_FOUND);
}
