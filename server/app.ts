/**
 * Wires the service: the embedded simulator when no WispHub Net host is set, the gateway,
 * and one node:http server. `start()` listens (port 0 picks a free port); `stop()` stops
 * accepting, lets in-flight requests finish within SHUTDOWN_GRACE_MS, then closes everything.
 */

import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MetaAccount } from './channels/meta/graph-api';
import { META_WEBHOOK_PATH } from './channels/meta/webhook';
import type { TwilioAccount } from './channels/twilio/messages-api';
import { configuredProviders, simulatedProviders, withVaultProviders } from './config/llm-providers';
import { type Config, DEVELOPMENT_API_KEY } from './config/settings';
import { loadSubjectCatalogue, loadSubjectSynonyms } from './config/subject-file';
import { type MorningPlayed, playMorning } from './demo/morning';
import { ApiKeyRegistry } from './guards/api-keys';
import { IdempotencyStore } from './guards/idempotency';
import { IdentityGuard } from './guards/identity-guard';
import { KeyedMutex } from './guards/keyed-mutex';
import { claimAuditedReferences, LocalPaymentReferences } from './guards/payment-references';
import { LocalPendingStore } from './guards/pending-store';
import { TokenBucketLimiter } from './guards/rate-limit';
import { localShelves } from './guards/shelf';
import { VerificationTokens } from './guards/verification';
import { resolveVerificationSecret } from './guards/verification-secret';
import { answerClientError, createRequestListener, type Readiness } from './http/listener';
import { ResponseMemo } from './http/response-memo';
import { type Books, openBooks } from './llm/books';
import { SHIPPED_REGISTRY } from './llm/registry';
import { createLlmSetup, readLlmSources } from './llm/setup';
import { type LlmSimulator, startLlmSimulator } from './llm-simulator/server';
import {
  type MetaSimulator,
  SIM_META_ACCESS_TOKEN,
  SIM_META_APP_SECRET,
  SIM_META_GRAPH_VERSION,
  SIM_META_PHONE_NUMBER_ID,
  SIM_META_VERIFY_TOKEN,
  startMetaSimulator,
} from './meta-simulator/server';
import { FileAuditTrail } from './observability/audit';
import { createLogger, flushLogger, type Logger } from './observability/logger';
import { ServiceMetrics } from './observability/metrics';
import { createV1WebSocket, V1_WEBSOCKET_PATH } from './openai/websocket';
import { sharedLlmCache } from './redis/shared-llm-cache';
import type { SharedState } from './redis/shared-state';
import type { Services } from './services';
import { type Simulator, startSimulator } from './simulator/server';
import { catalogueSourceNow } from './tickets/catalogue';
import { SIM_WHATSAPP_FROM, startTwilioSimulator, type TwilioSimulator } from './twilio-simulator/server';
import { WispHubGateway } from './wisphub/gateway';
import { PROBE_MAX_CALLS, PROBE_MAX_DURATION_MS, PROBE_TIMEOUT_MS, ProbeRunner } from './wisphub/probe/probe-runner';
import { UpstreamTransport } from './wisphub/transport';

export interface RunningServer {
  url: string;
  port: number;
  services: Services;
  metrics: ServiceMetrics;
  simulator: Simulator | null;
  /** The embedded model provider, when /v1 runs on it. */
  llmSimulator: LlmSimulator | null;
  /** The embedded Twilio, when the WhatsApp channel runs on it. */
  twilioSimulator: TwilioSimulator | null;
  /** The embedded Meta Cloud API, when the Meta channel runs on it. */
  metaSimulator: MetaSimulator | null;
  /** The demo morning being played (SIM_DEMO_ACTIVITY on both simulators), or null. */
  demo: Promise<MorningPlayed> | null;
}

export interface GatewayServer {
  start(): Promise<RunningServer>;
  stop(): Promise<void>;
}

const WARMUP_RETRY_MS = 5000;

/** One instance's payment references, with every one its audit trail shows used (a restart forgets none). */
async function localReferences(auditPath: string, logger: Logger): Promise<LocalPaymentReferences> {
  const references = new LocalPaymentReferences();
  try {
    const claimed = await claimAuditedReferences(references, await new FileAuditTrail(auditPath).list({ limit: Number.MAX_SAFE_INTEGER }));
    if (claimed > 0) logger.info({ claimed }, 'payment references restored from the audit trail');
  } catch (error) {
    logger.error({ err: error }, 'the audit trail could not be read: payment references start empty');
  }
  return references;
}

export function createServer(config: Config, options: { logger?: Logger } = {}): GatewayServer {
  const logger = options.logger ?? createLogger(config.LOG_LEVEL, config.NODE_ENV === 'development' && process.stdout.isTTY === true);
  let httpServer: Server | null = null;
  let simulator: Simulator | null = null;
  let llmSimulator: LlmSimulator | null = null;
  let twilioSimulator: TwilioSimulator | null = null;
  let metaSimulator: MetaSimulator | null = null;
  let closeWebSockets: (() => void) | null = null;
  let shared: SharedState | null = null;
  let books: Books | null = null;
  let warmUpTimer: NodeJS.Timeout | null = null;
  let stopSettlements: (() => void) | null = null;
  const activity = { inFlight: 0 };
  let stopping = false;

  return {
    async start() {
      // Files the settings name are read first: a bad one stops start-up before anything listens.
      let providers = configuredProviders(config);
      const llmSources = readLlmSources(config);
      const subjects = loadSubjectCatalogue(config.TICKET_SUBJECTS_FILE);
      const subjectSynonyms = loadSubjectSynonyms(config.TICKET_SUBJECT_SYNONYMS_FILE);
      let upstreamUrl = config.WISPHUB_NET_HOST ?? '';
      let upstreamKey = config.WISPHUB_NET_KEY ?? '';
      if (config.useSimulator) {
        simulator = await startSimulator({
          seed: config.SIM_SEED,
          clients: config.SIM_CLIENTS,
          plans: config.SIM_PLANS,
          tickets: config.SIM_TICKETS,
          zones: config.SIM_ZONES,
          port: config.SIM_PORT,
          pingDelayMs: config.SIM_PING_DELAY_MS,
          faults: { latencyMs: config.SIM_LATENCY_MS, jitterMs: config.SIM_JITTER_MS },
        });
        upstreamUrl = simulator.url;
        upstreamKey = simulator.apiKey;
        logger.info(
          { simulator: simulator.url, clients: config.SIM_CLIENTS },
          'WISPHUB_NET_HOST is not set: started the embedded WispHub Net simulator',
        );
      }
      const transport = new UpstreamTransport({
        baseUrl: upstreamUrl,
        apiKey: upstreamKey,
        timeoutMs: config.UPSTREAM_TIMEOUT_MS,
        retries: config.UPSTREAM_RETRIES,
        retryBaseMs: config.UPSTREAM_RETRY_BASE_MS,
        readBudgetMs: config.UPSTREAM_READ_BUDGET_MS,
        breakerThreshold: config.UPSTREAM_BREAKER_THRESHOLD,
        breakerCooldownMs: config.UPSTREAM_BREAKER_COOLDOWN_MS,
        logger,
      });
      const gateway = new WispHubGateway({
        transport,
        logger,
        pageSize: config.UPSTREAM_PAGE_SIZE,
        concurrency: config.UPSTREAM_CONCURRENCY,
        firstLoadPages: config.UPSTREAM_FIRST_LOAD_PAGES,
        clientsTtlMs: config.CACHE_TTL_CLIENTS_S * 1000,
        plansTtlMs: config.CACHE_TTL_PLANS_S * 1000,
        paymentMethodsTtlMs: config.CACHE_TTL_PAYMENT_METHODS_S * 1000,
        zoneCountsTtlMs: config.CACHE_TTL_ZONE_COUNTS_S * 1000,
        staleMs: config.CACHE_STALE_MAX_AGE_S * 1000,
        activeTicketStates: config.ACTIVE_TICKET_STATES,
        timeZone: config.TIMEZONE,
        ticketReconcileWindowMs: config.TICKET_RECONCILE_WINDOW_S * 1000,
        ticketSettleMs: config.WRITE_SETTLE_MS,
        balanceTtlMs: config.CACHE_TTL_BALANCE_S * 1000,
        clientTicketsTtlMs: config.CACHE_TTL_CLIENT_TICKETS_S * 1000,
        ticketsTtlMs: config.CACHE_TTL_TICKETS_S * 1000,
      });
      stopSettlements = () => gateway.tickets.stop();
      const redisUrl = config.REDIS_URL;
      // Loaded only with REDIS_URL, so one instance without Redis never loads the Redis client.
      shared = redisUrl
        ? await (await import('./redis/shared-state')).SharedState.create({ ...config, REDIS_URL: redisUrl }, gateway, logger)
        : null;
      if (shared && !(await shared.start())) {
        logger.warn({ redis: shared.status().url }, 'redis is not reachable: starting with this instance’s memory; will keep reconnecting');
      }
      const sharedState = shared;
      const simulateProviders =
        config.LLM_SIMULATOR === 'on' ||
        (config.LLM_SIMULATOR === 'auto' &&
          providers.length === 0 &&
          (config.NODE_ENV !== 'production' || config.ALLOW_SIMULATOR_IN_PRODUCTION));
      if (simulateProviders) {
        llmSimulator = await startLlmSimulator({ port: config.LLM_SIM_PORT, models: SHIPPED_REGISTRY.models.map((model) => model.id) });
        providers = simulatedProviders(llmSimulator.url, config.OPENAI_COMPATIBLE_NAME, config.LLM_TIMEOUT_MS);
        logger.info({ simulator: llmSimulator.url }, 'no model provider is configured: /v1 runs on the embedded provider simulator');
      } else if (config.ENCRYPTION_KEY) {
        providers = withVaultProviders(providers, config);
      } else if (providers.length === 0) {
        logger.warn('no model provider is configured: /v1 answers 503 provider_unavailable');
      }
      const metrics = new ServiceMetrics({
        caches: () => gateway.caches(),
        breakerState: () => transport.breaker.state,
        skippedItems: () => gateway.stats.skippedItems,
        shared: () => sharedState?.status() ?? null,
        inFlight: () => activity.inFlight,
      });
      transport.onCall = (call) => metrics.observeUpstream(call);
      const llm = createLlmSetup(config, {
        sources: llmSources,
        providers,
        ...(shared ? { cacheStore: sharedLlmCache(shared.link) } : {}),
        onRoute: (decision) => {
          metrics.observeRoute(decision);
          logger.debug(
            {
              requested: decision.requested,
              tier: decision.tier,
              score: decision.classification?.score,
              candidates: decision.candidates.slice(0, 4),
              excluded: decision.excluded.length,
            },
            'llm route',
          );
        },
        onBreakerChange: (provider, state) => logger.warn({ provider, state }, 'model provider breaker changed state'),
      });
      const verificationSecret = await resolveVerificationSecret({
        configured: config.VERIFICATION_SECRET,
        filePath: config.VERIFICATION_SECRET_FILE,
        shared: shared?.verificationSecret ?? null,
      });
      if (verificationSecret.source === 'file') {
        logger.info({ file: config.VERIFICATION_SECRET_FILE }, 'verification tokens are signed with the random secret kept in this file');
      }
      const apiKeys = ApiKeyRegistry.fromConfig(config);
      if (apiKeys.usesDevelopmentKey) {
        logger.warn(
          config.ADMIN_API_KEYS.length === 0
            ? 'API_KEYS and ADMIN_API_KEYS are empty: the documented development keys (bot, operator, admin for /console and /admin) are accepted (simulator only)'
            : 'API_KEYS is empty: the documented development keys (bot, operator) are accepted (simulator only)',
        );
      }
      const openedBooks = await openBooks(config, {
        reservedKeyNames: new Set([
          ...apiKeys.names,
          ...ApiKeyRegistry.forAdmins(config, apiKeys.usesDevelopmentKey).names,
          ...config.METRICS_API_KEYS.map((key) => key.name),
        ]),
        onFlush: (outcome) => {
          metrics.observeUsageFlush(outcome);
          if (outcome.failed) logger.warn({ rows: outcome.rows }, 'usage rows could not be written: kept for the next try');
        },
        onDropped: (rows) => {
          metrics.observeUsageDropped(rows);
          logger.error({ rows }, 'usage buffer full while the database is unreachable: oldest rows dropped');
        },
        onRefusal: (key, reason) => metrics.observeRefusal(key, reason),
        onRefreshError: (error) => logger.warn({ err: error }, 'keys, budgets and vault could not be read again: keeping the last ones'),
      });
      books = openedBooks;
      metrics.usageBuffered = () => openedBooks.usage.buffered;
      llm.pool.useKeySource((provider, keyName) => openedBooks.vault.keyFor(provider, keyName));
      apiKeys.attach(openedBooks.keys);
      logger.info(
        {
          database: openedBooks.database.kind,
          where: openedBooks.database.where,
          usageWriter: openedBooks.usageWriter,
          migrated: openedBooks.migrated,
          vault: openedBooks.vault.enabled ? 'on' : 'off (ENCRYPTION_KEY unset)',
        },
        'books open: usage, budgets, keys',
      );
      if (openedBooks.vault.unreadable.length > 0)
        logger.error({ ids: openedBooks.vault.unreadable }, 'provider keys in the vault that ENCRYPTION_KEY does not open');
      const simulateTwilio =
        config.TWILIO_SIMULATOR === 'on' ||
        (config.TWILIO_SIMULATOR === 'auto' &&
          !config.TWILIO_ACCOUNT_SID &&
          (config.NODE_ENV !== 'production' || config.ALLOW_SIMULATOR_IN_PRODUCTION));
      if (simulateTwilio) {
        twilioSimulator = await startTwilioSimulator();
        logger.info(
          { simulator: twilioSimulator.url },
          'no Twilio account is configured: the WhatsApp channel runs on the embedded Twilio simulator',
        );
      }
      const twilio: TwilioAccount | null = twilioSimulator
        ? {
            accountSid: twilioSimulator.accountSid,
            authToken: twilioSimulator.authToken,
            apiBaseUrl: twilioSimulator.url,
            from: SIM_WHATSAPP_FROM,
          }
        : config.TWILIO_ACCOUNT_SID && config.TWILIO_AUTH_TOKEN
          ? {
              accountSid: config.TWILIO_ACCOUNT_SID,
              authToken: config.TWILIO_AUTH_TOKEN,
              apiBaseUrl: config.TWILIO_API_BASE_URL,
              from: config.TWILIO_WHATSAPP_FROM,
            }
          : null;
      const simulateMeta =
        config.META_SIMULATOR === 'on' ||
        (config.META_SIMULATOR === 'auto' &&
          !config.META_APP_SECRET &&
          (config.NODE_ENV !== 'production' || config.ALLOW_SIMULATOR_IN_PRODUCTION));
      if (simulateMeta) metaSimulator = await startMetaSimulator();
      const meta: MetaAccount | null = metaSimulator
        ? {
            appSecret: SIM_META_APP_SECRET,
            verifyToken: SIM_META_VERIFY_TOKEN,
            accessToken: SIM_META_ACCESS_TOKEN,
            phoneNumberId: SIM_META_PHONE_NUMBER_ID,
            graphBaseUrl: metaSimulator.url,
            graphVersion: SIM_META_GRAPH_VERSION,
          }
        : config.META_APP_SECRET && config.META_VERIFY_TOKEN && config.META_ACCESS_TOKEN && config.META_PHONE_NUMBER_ID
          ? {
              appSecret: config.META_APP_SECRET,
              verifyToken: config.META_VERIFY_TOKEN,
              accessToken: config.META_ACCESS_TOKEN,
              phoneNumberId: config.META_PHONE_NUMBER_ID,
              graphBaseUrl: config.META_GRAPH_BASE_URL,
              graphVersion: config.META_GRAPH_VERSION,
            }
          : null;
      const channelKey = config.CHANNEL_API_KEY ?? (apiKeys.usesDevelopmentKey ? DEVELOPMENT_API_KEY : null);
      const services: Services = {
        config,
        gateway,
        apiKeys,
        logger,
        now: () => new Date(),
        subjects,
        subjectSynonyms,
        extraHolidays: new Set(config.EXTRA_HOLIDAYS),
        defaultTechnicianId: config.DEFAULT_TECHNICIAN_ID ?? simulator?.data.technicians[0]?.id ?? null,
        idempotency: shared?.idempotency ?? new IdempotencyStore(config.IDEMPOTENCY_TTL_S * 1000),
        pendingTickets: shared?.pendingTickets ?? new LocalPendingStore(config.IDEMPOTENCY_TTL_S * 1000),
        pendingServiceTasks: shared?.pendingServiceTasks ?? new LocalPendingStore(config.IDEMPOTENCY_TTL_S * 1000),
        zoneLocks: shared?.zoneLocks ?? new KeyedMutex(),
        personLocks: shared?.personLocks ?? new KeyedMutex(),
        shelf: shared ? shared.shelf.bind(shared) : localShelves,
        rateLimiter: shared?.rateLimiter ?? new TokenBucketLimiter(config.RATE_LIMIT_PER_S, config.RATE_LIMIT_BURST),
        endUserLimiter:
          shared?.endUserLimiter ?? new TokenBucketLimiter(config.END_USER_RATE_LIMIT_PER_S, config.END_USER_RATE_LIMIT_BURST),
        addressLimiter:
          shared?.addressLimiter ??
          new TokenBucketLimiter(config.UNAUTHENTICATED_RATE_LIMIT_PER_S, config.UNAUTHENTICATED_RATE_LIMIT_BURST),
        identityGuard: shared?.identityGuard ?? new IdentityGuard(config),
        verification: new VerificationTokens(verificationSecret.secret, config.VERIFICATION_TTL_S),
        memo: new ResponseMemo(),
        audit: shared?.audit ?? new FileAuditTrail(config.AUDIT_LOG_PATH),
        paymentReferences: shared?.paymentReferences ?? (await localReferences(config.AUDIT_LOG_PATH, logger)),
        probe: new ProbeRunner(
          {
            host: upstreamUrl,
            apiKey: upstreamKey,
            subjects,
            pageSize: config.UPSTREAM_PAGE_SIZE,
            timeoutMs: PROBE_TIMEOUT_MS,
            maxCalls: PROBE_MAX_CALLS,
            maxDurationMs: PROBE_MAX_DURATION_MS,
          },
          config.PROBE_MIN_INTERVAL_S * 1000,
        ),
        shared,
        llm,
        books: openedBooks,
        channels: { apiKey: channelKey, twilio, meta, selfUrl: '' },
      };

      // The audit trail's index by service id, built now rather than on a customer's first promise.
      services.audit
        .prepare()
        .catch((error: unknown) => logger.error({ err: error }, 'the audit trail could not be indexed: reads will retry'));

      let warmUp: 'pending' | 'running' | 'done' | 'failed' = 'pending';
      const readiness = (): Readiness => {
        const breaker = transport.breaker.state;
        const checks = {
          clients: gateway.clientsCache.peek('all') ? 'loaded' : 'missing',
          plans: gateway.catalogue.plansCache.peek('all') ? 'loaded' : 'missing',
          ticketSubjects: catalogueSourceNow(services),
          warmUp,
          upstreamBreaker: breaker,
          // Redis down is degraded, not unready: every instance keeps answering from its own memory.
          ...(sharedState ? { redis: sharedState.status().redis } : {}),
        };
        if (stopping) return { ready: false, body: { status: 'not_ready', reasons: ['shutting_down'], checks } };
        if (gateway.warm) {
          const reasons = [
            ...(breaker === 'closed' ? [] : ['upstream_unreachable_serving_cache']),
            ...(sharedState && !sharedState.link.available ? ['redis_down_using_local_state'] : []),
          ];
          return { ready: true, body: { status: 'ready', reasons, checks } };
        }
        const reasons = [warmUp === 'failed' || breaker !== 'closed' ? 'upstream_unreachable' : 'warming_up'];
        return { ready: false, body: { status: 'not_ready', reasons, checks } };
      };

      const server = createHttpServer(createRequestListener({ services, metrics, readiness, activity }));
      server.requestTimeout = config.REQUEST_TIMEOUT_MS;
      server.headersTimeout = Math.min(config.REQUEST_TIMEOUT_MS, 60_000);
      server.on('clientError', answerClientError);
      const webSockets = createV1WebSocket({
        services,
        completions: services.llm.completions,
        metrics,
        logger,
        maxMessageBytes: config.LLM_BODY_LIMIT_BYTES,
      });
      // WebSocket upgrades: /v1/ws only; anything else is refused as HTTP.
      server.on('upgrade', (req, socket, head) => {
        if (new URL(req.url ?? '/', 'http://upgrade').pathname === V1_WEBSOCKET_PATH) return webSockets.handleUpgrade(req, socket, head);
        socket.end('HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
      });
      httpServer = server;
      closeWebSockets = () => webSockets.close();
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.PORT, config.HOST, () => resolve());
      });
      const { port } = server.address() as AddressInfo;
      const host = config.HOST === '0.0.0.0' || config.HOST === '::' ? '127.0.0.1' : config.HOST;
      const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
      services.channels.selfUrl = url;
      metaSimulator?.useWebhook(`${url}${META_WEBHOOK_PATH}`);
      logger.info({ url, docs: `${url}/docs` }, 'WispHub Gateway listening');
      await flushLogger(logger);

      // Warm-up in the background; retried until clients and plans are held, so /ready turns green without traffic.
      const runWarmUp = async () => {
        warmUpTimer = null;
        warmUp = 'running';
        await gateway.warmUp();
        warmUp = gateway.warm ? 'done' : 'failed';
        if (!gateway.warm && !stopping) warmUpTimer = setTimeout(() => void runWarmUp(), WARMUP_RETRY_MS);
      };
      if (config.WARMUP) void runWarmUp();
      let demo: Promise<MorningPlayed> | null = null;
      if (config.SIM_DEMO_ACTIVITY && simulator && llmSimulator && apiKeys.usesDevelopmentKey) {
        demo = playMorning({
          url,
          botKey: DEVELOPMENT_API_KEY,
          simulator,
          llmSimulator,
          verifyMaxFailures: config.VERIFY_MAX_FAILURES,
        });
        void demo.then((morning) =>
          logger.info(morning, 'on the simulators: played a morning of demo activity through the public endpoints (SIM_DEMO_ACTIVITY)'),
        );
      }
      return { url, port, services, metrics, simulator, llmSimulator, twilioSimulator, metaSimulator, demo };
    },

    async stop() {
      stopping = true;
      if (warmUpTimer) clearTimeout(warmUpTimer);
      closeWebSockets?.();
      const server = httpServer;
      httpServer = null;
      if (server) {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections?.();
        const deadline = Date.now() + config.SHUTDOWN_GRACE_MS;
        while (activity.inFlight > 0 && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 25));
          server.closeIdleConnections?.();
        }
        if (activity.inFlight > 0) logger.warn({ inFlight: activity.inFlight }, 'shutdown grace passed: closing open connections');
        server.closeAllConnections?.();
        await closed;
      }
      // Pending ticket creates stop here; with Redis another instance takes them over.
      stopSettlements?.();
      await simulator?.close();
      simulator = null;
      await llmSimulator?.close();
      llmSimulator = null;
      await twilioSimulator?.close();
      twilioSimulator = null;
      await metaSimulator?.close();
      metaSimulator = null;
      await books?.stop().catch((error: unknown) => logger.error({ err: error }, 'the books could not be closed cleanly'));
      books = null;
      await shared?.close();
      shared = null;
      await flushLogger(logger);
    },
  };
}
