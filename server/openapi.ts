import { generateOpenApiDocument } from 'trpc-to-openapi';
import type { AppRouter } from './router';

export const REST_BASE_PATH = '/api/v1';

/** OpenAPI 3.1 document generated from the procedures' meta and zod schemas. */
export function buildOpenApiDocument(appRouter: AppRouter, version: string) {
  return generateOpenApiDocument(appRouter, {
    title: 'WispHub Gateway',
    description:
      'Typed access to WispHub Net for ISP support bots: clients, plans, payment methods, tickets and network diagnosis. Every error carries a stable `reason` and a Spanish `message`.',
    version,
    baseUrl: REST_BASE_PATH,
    tags: ['clients'],
    securitySchemes: {
      ApiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'API key issued by the operator.' },
    },
  });
}
