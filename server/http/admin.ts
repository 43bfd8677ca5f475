import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiKeyRegistry } from '../guards/api-keys';
import { AppError, methodNotAllowed } from '../errors';
import { sendJson } from './io';
import type { RequestContext } from '../trpc/context';

/**
 * Operator endpoints, behind ADMIN_API_KEYS (never the bots' keys):
 *   GET  /admin/cache                          every cache: size, hits, loads, shared-tier figures, Redis state
 *   POST /admin/cache/{resource}/invalidate    drop one resource everywhere (here, in Redis, on every instance)
 *   POST /admin/clients/{serviceId}/invalidate read one client again from WispHub Net, everywhere
 */

const CLIENT_PATH = /^\/admin\/clients\/(\d{1,12})\/invalidate$/;
const RESOURCE_PATH = /^\/admin\/cache\/([a-z_]{1,40})\/invalidate$/;

export function createAdminHandler(ctxServices: RequestContext['services'], admins: ApiKeyRegistry) {
  const { gateway, shared, logger } = ctxServices;

  function authorize(ctx: RequestContext): string {
    if (ctxServices.config.ADMIN_API_KEYS.length === 0)
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

  return async function handleAdmin(req: IncomingMessage, res: ServerResponse, path: string, ctx: RequestContext): Promise<void> {
    const admin = authorize(ctx);
    const method = req.method ?? 'GET';
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
    throw new AppError('route_not_found');
  };
}
