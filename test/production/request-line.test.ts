import fc from 'fast-check';
import { type Logger, type LoggerOptions, pino } from 'pino';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { maskDigits } from '../../server/observability/logger';
import { createRequestLog, maskPath, type RequestLine } from '../../server/observability/request-log';

/**
 * The request line is built in one template for speed: it must be, byte for byte, what pino writes
 * for the same fields, and its path mask must hide what the pattern-based mask hid.
 */

function capturing(options: LoggerOptions = {}): { logger: Logger; written: string[] } {
  const written: string[] = [];
  const logger = pino({ level: 'info', ...options }, { write: (line: string) => void written.push(line) });
  return { logger, written };
}

const FIXED_TIME = { timestamp: () => ',"time":1764806400000' };

const text = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ maxLength: 40 }),
);
const lineArbitrary: fc.Arbitrary<RequestLine> = fc.record({
  requestId: text,
  method: text,
  surface: text,
  path: text,
  procedure: fc.option(text),
  status: fc.oneof(fc.integer({ min: 0, max: 999 }), fc.constant(Number.NaN)),
  ms: fc.oneof(fc.double(), fc.double({ min: 0, max: 100_000, noNaN: true })),
  key: fc.option(text),
  cache: fc.option(text),
});

const line = suite('request line: the template writes what pino writes');

line('any fields (quotes, backslashes, control characters, lone surrogates, NaN, Infinity): the same bytes as logger.info', () => {
  const { logger, written } = capturing({ base: { service: 'wisphub-gateway' }, ...FIXED_TIME });
  const log = createRequestLog(logger);
  fc.assert(
    fc.property(lineArbitrary, (fields) => {
      written.length = 0;
      log(fields);
      logger.info({ ...fields }, 'request');
      assert.is(written.length, 2);
      assert.is(written[0], written[1]);
      JSON.parse(written[0]!);
    }),
    { numRuns: 2000 },
  );
});

line('a child logger carries its bindings, and the default base (pid, hostname) is kept', () => {
  const { logger, written } = capturing(FIXED_TIME);
  const child = logger.child({ tenant: 'isp-"a"' });
  const fields: RequestLine = {
    requestId: 'r-1',
    method: 'GET',
    surface: 'rest',
    path: '/health',
    procedure: null,
    status: 200,
    ms: 0.3,
    key: null,
    cache: 'hit',
  };
  createRequestLog(child)(fields);
  child.info({ ...fields }, 'request');
  assert.is(written[0], written[1]);
  const parsed = JSON.parse(written[0]!) as Record<string, unknown>;
  assert.is(parsed.tenant, 'isp-"a"');
  assert.is(parsed.pid, process.pid);
  assert.is(parsed.msg, 'request');
});

line('below the logger level nothing is written, and a level raised later is honoured', () => {
  const quiet = capturing({ level: 'warn' });
  const fields: RequestLine = {
    requestId: 'r-2',
    method: 'GET',
    surface: 'trpc',
    path: '/trpc/x',
    procedure: 'x',
    status: 200,
    ms: 1,
    key: 'k',
    cache: null,
  };
  createRequestLog(quiet.logger)(fields);
  assert.equal(quiet.written, []);
  const loud = capturing();
  const log = createRequestLog(loud.logger);
  log(fields);
  loud.logger.level = 'error';
  log(fields);
  assert.is(loud.written.length, 1);
});

line('a logger the template does not match (a mixin, another message key) is called as pino', () => {
  const fields: RequestLine = {
    requestId: 'r-3',
    method: 'POST',
    surface: 'rest',
    path: '/api/v1/tickets',
    procedure: 'tickets.create',
    status: 201,
    ms: 12.5,
    key: 'bot',
    cache: null,
  };
  const mixed = capturing({ mixin: () => ({ region: 'co' }), ...FIXED_TIME });
  createRequestLog(mixed.logger)(fields);
  mixed.logger.info({ ...fields }, 'request');
  assert.is(mixed.written[0], mixed.written[1]);
  assert.is((JSON.parse(mixed.written[0]!) as Record<string, unknown>).region, 'co');
  const renamed = capturing({ messageKey: 'message', ...FIXED_TIME });
  createRequestLog(renamed.logger)(fields);
  assert.is((JSON.parse(renamed.written[0]!) as Record<string, unknown>).message, 'request');
  const prefixed = capturing({ msgPrefix: '[gw] ', ...FIXED_TIME });
  createRequestLog(prefixed.logger)(fields);
  assert.is((JSON.parse(prefixed.written[0]!) as Record<string, unknown>).msg, '[gw] request');
  const hooked = capturing({
    hooks: { streamWrite: (line: string) => line.replace('"level":30', '"level":30,"hooked":true') },
    ...FIXED_TIME,
  });
  createRequestLog(hooked.logger)(fields);
  assert.is((JSON.parse(hooked.written[0]!) as Record<string, unknown>).hooked, true);
});

line.run();

/** The mask as it was written with patterns: the fast one must agree with it on every path. */
function maskPathByPatterns(path: string): string {
  let decoded = path.length > 600 ? path.slice(0, 600) : path;
  try {
    decoded = decodeURIComponent(decoded);
  } catch {
    // logged as sent
  }
  const masked = decoded
    .replace(/(\/by-(?:document|phone)\/)([^/]+)/, (_, prefix: string, value: string) => `${prefix}${maskDigits(value)}`)
    .replace(/\d(?:[\s.-]*\d){5,}/g, (run) => maskDigits(run.replace(/\D/g, '')));
  return masked.length > 200 ? `${masked.slice(0, 200)}…` : masked;
}

const mask = suite('request line: documents and phones in paths are masked');

mask('identifier routes keep only the last three characters of the value', () => {
  assert.is(maskPath('/api/v1/clients/by-document/1234567890'), '/api/v1/clients/by-document/*******890');
  assert.is(maskPath('/api/v1/clients/by-phone/3001234567/tickets'), '/api/v1/clients/by-phone/*******567/tickets');
  assert.is(maskPath('/api/v1/clients/by-document/CC%2048.043.079.770'), '/api/v1/clients/by-document/**************770');
  assert.is(maskPath('/api/v1/clients/by-document//by-phone/3157778899'), '/api/v1/clients/by-document//by-phone/*******899');
  assert.is(maskPath('/api/v1/clients/by-document/'), '/api/v1/clients/by-document/');
  assert.is(maskPath('/api/v1/clients/by-document/12'), '/api/v1/clients/by-document/**');
});

mask('digit runs of six or more anywhere, written with dots, dashes, spaces or Unicode spaces, keep their last three digits', () => {
  assert.is(maskPath('/api/v1/clients/48.043.079.770/x'), '/api/v1/clients/********770/x');
  assert.is(maskPath('/q/300-123-4567'), '/q/*******567');
  assert.is(maskPath('/q/300%C2%A0123%C2%A04567'), '/q/*******567');
  assert.is(maskPath('/api/v1/clients/12345'), '/api/v1/clients/12345');
  assert.is(maskPath('/api/v1/clients/12345/tickets/67890'), '/api/v1/clients/12345/tickets/67890');
});

mask('malformed escapes are logged as sent, and kilobyte paths are cut at 200 characters', () => {
  assert.is(maskPath('/api/v1/%E0%A4%A/1234567'), '/api/v1/%E0%A4%A/****567');
  const long = maskPath(`/${'a'.repeat(5000)}`);
  assert.is(long.length, 201);
  assert.ok(long.endsWith('…'));
});

mask('on any path the fast mask answers what the pattern mask answers', () => {
  const pathPart = fc.oneof(
    fc.constantFrom('/by-document/', '/by-phone/', '/by-', '/', '.', '-', ' ', '%20', '%C2%A0', '%', '%E0', '\u3000', '\t'),
    fc.stringMatching(/^\d{1,12}$/),
    fc.string({ maxLength: 8 }),
    fc.string({ unit: 'binary', maxLength: 4 }),
  );
  fc.assert(
    fc.property(fc.array(pathPart, { maxLength: 40 }), (parts) => {
      const path = `/api/v1${parts.join('')}`;
      assert.is(maskPath(path), maskPathByPatterns(path));
    }),
    { numRuns: 5000 },
  );
});

mask.run();
