/**
 * `/console`: one page for the ISP's staff, served by this service with no CDN (uPlot comes from
 * this service too) under its own Content-Security-Policy. Sign-in with an admin key
 * (sessions.ts); the page then reads `/console/api/*`, which accept the session cookie only. Every
 * change (signing out, and the actions to come) carries the session's CSRF token.
 */

import { existsSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { receiptContentType } from '../../domain/payments';
import { AppError, methodNotAllowed } from '../../errors';
import type { ApiKeyRegistry } from '../../guards/api-keys';
import { auditEntry, keptReceipt } from '../../observability/audit';
import type { Services } from '../../services';
import type { RequestContext } from '../../trpc/context';
import { readJsonBody, sendJson } from '../io';
import { ConsoleSessions } from './sessions';

export const CONSOLE_PREFIX = '/console';
export const CONSOLE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

const SESSION_TTL_MS = 8 * 3_600_000;
const RECEIPT_PATH = /^\/console\/api\/audit\/([0-9a-f-]{36})\/receipt$/;
const SETTLE_PATH = /^\/console\/api\/audit\/([0-9a-f-]{36})\/settle$/;

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
  admins: ApiKeyRegistry;
  readiness: () => { ready: boolean; body: Record<string, unknown> };
}

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export function createConsole({ services, admins, readiness }: ConsoleDeps) {
  const sessions = new ConsoleSessions(SESSION_TTL_MS);
  const { books } = services;

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

  async function session(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    if (method === 'POST') {
      const body = (await readJsonBody(req, 4096)) as { key?: unknown };
      const key = typeof body?.key === 'string' ? body.key : '';
      const admin = key ? admins.identify(key) : null;
      if (admin === null) {
        const other = key ? services.apiKeys.identify(key) : null;
        throw other
          ? new AppError('forbidden_for_key', {
              message: 'Solo una clave de administración entra a la consola.',
              details: { keyRole: other.role },
            })
          : new AppError('api_key_invalid');
      }
      const { id, session: created } = sessions.create(admin.name);
      services.logger.info({ admin: admin.name }, 'console sign-in');
      res.setHeader('set-cookie', sessions.cookie(id, secure(req)));
      return sendJson(res, 201, { admin: created.admin, csrf: created.csrf, expiresAt: new Date(created.expiresAt).toISOString() });
    }
    const current = sessions.of(req);
    if (method === 'GET') {
      if (!current) throw new AppError('api_key_missing', { message: 'Inicie sesión en la consola.' });
      return sendJson(res, 200, {
        admin: current.session.admin,
        csrf: current.session.csrf,
        expiresAt: new Date(current.session.expiresAt).toISOString(),
      });
    }
    if (method === 'DELETE') {
      if (!current) throw new AppError('api_key_missing', { message: 'Inicie sesión en la consola.' });
      if (!sessions.csrfMatches(req, current.session))
        throw new AppError('forbidden_for_key', { message: 'Falta el token CSRF de la sesión.' });
      sessions.destroy(current.id);
      res.setHeader('set-cookie', sessions.cookie(null, secure(req)));
      return sendJson(res, 200, { signedOut: true });
    }
    throw methodNotAllowed(['GET', 'POST', 'DELETE']);
  }

  async function today(): Promise<Record<string, unknown>> {
    const now = Date.now();
    const day = books.usage.day(now);
    const month = `${day.slice(0, 7)}-01`;
    const [todayRows, monthRows, perHourRows] = await Promise.all([
      books.summary({ from: day, to: day, groupBy: [] }),
      books.summary({ from: month, to: day, groupBy: [] }),
      books.hourly(now - 23 * 3_600_000 - (now % 3_600_000)),
    ]);
    // Every hour of the last day, quiet ones at zero, so the chart reads as a day.
    const byHour = new Map(perHourRows.map((hour) => [hour.hour, hour]));
    const perHour = Array.from({ length: 24 }, (_, index) => {
      const hour = new Date(now - (now % 3_600_000) - (23 - index) * 3_600_000).toISOString();
      return byHour.get(hour) ?? { hour, requests: 0, errors: 0, costUsd: 0, handoffs: 0 };
    });
    const totals = todayRows[0];
    const budgets = await Promise.all(
      books.budgets.list().map(async (budget) => ({ ...budget, ...(await books.budgets.standing(budget.keyName)) })),
    );
    const state = readiness();
    return {
      day,
      today: {
        requests: totals?.requests ?? 0,
        errorRate: totals?.errorRate ?? 0,
        costUsd: totals?.costUsd ?? 0,
        cacheHitRate: totals?.cacheHitRate ?? 0,
        handoffs: perHour
          .filter((hour) => hour.hour.slice(0, 10) >= isoDay(now - 86_400_000))
          .reduce((sum, hour) => sum + hour.handoffs, 0),
      },
      month: { costUsd: monthRows[0]?.costUsd ?? 0 },
      perHour,
      budgets: budgets.map(({ keyName, monthlyBudgetUsd, monthSpendUsd }) => ({ keyName, monthlyBudgetUsd, monthSpendUsd })),
      wisphub: {
        ready: state.ready,
        breaker: String((state.body.checks as { upstreamBreaker?: string } | undefined)?.upstreamBreaker ?? 'closed'),
        caches: services.gateway.caches().map((cache) => {
          const { hits = 0, misses = 0 } = cache.stats as { hits?: number; misses?: number };
          return { resource: cache.name, entries: cache.size, hitRate: hits + misses === 0 ? 0 : hits / (hits + misses) };
        }),
      },
    };
  }

  async function llm(): Promise<Record<string, unknown>> {
    const to = books.usage.day();
    const from = books.usage.day(Date.now() - 29 * 86_400_000);
    const [days, byModel, byTier, byKey] = await Promise.all(
      (['day', 'model', 'tier', 'key'] as const).map((grouping) => books.summary({ from, to, groupBy: [grouping] })),
    );
    // Every day of the range, quiet ones at zero.
    const byDate = new Map(days!.map((row) => [row.day, row]));
    const byDay = Array.from({ length: 30 }, (_, index) => {
      const day = books.usage.day(Date.now() - (29 - index) * 86_400_000);
      return byDate.get(day) ?? { day, requests: 0, costUsd: 0 };
    });
    return { from, to, byDay, byModel, byTier, byKey };
  }

  /** The audit trail as staff read it: unknown outcomes first, then newest; which entries hold a receipt. */
  async function audit(query: URLSearchParams): Promise<Record<string, unknown>> {
    const serviceIdText = query.get('serviceId') ?? '';
    const sinceText = query.get('since') ?? '';
    const outcome = query.get('outcome') ?? '';
    if (serviceIdText !== '' && !/^\d{1,12}$/.test(serviceIdText))
      throw new AppError('invalid_input', { details: { fieldErrors: { serviceId: ['digits only'] } } });
    if (sinceText !== '' && !/^\d{4}-\d{2}-\d{2}$/.test(sinceText))
      throw new AppError('invalid_input', { details: { fieldErrors: { since: ['YYYY-MM-DD'] } } });
    if (outcome !== '' && !['unknown', 'confirmed', 'refused'].includes(outcome))
      throw new AppError('invalid_input', { details: { fieldErrors: { outcome: ['unknown, confirmed or refused'] } } });
    const entries = await services.audit.list({
      ...(serviceIdText ? { serviceId: Number(serviceIdText) } : {}),
      ...(sinceText ? { since: new Date(`${sinceText}T00:00:00Z`) } : {}),
      limit: 2000,
    });
    const shown = entries
      .filter((entry) => outcome === '' || entry.outcome === outcome)
      .sort((a, b) => Number(b.outcome === 'unknown') - Number(a.outcome === 'unknown') || b.at.localeCompare(a.at))
      .slice(0, 300)
      .map(({ receiptFile, ...entry }) => ({ ...entry, receipt: receiptFile ? (receiptFile.split('.').pop() ?? null) : null }));
    return { entries: shown, waitingReceipts: shown.filter((entry) => entry.receipt !== null && entry.outcome === 'unknown').length };
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

  /** Staff confirm or dismiss a payment report whose receipt waited for them: the settlement names who. */
  async function settle(req: IncomingMessage, id: string, admin: string): Promise<Record<string, unknown>> {
    const body = (await readJsonBody(req, 1024)) as { outcome?: unknown };
    const outcome = body?.outcome === 'confirmed' || body?.outcome === 'refused' ? body.outcome : null;
    if (!outcome) throw new AppError('invalid_input', { details: { fieldErrors: { outcome: ['confirmed or refused'] } } });
    const entry = await auditEntry(services.audit, id);
    if (!entry) throw new AppError('route_not_found', { message: 'No hay una entrada con ese id.' });
    if (entry.outcome !== 'unknown' || !entry.receiptFile)
      throw new AppError('already_exists', {
        message: 'Esa entrada ya está resuelta o no tiene comprobante.',
        details: { outcome: entry.outcome },
      });
    await services.audit.settle(id, outcome, `${outcome === 'confirmed' ? 'confirmado' : 'descartado'} por ${admin} en la consola`);
    services.logger.info({ admin, auditId: id, outcome }, 'a receipt was settled by staff in the console');
    return { id, outcome };
  }

  async function waiting(): Promise<Record<string, unknown>> {
    const handoffs = await books.requests({ sinceMs: Date.now() - 7 * 86_400_000, handoffs: true, limit: 200 });
    return {
      handoffs: handoffs.map((row) => ({ at: row.at, key: row.key, endUser: row.endUser, reason: row.handoff, toolCalls: row.toolCalls })),
    };
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
    if (path.startsWith(`${CONSOLE_PREFIX}/api/`)) {
      const current = sessions.of(req);
      if (!current) throw new AppError('api_key_missing', { message: 'Inicie sesión en la consola.' });
      ctx.report.keyName = `console:${current.session.admin}`;
      const settling = path.match(SETTLE_PATH)?.[1];
      if (settling !== undefined) {
        if (req.method !== 'POST') throw methodNotAllowed(['POST']);
        if (!sessions.csrfMatches(req, current.session))
          throw new AppError('forbidden_for_key', { message: 'Falta el token CSRF de la sesión.' });
        return sendJson(res, 200, await settle(req, settling, current.session.admin));
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') throw methodNotAllowed(['GET', 'HEAD']);
      const receiptOf = path.match(RECEIPT_PATH)?.[1];
      if (receiptOf !== undefined) return receipt(res, receiptOf);
      if (path === `${CONSOLE_PREFIX}/api/today`) return sendJson(res, 200, await today());
      if (path === `${CONSOLE_PREFIX}/api/llm`) return sendJson(res, 200, await llm());
      if (path === `${CONSOLE_PREFIX}/api/audit`)
        return sendJson(res, 200, await audit(new URL(req.url ?? '/', 'http://console').searchParams));
      if (path === `${CONSOLE_PREFIX}/api/waiting`) return sendJson(res, 200, await waiting());
    }
    throw new AppError('route_not_found');
  };
}
