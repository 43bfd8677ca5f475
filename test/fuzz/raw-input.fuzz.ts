import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { captureLogs } from '../support/log-capture';
import { jsonOf, type RawResponse, rawRequest } from '../support/raw-http';
import { OPERATOR_KEY, startTestService, type TestService } from '../support/service';
import { type FuzzFinding, fuzzSettings, propertyOptions, settleProperty } from './fuzz-settings';

/**
 * Property fuzzing of what OpenAPI cannot describe, as raw bytes: paths of arbitrary bytes and
 * percent-escapes on every surface and method, tRPC calls and batches with arbitrary input and
 * superjson meta, and hostile headers. Properties: no 5xx but upstream 502/503/504; every error
 * answer is JSON in one of the two error contracts; no unexpected error is logged; nothing is
 * polluted; the process keeps serving. Seeded and bounded (FUZZ_SEED, FUZZ_RUNS, FUZZ_SECONDS).
 */

const settings = fuzzSettings();
const KEY = 'bot-key-0123456789abcdef';
const ADMIN_KEY = 'ops-key-0123456789abcdef';
const { logger, lines: warnings } = captureLogs('warn');
/** Error-level lines: anything the service did not expect. */
const unexpectedErrors = () => warnings.filter((entry) => typeof entry.level === 'number' && entry.level >= 50);

let service: TestService;
const fuzz = suite(`fuzz: raw paths, tRPC batches, superjson meta, headers (seed ${settings.seed})`);
fuzz.before(async () => {
  service = await startTestService(
    { API_KEYS: `bot:fuzz=${KEY}`, ADMIN_API_KEYS: `ops=${ADMIN_KEY}`, PING_DEADLINE_MS: '300', SIM_PING_DELAY_MS: '20' },
    { logger },
  );
});
fuzz.after(() => service.stop());

const PROCEDURES = [
  'plans.list',
  'plans.byId',
  'clients.byServiceId',
  'clients.search',
  'clients.byDocument',
  'clients.verify',
  'tickets.create',
  'tickets.zoneStatus',
  'network.pingResult',
  'network.watchPing',
  'network.outages',
];
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE'];
const PREFIXES = [
  '/',
  '/api/v1/',
  '/api/v1/clients/',
  '/api/v1/clients/by-document/',
  '/api/v1/clients/by-phone/',
  '/api/v1/network/ping/',
  '/trpc/',
  '/docs/',
  '/docs/assets/',
  '/admin/',
  '/admin/cache/',
  '/metrics/',
  '/by-document/',
];

/** Bytes node:http will put on a request line (it refuses spaces and controls): visible ASCII and Latin-1, with escapes. */
const pathChar = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      '%',
      '%2',
      '%E0%A4%A',
      '%ZZ',
      '%00',
      '%2F',
      '%C0%AF',
      '%FF',
      '%ED%A0%80',
      '..',
      '.',
      '/',
      '//',
      '?',
      '#',
      ';',
      ',',
      '1e3',
      '0x3E8',
      '+',
      '__proto__',
      'constructor',
      'toString',
    ),
  },
  {
    weight: 4,
    arbitrary: fc.string({ unit: fc.integer({ min: 0x21, max: 0x7e }).map((code) => String.fromCharCode(code)), maxLength: 6 }),
  },
  {
    weight: 1,
    arbitrary: fc.string({ unit: fc.integer({ min: 0xa0, max: 0xff }).map((code) => String.fromCharCode(code)), maxLength: 3 }),
  },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 99_999_999_999 }).map(String) },
);
const rawPath = fc
  .tuple(fc.constantFrom(...PREFIXES), fc.array(pathChar, { maxLength: 8 }))
  .map(([prefix, parts]) => `${prefix}${parts.join('')}`.replace(/#/g, '%23'));

/** Header values node:http accepts (no CR/LF), hostile in every other way. */
const headerValue = fc.oneof(
  fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)), maxLength: 60 }),
  fc.string({ unit: fc.integer({ min: 0xa0, max: 0xff }).map((code) => String.fromCharCode(code)), maxLength: 20 }),
  fc.constantFrom(
    'application/json',
    'application/json; charset=utf-8',
    'text/plain',
    'multipart/form-data; boundary=x',
    'application/octet-stream',
    'application/jsonl',
    'text/event-stream',
    '*/*',
    '',
  ),
);
const hostileHeaders = fc.record(
  {
    'content-type': headerValue,
    'idempotency-key': headerValue,
    'x-request-id': headerValue,
    origin: headerValue,
    'if-none-match': headerValue,
    'trpc-accept': fc.constantFrom('application/jsonl', 'text/event-stream', 'x'),
    accept: headerValue,
    authorization: fc.oneof(headerValue, fc.constant(`Bearer ${KEY}`)),
    'x-api-key': fc.oneof(fc.constant(KEY), fc.constant(ADMIN_KEY), fc.constant(OPERATOR_KEY), headerValue),
  },
  { requiredKeys: [] },
);

/** superjson meta: type annotations of every kind superjson knows, and some it does not. */
const annotation = fc.oneof(
  fc.constantFrom('undefined', 'bigint', 'Date', 'regexp', 'set', 'map', 'number', 'symbol', 'Error', 'URL', 'nope'),
  fc.tuple(fc.constantFrom('class', 'symbol', 'custom', 'typed-array'), fc.string({ maxLength: 8 })),
  fc.tuple(fc.constantFrom('map', 'set'), fc.jsonValue({ maxDepth: 1 })),
);
const metaValues: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: 'small' },
    fc.array(annotation, { minLength: 1, maxLength: 2 }),
    fc.dictionary(
      fc.oneof(fc.constantFrom('planId', 'serviceId', 'q', '__proto__', 'constructor', 'prototype', '0'), fc.string({ maxLength: 5 })),
      tie('node'),
      { maxKeys: 3 },
    ),
  ),
})).node;
const superjsonInput = fc.record(
  {
    json: fc.oneof(
      fc.jsonValue({ maxDepth: 3 }),
      fc.record(
        {
          planId: fc.oneof(fc.integer(), fc.string()),
          serviceId: fc.oneof(fc.integer({ min: -1, max: 5000 }), fc.string()),
          q: fc.string(),
          taskId: fc.string(),
        },
        { requiredKeys: [] },
      ),
    ),
    meta: fc.record(
      { values: metaValues, referentialEqualities: fc.jsonValue({ maxDepth: 2 }), v: fc.integer({ min: 0, max: 3 }) },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: [] },
);

const trpcCall = fc.record({
  procedures: fc.array(
    fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...PROCEDURES) }, { weight: 1, arbitrary: fc.string({ maxLength: 12 }) }),
    { minLength: 1, maxLength: 4 },
  ),
  batch: fc.boolean(),
  method: fc.constantFrom('GET', 'POST', 'HEAD'),
  input: fc.oneof(
    superjsonInput,
    fc.dictionary(fc.constantFrom('0', '1', '2', '3', '-1', 'x', '__proto__'), superjsonInput, { maxKeys: 4 }),
    fc.jsonValue({ maxDepth: 3 }),
  ),
  rawInput: fc.option(fc.string({ maxLength: 30 }), { nil: undefined }),
  headers: hostileHeaders,
});

/** The one answer contract every request must keep, whatever it sent. */
function check(response: RawResponse, method: string): string[] {
  const problems: string[] = [];
  if (response.status >= 500 && ![502, 503, 504].includes(response.status)) problems.push(`status ${response.status}`);
  if (response.status >= 400 && method !== 'HEAD') {
    const body = jsonOf(response) as { error?: { reason?: unknown; json?: { data?: { reason?: unknown } } } } | Array<unknown> | null;
    const reasons = Array.isArray(body)
      ? body.map((item) => (item as { error?: { json?: { data?: { reason?: unknown } } } }).error?.json?.data?.reason ?? 'ok')
      : [body?.error?.reason ?? body?.error?.json?.data?.reason];
    if (reasons.some((reason) => typeof reason !== 'string')) problems.push('error answer without a reason');
  }
  return problems;
}

async function runProperty<T>(
  name: string,
  arbitrary: fc.Arbitrary<T>,
  toRequest: (value: T) => Parameters<typeof rawRequest>[1],
  offset: number,
): Promise<number> {
  const findings: FuzzFinding[] = [];
  let sent = 0;
  warnings.length = 0;
  await settleProperty(
    fc.assert(
      fc.asyncProperty(arbitrary, async (value) => {
        const request = toRequest(value);
        const response = await rawRequest(service.url, { ...request, timeoutMs: 10_000 });
        sent++;
        const problems = check(response, request.method ?? 'GET');
        const errors = unexpectedErrors();
        if (errors.length > 0) problems.push(`logged an unexpected error: ${String(errors[0]!.msg)}`);
        if (problems.length > 0) {
          findings.push({
            where: `${name}: ${request.method ?? 'GET'} ${request.path.slice(0, 120)} → ${response.status}`,
            problems,
            input: value,
            answer: response.text.slice(0, 300),
          });
          return false;
        }
        return true;
      }),
      propertyOptions(settings, 3, offset),
    ),
    findings,
  );
  assert.is(findings.length, 0, `${name}: ${findings.length} finding(s)`);
  assert.is(({} as Record<string, unknown>).polluted, undefined, 'Object.prototype untouched');
  assert.is((await rawRequest(service.url, { path: '/health' })).status, 200, 'the process still serves');
  return sent;
}

fuzz('raw paths: any bytes, any escapes, any method, on every surface', async () => {
  const sent = await runProperty(
    'raw path',
    fc.record({
      method: fc.constantFrom(...METHODS),
      path: rawPath,
      headers: hostileHeaders,
      body: fc.option(
        fc.oneof(
          fc.string({ maxLength: 80 }),
          fc.jsonValue().map((v) => JSON.stringify(v)),
        ),
        { nil: undefined },
      ),
    }),
    ({ method, path, headers, body }) => ({
      method,
      path,
      headers: headers as Record<string, string>,
      ...(body !== undefined && method !== 'GET' && method !== 'HEAD' ? { body } : {}),
    }),
    0,
  );
  console.log(`  raw paths: ${sent} requests`);
});

fuzz('tRPC: calls and batches with arbitrary input and superjson meta, on GET and POST', async () => {
  const sent = await runProperty(
    'trpc',
    trpcCall,
    ({ procedures, batch, method, input, rawInput, headers }) => {
      const path = `/trpc/${procedures.map((name) => encodeURIComponent(name)).join(',')}`;
      const encoded = rawInput ?? JSON.stringify(input);
      const search = batch ? '?batch=1' : '';
      if (method === 'POST') {
        return {
          method,
          path: `${path}${search}`,
          headers: { 'content-type': 'application/json', ...(headers as Record<string, string>) },
          body: encoded,
        };
      }
      return {
        method,
        path: `${path}${search}${search ? '&' : '?'}input=${encodeURIComponent(encoded)}`,
        headers: headers as Record<string, string>,
      };
    },
    1,
  );
  console.log(`  tRPC: ${sent} requests`);
});

fuzz('REST bodies: arbitrary JSON with prototype keys and hostile headers, on every write route', async () => {
  const serviceIds = service.sim.data.clients.slice(0, 5).map((client) => client.id_servicio as number);
  const writes = [
    '/api/v1/clients/resolve',
    '/api/v1/tickets',
    ...serviceIds.flatMap((id) => [`/api/v1/clients/${id}/verify`, `/api/v1/clients/${id}/ping`]),
  ];
  const pollution = fc
    .jsonValue({ maxDepth: 2 })
    .map(
      (value) =>
        `{"__proto__":{"polluted":${JSON.stringify(value)}},"constructor":{"prototype":{"polluted":1}},"a":${JSON.stringify(value)}}`,
    );
  const sent = await runProperty(
    'rest body',
    fc.record({
      path: fc.constantFrom(...writes),
      body: fc.oneof(
        pollution,
        fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
        fc.string({ maxLength: 60 }),
      ),
      headers: hostileHeaders,
    }),
    ({ path, body, headers }) => ({
      method: 'POST',
      path,
      headers: { 'content-type': 'application/json', 'x-api-key': KEY, ...(headers as Record<string, string>) },
      body,
    }),
    2,
  );
  console.log(`  REST bodies: ${sent} requests`);
});

fuzz.run();
