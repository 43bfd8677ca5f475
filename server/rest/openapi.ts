import { z } from 'zod';
import { VISIBLE_ASCII } from '../domain/clean-text';
import { END_USER_PATTERN } from '../guards/end-user';
import { BOOKS_OPERATIONS } from '../http/admin-books.schemas';
import type { AppRouter } from '../routers/_app';
import { REST_BASE_PATH } from './base-path';
import { ERROR_SCHEMA, errorComponents, errorStatusesFor, responseRef } from './openapi-errors';
import { compileRoutes } from './routes';

const TAGS = [
  { name: 'clients', description: 'Find, identify, verify and update customers.' },
  { name: 'account', description: 'What a customer owes and their ticket history (verified customers).' },
  { name: 'payments', description: 'Payment reports with receipts, promises of payment, and payments operators register.' },
  { name: 'service', description: 'Suspend and reconnect a service (operator keys).' },
  { name: 'plans', description: 'Internet plans and their speeds.' },
  { name: 'paymentMethods', description: 'How customers can pay.' },
  { name: 'tickets', description: 'Support tickets: subjects, zone limits, creation and reading.' },
  { name: 'network', description: 'Ping diagnosis of the customer’s link.' },
  {
    name: 'admin',
    description:
      'The LLM books (usage analytics, budgets, provider key vault) and gateway keys: ADMIN_API_KEYS only, served at the root (`/admin/...`).',
  },
];

/** The books' admin operations (served at the root, not under the REST base path), from their zod schemas. */
function addBooksOperations(document: { paths?: Record<string, Record<string, unknown>> }): void {
  const paths = (document.paths ??= {});
  for (const operation of BOOKS_OPERATIONS) {
    const item = (paths[operation.path] ??= { servers: [{ url: '/' }] });
    const parameters: Record<string, unknown>[] = [];
    for (const name of operation.path.match(/\{(\w+)\}/g) ?? []) {
      parameters.push({ in: 'path', name: name.slice(1, -1), required: true, schema: { type: 'string' } });
    }
    if (operation.query) {
      const schema = z.toJSONSchema(operation.query, { io: 'input', unrepresentable: 'any' }) as {
        properties?: Record<string, unknown>;
        required?: string[];
      };
      for (const [name, property] of Object.entries(schema.properties ?? {})) {
        parameters.push({ in: 'query', name, required: schema.required?.includes(name) ?? false, schema: property });
      }
    }
    item[operation.method] = {
      tags: ['admin'],
      summary: operation.summary,
      operationId: `admin.${operation.method}.${operation.path
        .replace(/^\/admin\//, '')
        .replace(/[{}]/g, '')
        .replace(/[/-]/g, '.')}`,
      security: [{ AdminKey: [] }],
      'x-required-role': 'admin',
      parameters,
      ...(operation.body
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: z.toJSONSchema(operation.body, { io: 'input', unrepresentable: 'any' }) } },
            },
          }
        : {}),
      responses: {
        [String(operation.status ?? 200)]: {
          description: 'OK',
          content: { 'application/json': { schema: z.toJSONSchema(operation.answer, { io: 'output', unrepresentable: 'any' }) } },
        },
        ...Object.fromEntries([400, 401, 403, 404, 409, 429, 500, 503].map((status) => [String(status), responseRef(status)])),
      },
    };
  }
}

/** Which view of a client each role gets, said on every operation that returns clients. */
const VIEWS_NOTE = new Map<string, string>(
  ['clients.search', 'clients.byDocument', 'clients.byPhone', 'clients.byServiceId', 'clients.resolve'].map((path) => [
    path,
    '**Views:** operator keys get full records (`view: full`); bot keys get masked hints (`view: masked`: service id, name initials, last 3 digits of document and phones), at most 5 a call, except the customer whose `X-Verification-Token` they send, in full.',
  ]),
);
/**
 * OpenAPI 3.1 generated from the procedures' meta and zod schemas (trpc-to-openapi), then
 * completed with what meta cannot express: our error contract as shared components, 201
 * answers and the Idempotency-Key header.
 */
export async function buildOpenApiDocument(appRouter: AppRouter, version: string) {
  // Loaded on first use: the generator and its dependencies weigh ~30 MB of RSS that a
  // service answering bots should not carry unless someone asks for the document.
  const { generateOpenApiDocument } = await import('trpc-to-openapi');
  const document = generateOpenApiDocument(appRouter, {
    title: 'WispHub Gateway',
    description:
      'Typed access to WispHub Net for ISP support bots: clients, plans, payment methods, tickets and network diagnosis. ' +
      'Every error carries a stable `reason`, a Spanish `message` and the `requestId` (see the `Error` schema). ' +
      'The same procedures are served as tRPC at `/trpc` for TypeScript callers.',
    version,
    baseUrl: REST_BASE_PATH,
    tags: TAGS.map((tag) => tag.name),
    securitySchemes: {
      ApiKey: {
        type: 'apiKey',
        in: 'header',
        name: 'X-API-Key',
        description: 'API key issued by the operator (also accepted as `Authorization: Bearer <key>`).',
      },
    },
  });
  document.tags = TAGS;
  const components = (document.components ??= {});
  const securitySchemes = (components.securitySchemes ??= {});
  securitySchemes.AdminKey = {
    type: 'http',
    scheme: 'bearer',
    description: 'An ADMIN_API_KEYS key (`Authorization: Bearer <key>` or `X-API-Key`).',
  };
  const schemas = (components.schemas ??= {});
  for (const name of Object.keys(schemas)) if (name.startsWith('error.')) delete schemas[name];
  schemas.Error = ERROR_SCHEMA as unknown as (typeof schemas)[string];
  components.responses = errorComponents() as typeof components.responses;

  for (const route of compileRoutes(appRouter)) {
    const operation = document.paths?.[route.template]?.[route.method.toLowerCase() as 'get'];
    if (!operation) continue;
    const responses = (operation.responses ??= {});
    for (const status of Object.keys(responses)) if (!status.startsWith('2')) delete responses[status];
    if (route.successStatus !== 200 && responses['200']) {
      responses[String(route.successStatus)] = responses['200'];
      delete responses['200'];
    }
    const success = responses[String(route.successStatus)];
    for (const [status, description] of Object.entries(route.alsoSucceedsWith)) {
      if (success && typeof success === 'object') responses[status] = { ...success, description };
    }
    const statuses = errorStatusesFor({
      method: route.method,
      hasPathParams: route.params.length > 0,
      extraErrorStatuses: route.extraErrorStatuses,
    });
    for (const status of statuses) responses[String(status)] = responseRef(status);
    const access = route.access;
    const role = access?.role ?? 'bot';
    (operation as Record<string, unknown>)['x-required-role'] = role;
    const whose = access?.customerOf === 'ticket' ? 'the ticket’s customer’s' : 'the customer’s';
    operation.description = `**Keys:** ${role === 'operator' ? 'operator only' : 'bot or operator'}${
      access?.verification
        ? `; bot keys send ${whose} \`X-Verification-Token\` (${access.verification === 'read' ? 'reads: unless VERIFICATION_REQUIRED_FOR_READS=false' : 'always'})`
        : ''
    }.${VIEWS_NOTE.has(route.procedurePath) ? ` ${VIEWS_NOTE.get(route.procedurePath)}` : ''}\n\n${operation.description ?? ''}`;
    operation.parameters = [
      ...(operation.parameters ?? []),
      {
        in: 'header',
        name: 'X-End-User',
        required: false,
        description:
          'An opaque id of the person the bot acts for (e.g. a hash of their WhatsApp number; never the number itself). Verification tokens are bound to it; lockouts and rate limits count per end user.',
        schema: { type: 'string', pattern: END_USER_PATTERN },
      },
    ];
    if (access?.verification) {
      operation.parameters = [
        ...(operation.parameters ?? []),
        {
          in: 'header',
          name: 'X-Verification-Token',
          required: false,
          description:
            'The token a successful `POST /clients/{serviceId}/verify` returned for this service id, with this API key and the same `X-End-User`. Required from bot keys (401 verification_required without it, 403 verification_mismatch for another service); operators need none.',
          schema: { type: 'string' },
        },
      ];
    }
    if (route.multipartFile) {
      const content = (
        operation.requestBody as
          | { content?: Record<string, { schema?: { type?: string; properties?: Record<string, unknown>; required?: string[] } }> }
          | undefined
      )?.content;
      const json = content?.['application/json']?.schema;
      if (content && json) {
        const { [route.multipartFile]: _file, ...fields } = json.properties ?? {};
        content['multipart/form-data'] = {
          schema: {
            type: 'object',
            properties: {
              ...fields,
              [route.multipartFile]: {
                type: 'string',
                format: 'binary',
                description: 'JPEG, PNG, HEIC or PDF (checked by content, all the way through); RECEIPT_MAX_BYTES.',
              },
            },
            required: json.required,
          },
        };
      }
    }
    if (route.idempotencyKeyHeader) {
      operation.parameters = [
        ...(operation.parameters ?? []),
        {
          in: 'header',
          name: 'Idempotency-Key',
          required: false,
          description:
            'Visible ASCII (no spaces, no accents). Same key + same request within 24 h answers the first result; with a different request, 409 idempotency_key_reused.',
          schema: { type: 'string', minLength: 8, maxLength: 200, pattern: VISIBLE_ASCII.source },
        },
      ];
    }
  }
  addBooksOperations(document as unknown as { paths?: Record<string, Record<string, unknown>> });
  return document;
}
