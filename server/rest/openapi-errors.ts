/**
 * The one error contract as OpenAPI components: a shared `Error` schema and one shared response
 * per status, listing the reasons it carries. Every operation references them.
 */

import { ERROR_CATALOGUE, ERROR_REASONS, type ErrorReason } from '../errors';

interface ResponseSpec {
  name: string;
  description: string;
  retryAfter?: boolean;
}

const RESPONSES: Record<number, ResponseSpec> = {
  400: { name: 'BadRequest', description: 'Invalid input (with field `issues`), unparsable JSON, or a request the rules refuse.' },
  401: {
    name: 'Unauthorized',
    description: 'No API key (`X-API-Key` or `Authorization: Bearer`), or no valid customer verification token.',
  },
  403: { name: 'Forbidden', description: 'Unknown API key, a call outside the key’s role, or the verification of another customer.' },
  404: { name: 'NotFound', description: 'The client, plan, ticket, ping task or route does not exist.' },
  405: { name: 'MethodNotAllowed', description: 'The path exists with other methods (see `Allow`).' },
  409: {
    name: 'Conflict',
    description:
      'Zone at its active-ticket limit, a connectivity ticket under a known outage (send force: true to open it anyway), an idempotency key reused with another request, a payment reference already used, an invoice already paid, or a promise already active.',
  },
  413: { name: 'PayloadTooLarge', description: 'Body over the configured limit.' },
  415: { name: 'UnsupportedMediaType', description: 'Body not sent as application/json.' },
  429: {
    name: 'TooManyRequests',
    description: 'Rate limit of the API key, or identity checks locked against enumeration.',
    retryAfter: true,
  },
  500: { name: 'InternalError', description: 'Unexpected error (no detail leaves the service).' },
  501: { name: 'NotImplemented', description: 'This ISP’s WispHub Net does not offer the function (detected once, remembered).' },
  502: { name: 'BadGateway', description: 'WispHub Net refused our key, answered something unreadable, or refused a write.' },
  503: { name: 'ServiceUnavailable', description: 'WispHub Net is unreachable or failing and nothing usable is cached.', retryAfter: true },
  504: { name: 'GatewayTimeout', description: 'WispHub Net did not answer in time and nothing usable is cached.', retryAfter: true },
};

function reasonsFor(status: number): ErrorReason[] {
  return ERROR_REASONS.filter((reason) => ERROR_CATALOGUE[reason].status === status);
}

export const ERROR_SCHEMA = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['status', 'reason', 'message', 'requestId'],
      properties: {
        status: { type: 'integer', description: 'The HTTP status, repeated.' },
        reason: { type: 'string', enum: ERROR_REASONS, description: 'Stable machine reason (snake_case) from one catalogue.' },
        message: { type: 'string', description: 'Spanish text fit to show an end customer.' },
        requestId: { type: ['string', 'null'], description: 'Echoes `X-Request-Id`.' },
        issues: {
          type: 'array',
          description: 'For invalid input: one entry per problem.',
          items: {
            type: 'object',
            required: ['path', 'message', 'code'],
            properties: { path: { type: 'string' }, message: { type: 'string' }, code: { type: 'string' } },
          },
        },
        details: {
          type: 'object',
          additionalProperties: true,
          description: 'Extra facts for the caller (e.g. the zone limit, valid subjects).',
        },
      },
    },
  },
} as const;

export function errorComponents() {
  const responses: Record<string, unknown> = {};
  for (const [status, spec] of Object.entries(RESPONSES)) {
    const reasons = reasonsFor(Number(status));
    const example = reasons[0];
    responses[spec.name] = {
      description: `${spec.description} Reasons: ${reasons.map((reason) => `\`${reason}\``).join(', ')}.`,
      ...(spec.retryAfter
        ? { headers: { 'Retry-After': { description: 'Seconds to wait before trying again.', schema: { type: 'integer' } } } }
        : {}),
      content: {
        'application/json': {
          schema: { $ref: '#/components/schemas/Error' },
          ...(example
            ? {
                example: {
                  error: {
                    status: Number(status),
                    reason: example,
                    message: ERROR_CATALOGUE[example].message,
                    requestId: '5f0c8e1e-7d0a-4c39-9a53-3f1d2b8c4e11',
                  },
                },
              }
            : {}),
        },
      },
    };
  }
  return responses;
}

/** The error statuses an operation can answer, by what it takes. */
/** The error statuses an operation documents: the common ones, 404/413/415 where they apply, and what its meta declares. */
export function errorStatusesFor(operation: { method: string; hasPathParams: boolean; extraErrorStatuses: readonly number[] }): number[] {
  const statuses = [400, 401, 403, 429, 500, 502, 503, 504];
  if (operation.hasPathParams || operation.method !== 'GET') statuses.push(404);
  if (operation.method !== 'GET') statuses.push(413, 415);
  for (const status of operation.extraErrorStatuses) if (!statuses.includes(status)) statuses.push(status);
  return statuses.sort((a, b) => a - b);
}

export function responseRef(status: number): { $ref: string } {
  const spec = RESPONSES[status];
  if (!spec) throw new Error(`no shared response for ${status}`);
  return { $ref: `#/components/responses/${spec.name}` };
}
