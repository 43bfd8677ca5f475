/**
 * `/v1/ws`: one WebSocket carrying many chat completions at once, each answered with the same
 * chunks SSE would send. A path of its own rather than an upgrade of /v1/chat/completions: the
 * SDKs POST there and expect SSE, and a separate door keeps each contract plain.
 *
 *   client → {"id": "r1", "body": {…a Chat Completions request…}}     (every request is streamed)
 *   client → {"id": "r1", "cancel": true}
 *   server → {"id": "r1", "meta": {tier, model, provider, fallbacks, cache}}
 *   server → {"id": "r1", "chunk": {…chat.completion.chunk…}}           (as many as SSE would send)
 *   server → {"id": "r1", "done": true}  or  {"id": "r1", "error": {…OpenAI's error object…}}  or  {"id": "r1", "cancelled": true}
 *
 * The key is checked on the upgrade, from the headers (a refusal is an HTTP answer, no socket is
 * opened); every request on the socket is counted against the key's rate limit like any other.
 */

import { randomUUID } from 'node:crypto';
import { type IncomingMessage, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import { AppError, toFieldIssues } from '../errors';
import { admitKey, clientAddressOf, endUserOf, presentedKey } from '../http/key-gate';
import type { CompletionService } from '../llm/completions';
import type { Logger } from '../observability/logger';
import type { ServiceMetrics } from '../observability/metrics';
import type { Services } from '../services';
import type { RequestContext } from '../trpc/context';
import { authenticate } from '../trpc/procedures';
import { Cancellation } from '../upstream/cancellation';
import { type Accounting, admitRequest, deliverStream, factsOf, type RequestFacts, recordFailure } from './completion-metrics';
import { toOpenAiError } from './errors';
import { chatRequestSchema, toChatRequest } from './schemas';

export const V1_WEBSOCKET_PATH = '/v1/ws';

/** Requests one socket may have running at once; more are refused one by one (429), the socket stays. */
const MAX_IN_FLIGHT = 16;
const ID = /^[\w.:-]{1,64}$/;

export interface V1WebSocketDeps {
  services: Services;
  completions: CompletionService;
  metrics: ServiceMetrics;
  logger: Logger;
  maxMessageBytes: number;
}

function refuseUpgrade(socket: Duplex, error: unknown): void {
  const { status, body, headers } = toOpenAiError(error, null);
  const payload = JSON.stringify(body);
  const extra = Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(payload)}\r\nconnection: close\r\n${extra}\r\n${payload}`,
  );
}

export function createV1WebSocket({ services, completions, metrics, logger, maxMessageBytes }: V1WebSocketDeps) {
  const server = new WebSocketServer({ noServer: true, maxPayload: maxMessageBytes, perMessageDeflate: false });
  const accounting: Accounting = { metrics, books: services.books, logger };

  /** A context per request on the socket, as a request on HTTP would have. */
  const contextFor = (key: string | null, endUser: string | null, connection: object): RequestContext => ({
    services,
    requestId: randomUUID(),
    surface: 'rest',
    presentedApiKey: key,
    connection,
    presentedVerification: null,
    endUser,
    report: { keyName: null, cacheState: null, procedure: 'v1.ws' },
  });

  function serve(socket: WebSocket, key: string, endUser: string | null, connection: object): void {
    const running = new Map<string, Cancellation>();
    const send = (message: object) => {
      if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
    };
    const fail = (id: string | null, error: unknown, requestId: string | null) =>
      send({ id, error: toOpenAiError(error, requestId).body.error });

    async function run(id: string, body: unknown): Promise<void> {
      const ctx = contextFor(key, endUser, connection);
      const cancel = new Cancellation();
      running.set(id, cancel);
      let meta: Awaited<ReturnType<CompletionService['stream']>>['meta'] | null = null;
      let facts: RequestFacts | null = null;
      const startedMs = Date.now();
      try {
        const caller = await authenticate(ctx);
        const parsed = chatRequestSchema.safeParse(body);
        if (!parsed.success) throw new AppError('invalid_input', { details: { issues: toFieldIssues(parsed.error) } });
        const request = { ...toChatRequest(parsed.data), stream: true };
        facts = factsOf(request, caller, { requestId: ctx.requestId, endUser, startedMs });
        const scope = await admitRequest(accounting, facts, services.config.LLM_KEY_ROUTE_WEIGHTS[caller.name]);
        const streamed = await completions.stream(request, scope, 'auto', cancel);
        meta = streamed.meta;
        const { tier, model, provider, cache } = streamed.meta;
        send({
          id,
          meta: {
            tier,
            model,
            provider,
            cache,
            fallbacks: streamed.meta.fallbacks.map(({ model: m, provider: p, outcome }) => ({ model: m, provider: p, outcome })),
          },
        });
        const failure = await deliverStream(
          streamed,
          (chunk) => send({ id, chunk }),
          () => cancel.cancelled,
          accounting,
          facts,
        );
        if (failure && !cancel.cancelled) throw failure;
        send(cancel.cancelled ? { id, cancelled: true } : { id, done: true });
      } catch (error) {
        if (cancel.cancelled) return send({ id, cancelled: true });
        if (!(error instanceof AppError)) logger.error({ requestId: ctx.requestId, err: error }, 'v1 websocket request failed');
        if (meta === null) recordFailure(accounting, facts, error);
        fail(id, error, ctx.requestId);
      } finally {
        running.delete(id);
      }
    }

    socket.on('message', (data, isBinary) => {
      let message: { id?: unknown; body?: unknown; cancel?: unknown };
      try {
        if (isBinary) throw new Error('binary');
        message = JSON.parse(data.toString()) as typeof message;
        if (typeof message !== 'object' || message === null) throw new Error('not an object');
      } catch {
        return fail(null, new AppError('invalid_json', { message: 'Cada mensaje es un objeto JSON {id, body} o {id, cancel}.' }), null);
      }
      const id = typeof message.id === 'string' && ID.test(message.id) ? message.id : null;
      if (id === null)
        return fail(null, new AppError('invalid_input', { message: 'Cada mensaje lleva un id (1-64 letras, dígitos, _ . : -).' }), null);
      if (message.cancel === true) {
        running.get(id)?.cancel();
        return;
      }
      if (running.has(id)) return fail(id, new AppError('invalid_input', { message: 'Ya hay una solicitud en curso con ese id.' }), null);
      if (running.size >= MAX_IN_FLIGHT)
        return fail(
          id,
          new AppError('rate_limited', {
            retryAfterSeconds: 1,
            message: `Como máximo ${MAX_IN_FLIGHT} solicitudes a la vez por conexión.`,
          }),
          null,
        );
      void run(id, message.body);
    });
    socket.on('close', () => {
      for (const cancel of running.values()) cancel.cancel();
    });
    socket.on('error', () => socket.terminate());
  }

  /** The same door as every keyed surface (key-gate.ts): the key from the headers, strangers limited per address. */
  function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    let endUser: string | null;
    let door: ReturnType<typeof admitKey>;
    try {
      endUser = endUserOf(req);
      door = admitKey(contextFor(presentedKey(req), endUser, socket), () => clientAddressOf(req, services.config.TRUST_PROXY_HOPS));
    } catch (error) {
      return refuseUpgrade(socket, error);
    }
    if (door instanceof Promise) {
      door.catch((error: unknown) => refuseUpgrade(socket, error));
      return;
    }
    const key = presentedKey(req)!;
    server.handleUpgrade(req, socket, head, (ws) => serve(ws, key, endUser, socket));
  }

  return {
    handleUpgrade,
    /** Ends every open socket (shutdown): their running requests are cancelled. */
    close(): void {
      for (const client of server.clients) client.terminate();
      server.close();
    },
  };
}
