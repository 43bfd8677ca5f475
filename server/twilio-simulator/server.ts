/**
 * An embedded Twilio for the WhatsApp channel, written from Twilio's public API reference and
 * sharing no code with the channel: the Messages API (`POST /2010-04-01/Accounts/{Sid}/Messages.json`,
 * HTTP Basic with the account SID and auth token, answered 201 with a Message resource, status
 * callbacks `sent` then `delivered` when asked), and the other direction: an inbound WhatsApp
 * message delivered to a webhook, form-encoded and signed as Twilio signs (HMAC-SHA1 of the URL
 * and the sorted parameters, base64, in X-Twilio-Signature).
 */

import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export const SIM_ACCOUNT_SID = `AC${'0'.repeat(32)}`;
export const SIM_AUTH_TOKEN = 'sim-twilio-auth-token-not-secret';
export const SIM_WHATSAPP_FROM = 'whatsapp:+14155238886';

export interface SentMessage {
  sid: string;
  to: string;
  from: string;
  body: string;
  statusCallback: string | null;
}

export interface TwilioSimulator {
  url: string;
  accountSid: string;
  authToken: string;
  /** Messages sent through the Messages API, oldest first. */
  sent(): SentMessage[];
  /** A file a customer sends: served at the URL answered (MediaUrlN), to the account's Basic credentials. */
  media(bytes: Uint8Array, contentType: string): string;
  /** Twilio delivering a customer's WhatsApp message to a webhook; answers the webhook's status and body. */
  deliver(
    webhookUrl: string,
    message: { from: string; body: string; messageSid?: string; media?: { url: string; contentType: string }[] },
  ): Promise<{ status: number; body: string; messageSid: string }>;
  close(): Promise<void>;
}

/** Twilio's signature: HMAC-SHA1 over the URL and each parameter's name and value, sorted by name. */
export function twilioSignature(authToken: string, url: string, params: Record<string, string>): string {
  const data = Object.keys(params)
    .sort()
    .reduce((text, name) => text + name + params[name], url);
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

const sid = (prefix: string) => `${prefix}${randomBytes(16).toString('hex')}`;

async function readForm(req: IncomingMessage): Promise<Record<string, string>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
  res.end(payload);
}

async function postSigned(url: string, authToken: string, params: Record<string, string>): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilioSignature(authToken, url, params) },
    body: new URLSearchParams(params),
  });
}

export async function startTwilioSimulator(
  options: { port?: number; accountSid?: string; authToken?: string } = {},
): Promise<TwilioSimulator> {
  const accountSid = options.accountSid ?? SIM_ACCOUNT_SID;
  const authToken = options.authToken ?? SIM_AUTH_TOKEN;
  const sent: SentMessage[] = [];
  const files = new Map<string, { bytes: Uint8Array; contentType: string }>();
  const sockets = new Set<Socket>();
  const messagesPath = `/2010-04-01/Accounts/${accountSid}/Messages.json`;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://twilio').pathname;
    const expected = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`;
    // A customer's file: served to the account's credentials only.
    const file = req.method === 'GET' ? files.get(path) : undefined;
    if (file) {
      if (req.headers.authorization !== expected) return sendJson(res, 401, { code: 20003, message: 'Authenticate', status: 401 });
      res.writeHead(200, { 'content-type': file.contentType, 'content-length': file.bytes.length });
      return void res.end(file.bytes);
    }
    if (req.method !== 'POST' || path !== messagesPath)
      return sendJson(res, 404, { code: 20404, message: 'The requested resource was not found', status: 404 });
    if (req.headers.authorization !== expected) return sendJson(res, 401, { code: 20003, message: 'Authenticate', status: 401 });
    const form = await readForm(req);
    if (!form.To || !form.From || (!form.Body && !form.MediaUrl))
      return sendJson(res, 400, { code: 21602, message: 'Message body is required.', status: 400 });
    const message: SentMessage = {
      sid: sid('SM'),
      to: form.To,
      from: form.From,
      body: form.Body ?? '',
      statusCallback: form.StatusCallback ?? null,
    };
    sent.push(message);
    const now = new Date().toUTCString();
    sendJson(res, 201, {
      sid: message.sid,
      account_sid: accountSid,
      to: message.to,
      from: message.from,
      body: message.body,
      status: 'queued',
      direction: 'outbound-api',
      num_segments: '1',
      num_media: '0',
      api_version: '2010-04-01',
      date_created: now,
      date_updated: now,
      date_sent: null,
      error_code: null,
      error_message: null,
      price: null,
      uri: `${messagesPath.replace('.json', '')}/${message.sid}.json`,
    });
    if (message.statusCallback) {
      for (const status of ['sent', 'delivered']) {
        await postSigned(message.statusCallback, authToken, {
          AccountSid: accountSid,
          MessageSid: message.sid,
          SmsSid: message.sid,
          MessageStatus: status,
          SmsStatus: status,
          To: message.to,
          From: message.from,
          ApiVersion: '2010-04-01',
        }).catch(() => undefined);
      }
    }
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) sendJson(res, 500, { code: 20500, message: 'Internal Server Error', status: 500 });
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
  if (address === null || typeof address === 'string') throw new Error('Twilio simulator did not bind a TCP port');

  return {
    url: `http://127.0.0.1:${address.port}`,
    accountSid,
    authToken,
    sent: () => [...sent],
    media(bytes, contentType) {
      const path = `/2010-04-01/Accounts/${accountSid}/Messages/${sid('MM')}/Media/${sid('ME')}`;
      files.set(path, { bytes, contentType });
      return `http://127.0.0.1:${(address as { port: number }).port}${path}`;
    },
    async deliver(webhookUrl, message) {
      const messageSid = message.messageSid ?? sid('SM');
      const waId = message.from.replace(/^whatsapp:\+?/, '');
      const params: Record<string, string> = {
        SmsMessageSid: messageSid,
        NumMedia: String(message.media?.length ?? 0),
        ProfileName: 'Cliente',
        MessageType: message.media?.length ? 'image' : 'text',
        SmsSid: messageSid,
        WaId: waId,
        SmsStatus: 'received',
        Body: message.body,
        To: SIM_WHATSAPP_FROM,
        NumSegments: '1',
        ReferralNumMedia: '0',
        MessageSid: messageSid,
        AccountSid: accountSid,
        From: message.from,
        ApiVersion: '2010-04-01',
      };
      for (const [index, item] of (message.media ?? []).entries()) {
        params[`MediaUrl${index}`] = item.url;
        params[`MediaContentType${index}`] = item.contentType;
      }
      const response = await postSigned(webhookUrl, authToken, params);
      return { status: response.status, body: await response.text(), messageSid };
    },
    close() {
      return new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      });
    },
  };
}
