/**
 * The books' admin endpoints (admin keys only, behind admin.ts's door): usage analytics, budgets,
 * the provider key vault and gateway keys created at run time. Inputs are checked against the
 * schemas /openapi.json publishes; provider keys go in and never come out (masked lists only),
 * and a gateway key is shown once, when it is created or rotated.
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import { AppError, methodNotAllowed, toFieldIssues } from '../errors';
import type { KeyBudget } from '../llm/usage/budgets';
import type { Services } from '../services';
import {
  budgetInputSchema,
  gatewayKeyInputSchema,
  providerKeyInputSchema,
  providerKeyRotateSchema,
  requestsQuerySchema,
  usageQuerySchema,
} from './admin-books.schemas';
import { readJsonBody, sendJson } from './io';

const BODY_LIMIT_BYTES = 16 * 1024;
const BUDGET_PATH = /^\/admin\/llm\/budgets\/([A-Za-z0-9_.:-]{1,64})$/;
const PROVIDER_KEY_PATH = /^\/admin\/llm\/provider-keys\/([0-9a-f-]{36})(\/rotate)?$/;
const GATEWAY_KEY_PATH = /^\/admin\/keys\/([0-9a-f-]{36})(\/rotate)?$/;
/** The longest range a usage summary covers in one call. */
const MAX_SUMMARY_DAYS = 400;

function checked<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new AppError('invalid_input', { details: { issues: toFieldIssues(parsed.error) } });
  return parsed.data;
}

const instant = (text: string | undefined, field: string): number | undefined => {
  if (text === undefined) return undefined;
  const ms = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2}))?$/.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(ms))
    throw new AppError('invalid_input', { details: { fieldErrors: { [field]: ['an ISO 8601 date or date-time with its offset'] } } });
  return ms;
};

export function createBooksAdmin(services: Services) {
  const { books, logger } = services;

  async function budgetsWithStanding(): Promise<(KeyBudget & { monthSpendUsd: number | null; tokensLastMinute: number | null })[]> {
    return Promise.all(books.budgets.list().map(async (budget) => ({ ...budget, ...(await books.budgets.standing(budget.keyName)) })));
  }

  function knownKey(name: string): void {
    if (!books.keys.knows(name))
      throw new AppError('route_not_found', { message: 'No hay una clave con ese nombre.', details: { keyName: name } });
  }

  /** Answers a books endpoint; false when the path is not one. */
  return async function handleBooksAdmin(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    query: URLSearchParams,
    admin: string,
  ): Promise<boolean> {
    const method = req.method ?? 'GET';
    const only = (...allowed: string[]) => {
      if (!allowed.includes(method)) throw methodNotAllowed(allowed);
    };
    const body = async <S extends z.ZodType>(schema: S) => checked(schema, await readJsonBody(req, BODY_LIMIT_BYTES));

    if (path === '/admin/llm/usage') {
      only('GET', 'HEAD');
      const input = checked(usageQuerySchema, Object.fromEntries(query));
      if (input.from > input.to) throw new AppError('invalid_input', { details: { fieldErrors: { to: ['on or after from'] } } });
      if ((Date.parse(input.to) - Date.parse(input.from)) / 86_400_000 > MAX_SUMMARY_DAYS)
        throw new AppError('invalid_input', { details: { fieldErrors: { to: [`at most ${MAX_SUMMARY_DAYS} days after from`] } } });
      const rows = await books.summary(input);
      sendJson(res, 200, { from: input.from, to: input.to, groupBy: input.groupBy, rows });
      return true;
    }
    if (path === '/admin/llm/usage/requests') {
      only('GET', 'HEAD');
      const input = checked(requestsQuerySchema, Object.fromEntries(query));
      const rows = await books.requests({
        key: input.key,
        sinceMs: instant(input.since, 'since') ?? Date.now() - 86_400_000,
        beforeMs: instant(input.before, 'before'),
        outcome: input.outcome,
        limit: input.limit,
      });
      sendJson(res, 200, { requests: rows });
      return true;
    }
    if (path === '/admin/llm/budgets') {
      only('GET', 'HEAD');
      sendJson(res, 200, { budgets: await budgetsWithStanding() });
      return true;
    }
    const budgetOf = path.match(BUDGET_PATH)?.[1];
    if (budgetOf !== undefined) {
      only('PUT', 'DELETE');
      knownKey(budgetOf);
      if (method === 'DELETE') {
        sendJson(res, 200, { removed: await books.budgets.remove(budgetOf) });
      } else {
        const input = await body(budgetInputSchema);
        const budget = await books.budgets.set({ keyName: budgetOf, ...input });
        sendJson(res, 200, { ...budget, ...(await books.budgets.standing(budgetOf)) });
      }
      logger.info({ admin, keyName: budgetOf, action: method === 'DELETE' ? 'remove' : 'set' }, 'key budget changed by an operator');
      return true;
    }
    if (path === '/admin/llm/provider-keys') {
      only('GET', 'HEAD', 'POST');
      if (method === 'POST') {
        const input = await body(providerKeyInputSchema);
        if (!services.llm.pool.configured(input.provider))
          throw new AppError('invalid_input', {
            message: 'Ese proveedor no está configurado en este servicio.',
            details: { provider: input.provider, providers: services.llm.pool.names },
          });
        if (input.owner !== '*') knownKey(input.owner);
        const view = await books.vault.add(input);
        logger.info({ admin, provider: view.provider, owner: view.owner, id: view.id }, 'provider key added to the vault');
        sendJson(res, 201, view);
        return true;
      }
      const { vault } = books;
      sendJson(res, 200, {
        vault: vault.enabled ? 'on' : 'off',
        sealingKey: vault.sealingKeyId,
        unreadable: vault.unreadable,
        keys: vault.list(),
      });
      return true;
    }
    const providerKey = path.match(PROVIDER_KEY_PATH);
    if (providerKey) {
      const [, id, rotate] = providerKey as unknown as [string, string, string | undefined];
      if (rotate) {
        only('POST');
        const { key } = await body(providerKeyRotateSchema);
        const view = await books.vault.rotate(id, key);
        if (!view) throw new AppError('route_not_found', { message: 'No hay una clave de proveedor con ese id.' });
        logger.info({ admin, provider: view.provider, owner: view.owner, id }, 'provider key rotated');
        sendJson(res, 200, view);
        return true;
      }
      only('DELETE');
      if (!(await books.vault.remove(id))) throw new AppError('route_not_found', { message: 'No hay una clave de proveedor con ese id.' });
      logger.info({ admin, id }, 'provider key deleted from the vault');
      sendJson(res, 200, { deleted: true });
      return true;
    }
    if (path === '/admin/llm/vault/reseal') {
      only('POST');
      const outcome = await books.vault.reseal();
      logger.info({ admin, ...outcome }, 'provider keys sealed again under the first ENCRYPTION_KEY');
      sendJson(res, 200, outcome);
      return true;
    }
    if (path === '/admin/keys') {
      only('GET', 'HEAD', 'POST');
      if (method === 'POST') {
        const { name, role, monthlyBudgetUsd, tokensPerMinute, allowedModels } = await body(gatewayKeyInputSchema);
        const { key, view } = await books.keys.create(name, role);
        const limited = monthlyBudgetUsd !== null || tokensPerMinute !== null || allowedModels !== null;
        const budget = limited ? await books.budgets.set({ keyName: name, monthlyBudgetUsd, tokensPerMinute, allowedModels }) : null;
        logger.info({ admin, name, role, id: view.id }, 'gateway key created by an operator');
        sendJson(res, 201, { ...view, key, budget });
        return true;
      }
      sendJson(res, 200, {
        keys: books.keys.list(),
        configured: [...services.apiKeys.callers()].map(({ name, role }) => ({ name, role, source: 'environment' })),
      });
      return true;
    }
    const gatewayKey = path.match(GATEWAY_KEY_PATH);
    if (gatewayKey) {
      const [, id, rotate] = gatewayKey as unknown as [string, string, string | undefined];
      if (rotate) {
        only('POST');
        const issued = await books.keys.rotate(id);
        if (!issued) throw new AppError('route_not_found', { message: 'No hay una clave activa con ese id.' });
        logger.info({ admin, name: issued.view.name, id }, 'gateway key rotated by an operator');
        sendJson(res, 200, { ...issued.view, key: issued.key, budget: books.budgets.of(issued.view.name) });
        return true;
      }
      only('DELETE');
      const revoked = await books.keys.revoke(id);
      if (!revoked) throw new AppError('route_not_found', { message: 'No hay una clave con ese id.' });
      logger.info({ admin, name: revoked.name, id }, 'gateway key revoked by an operator');
      sendJson(res, 200, revoked);
      return true;
    }
    return false;
  };
}
