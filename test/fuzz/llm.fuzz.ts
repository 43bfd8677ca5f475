import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { captureLogs } from '../support/log-capture';
import { rawRequest } from '../support/raw-http';
import { startTestService, type TestService } from '../support/service';
import { type FuzzFinding, fuzzSettings, propertyOptions, settleProperty } from './fuzz-settings';

/**
 * Property fuzzing of /v1/chat/completions: near-valid Chat Completions requests (every field
 * present or not, right or wrong in type and range, extra fields, hostile strings, tool calls with
 * broken arguments, images that are not images), whole and streamed, on every model name kind.
 * Properties: only 200, 400, 404, 413, 415, 429, 503 or 504; an error is OpenAI's shape with our
 * reason in `code`; a stream ends with [DONE] or an error event; nothing unexpected is logged; the
 * process keeps serving. Seeded and bounded (FUZZ_SEED, FUZZ_RUNS, FUZZ_SECONDS).
 */

const settings = fuzzSettings();
const KEY = 'bot-key-0123456789abcdef';
const { logger, lines } = captureLogs('warn');
let service: TestService;
const fuzz = suite(`fuzz: /v1 chat completions (seed ${settings.seed})`);
fuzz.before(async () => {
  service = await startTestService({ API_KEYS: `bot:fuzz=${KEY}`, LLM_BODY_LIMIT_BYTES: '200000' }, { logger });
});
fuzz.after(() => service.stop());

const hostileText = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 50 }),
  fc.constantFrom('', '\u0000', '{"a":', '__proto__', 'constructor', '```js\nx=>1\n```', 'data:image/png;base64,AAAA', 'x'.repeat(3000)),
);
const maybe = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined });
const anyValue = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  hostileText,
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 3 }),
);
const part = fc.oneof(
  fc.record({ type: fc.constant('text'), text: hostileText }),
  fc.record({
    type: fc.constant('image_url'),
    image_url: fc.record({ url: hostileText, detail: maybe(fc.constantFrom('auto', 'low', 'high', 'huge')) }),
  }),
  fc.record({ type: hostileText }),
);
const toolCall = fc.record({
  id: hostileText,
  type: fc.constantFrom('function', 'other'),
  function: fc.record({ name: hostileText, arguments: hostileText }),
});
const message = fc.oneof(
  fc.record({
    role: fc.constantFrom('system', 'developer', 'user'),
    content: fc.oneof(hostileText, fc.array(part, { maxLength: 3 }), anyValue),
  }),
  fc.record({
    role: fc.constant('assistant'),
    content: maybe(fc.oneof(hostileText, fc.constant(null))),
    tool_calls: maybe(fc.array(toolCall, { maxLength: 2 })),
  }),
  fc.record({ role: fc.constant('tool'), content: hostileText, tool_call_id: hostileText }),
  fc.record({ role: hostileText, content: anyValue }),
);
const tool = fc.record({
  type: fc.constantFrom('function', 'retrieval'),
  function: fc.record({
    name: fc.oneof(fc.constantFrom('buscar_cliente', 'x'), hostileText),
    description: maybe(hostileText),
    parameters: maybe(
      fc.oneof(
        fc.constant({ type: 'object', properties: { a: { type: 'string' } } }),
        fc.dictionary(fc.string(), anyValue, { maxKeys: 3 }),
      ),
    ),
  }),
});
const request = fc.record(
  {
    model: fc.oneof(
      fc.constantFrom(
        'auto',
        'auto-expert',
        'gpt-4o-mini',
        'claude-3-5-haiku-latest',
        'gemini-2.0-flash',
        'ollama/llama3.2',
        'ollama/x:1',
        'nope',
      ),
      hostileText,
      anyValue,
    ),
    messages: fc.oneof(fc.array(message, { maxLength: 5 }), anyValue),
    stream: maybe(fc.oneof(fc.boolean(), anyValue)),
    stream_options: maybe(fc.oneof(fc.record({ include_usage: fc.boolean() }), anyValue)),
    temperature: maybe(fc.oneof(fc.constantFrom(0, 0.7, 2, 3, -1), anyValue)),
    max_tokens: maybe(fc.oneof(fc.integer({ min: -5, max: 5000 }), anyValue)),
    max_completion_tokens: maybe(fc.integer({ min: 0, max: 5 })),
    stop: maybe(fc.oneof(hostileText, fc.array(hostileText, { maxLength: 6 }))),
    tools: maybe(fc.oneof(fc.array(tool, { maxLength: 3 }), anyValue)),
    tool_choice: maybe(
      fc.oneof(
        fc.constantFrom('auto', 'none', 'required', 'any'),
        fc.record({ type: fc.constant('function'), function: fc.record({ name: hostileText }) }),
      ),
    ),
    response_format: maybe(
      fc.oneof(
        fc.constantFrom(
          { type: 'json_object' },
          { type: 'text' },
          { type: 'json_schema', json_schema: { name: 'x', schema: { type: 'object' } } },
        ),
        anyValue,
      ),
    ),
    n: maybe(fc.integer({ min: -1, max: 3 })),
    user: maybe(hostileText),
    extra: maybe(anyValue),
  },
  { requiredKeys: [] },
);

const ALLOWED = new Set([200, 400, 404, 413, 415, 429, 503, 504]);

fuzz('near-valid and hostile chat requests never get a 5xx of our own, always an answer in contract', async () => {
  const findings: FuzzFinding[] = [];
  let sent = 0;
  await settleProperty(
    fc.assert(
      fc.asyncProperty(request, async (value) => {
        const body = JSON.stringify(value);
        const response = await rawRequest(service.url, {
          method: 'POST',
          path: '/v1/chat/completions',
          headers: {
            authorization: `Bearer ${KEY}`,
            'content-type': 'application/json',
            'content-length': String(Buffer.byteLength(body)),
          },
          body,
          timeoutMs: 10_000,
        });
        sent++;
        const problems: string[] = [];
        if (!ALLOWED.has(response.status)) problems.push(`status ${response.status}`);
        const streamed = String(response.headers['content-type'] ?? '').startsWith('text/event-stream');
        if (response.status === 200 && streamed && !response.text.endsWith('data: [DONE]\n\n') && !response.text.includes('"error"'))
          problems.push('a stream without its end');
        if (response.status !== 200) {
          try {
            const parsed = JSON.parse(response.text) as { error?: { code?: unknown; type?: unknown; message?: unknown } };
            if (typeof parsed.error?.code !== 'string' || typeof parsed.error.type !== 'string' || typeof parsed.error.message !== 'string')
              problems.push('error not in OpenAI shape');
          } catch {
            problems.push('error body is not JSON');
          }
        }
        const unexpected = lines.filter((entry) => typeof entry.level === 'number' && entry.level >= 50);
        if (unexpected.length > 0) problems.push(`logged an unexpected error: ${String(unexpected[0]!.msg)}`);
        if (problems.length > 0) {
          findings.push({
            where: `POST /v1/chat/completions → ${response.status}`,
            problems,
            input: value,
            answer: response.text.slice(0, 300),
          });
          return false;
        }
        return true;
      }),
      propertyOptions(settings, 3, 0),
    ),
    findings,
  );
  assert.is(findings.length, 0, `${findings.length} finding(s)`);
  assert.ok(sent > 50, `${sent} requests sent`);
  assert.is((await rawRequest(service.url, { path: '/health' })).status, 200, 'the process still serves');
});

fuzz.run();
