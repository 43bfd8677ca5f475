import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiKeyRegistry } from './auth';
import type { Config } from './config';
import { createRequestListener } from './http';
import { IdempotencyStore } from './idempotency';
import { KeyedMutex } from './keyed-mutex';
import { loadSubjectCatalogue } from './ticket-catalogue';
import { createLogger, type Logger } from './logger';
import { startSimulator, type Simulator } from './simulator/server';
import type { Services } from './trpc';
import { WispHubGateway } from './wisphub/gateway';
import { UpstreamTransport } from './wisphub/transport';

/**
 * Wires the service: the embedded simulator when no WispHub Net host is set, the gateway,
 * and one node:http server. `start()` listens (port 0 picks a free port), `stop()` closes all.
 */

export interface RunningServer {
  url: string;
  port: number;
  services: Services;
  simulator: Simulator | null;
}

export interface GatewayServer {
  start(): Promise<RunningServer>;
  stop(): Promise<void>;
}

export function createServer(config: Config, options: { logger?: Logger } = {}): GatewayServer {
  const logger = options.logger ?? createLogger(config.LOG_LEVEL);
  let httpServer: Server | null = null;
  let simulator: Simulator | null = null;

  return {
    async start() {
      const subjects = loadSubjectCatalogue(config.TICKET_SUBJECTS_FILE);
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
        clientsTtlMs: config.CACHE_TTL_CLIENTS_S * 1000,
        plansTtlMs: config.CACHE_TTL_PLANS_S * 1000,
        paymentMethodsTtlMs: config.CACHE_TTL_PAYMENT_METHODS_S * 1000,
        zoneCountsTtlMs: config.CACHE_TTL_ZONE_COUNTS_S * 1000,
        staleMs: config.CACHE_STALE_MAX_AGE_S * 1000,
        activeTicketStates: config.ACTIVE_TICKET_STATES,
        timeZone: config.TIMEZONE,
        ticketReconcileWindowMs: config.TICKET_RECONCILE_WINDOW_S * 1000,
      });
      const apiKeys = ApiKeyRegistry.fromConfig(config);
      if (apiKeys.usesDevelopmentKey) {
        logger.warn('API_KEYS is empty: the documented development key is accepted (simulator only)');
      }
      const services: Services = {
        config,
        gateway,
        apiKeys,
        logger,
        now: () => new Date(),
        subjects,
        extraHolidays: new Set(config.EXTRA_HOLIDAYS),
        defaultTechnicianId: config.DEFAULT_TECHNICIAN_ID ?? simulator?.data.technicians[0]?.id ?? null,
        idempotency: new IdempotencyStore(config.IDEMPOTENCY_TTL_S * 1000),
        zoneLocks: new KeyedMutex(),
      };
      const server = createHttpServer(createRequestListener(services));
      httpServer = server;
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.PORT, config.HOST, () => resolve());
      });
      const { port } = server.address() as AddressInfo;
      const host = config.HOST === '0.0.0.0' || config.HOST === '::' ? '127.0.0.1' : config.HOST;
      const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
      logger.info({ url }, 'WispHub Gateway listening');
      if (config.WARMUP) void gateway.warmUp();
      return { url, port, services, simulator };
    },

    async stop() {
      const server = httpServer;
      httpServer = null;
      if (server) {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections?.();
        });
      }
      await simulator?.close();
      simulator = null;
    },
  };
}
