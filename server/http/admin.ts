/**
 * Operator endpoints, behind ADMIN_API_KEYS (never the bots' keys):
 *   GET  /admin/cache                          every cache: size, hits, loads, shared-tier figures, Redis state
 *   POST /admin/cache/{resource}/invalidate    drop one resource everywhere (here, in Redis, on every instance)
 *   POST /admin/clients/{serviceId}/invalidate read one client again from WispHub Net, everywhere
 *   GET  /admin/audit?serviceId=&since=&limit=   the audit trail of money and service-state actions, newest first
 *   GET  /admin/audit/{id}/receipt             a receipt kept while its report is unconfirmed (from any instance with Redis)
 *   GET  /admin/llm/registry                   the model registry in force and each provider's health
 *   POST /admin/llm/registry/reload            read the registry again from LLM_REGISTRY_URL or LLM_REGISTRY_FILE (this instance)
 *   /admin/llm/usage, /admin/llm/budgets, /admin/llm/provider-keys, /admin/keys: the books (admin-books.ts)
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import { receiptContentType } from '../domain/payments';
import { AppError, methodNotAllowed } from '../errors';
import type { ApiKeyRegistry } from '../guards/api-keys';
import { RegistryError } from '../llm/registry';
import { loadRegistry } from '../llm/registry-source';
import { type AuditQuery, keptReceipt } from '../observability/audit';
import type { RequestContext } from '../trpc/context';
import { createBooksAdmin } from './admin-books';
import { sendJson } from './io';

const CLIENT_PATH = /^\/admin\/clients\/(\d{1,12})\/invalidate$/;
const RECEIPT_PATH = /^\/admin\/audit\/([0-9a-f-]{36})\/receipt$/;
const RESOURCE_PATH = /^\/admin\/cache\/([a-z_]{1,40})\/invalidate$/;
/** A date, or a date-time with seconds optional and its offset (Z or ±hh:mm). */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;

export function createAdminHandler(ctxServices: RequestContext['services'], admins: ApiKeyRegistry) {
  const { gateway, shared, logger } = ctxServices;
  const handleBooks = createBooksAdmin(ctxServices);

  function authorize(ctx: RequestContext): string {
    if (admins.names.size === 0)
      throw new AppError('route_not_found', { message: 'Los endpoints de operación están desactivados (ADMIN_API_KEYS vacío).' });
    if (!ctx.presentedApiKey) throw new AppError('api_key_missing');
    const admin = admins.identify(ctx.presentedApiKey);
    if (admin === null) throw new AppError('api_key_invalid');
    ctx.report.keyName = `admin:${admin.name}`;
    return admin.name;
  }

  function cacheStats() {
    return gateway.caches().map((cache) => ({
      resource: cache.name,
      entries: cache.size,
      ...cache.stats,
      loadedAt: cache.keys().length === 1 ? new Date(cache.loadedAt(cache.keys()[0]!) ?? 0).toISOString() : undefined,
      shared: shared?.tiers.get(cache.name)?.stats ?? null,
    }));
  }

  /** The audit query from `?serviceId=&since=&limit=`; a malformed value is a 400, never ignored. */
  function auditQuery(query: URLSearchParams): AuditQuery {
    const problems: Record<string, string[]> = {};
    const serviceIdText = query.get('serviceId');
    const sinceText = query.get('since');
    const limitText = query.get('limit');
    const serviceId = serviceIdText === null ? undefined : Number(serviceIdText);
    if (serviceIdText !== null && !/^\d{1,12}$/.test(serviceIdText)) problems.serviceId = ['digits only'];
    // ISO 8601 only: Date's own parser reads almost anything ("' OR 1=1" is a date in 2001).
    const since = sinceText === null ? undefined : new Date(ISO_INSTANT.test(sinceText) ? sinceText : Number.NaN);
    if (since && Number.isNaN(since.getTime())) problems.since = ['an ISO 8601 date (YYYY-MM-DD) or date-time with its offset'];
    const limit = limitText === null ? 200 : Number(limitText);
    if (!/^\d{1,4}$/.test(limitText ?? '200') || limit < 1 || limit > 2000) problems.limit = ['1 to 2000'];
    if (Object.keys(problems).length > 0) throw new AppError('invalid_input', { details: { fieldErrors: problems } });
    return { ...(serviceId === undefined ? {} : { serviceId }), ...(since ? { since } : {}), limit };
  }

  return async function handleAdmin(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    ctx: RequestContext,
    query: URLSearchParams,
  ): Promise<void> {
    const admin = authorize(ctx);
    const method = req.method ?? 'GET';
    if (path === '/admin/audit') {
      if (method !== 'GET') throw methodNotAllowed(['GET', 'HEAD']);
      ctx.report.procedure = 'admin.audit';
      const entries = await ctxServices.audit.list(auditQuery(query));
      sendJson(res, 200, { entries, shared: shared !== null });
      return;
    }
    const receiptOf = path.match(RECEIPT_PATH)?.[1];
    if (receiptOf !== undefined) {
      if (method !== 'GET') throw methodNotAllowed(['GET', 'HEAD']);
      ctx.report.procedure = 'admin.receipt';
      const kept = await keptReceipt(ctxServices.audit, receiptOf);
      if (!kept) throw new AppError('route_not_found', { message: 'No hay un comprobante guardado para esa entrada.' });
      const { entry, bytes, extension } = kept;
      res.writeHead(200, {
        'content-type': receiptContentType(extension),
        'content-length': bytes.length,
        'content-disposition': `attachment; filename="comprobante-${entry.id}.${extension}"`,
      });
      res.end(bytes);
      return;
    }
    if (path === '/admin/llm/registry') {
      if (method !== 'GET' && method !== 'HEAD') throw methodNotAllowed(['GET', 'HEAD']);
      ctx.report.procedure = 'admin.llmRegistry';
      const { registry, pool } = ctxServices.llm;
      sendJson(res, 200, {
        version: registry.version,
        models: registry.models,
        providers: pool.names.map((name) => ({
          name,
          kind: pool.config(name)?.kind,
          healthy: pool.healthy(name),
          breaker: pool.breakerState(name),
        })),
      });
      return;
    }
    if (path === '/admin/llm/registry/reload') {
      if (method !== 'POST') throw methodNotAllowed(['POST']);
      ctx.report.procedure = 'admin.llmRegistryReload';
      const { config } = ctxServices;
      let data: Awaited<ReturnType<typeof loadRegistry>>;
      try {
        data = await loadRegistry({ url: config.LLM_REGISTRY_URL, file: config.LLM_REGISTRY_FILE });
      } catch (error) {
        if (!(error instanceof RegistryError)) throw error;
        throw new AppError('invalid_input', {
          message: 'El registro de modelos no se pudo leer; sigue el anterior.',
          details: { problem: error.message },
        });
      }
      const previous = ctxServices.llm.registry.version;
      ctxServices.llm.registry.replace(data);
      logger.info({ admin, previous, version: data.version, models: data.models.length }, 'model registry reloaded by an operator');
      sendJson(res, 200, { previous, version: data.version, models: data.models.length });
      return;
    }
    if (path === '/admin/cache') {
      if (method !== 'GET' && method !== 'HEAD') throw methodNotAllowed(['GET', 'HEAD']);
      sendJson(res, 200, { instance: shared?.link.instanceId ?? null, redis: shared?.status() ?? null, caches: cacheStats() });
      return;
    }
    const resource = path.match(RESOURCE_PATH)?.[1];
    if (resource !== undefined) {
      if (method !== 'POST') throw methodNotAllowed(['POST']);
      const cache = gateway.caches().find((candidate) => candidate.name === resource);
      if (!cache) throw new AppError('route_not_found', { details: { resources: gateway.caches().map((candidate) => candidate.name) } });
      const keys = new Set(cache.keys());
      for (const key of (await shared?.tiers.get(resource)?.storedKeys()) ?? []) keys.add(key);
      for (const key of keys) await cache.invalidate(key);
      ctx.report.procedure = 'admin.invalidateResource';
      logger.info({ admin, resource, keys: keys.size }, 'cache invalidated by an operator');
      sendJson(res, 200, { resource, invalidatedKeys: keys.size, everywhere: shared !== null });
      return;
    }
    const serviceId = path.match(CLIENT_PATH)?.[1];
    if (serviceId !== undefined) {
      if (method !== 'POST') throw methodNotAllowed(['POST']);
      ctx.report.procedure = 'admin.invalidateClient';
      const client = await gateway.refreshClient(Number(serviceId));
      if (!client) throw new AppError('client_not_found', { details: { serviceId: Number(serviceId) } });
      logger.info({ admin, serviceId: Number(serviceId) }, 'client re-read by an operator');
      sendJson(res, 200, { serviceId: client.serviceId, refreshed: true, everywhere: shared !== null });
      return;
    }
    if (await handleBooks(req, res, path, query, admin)) return;
    throw new AppError('route_not_found');
  };
}
