/**
 * Meta's WhatsApp Cloud API webhook (`/channels/meta/whatsapp`): the GET handshake (`hub.mode`,
 * `hub.verify_token`, `hub.challenge`) and the POST deliveries, each signed with the app secret in
 * `X-Hub-Signature-256` (`sha256=` and the hex HMAC of the raw body), checked before the body is
 * parsed. A delivery is acknowledged at once (Meta retries a slow or failed webhook and in time
 * disables it); its messages are then answered one person at a time, each message id once, the
 * reply sent through the Graph API. Status updates (sent, delivered, read, failed) are counted.
 */

import { createHmac } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppError, methodNotAllowed } from '../../errors';
import { sameSecret } from '../../guards/same-secret';
import { mediaTypeOf, readRawBody } from '../../http/io';
import type { Logger } from '../../observability/logger';
import type { Mutex } from '../../redis/redis-lock';
import { type ChannelReply, channelEndUser, type InboundMessage, type SeenMessages } from '../channel';
import { type MetaAccount, sendWhatsAppText } from './graph-api';

export const META_WEBHOOK_PATH = '/channels/meta/whatsapp';
const BODY_LIMIT_BYTES = 1024 * 1024;

export interface MetaChannelDeps {
  account: MetaAccount;
  converse(endUser: string, message: InboundMessage, requestId: string): Promise<ChannelReply>;
  perPerson: Mutex;
  /** Provider message ids already answered (shared by every instance with Redis). */
  seen: SeenMessages;
  logger: Logger;
  onMessage?: (event: string) => void;
}

interface MetaMessage {
  from?: string;
  id?: string;
  type?: string;
  text?: { body?: string };
  image?: { id?: string; mime_type?: string; caption?: string };
  document?: { id?: string; mime_type?: string; caption?: string; filename?: string };
}

interface MetaDelivery {
  object?: string;
  entry?: { changes?: { field?: string; value?: { messages?: MetaMessage[]; statuses?: { status?: string }[] } }[] }[];
}

function inboundOf(message: MetaMessage): InboundMessage | null {
  if (!message.id || !message.from || !/^\d{6,20}$/.test(message.from)) return null;
  const attached = message.image ?? message.document;
  return {
    providerId: message.id,
    from: message.from,
    text: (message.text?.body ?? attached?.caption ?? '').slice(0, 4000),
    media: attached?.id ? [{ url: `meta-media:${attached.id}`, contentType: attached.mime_type ?? 'application/octet-stream' }] : [],
  };
}

export function createMetaChannel(deps: MetaChannelDeps) {
  const { seen } = deps;

  function handshake(req: IncomingMessage, res: ServerResponse): void {
    const query = new URL(req.url ?? '/', 'http://meta').searchParams;
    const token = query.get('hub.verify_token') ?? '';
    const challenge = query.get('hub.challenge') ?? '';
    if (query.get('hub.mode') !== 'subscribe' || !sameSecret(token, deps.account.verifyToken) || !/^[\w.-]{1,200}$/.test(challenge))
      throw new AppError('forbidden_for_key', { message: 'El token de verificación de Meta no corresponde.' });
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(challenge);
  }

  async function answer(message: InboundMessage, requestId: string): Promise<void> {
    const endUser = channelEndUser('whatsapp', message.from);
    const reply = await deps.perPerson.run(`meta:${endUser}`, () => deps.converse(endUser, message, requestId));
    await sendWhatsAppText(deps.account, message.from, reply.text);
    deps.onMessage?.('replied_later');
  }

  return {
    async webhook(req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
      if (req.method === 'GET') return handshake(req, res);
      if (req.method !== 'POST') throw methodNotAllowed(['GET', 'POST']);
      if (mediaTypeOf(req) !== 'application/json') throw new AppError('unsupported_media_type');
      const signature = req.headers['x-hub-signature-256'];
      const raw = await readRawBody(req, BODY_LIMIT_BYTES);
      const expected = `sha256=${createHmac('sha256', deps.account.appSecret).update(raw).digest('hex')}`;
      if (typeof signature !== 'string' || !sameSecret(signature, expected))
        throw new AppError('forbidden_for_key', { message: 'La firma de Meta (X-Hub-Signature-256) no corresponde a esta entrega.' });
      let delivery: MetaDelivery;
      try {
        delivery = JSON.parse(raw.toString('utf8')) as MetaDelivery;
      } catch {
        throw new AppError('invalid_json');
      }
      res.writeHead(200).end();
      for (const change of (delivery.entry ?? []).flatMap((entry) => entry.changes ?? [])) {
        for (const status of change.value?.statuses ?? [])
          deps.onMessage?.(`status_${/^[a-z]{1,20}$/.test(status.status ?? '') ? status.status : 'unknown'}`);
        for (const raw of change.value?.messages ?? []) {
          const message = inboundOf(raw);
          if (!message) continue;
          if (!(await seen.claim(message.providerId))) {
            deps.onMessage?.('duplicate');
            continue;
          }
          deps.onMessage?.('received');
          answer(message, requestId).catch((error: unknown) => {
            deps.onMessage?.('reply_failed');
            deps.logger.error({ requestId, err: error }, 'the WhatsApp reply could not be sent through Meta');
          });
        }
      }
    },
  };
}
