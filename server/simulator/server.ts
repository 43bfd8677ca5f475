/**
 * An embedded WispHub Net: the same dialect (Api-Key auth, DRF pagination with absolute
 * http:// next links, trailing-slash 301s, DRF 400s, ping tasks) on a loopback port, with
 * fault injection and per-path call counters for tests. This file is the listener and the
 * handle tests hold; the routes are a table (routes/) over the tenant's state (state.ts).
 */

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { BalanceShape } from './balance';
import type { SimBilling } from './billing';
import { generateSimulatorData, type JsonRecord, type SimulatorData, type SimulatorDataOptions } from './data';
import { canonicalPath, type SimulatorDialect, UPSTREAM_DIALECT } from './dialect';
import { injectFault } from './fault-injection';
import { faultsApply, NO_FAULTS, type SimulatorFaults } from './faults';
import { DETAIL_FORBIDDEN, DETAIL_NOT_FOUND, readBody, sendJson, sleep } from './http';
import { SIMULATOR_ROUTES } from './routes/index';
import { dispatch } from './routing';
import { createSimState } from './state';

export interface SimulatorOptions extends SimulatorDataOptions {
  port?: number;
  host?: string;
  apiKey?: string;
  pingDelayMs: number;
  faults?: Partial<SimulatorFaults>;
  /** Behaviours played the other way (default: WispHub Net as docs/upstream.md records it). */
  dialect?: Partial<SimulatorDialect>;
}

export interface Simulator {
  url: string;
  apiKey: string;
  data: SimulatorData;
  setFaults(faults: Partial<SimulatorFaults>): void;
  resetFaults(): void;
  /** Plays some behaviours the other way; `resetDialect` restores the start-up dialect. */
  setDialect(dialect: Partial<SimulatorDialect>): void;
  resetDialect(): void;
  /** Adds a client as if created in WispHub Net's own UI (not through this service). */
  addClient(client: JsonRecord): void;
  /** Sets what `/api/clientes/{id}/saldo` answers for one client (record and shape); null restores the generated one. */
  setBalance(serviceId: number, balance: { record: JsonRecord; shape: BalanceShape } | null): void;
  /** Payments, payment reports, promises and service tasks upstream holds. */
  billing: SimBilling;
  /** Marks (description) or clears (null) a known outage on a router, as an ISP does in WispHub Net. */
  setOutage(routerId: number, description: string | null): void;
  /** Calls served whose "METHOD /path" contains `filter` (all calls without a filter). */
  calls(filter?: string | RegExp): number;
  resetCalls(): void;
  close(): Promise<void>;
}

export async function startSimulator(options: SimulatorOptions): Promise<Simulator> {
  const data = generateSimulatorData(options);
  const apiKey = options.apiKey ?? 'SimuLat0.wisphubnetsimulatorkey0000000001';
  const state = createSimState(data, options.pingDelayMs, { ...UPSTREAM_DIALECT, ...options.dialect }, { ...NO_FAULTS, ...options.faults });
  const counters = new Map<string, number>();
  const sockets = new Set<Socket>();
  let origin = '';

  function control(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> | void {
    if (url.pathname === '/__sim/calls') {
      return sendJson(res, 200, { total: simulator.calls(), byPath: Object.fromEntries(counters) });
    }
    if (url.pathname === '/__sim/faults' && req.method === 'PUT') {
      return readBody(req).then((raw) => {
        try {
          simulator.setFaults(JSON.parse(raw.toString('utf8')) as Partial<SimulatorFaults>);
          sendJson(res, 200, state.faults);
        } catch {
          sendJson(res, 400, { detail: 'invalid faults' });
        }
      });
    }
    if (url.pathname === '/__sim/faults' && req.method === 'DELETE') {
      simulator.resetFaults();
      return sendJson(res, 200, state.faults);
    }
    sendJson(res, 404, DETAIL_NOT_FOUND);
  }

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', origin);
    if (url.pathname.startsWith('/__sim/')) {
      void control(req, res, url);
      return;
    }
    const key = `${req.method ?? 'GET'} ${url.pathname}`;
    counters.set(key, (counters.get(key) ?? 0) + 1);
    void (async () => {
      // Like a real server, the (small) body is received before any slowness: a stalled write still
      // commits after the client gave up, which is what makes blind retries create duplicates.
      const body = req.method === 'GET' || req.method === 'HEAD' ? Buffer.alloc(0) : await readBody(req);
      if (await injectFault(state.faults, req, res, url.pathname)) return;
      const faults = state.faults;
      const active = faultsApply(faults, req.method ?? 'GET', url.pathname);
      const writeFault = { stallMs: active ? faults.commitThenStallMs : 0, reset: active && faults.commitThenReset };
      if (req.headers.authorization !== `Api-Key ${apiKey}`) return sendJson(res, 403, DETAIL_FORBIDDEN);
      // DRF answers one spelling per endpoint; the other gets a 301 (which a client following it on a write turns into a bodiless GET).
      const canonical = canonicalPath(url.pathname, state.dialect);
      if (url.pathname !== canonical) {
        res.writeHead(301, { location: `${canonical}${url.search}` });
        res.end();
        return;
      }
      const afterWrite = async () => {
        await sleep(writeFault.stallMs);
        if (writeFault.reset) res.socket?.destroy();
      };
      await dispatch(SIMULATOR_ROUTES, { req, res, url, body, afterWrite }, state);
    })().catch(() => {
      if (!res.headersSent) sendJson(res, 500, { detail: 'Error interno del servidor.' });
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('simulator did not bind a TCP port');
  origin = `http://${options.host ?? '127.0.0.1'}:${address.port}`;

  const simulator: Simulator = {
    url: origin,
    apiKey,
    data,
    setFaults(next) {
      state.faults = { ...state.faults, ...next };
    },
    resetFaults() {
      state.faults = { ...NO_FAULTS, ...options.faults };
    },
    setDialect(next) {
      state.dialect = { ...state.dialect, ...next };
    },
    resetDialect() {
      state.dialect = { ...UPSTREAM_DIALECT, ...options.dialect };
    },
    setBalance(serviceId, balance) {
      if (balance) state.clients.balances.set(serviceId, balance);
      else state.clients.balances.delete(serviceId);
    },
    billing: state.billing,
    setOutage(routerId, description) {
      state.clients.setOutage(routerId, description);
    },
    addClient(client) {
      state.clients.add(client);
    },
    calls(filter) {
      let total = 0;
      for (const [key, count] of counters) {
        if (filter === undefined || (typeof filter === 'string' ? key.includes(filter) : filter.test(key))) total += count;
      }
      return total;
    },
    resetCalls() {
      counters.clear();
    },
    close() {
      return new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      });
    },
  };
  return simulator;
}
