import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createWispHubClient, type WispHubClient } from '../../client/index';
import { createServer, type RunningServer } from '../../server/app';
import { type Config, DEVELOPMENT_API_KEY, parseConfig } from '../../server/config/settings';
import type { Logger } from '../../server/observability/logger';
import type { Simulator } from '../../server/simulator/server';

/** Starts the real service on an ephemeral port against its embedded simulator. */

export const TEST_KEY = 'bot:test=test-key-0123456789abcdef';
/** The bot key itself (TEST_KEY without its name), as a bot sends it. */
export const BOT_KEY = TEST_KEY.slice(TEST_KEY.indexOf('=') + 1);
/** An operator key every test service also accepts (OPERATOR_API_KEYS). */
export const OPERATOR_KEY = 'operator-key-0123456789abcdef';

/** A fresh audit trail file per service, outside the repository. */
function auditPath(): string {
  return join(mkdtempSync(join(tmpdir(), 'wisphub-audit-')), 'audit.jsonl');
}

/** What a customer tells a bot to verify: their document (or, without one, a phone on record) and their name. */
export function customerFacts(record: Record<string, unknown>): { name: string; document?: string; phone?: string } {
  const name = String(record.nombre);
  if (typeof record.cedula === 'string' && record.cedula.trim() !== '') return { name, document: record.cedula };
  const phone = String(record.telefono ?? '')
    .split(/[/,]/)[0]!
    .replace(/\D/g, '')
    .replace(/^57(?=\d{10}$)/, '');
  if (phone) return { name, phone };
  throw new Error(`the simulator's client ${String(record.id_servicio)} has neither a document nor a phone`);
}

/** Defaults, a fast small simulator, plus overrides. */
export function testConfig(overrides: Record<string, string> = {}): Config {
  return parseConfig({
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    API_KEYS: TEST_KEY,
    OPERATOR_API_KEYS: `desk=${OPERATOR_KEY}`,
    AUDIT_LOG_PATH: auditPath(),
    DATABASE_FILE: join(mkdtempSync(join(tmpdir(), 'wisphub-books-')), 'books.db'),
    VERIFICATION_SECRET_FILE: join(tmpdir(), 'wisphub-test-verification-secret'),
    // A real upstream host requires a configured secret (the suites that run against an external simulator).
    ...(overrides.WISPHUB_NET_HOST ? { VERIFICATION_SECRET: 'test-verification-secret-0123456789abcdef' } : {}),
    WARMUP: 'false',
    SIM_DEMO_ACTIVITY: 'false',
    SIM_LATENCY_MS: '0',
    SIM_JITTER_MS: '0',
    SIM_CLIENTS: '1200',
    SIM_TICKETS: '400',
    SIM_PING_DELAY_MS: '60',
    UPSTREAM_PAGE_SIZE: '250',
    // The suites count the calls of a load that starts from a first page; the first load's wave of
    // pages (the production default) has its own suite, test/gateway/first-load.test.ts.
    UPSTREAM_FIRST_LOAD_PAGES: '1',
    UPSTREAM_RETRY_BASE_MS: '5',
    UPSTREAM_TIMEOUT_MS: '1500',
    PING_POLL_INTERVAL_MS: '20',
    PING_DEADLINE_MS: '3000',
    WRITE_SETTLE_MS: '500',
    // Suites that fire bursts on purpose; rate limits have their own suite with tight values.
    RATE_LIMIT_PER_S: '10000',
    RATE_LIMIT_BURST: '10000',
    ...overrides,
  });
}

export interface TestService extends RunningServer {
  sim: Simulator;
  config: Config;
  client: WispHubClient;
  stop(): Promise<void>;
  /** The typed client with an operator key. */
  operator: WispHubClient;
  /** Verifies the simulator's client (document and name) with the test key; answers the verification token. */
  verify(serviceId: number): Promise<string>;
  /** The typed client (test key) carrying this verification token. */
  clientWith(verificationToken: string): WispHubClient;
  /** fetch against REST (/api/v1 prefix added) with the test key unless headers say otherwise. */
  rest(path: string, init?: RequestInit & { json?: unknown }): Promise<Response>;
  /** `rest` with the operator key (staff: every record, clients.list) unless headers say otherwise. */
  staff(path: string, init?: RequestInit & { json?: unknown }): Promise<Response>;
}

/**
 * `options.simulator`: run against an already started simulator (several instances on one
 * upstream) instead of an embedded one; the caller closes it.
 */
export async function startTestService(
  overrides: Record<string, string> = {},
  options: { logger?: Logger; simulator?: Simulator } = {},
): Promise<TestService> {
  const external = options.simulator;
  const config = testConfig(external ? { WISPHUB_NET_HOST: external.url, WISPHUB_NET_KEY: external.apiKey, ...overrides } : overrides);
  const server = createServer(config, options.logger ? { logger: options.logger } : {});
  const running = await server.start();
  const simulator = external ?? running.simulator;
  if (!simulator) throw new Error('tests run against a simulator');
  const apiKey = config.API_KEYS[0]?.key ?? DEVELOPMENT_API_KEY;
  return {
    ...running,
    sim: simulator,
    config,
    client: createWispHubClient({ url: running.url, apiKey }),
    operator: createWispHubClient({ url: running.url, apiKey: OPERATOR_KEY }),
    clientWith: (verificationToken) => createWispHubClient({ url: running.url, apiKey, verificationToken }),
    async verify(serviceId) {
      const record = simulator.data.clients.find((client) => client.id_servicio === serviceId);
      if (!record) throw new Error(`the simulator has no client ${serviceId}`);
      const response = await fetch(`${running.url}/api/v1/clients/${serviceId}/verify`, {
        method: 'POST',
        headers: { 'x-api-key': apiKey, 'content-type': 'application/json' },
        // A private fact (the document, else a phone on record) and the name, as the customer would give them.
        body: JSON.stringify(customerFacts(record)),
      });
      const body = (await response.json()) as { verificationToken?: string | null };
      if (!body.verificationToken) throw new Error(`verification of ${serviceId} failed: ${JSON.stringify(body)}`);
      return body.verificationToken;
    },
    stop: () => server.stop(),
    rest(path, init = {}) {
      return restCall(path, init, apiKey);
    },
    staff(path, init = {}) {
      return restCall(path, init, OPERATOR_KEY);
    },
  };

  /** fetch against REST with `key` unless the headers name one. */
  function restCall(path: string, init: RequestInit & { json?: unknown }, key: string): Promise<Response> {
    const { json, headers, ...rest } = init;
    const merged = new Headers(headers);
    if (!merged.has('x-api-key') && !merged.has('authorization')) merged.set('x-api-key', key);
    if (json !== undefined) merged.set('content-type', 'application/json');
    return fetch(`${running.url}/api/v1${path}`, {
      ...rest,
      headers: merged,
      ...(json !== undefined ? { body: JSON.stringify(json) } : {}),
    });
  }
}

/** The error body of a REST answer, typed loosely for assertions. */
export interface RestErrorBody {
  error: {
    status: number;
    reason: string;
    message: string;
    requestId: string;
    issues?: { path: string; message: string }[];
    details?: Record<string, unknown>;
  };
}

/**
 * Starts a service before the suite and stops it after. The returned object forwards to the
 * running service, so tests read `service.rest(...)` as if it were started inline.
 */
export function serviceFor(
  test: { before: (hook: () => Promise<void>) => void; after: (hook: () => Promise<void>) => void },
  overrides: Record<string, string> = {},
): TestService {
  let running: TestService | undefined;
  test.before(async () => {
    running = await startTestService(overrides);
  });
  test.after(async () => {
    await running?.stop();
  });
  return new Proxy({} as TestService, {
    get(_target, property) {
      if (!running) throw new Error('the service starts in the suite’s before hook');
      return running[property as keyof TestService];
    },
  });
}

/** Back to a clean upstream between fault cases: no faults, no counts, empty client cache, breaker closed. */
export function resetUpstream(service: TestService): void {
  service.services.gateway.clientsCache.clear();
  service.services.gateway.transport.breaker.reset();
  service.sim.resetFaults();
  service.sim.resetCalls();
}

/** A create answered `created` (a test that expects a pending answer checks it itself). */
export function assertCreated<R extends { status: string }>(result: R): asserts result is Extract<R, { status: 'created' }> {
  if (result.status !== 'created') throw new Error(`expected a created ticket, got ${result.status}`);
}

/** A pending create's state as `GET /tickets/pending/{handle}` answers it, typed loosely for assertions. */
export interface PendingStatusBody {
  status: 'pending_confirmation' | 'created' | 'failed';
  handle: string;
  ticket?: { id: number; serviceId: number; subject: string };
  error?: { reason: string; message: string };
}

/**
 * Polls `GET /tickets/pending/{handle}` on `service` until the create is settled (bounded: 20 s),
 * with the key that made the create (a handle is its key's alone): the bot's or staff's.
 */
export async function settledCreate(service: TestService, handle: string, as: 'bot' | 'staff' = 'bot'): Promise<PendingStatusBody> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const response = await (as === 'staff' ? service.staff : service.rest)(`/tickets/pending/${handle}`);
    if (response.status !== 200) throw new Error(`GET /tickets/pending/${handle} answered ${response.status}`);
    const body = (await response.json()) as PendingStatusBody;
    if (body.status !== 'pending_confirmation') return body;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the pending create never settled');
}

/** A client view that must be the full record (staff, or the verified customer); throws on masked hints. */
export function fullView<T extends { view: string }>(value: T): Extract<T, { view: 'full' }> {
  if (value.view !== 'full') throw new Error(`expected the full record, got the ${value.view} view`);
  return value as Extract<T, { view: 'full' }>;
}
