import { generateOpenApiDocument } from 'trpc-to-openapi';
import type { AppRouter } from './router';
import { compileRoutes } from './rest/routes';

export const REST_BASE_PATH = '/api/v1';

/** OpenAPI 3.1 document generated from the procedures' meta and zod schemas. */
export function buildOpenApiDocument(appRouter: AppRouter, version: string) {
  const document = generateOpenApiDocument(appRouter, {
    title: 'WispHub Gateway',
    description:
      'Typed access to WispHub Net for ISP support bots: clients, plans, payment methods, tickets and network diagnosis. Every error carries a stable `reason` and a Spanish `message`.',
    version,
    baseUrl: REST_BASE_PATH,
    tags: ['clients', 'plans', 'paymentMethods', 'tickets', 'network'],
    securitySchemes: {
      ApiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'API key issued by the operator.' },
    },
  });
  // What trpc-to-openapi cannot express from meta: 201 answers and the Idempotency-Key header.
  for (const route of compileRoutes(appRouter)) {
    const operation = document.paths?.[route.template]?.[route.method.toLowerCase() as 'post'];
    if (!operation) continue;
    if (route.successStatus !== 200 && operation.responses?.['200']) {
      operation.responses[String(route.successStatus)] = operation.responses['200'];
      delete operation.responses['200'];
    }
    if (route.idempotencyKeyHeader) {
      operation.parameters = [
        ...(operation.parameters ?? []),
        {
          in: 'header',
          name: 'Idempotency-Key',
          required: false,
          description: 'Same key + same request within 24 h answers the first result; with a different request, 409 idempotency_key_reused.',
          schema: { type: 'string', minLength: 8, maxLength: 200 },
        },
      ];
    }
  }
  return document;
}
