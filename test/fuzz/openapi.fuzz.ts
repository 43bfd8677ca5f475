import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { OPERATOR_KEY, startTestService, type TestService } from '../support/service';
import { type FuzzFinding, fuzzSettings, logFailures } from './fuzz-settings';
import { conforming, hostile, inlineRefs, type JsonSchema } from './json-schema-arbitrary';

/**
 * Schema-driven fuzzing of the REST surface from its own /openapi.json, the job Schemathesis does
 * (which cannot be installed here: this machine reaches no Python package index). For every
 * operation: conforming and hostile path, query, header and body values, sent with a key. Every
 * answer must be a documented status, never a 5xx other than upstream 502/503/504, and its body
 * must match the schema documented for that status (the error contract included). The process
 * must still answer at the end. Seeded and bounded: FUZZ_SEED, FUZZ_RUNS, FUZZ_SECONDS.
 */

type Operation = {
  parameters?: { name: string; in: 'path' | 'query' | 'header'; required?: boolean; schema: JsonSchema }[];
  requestBody?: { content: Record<string, { schema: JsonSchema }> };
  responses: Record<string, { content?: Record<string, { schema: JsonSchema }> }>;
};
type Document = { paths: Record<string, Record<string, Operation>>; servers: { url: string }[] };

const settings = fuzzSettings();
const ADMIN_KEY = 'admin-key-for-the-fuzzer-0123456789';
let service: TestService;
const fuzz = suite(`fuzz: REST from /openapi.json (seed ${settings.seed})`);
fuzz.before(async () => {
  service = await startTestService({
    PING_DEADLINE_MS: '300',
    SIM_PING_DELAY_MS: '20',
    VERIFY_MAX_FAILURES: '1000000',
    VERIFY_MAX_FAILURES_PER_KEY: '1000000',
    RESOLVE_MAX_FAILURES_PER_KEY: '1000000',
    ADMIN_API_KEYS: `fuzz=${ADMIN_KEY}`,
    ENCRYPTION_KEY: 'ab'.repeat(32),
  });
});
fuzz.after(() => service.stop());

interface Generated {
  path: Record<string, unknown>;
  query: Record<string, unknown>;
  headers: Record<string, unknown>;
  body: unknown;
  sendBody: boolean;
}

function requestArbitrary(operation: Operation): fc.Arbitrary<Generated> {
  const parts: Record<'path' | 'query' | 'header', Record<string, fc.Arbitrary<unknown>>> = { path: {}, query: {}, header: {} };
  const required: Record<'path' | 'query' | 'header', string[]> = { path: [], query: [], header: [] };
  for (const parameter of operation.parameters ?? []) {
    parts[parameter.in][parameter.name] = fc.oneof(
      { weight: 3, arbitrary: conforming(parameter.schema) },
      { weight: 1, arbitrary: hostile(parameter.schema) },
    );
    if (parameter.required || parameter.in === 'path') required[parameter.in].push(parameter.name);
  }
  const bodySchema = operation.requestBody?.content['application/json']?.schema;
  const body = bodySchema
    ? fc.oneof({ weight: 2, arbitrary: conforming(bodySchema) }, { weight: 2, arbitrary: hostile(bodySchema) })
    : fc.constant(undefined);
  return fc.record({
    path: fc.record(parts.path, { requiredKeys: required.path }),
    query: fc.record(parts.query, { requiredKeys: [] }),
    headers: fc.record(parts.header, { requiredKeys: [] }),
    body,
    sendBody: fc.constant(bodySchema !== undefined),
  });
}

/** Path and query values as a caller writes them: text (lone surrogates, which UTF-8 cannot carry, as U+FFFD). */
const asText = (value: unknown): string =>
  (typeof value === 'string' ? value : (JSON.stringify(value) ?? '')).replace(
    /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
    '\ufffd',
  );

function urlFor(template: string, generated: Generated, base: string): string {
  const path = template.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(asText(generated.path[name])));
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(generated.query)) query.append(name, asText(value));
  const search = query.toString();
  return `${service.url}${base}${path}${search ? `?${search}` : ''}`;
}

/** A header value fetch can send (visible Latin-1); others are dropped from this generated case. */
const sendableHeader = (value: unknown): string | null => {
  const text = asText(value);
  return /^[\x20-\x7e\xa0-\xff]*$/.test(text) && text.trim() === text && text !== '' ? text : null;
};

/** The same fuzzing as each role: a bot key (hints, refusals, verification) and an operator key (every record). */
const ROLES = [
  ['bot', () => service.config.API_KEYS.find((key) => key.role === 'bot')!.key],
  ['operator', () => OPERATOR_KEY],
  // Admin keys reach the books' operations (and get 403 everywhere else).
  ['admin', () => ADMIN_KEY],
] as const;

for (const [role, keyOf] of ROLES) {
  fuzz(
    `every operation with a${role === 'bot' ? '' : 'n'} ${role} key: documented statuses only, no 5xx but upstream 502/503/504, bodies match their schemas`,
    async () => {
      await fuzzEveryOperation(keyOf(), role);
    },
  );
}

async function fuzzEveryOperation(apiKey: string, role: string): Promise<void> {
  const raw = (await (await fetch(`${service.url}/openapi.json`)).json()) as Document;
  const document = inlineRefs(raw, raw) as Document;
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
  addFormats.default(ajv);
  const findings: FuzzFinding[] = [];
  let requests = 0;
  // The time bound is shared by the roles.
  const deadline = Date.now() + (settings.seconds * 1000) / ROLES.length;
  // A path item may say where it is served (the admin operations, at the root); the rest under /api/v1.
  const operations = Object.entries(document.paths).flatMap(([template, methods]) => {
    const base = ((methods as { servers?: { url: string }[] }).servers?.[0]?.url ?? '/api/v1').replace(/\/$/, '');
    return Object.entries(methods)
      .filter(([method]) => method !== 'servers')
      .map(([method, operation]) => ({ template, base, method: method.toUpperCase(), operation }));
  });
  const runsEach = Math.max(5, Math.floor(settings.runs / operations.length));

  for (const [index, { template, base, method, operation }] of operations.entries()) {
    const validators = new Map<string, ReturnType<Ajv2020['compile']>>();
    for (const [status, response] of Object.entries(operation.responses)) {
      const schema = response.content?.['application/json']?.schema;
      if (schema) validators.set(status, ajv.compile(schema));
    }
    await fc
      .assert(
        fc.asyncProperty(requestArbitrary(operation), async (generated) => {
          // An empty or dot segment makes another operation's URL ("/plans/" is "/plans", "/a/./b" is "/a/b"): not this operation's case.
          fc.pre(Object.values(generated.path).every((value) => !['', '.', '..'].includes(asText(value))));
          const headers: Record<string, string> = { 'x-api-key': apiKey };
          for (const [name, value] of Object.entries(generated.headers)) {
            const text = sendableHeader(value);
            if (text !== null) headers[name] = text;
          }
          const init: RequestInit = { method, headers };
          if (generated.sendBody) {
            headers['content-type'] = 'application/json';
            init.body = JSON.stringify(generated.body ?? null);
          }
          const response = await fetch(urlFor(template, generated, base), init);
          requests++;
          const text = await response.text();
          const status = String(response.status);
          const where = `${method} ${template} → ${status}`;
          const problems: string[] = [];
          if (response.status >= 500 && ![502, 503, 504].includes(response.status)) problems.push('server error');
          if (!(status in operation.responses)) problems.push('undocumented status');
          const validate = validators.get(status);
          if (validate && text !== '') {
            let body: unknown;
            try {
              body = JSON.parse(text);
            } catch {
              problems.push('body is not JSON');
            }
            if (body !== undefined && !validate(body))
              problems.push(`body does not match its schema: ${ajv.errorsText(validate.errors).slice(0, 300)}`);
          }
          if (problems.length > 0) {
            findings.push({ where, problems, input: generated, answer: text.slice(0, 300) });
            return false;
          }
          return true;
        }),
        {
          seed: settings.seed + index,
          numRuns: Math.ceil(runsEach / ROLES.length),
          interruptAfterTimeLimit: Math.max(1000, deadline - Date.now()),
          endOnFailure: true,
          verbose: 0,
        },
      )
      .catch((error: unknown) => {
        if (findings.length === 0) throw error;
      });
  }
  logFailures(findings);
  assert.is(findings.length, 0, `${findings.length} finding(s) over ${requests} requests`);
  assert.ok(requests >= operations.length * 3, `${requests} requests sent`);
  const health = await fetch(`${service.url}/health`);
  assert.is(health.status, 200, 'the process is alive at the end');
  console.log(`  openapi fuzz (${role} key): ${requests} requests over ${operations.length} operations, seed ${settings.seed}`);
}

fuzz.run();
