/**
 * The one log line every request gets, and the masking of the path it carries. The line is the
 * line pino writes for `logger.info(fields, 'request')`, byte for byte, but built in one template:
 * pino's general serializer (a `for..in` over the fields and a character scan per string) cost
 * ~1.3 µs a line against ~0.4 µs here, at tens of thousands of lines a second. Whether this logger
 * writes exactly what pino would is checked once, when the writer is made (its own serializer on a
 * probe line); a logger configured otherwise (formatters, mixins, hooks, another message key) is
 * simply called as pino.
 */

import { type Logger, symbols } from 'pino';
import { maskDigits } from './logger';

export interface RequestLine {
  requestId: string;
  method: string;
  surface: string;
  /** Already masked (maskPath). */
  path: string;
  procedure: string | null;
  status: number;
  ms: number;
  key: string | null;
  cache: string | null;
}

export type RequestLog = (line: RequestLine) => void;

const INFO = 30;
const MESSAGE = 'request';

/** Whether JSON must escape something in `text`: quotes, backslashes, control characters, or a surrogate (a lone one must be escaped). */
function needsEscape(text: string): boolean {
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code < 32 || code === 34 || code === 92 || (code >= 0xd800 && code <= 0xdfff)) return true;
  }
  return false;
}

function jsonString(text: string): string {
  return needsEscape(text) ? JSON.stringify(text) : `"${text}"`;
}

function jsonNullable(text: string | null): string {
  return text === null ? 'null' : jsonString(text);
}

/** A non-finite number is `null` in pino's output, as in JSON.stringify. */
function jsonNumber(value: number): string {
  return Number.isFinite(value) ? String(value) : 'null';
}

function fieldsOf(line: RequestLine): string {
  return (
    `,"requestId":${jsonString(line.requestId)},"method":${jsonString(line.method)},"surface":${jsonString(line.surface)}` +
    `,"path":${jsonString(line.path)},"procedure":${jsonNullable(line.procedure)},"status":${jsonNumber(line.status)}` +
    `,"ms":${jsonNumber(line.ms)},"key":${jsonNullable(line.key)},"cache":${jsonNullable(line.cache)},"msg":"${MESSAGE}"`
  );
}

interface PinoInternals {
  stream: { write(line: string): unknown; [symbols.needsMetadataGsym]?: boolean };
  time: () => string;
  chindings: string;
  end: string;
  asJson: (fields: object, message: string, level: number, time: string) => string;
}

/** Missing from pino's type declarations, present at run time. */
const MESSAGE_PREFIX = (symbols as unknown as Record<string, symbol>).msgPrefixSym ?? Symbol('absent');

function internalsOf(logger: Logger): PinoInternals | null {
  const slots = logger as unknown as Record<symbol, unknown>;
  const stream = slots[symbols.streamSym] as PinoInternals['stream'] | undefined;
  const time = slots[symbols.timeSym];
  const chindings = slots[symbols.chindingsSym];
  const end = slots[symbols.endSym];
  const asJson = slots[symbols.asJsonSym];
  if (typeof stream?.write !== 'function' || stream[symbols.needsMetadataGsym] === true) return null;
  // What pino adds outside its serializer (so the probe below cannot see it): mixins, message prefixes, hooks.
  const hooks = slots[symbols.hooksSym] as { logMethod?: unknown; streamWrite?: unknown } | undefined;
  if (slots[symbols.mixinSym] || typeof slots[MESSAGE_PREFIX] === 'string' || hooks?.logMethod || hooks?.streamWrite) return null;
  if (typeof time !== 'function' || typeof chindings !== 'string' || typeof end !== 'string' || typeof asJson !== 'function') return null;
  return { stream, time: time as () => string, chindings, end, asJson: (asJson as PinoInternals['asJson']).bind(logger) };
}

const PROBE: RequestLine = {
  requestId: 'probe-1',
  method: 'GET',
  surface: 'rest',
  path: '/api/v1/clients/by-document/*****"\\\n789',
  procedure: null,
  status: 200,
  ms: 0.4,
  key: 'probe-key',
  cache: null,
};

/** Writes request lines to `logger`, through the template when it provably matches pino's serializer, through pino otherwise. */
export function createRequestLog(logger: Logger): RequestLog {
  const viaPino: RequestLog = (line) => logger.info(line, MESSAGE);
  const pino = internalsOf(logger);
  if (!pino) return viaPino;
  const time = ',"time":0';
  const prefix = `{"level":${INFO}`;
  const expected = pino.asJson(PROBE, MESSAGE, INFO, time);
  if (expected !== `${prefix}${time}${pino.chindings}${fieldsOf(PROBE)}${pino.end}`) return viaPino;
  return (line) => {
    if (logger.levelVal > INFO) return;
    pino.stream.write(`${prefix}${pino.time()}${pino.chindings}${fieldsOf(line)}${pino.end}`);
  };
}

/** Longest path written to a log line: junk paths of kilobytes stay out of the logs. */
const LOGGED_PATH_MAX = 200;

function decodeForLog(path: string): string {
  if (!path.includes('%')) return path;
  try {
    return decodeURIComponent(path);
  } catch {
    return path; // a malformed escape is logged as sent
  }
}

const IDENTIFIER_SEGMENTS = ['/by-document/', '/by-phone/'];

/** The first `/by-document/<value>` or `/by-phone/<value>` with a non-empty value, its value masked. */
function maskIdentifierSegment(path: string): string {
  let best = -1;
  let valueStart = 0;
  for (const segment of IDENTIFIER_SEGMENTS) {
    let at = path.indexOf(segment);
    // An empty value ("/by-document//x") is no identifier: look further along.
    while (at !== -1 && (at + segment.length >= path.length || path.charCodeAt(at + segment.length) === 47))
      at = path.indexOf(segment, at + 1);
    if (at !== -1 && (best === -1 || at < best)) {
      best = at;
      valueStart = at + segment.length;
    }
  }
  if (best === -1) return path;
  const slash = path.indexOf('/', valueStart);
  const valueEnd = slash === -1 ? path.length : slash;
  return `${path.slice(0, valueStart)}${maskDigits(path.slice(valueStart, valueEnd))}${path.slice(valueEnd)}`;
}

/** Six digits or more, possibly written with dots, dashes or spaces between them: a document or a phone. */
const DIGIT_RUN = /\d(?:[\s.-]*\d){5,}/g;

/**
 * Whether DIGIT_RUN could match, in one pass with no allocation (most paths carry no such run).
 * Conservative: any non-ASCII character counts as a possible separator (`\s` covers Unicode spaces).
 */
function mayHoldDigitRun(path: string): boolean {
  let digits = 0;
  for (let index = 0; index < path.length; index++) {
    const code = path.charCodeAt(index);
    if (code >= 48 && code <= 57) {
      if (++digits >= 6) return true;
    } else if (digits > 0 && !(code === 32 || code === 46 || code === 45 || (code >= 9 && code <= 13) || code >= 128)) {
      digits = 0;
    }
  }
  return false;
}

/**
 * Paths may carry documents and phone numbers, written with dots, dashes or spaces
 * ("48.043.079.770"): keep only their last digits in logs. Never throws.
 */
export function maskPath(path: string): string {
  const decoded = decodeForLog(path.length > LOGGED_PATH_MAX * 3 ? path.slice(0, LOGGED_PATH_MAX * 3) : path);
  const byIdentifier = decoded.includes('/by-') ? maskIdentifierSegment(decoded) : decoded;
  const masked = mayHoldDigitRun(byIdentifier)
    ? byIdentifier.replace(DIGIT_RUN, (run) => maskDigits(run.replace(/\D/g, '')))
    : byIdentifier;
  return masked.length > LOGGED_PATH_MAX ? `${masked.slice(0, LOGGED_PATH_MAX)}…` : masked;
}
