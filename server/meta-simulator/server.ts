/**
 * An embedded Meta WhatsApp Cloud API for the Meta channel, written from Meta's public reference
 * and sharing no code with the channel: the Graph API's messages endpoint
 * (`POST /{version}/{phone-number-id}/messages`, Bearer access token, answered with the message's
 * wamid, then `sent` and `delivered` statuses to the webhook), and the other direction: the GET
 * verification handshake, and inbound messages delivered to the webhook in Meta's envelope, signed
 * with the app secret (`X-Hub-Signature-256: sha256=<hex HMAC of the raw body>`).
 */

import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export const SIM_META_APP_SECRET = 'sim-meta-app-secret-not-secret';
export const SIM_META_VERIFY_TOKEN = 'sim-meta-verify-token';
export const SIM_META_ACCESS_TOKEN = 'sim-meta-access-token-not-secret';
export const SIM_META_PHONE_NUMBER_ID = '100000000000001';
export const SIM_META_GRAPH_VERSION = 'v23.0';

export interface MetaSentMessage {
  id: string;
  to: string;
  body: string;
}

export interface MetaSimulator {
  url: string;
  /** Messages sent through the Graph API, oldest first. */
  sent(): MetaSentMessage[];
  /** A file a customer sends: answers its media id (the Graph API describes it; its URL serves it to the access token). */
  media(bytes: Uint8Array, mimeType: string): string;
  /** Where Meta delivers (and sends statuses to): the gateway's webhook. */
  useWebhook(url: string): void;
  /** Meta's GET handshake; answers the status and body. */
  verify(token: string, challenge: string): Promise<{ status: number; body: string }>;
  /** A customer's message delivered to the webhook, signed; answers the webhook's status. */
  deliver(message: {
    from: string;
    body?: string;
    id?: string;
    image?: { id: string; mimeType: string };
  }): Promise<{ status: number; id: string }>;
  /** Signs a raw body as Meta does (for tests that forge or tamper). */
  sign(raw: string): string;
  close(): Promise<void>;
}

const wamid = () => `wamid.${randomBytes(18).toString('base64url')}`;

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
  res.end(payload);
}

export async function startMetaSimulator(
  options: { port?: number; appSecret?: string; accessToken?: string } = {},
): Promise<MetaSimulator> {
  const appSecret = options.appSecret ?? SIM_META_APP_SECRET;
  const accessToken = options.accessToken ?? SIM_META_ACCESS_TOKEN;
  const sent: MetaSentMessage[] = [];
  const files = new Map<string, { bytes: Uint8Array; mimeType: string }>();
  const sockets = new Set<Socket>();
  let webhook: string | null = null;
  const sign = (raw: string) => `sha256=${createHmac('sha256', appSecret).update(raw, 'utf8').digest('hex')}`;

  const envelope = (value: Record<string, unknown>) => ({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '200000000000002',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550001234', phone_number_id: SIM_META_PHONE_NUMBER_ID },
              ...value,
            },
          },
        ],
      },
    ],
  });

  async function post(body: unknown): Promise<number> {
    if (!webhook) throw new Error('the Meta simulator has no webhook to deliver to');
    const raw = JSON.stringify(body);
    const response = await fetch(webhook, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign(raw) },
      body: raw,
    });
    await response.arrayBuffer();
    return response.status;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://graph').pathname;
    if (req.method === 'GET') {
      if (req.headers.authorization !== `Bearer ${accessToken}`)
        return sendJson(res, 401, { error: { message: 'Invalid OAuth access token.', type: 'OAuthException', code: 190 } });
      const described = /^\/v\d+\.\d+\/(\d+)$/.exec(path)?.[1];
      const downloaded = /^\/media-download\/(\d+)$/.exec(path)?.[1];
      const file = files.get(described ?? downloaded ?? '');
      if (!file) return sendJson(res, 404, { error: { message: 'Unsupported get request.', type: 'GraphMethodException', code: 100 } });
      if (described)
        return sendJson(res, 200, {
          messaging_product: 'whatsapp',
          url: `http://127.0.0.1:${(server.address() as { port: number }).port}/media-download/${described}`,
          mime_type: file.mimeType,
          file_size: file.bytes.length,
          id: described,
        });
      res.writeHead(200, { 'content-type': file.mimeType, 'content-length': file.bytes.length });
      return void res.end(file.bytes);
    }
    const match = path.match(/^\/(v\d+\.\d+)\/(\d+)\/messages$/);
    if (req.method !== 'POST' || !match)
      return sendJson(res, 404, { error: { message: 'Unknown path components', type: 'OAuthException', code: 2500 } });
    if (req.headers.authorization !== `Bearer ${accessToken}`)
      return sendJson(res, 401, { error: { message: 'Invalid OAuth access token.', type: 'OAuthException', code: 190 } });
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    let body: { messaging_product?: string; to?: string; type?: string; text?: { body?: string } };
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return sendJson(res, 400, { error: { message: 'Invalid JSON', type: 'OAuthException', code: 100 } });
    }
    if (body.messaging_product !== 'whatsapp' || !body.to || body.type !== 'text' || !body.text?.body)
      return sendJson(res, 400, { error: { message: '(#100) Invalid parameter', type: 'OAuthException', code: 100 } });
    const message = { id: wamid(), to: body.to, body: body.text.body };
    sent.push(message);
    sendJson(res, 200, { messaging_product: 'whatsapp', contacts: [{ input: body.to, wa_id: body.to }], messages: [{ id: message.id }] });
    for (const status of ['sent', 'delivered']) {
      await post(
        envelope({ statuses: [{ id: message.id, status, timestamp: String(Math.floor(Date.now() / 1000)), recipient_id: message.to }] }),
      ).catch(() => undefined);
    }
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) sendJson(res, 500, { error: { message: 'An unknown error occurred', code: 1 } });
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('Meta simulator did not bind a TCP port');

  return {
    url: `http://127.0.0.1:${address.port}`,
    sent: () => [...sent],
    media(bytes, mimeType) {
      const id = String(1_000_000_000_000 + files.size + 1);
      files.set(id, { bytes, mimeType });
      return id;
    },
    useWebhook(url) {
      webhook = url;
    },
    async verify(token, challenge) {
      if (!webhook) throw new Error('no webhook');
      const url = new URL(webhook);
      url.searchParams.set('hub.mode', 'subscribe');
      url.searchParams.set('hub.verify_token', token);
      url.searchParams.set('hub.challenge', challenge);
      const response = await fetch(url);
      return { status: response.status, body: await response.text() };
    },
    async deliver(message) {
      const id = message.id ?? wamid();
      const inbound: Record<string, unknown> = { from: message.from, id, timestamp: String(Math.floor(Date.now() / 1000)) };
      if (message.image)
        Object.assign(inbound, {
          type: 'image',
          image: { id: message.image.id, mime_type: message.image.mimeType, caption: message.body ?? '' },
        });
      else Object.assign(inbound, { type: 'text', text: { body: message.body ?? '' } });
      const status = await post(envelope({ contacts: [{ profile: { name: 'Cliente' }, wa_id: message.from }], messages: [inbound] }));
      return { status, id };
    },
    sign,
    close() {
      return new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      });
    },
  };
}
