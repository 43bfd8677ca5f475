/**
 * The admin API of the books (usage analytics, budgets, provider key vault, gateway keys): its
 * inputs and answers as zod schemas, checked by the handler and published in /openapi.json.
 */

import { z } from 'zod';

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'a day, YYYY-MM-DD' });
const keyName = z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, { error: '1-64 letters, digits, _ . : -' });
const modelName = z.string().regex(/^[\w.:/@-]{1,120}$/, { error: 'a model name' });
const secret = z.string().regex(/^[\x21-\x7e]{8,512}$/, { error: '8-512 visible characters, no spaces' });
const iso = z.string().describe('ISO 8601 instant');

export const usageQuerySchema = z.object({
  from: day.describe('First day (in the ISP’s TIMEZONE), included'),
  to: day.describe('Last day, included'),
  groupBy: z
    .string()
    .regex(/^(day|key|model|tier)(,(day|key|model|tier))*$/, { error: 'comma-separated: day, key, model, tier' })
    .default('day')
    .transform((value) => [...new Set(value.split(','))] as ('day' | 'key' | 'model' | 'tier')[]),
  key: keyName.optional(),
  model: modelName.optional(),
});

export const summaryRowSchema = z.object({
  day: day.optional(),
  key: z.string().optional(),
  model: z.string().optional(),
  tier: z.string().nullable().optional(),
  requests: z.number().int(),
  errors: z.number().int(),
  errorRate: z.number(),
  cacheHits: z.number().int(),
  cacheHitRate: z.number(),
  fallbacks: z.number().int().describe('Requests served after at least one failed attempt'),
  promptTokens: z.number().int(),
  completionTokens: z.number().int(),
  costUsd: z.number(),
  latencyMeanMs: z.number().nullable(),
  latencyP50Ms: z.number().nullable().describe('From the rollup histogram: exact to its bucket'),
  latencyP95Ms: z.number().nullable(),
  ttftP50Ms: z.number().nullable().describe('Time to first token, streams only'),
  ttftP95Ms: z.number().nullable(),
});

export const usageAnswerSchema = z.object({
  from: day,
  to: day,
  groupBy: z.array(z.enum(['day', 'key', 'model', 'tier'])),
  rows: z.array(summaryRowSchema),
});

export const requestsQuerySchema = z.object({
  key: keyName.optional(),
  since: iso.optional(),
  before: iso.optional(),
  outcome: z.enum(['ok', 'error', 'stream_broken', 'refused']).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

export const requestRowSchema = z.object({
  at: iso,
  requestId: z.string(),
  key: z.string(),
  endUser: z.string().nullable().describe('A digest of the end user id, never the id'),
  modelRequested: z.string(),
  model: z.string().nullable(),
  provider: z.string().nullable(),
  tier: z.string().nullable(),
  promptTokens: z.number().int(),
  completionTokens: z.number().int(),
  tokensCounted: z.boolean().describe('Counted here with a tokenizer: the provider reported none'),
  costUsd: z.number(),
  latencyMs: z.number().int(),
  ttftMs: z.number().int().nullable(),
  cache: z.string(),
  stream: z.boolean(),
  fallbacks: z.array(z.string()),
  outcome: z.string(),
  errorReason: z.string().nullable(),
  toolCalls: z.array(z.string()).describe('The agent’s tool calls, `name:ok` or `name:<reason>`'),
  handoff: z.string().nullable().describe('Why the agent handed the conversation to a person'),
});

export const requestsAnswerSchema = z.object({ requests: z.array(requestRowSchema) });

export const budgetInputSchema = z.object({
  monthlyBudgetUsd: z.number().positive().max(1_000_000).nullable().default(null),
  tokensPerMinute: z.number().int().positive().max(100_000_000).nullable().default(null),
  allowedModels: z.array(modelName).min(1).max(200).nullable().default(null),
});

export const budgetSchema = z.object({
  keyName: z.string(),
  monthlyBudgetUsd: z.number().nullable(),
  tokensPerMinute: z.number().int().nullable(),
  allowedModels: z.array(z.string()).nullable(),
  updatedAt: iso,
  monthSpendUsd: z.number().nullable().optional(),
  tokensLastMinute: z.number().int().nullable().optional(),
});

export const budgetsAnswerSchema = z.object({ budgets: z.array(budgetSchema) });

export const providerKeyInputSchema = z.object({
  provider: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,40}$/, { error: 'a provider name such as openai' }),
  key: secret,
  owner: z
    .union([z.literal('*'), keyName])
    .default('*')
    .describe('`*` for every caller, or the gateway key that brings its own'),
  label: z.string().max(80).default(''),
});

export const providerKeyRotateSchema = z.object({ key: secret });

export const providerKeyViewSchema = z.object({
  id: z.string(),
  provider: z.string(),
  owner: z.string(),
  label: z.string(),
  masked: z.string().describe('An ellipsis and the last four characters'),
  sealedWith: z.string().nullable().describe('Id of the ENCRYPTION_KEY entry that sealed it'),
  createdAt: iso,
  updatedAt: iso,
});

export const providerKeysAnswerSchema = z.object({
  vault: z.enum(['on', 'off']),
  sealingKey: z.string().nullable(),
  unreadable: z.array(z.string()),
  keys: z.array(providerKeyViewSchema),
});

export const resealAnswerSchema = z.object({ resealed: z.number().int(), current: z.number().int(), unreadable: z.array(z.string()) });

export const gatewayKeyInputSchema = budgetInputSchema.extend({
  name: keyName,
  role: z.enum(['bot', 'operator']).default('bot'),
});

export const gatewayKeyViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  role: z.enum(['bot', 'operator']),
  masked: z.string(),
  createdAt: iso,
  updatedAt: iso,
  revokedAt: iso.nullable(),
});

export const issuedKeySchema = gatewayKeyViewSchema.extend({
  key: z.string().describe('The key itself: shown this once, never again'),
  budget: budgetSchema.nullable(),
});

export const gatewayKeysAnswerSchema = z.object({
  keys: z.array(gatewayKeyViewSchema),
  configured: z.array(z.object({ name: z.string(), role: z.string(), source: z.literal('environment') })),
});

/** Every operation, for /openapi.json (tag `admin`, security AdminKey). */
export const BOOKS_OPERATIONS: {
  method: 'get' | 'post' | 'put' | 'delete';
  path: string;
  summary: string;
  query?: z.ZodObject;
  body?: z.ZodType;
  answer: z.ZodType;
  status?: number;
}[] = [
  {
    method: 'get',
    path: '/admin/llm/usage',
    summary: 'LLM usage by day, key, model and tier (from the daily rollups)',
    query: usageQuerySchema,
    answer: usageAnswerSchema,
  },
  {
    method: 'get',
    path: '/admin/llm/usage/requests',
    summary: 'Recent LLM requests, newest first',
    query: requestsQuerySchema,
    answer: requestsAnswerSchema,
  },
  { method: 'get', path: '/admin/llm/budgets', summary: 'Each key’s budget, allowed models and standing', answer: budgetsAnswerSchema },
  {
    method: 'put',
    path: '/admin/llm/budgets/{keyName}',
    summary: 'Set a key’s monthly budget, tokens per minute and allowed models',
    body: budgetInputSchema,
    answer: budgetSchema,
  },
  { method: 'delete', path: '/admin/llm/budgets/{keyName}', summary: 'Remove a key’s limits', answer: z.object({ removed: z.boolean() }) },
  { method: 'get', path: '/admin/llm/provider-keys', summary: 'Provider keys in the vault (masked)', answer: providerKeysAnswerSchema },
  {
    method: 'post',
    path: '/admin/llm/provider-keys',
    summary: 'Add a provider key (sealed at rest; used by the next request)',
    body: providerKeyInputSchema,
    answer: providerKeyViewSchema,
    status: 201,
  },
  {
    method: 'post',
    path: '/admin/llm/provider-keys/{id}/rotate',
    summary: 'Replace a provider key’s secret',
    body: providerKeyRotateSchema,
    answer: providerKeyViewSchema,
  },
  { method: 'delete', path: '/admin/llm/provider-keys/{id}', summary: 'Delete a provider key', answer: z.object({ deleted: z.boolean() }) },
  {
    method: 'post',
    path: '/admin/llm/vault/reseal',
    summary: 'Seal every provider key again under the first ENCRYPTION_KEY',
    answer: resealAnswerSchema,
  },
  {
    method: 'get',
    path: '/admin/keys',
    summary: 'Gateway keys: created at run time (masked) and configured',
    answer: gatewayKeysAnswerSchema,
  },
  {
    method: 'post',
    path: '/admin/keys',
    summary: 'Create a bot or operator key (shown once), with its budget',
    body: gatewayKeyInputSchema,
    answer: issuedKeySchema,
    status: 201,
  },
  {
    method: 'post',
    path: '/admin/keys/{id}/rotate',
    summary: 'A new secret for a key; the old one stops working',
    answer: issuedKeySchema,
  },
  {
    method: 'delete',
    path: '/admin/keys/{id}',
    summary: 'Revoke a key (every instance refuses it within BOOKS_REFRESH_MS)',
    answer: gatewayKeyViewSchema,
  },
];
