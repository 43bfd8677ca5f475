/**
 * An embedded model provider: OpenAI's, Anthropic's and Gemini's HTTP APIs on one loopback port
 * (`/v1/chat/completions`, `/v1/messages`, `/v1beta/models/{model}:generateContent`), with
 * deterministic answers (script.ts), streaming, tool calls, usage, switchable faults and call
 * counters. Shares no code with the gateway's provider adapters: it is a second reading of the
 * providers' API references, so a misreading in one is caught by the other.
 */

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { anthropicFormat } from './anthropic';
import { FaultPlan, type LlmFault, type SimProvider } from './faults';
import type { Frame, WireFormat } from './formats';
import { geminiFormat } from './gemini';
import { openAiFormat } from './openai';
import { replyTo, type SimReply } from './script';

export interface LlmSimulatorOptions {
  port?: number;
  host?: string;
  /** Keys each provider accepts; any non-empty key when absent. */
  keys?: Partial<Record<SimProvider, string>>;
  /** Model ids served; any when absent (others get the provider's 404). */
  models?: readonly string[];
  /** Pause between stream chunks. */
  chunkDelayMs?: number;
}

export interface BilledCall {
  provider: SimProvider;
  model: string;
  stream: boolean;
  input: number;
  output: number;
}

export interface LlmSimulator {
  url: string;
  /** Faults in play from now on (replacing earlier ones). */
  setFaults(faults: readonly LlmFault[]): void;
  resetFaults(): void;
  /** Calls served whose "provider model" contains `filter` (all without one). */
  calls(filter?: string): number;
  resetCalls(): void;
  /** The body of the last call to each provider, as received (for translation tests). */
  lastBody(provider: SimProvider): Record<string, unknown> | null;
  /** The headers of the last call to each provider. */
  lastHeaders(provider: SimProvider): IncomingMessage['headers'] | null;
  /** What each answer delivered whole billed (a stream cut short bills nothing here), oldest first. */
  billed(): BilledCall[];
  resetBilled(): void;
  /**
   * The next calls' answers, in order, whatever they ask (a test playing the model's part: a tool
   * call, then a sentence); once used up, the deterministic script answers again.
   */
  script(replies: readonly SimReply[]): void;
  /** Every call's body since the last reset, oldest first (what the model was shown). */
  received(): { provider: SimProvider; model: string; body: Record<string, unknown> }[];
  resetReceived(): void;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), ...headers });
  res.end(payload);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Which format a path speaks, the model it names, and whether it is Gemini's stream endpoint. */
function routeOf(path: string, body: Record<string, unknown>): { format: WireFormat; model: string; streamPath: boolean } | null {
  if (path === '/v1/chat/completions') return { format: openAiFormat, model: String(body.model ?? ''), streamPath: false };
  if (path === '/v1/messages') return { format: anthropicFormat, model: String(body.model ?? ''), streamPath: false };
  const gemini = path.match(/^\/v1beta\/models\/([^/:]+):(generateContent|streamGenerateContent)$/);
  if (gemini) return { format: geminiFormat, model: decodeURIComponent(gemini[1]!), streamPath: gemini[2] === 'streamGenerateContent' };
  return null;
}

function keyOf(req: IncomingMessage, url: URL, provider: SimProvider): string | null {
  const bearer = req.headers.authorization?.match(/^Bearer\s+(\S+)$/i)?.[1] ?? null;
  if (provider === 'anthropic') return (req.headers['x-api-key'] as string | undefined) ?? bearer;
  if (provider === 'google') return (req.headers['x-goog-api-key'] as string | undefined) ?? url.searchParams.get('key');
  return bearer;
}

export async function startLlmSimulator(options: LlmSimulatorOptions = {}): Promise<LlmSimulator> {
  const faults = new FaultPlan();
  const counters = new Map<string, number>();
  const lastBodies = new Map<SimProvider, Record<string, unknown>>();
  const lastHeaders = new Map<SimProvider, IncomingMessage['headers']>();
  const sockets = new Set<Socket>();
  const models = options.models ? new Set(options.models) : null;
  let serial = 0;

  const ledger: BilledCall[] = [];
  const scripted: SimReply[] = [];
  const receivedBodies: { provider: SimProvider; model: string; body: Record<string, unknown> }[] = [];

  async function writeFrames(res: ServerResponse, frames: Frame[], fault: LlmFault | null, bill: () => void): Promise<void> {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    res.flushHeaders();
    if (fault?.firstTokenDelayMs) await sleep(fault.firstTokenDelayMs);
    for (const [index, frame] of frames.entries()) {
      if (fault?.cutAfterChunks !== undefined && index >= fault.cutAfterChunks) {
        res.socket?.destroy();
        return;
      }
      const text = `${frame.event ? `event: ${frame.event}\n` : ''}data: ${frame.data}\n\n`;
      // Before a cut, each frame is on the wire first: the caller sees the chunks, then the break.
      if (fault?.cutAfterChunks !== undefined) await new Promise<void>((resolve) => res.write(text, () => resolve()));
      else res.write(text);
      if (options.chunkDelayMs) await sleep(options.chunkDelayMs);
    }
    bill();
    res.end();
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://simulator');
    if (req.method === 'GET' && url.pathname === '/v1/models') {
      return sendJson(res, 200, {
        object: 'list',
        data: [...(models ?? [])].map((id) => ({ id, object: 'model', created: 0, owned_by: 'simulator' })),
      });
    }
    if (req.method !== 'POST') return sendJson(res, 405, { error: { message: 'Method not allowed' } });
    let body: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse((await readBody(req)) || '{}');
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
      body = parsed as Record<string, unknown>;
    } catch {
      return sendJson(res, 400, { error: { message: 'We could not parse the JSON body of your request.' } });
    }
    const route = routeOf(url.pathname, body);
    if (!route) return sendJson(res, 404, { error: { message: `Unknown path ${url.pathname}` } });
    const { format, model, streamPath } = route;
    lastBodies.set(format.provider, body);
    lastHeaders.set(format.provider, req.headers);
    const key = keyOf(req, url, format.provider);
    const expected = options.keys?.[format.provider];
    if (!key || (expected !== undefined && key !== expected)) return sendJson(res, 401, format.error(401, 'Invalid API key provided.'));
    if (format.provider === 'anthropic' && !req.headers['anthropic-version'])
      return sendJson(res, 400, format.error(400, 'anthropic-version: header is required'));
    const counter = `${format.provider} ${model}`;
    counters.set(counter, (counters.get(counter) ?? 0) + 1);
    if (models && !models.has(model)) return sendJson(res, 404, format.error(404, `The model \`${model}\` does not exist.`));
    const fault = faults.take(format.provider, model);
    if (fault?.hangMs) await sleep(fault.hangMs);
    if (fault?.status) {
      const headers: Record<string, string> =
        fault.retryAfterSeconds !== undefined ? { 'retry-after': String(fault.retryAfterSeconds) } : {};
      return sendJson(res, fault.status, format.error(fault.status, `Simulated ${fault.status}`), headers);
    }
    if (fault?.malformed) {
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end('{"id": "trunc');
    }
    const call = format.parse(body, model, streamPath);
    if ('invalid' in call) return sendJson(res, 400, format.error(400, call.invalid));
    receivedBodies.push({ provider: format.provider, model, body });
    const reply = scripted.shift() ?? replyTo(call.conversation);
    serial += 1;
    const whole = format.answer(reply, call, serial);
    const stream = call.stream || streamPath;
    const bill = () => ledger.push({ provider: format.provider, model, stream, ...format.billed(whole) });
    if (stream) return writeFrames(res, format.frames(reply, call, serial), fault, bill);
    bill();
    return sendJson(res, 200, whole);
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) sendJson(res, 500, { error: { message: 'simulator failure' } });
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 30_000;
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('LLM simulator did not bind a TCP port');
  const url = `http://${options.host ?? '127.0.0.1'}:${address.port}`;

  return {
    url,
    setFaults: (rules) => faults.set(rules),
    resetFaults: () => faults.clear(),
    calls(filter) {
      let total = 0;
      for (const [name, count] of counters) if (filter === undefined || name.includes(filter)) total += count;
      return total;
    },
    resetCalls: () => counters.clear(),
    lastBody: (provider) => lastBodies.get(provider) ?? null,
    lastHeaders: (provider) => lastHeaders.get(provider) ?? null,
    billed: () => [...ledger],
    script: (replies) => {
      scripted.push(...replies);
    },
    received: () => [...receivedBodies],
    resetReceived: () => {
      receivedBodies.length = 0;
      scripted.length = 0;
    },
    resetBilled: () => {
      ledger.length = 0;
    },
    close() {
      return new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      });
    },
  };
}
