/**
 * `/console`: one page for the ISP's staff, served by this service with no CDN (uPlot comes from
 * this service too) under its own Content-Security-Policy. Sign-in with an admin key, or an
 * operator key for a read-only view (sessions.ts); the page then reads `/console/api/*`
 * (views.ts), which accept the session cookie only. Every change (signing out, settling a receipt,
 * revealing a masked field, running the probe: actions.ts) carries the session's CSRF token and,
 * but signing out, needs an admin.
 */

import { existsSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { receiptContentType } from '../../domain/payments';
import { AppError, methodNotAllowed } from '../../errors';
import type { ApiKeyRegistry } from '../../guards/api-keys';
import { keptReceipt } from '../../observability/audit';
import type { ServiceMetrics } from '../../observability/metrics';
import type { Services } from '../../services';
import type { RequestContext } from '../../trpc/context';
import { readJsonBody, sendJson } from '../io';
import type { Readiness } from '../readiness';
import { createActions } from './actions';
import { type ConsoleSession, ConsoleSessions } from './sessions';
import { createViews } from './views';

export const CONSOLE_PREFIX = '/console';
export const CONSOLE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

const SESSION_TTL_MS = 8 * 3_600_000;
const RECEIPT_PATH = /^\/console\/api\/audit\/([0-9a-f-]{36})\/receipt$/;
const SETTLE_PATH = /^\/console\/api\/audit\/([0-9a-f-]{36})\/settle$/;
const API = `${CONSOLE_PREFIX}/api/`;

const here = dirname(fileURLToPath(import.meta.url));
/** The page's own files: beside this module in the sources; in dist/assets in the bundle (scripts/build.ts copies them). */
const assetsDir = () =>
  [join(here, 'assets'), join(here, '..', 'assets')].find((dir) => existsSync(join(dir, 'console.js'))) ?? join(here, 'assets');

const PAGE = `<!doctype html>
<html lang="es"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Consola del ISP</title>
<link rel="stylesheet" href="/console/assets/uplot.css"><link rel="stylesheet" href="/console/assets/console.css">
</head><body><div id="app"></div>
<script src="/console/assets/uplot.js"></script><script src="/console/assets/console.js"></script>
</body></html>`;

const ASSET_FILES = new Map<string, { type: string; file: () => string }>([
  ['/console/assets/console.js', { type: 'text/javascript; charset=utf-8', file: () => join(assetsDir(), 'console.js') }],
  ['/console/assets/console.css', { type: 'text/css; charset=utf-8', file: () => join(assetsDir(), 'console.css') }],
  [
    '/console/assets/uplot.js',
    { type: 'text/javascript; charset=utf-8', file: () => createRequire(import.meta.url).resolve('uplot/dist/uPlot.iife.min.js') },
  ],
  [
    '/console/assets/uplot.css',
    { type: 'text/css; charset=utf-8', file: () => createRequire(import.meta.url).resolve('uplot/dist/uPlot.min.css') },
  ],
]);
/** The page's files, read on first use and kept (small; nobody who never opens the console pays for them). */
const loaded = new Map<string, { type: string; body: Buffer }>();
function assetOf(path: string): { type: string; body: Buffer } | null {
  const known = ASSET_FILES.get(path);
  if (!known) return null;
  let asset = loaded.get(path);
  if (!asset) {
    asset = { type: known.type, body: readFileSync(known.file()) };
    loaded.set(path, asset);
  }
  return asset;
}

export interface ConsoleDeps {
  services: Services;
  metrics: ServiceMetrics;
  admins: ApiKeyRegistry;
  readiness: () => Readiness;
}

const signInFirst = () => new AppError('api_key_missing', { message: 'Inicie sesión en la consola.' });

export function createConsole({ services, metrics, admins, readiness }: ConsoleDeps) {
  const sessions = new ConsoleSessions(services.shelf, SESSION_TTL_MS);
  const views = createViews({ services, metrics, readiness });
  const actions = createActions(services);
  /** The views the page reads, by the last part of `/console/api/<view>` (the audit trail takes its filters). */
  const viewsByName = new Map<string, (query: URLSearchParams) => Promise<Record<string, unknown>>>([
    ['today', views.today],
    ['llm', views.llm],
    ['audit', views.audit],
    ['waiting', views.waiting],
    ['wisphub', async () => views.wisphub()],
  ]);

  function send(res: ServerResponse, status: number, type: string, body: string | Buffer, cache = 'no-cache'): void {
    res.writeHead(status, {
      'content-type': type,
      'content-security-policy': CONSOLE_CSP,
      'cache-control': cache,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
    });
    res.end(body);
  }

  const secure = (req: IncomingMessage) =>
    req.headers['x-forwarded-proto'] === 'https' || (req.socket as { encrypted?: boolean }).encrypted === true;

  const described = (session: ConsoleSession) => ({
    name: session.name,
    role: session.role,
    csrf: session.csrf,
    expiresAt: new Date(session.expiresAt).toISOString(),
  });

  /** Who a key signs in as: admins act, operators look; bot keys are refused by name. */
  function signInAs(key: string): { name: string; role: 'admin' | 'operator' } {
    const admin = key ? admins.identify(key) : null;
    if (admin) return { name: admin.name, role: 'admin' };
    const other = key ? services.apiKeys.identify(key) : null;
    if (other?.role === 'operator') return { name: other.name, role: 'operator' };
    throw other
      ? new AppError('forbidden_for_key', {
          message: 'Solo una clave de administración (o de operador, para mirar) entra a la consola.',
          details: { keyRole: other.role },
        })
      : new AppError('api_key_invalid');
  }

  async function session(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    if (method === 'POST') {
      const body = (await readJsonBody(req, 4096)) as { key?: unknown };
      const who = signInAs(typeof body?.key === 'string' ? body.key : '');
      const { id, session: created } = await sessions.create(who.name, who.role);
      services.logger.info({ name: who.name, role: who.role }, 'console sign-in');
      res.setHeader('set-cookie', sessions.cookie(id, secure(req)));
      return sendJson(res, 201, described(created));
    }
    const current = await sessions.of(req);
    if (!current) throw signInFirst();
    if (method === 'GET') return sendJson(res, 200, described(current.session));
    if (method === 'DELETE') {
      if (!sessions.csrfMatches(req, current.session))
        throw new AppError('forbidden_for_key', { message: 'Falta el token CSRF de la sesión.' });
      await sessions.destroy(current.id);
      res.setHeader('set-cookie', sessions.cookie(null, secure(req)));
      return sendJson(res, 200, { signedOut: true });
    }
    throw methodNotAllowed(['GET', 'POST', 'DELETE']);
  }

  /** A receipt kept for staff, shown in the page (images) or opened (PDF). */
  async function receipt(res: ServerResponse, id: string): Promise<void> {
    const kept = await keptReceipt(services.audit, id);
    if (!kept) throw new AppError('route_not_found', { message: 'No hay un comprobante guardado para esa entrada.' });
    const { bytes, extension } = kept;
    res.writeHead(200, {
      'content-type': receiptContentType(extension),
      'content-length': bytes.length,
      'content-security-policy': "default-src 'none'; img-src 'self'; sandbox",
      'x-content-type-options': 'nosniff',
      'cache-control': 'private, no-store',
      'content-disposition': `inline; filename="comprobante-${id}.${extension}"`,
    });
    res.end(bytes);
  }

  const adminOnly = (session: ConsoleSession) => {
    if (session.role !== 'admin')
      throw new AppError('forbidden_for_key', {
        message: 'La vista de operador es de solo lectura.',
        details: { keyRole: session.role },
      });
  };

  /** An action: POST, an admin, the session's CSRF token. */
  function assertAction(req: IncomingMessage, session: ConsoleSession): void {
    if (req.method !== 'POST') throw methodNotAllowed(['POST']);
    if (!sessions.csrfMatches(req, session)) throw new AppError('forbidden_for_key', { message: 'Falta el token CSRF de la sesión.' });
    adminOnly(session);
  }

  async function api(req: IncomingMessage, res: ServerResponse, path: string, ctx: RequestContext): Promise<void> {
    const current = await sessions.of(req);
    if (!current) throw signInFirst();
    const { session: who } = current;
    ctx.report.keyName = `console:${who.name}`;
    const settling = path.match(SETTLE_PATH)?.[1];
    if (settling !== undefined) {
      assertAction(req, who);
      return sendJson(res, 200, await actions.settle(req, settling, who.name));
    }
    if (path === `${API}reveal`) {
      assertAction(req, who);
      return sendJson(res, 200, await actions.reveal(req, who.name, ctx.requestId));
    }
    if (path === `${API}probe`) {
      assertAction(req, who);
      return sendJson(res, 202, actions.runProbe(who.name));
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') throw methodNotAllowed(['GET', 'HEAD']);
    const receiptOf = path.match(RECEIPT_PATH)?.[1];
    if (receiptOf !== undefined) {
      adminOnly(who);
      return receipt(res, receiptOf);
    }
    const view = viewsByName.get(path.slice(API.length));
    if (!view) throw new AppError('route_not_found');
    return sendJson(res, 200, await view(new URL(req.url ?? '/', 'http://console').searchParams));
  }

  return async function handleConsole(req: IncomingMessage, res: ServerResponse, path: string, ctx: RequestContext): Promise<void> {
    ctx.report.procedure = 'console';
    if (path === CONSOLE_PREFIX || path === `${CONSOLE_PREFIX}/`) {
      if (req.method !== 'GET' && req.method !== 'HEAD') throw methodNotAllowed(['GET', 'HEAD']);
      return send(res, 200, 'text/html; charset=utf-8', PAGE);
    }
    const asset = assetOf(path);
    if (asset) return send(res, 200, asset.type, asset.body, 'public, max-age=3600');
    if (path === `${CONSOLE_PREFIX}/session`) return session(req, res);
    if (path.startsWith(API)) return api(req, res, path, ctx);
    throw new AppError('route_not_found');
  };
}
