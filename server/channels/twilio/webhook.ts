/**
 * Twilio's WhatsApp webhook (`POST /channels/twilio/whatsapp`) and its status callback
 * (`POST /channels/twilio/status`). Every request must carry a valid `X-Twilio-Signature` over the
 * public URL Twilio called (TWILIO_WEBHOOK_URL: proxies rewrite what we see) and the form
 * parameters, checked with the official `twilio` package's validator. A MessageSid is handled
 * once (Twilio retries webhooks); one person's messages are answered one at a time, in order. The
 * reply goes back in the webhook's TwiML when the turn ends within TWILIO_REPLY_WITHIN_MS (Twilio
 * waits 15 s), else through the Messages API when it does.
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppError, methodNotAllowed } from '../../errors';
import { mediaTypeOf, readRawBody } from '../../http/io';
import type { Logger } from '../../observability/logger';
import type { Mutex } from '../../redis/redis-lock';
import { type ChannelReply, channelEndUser, type InboundMessage, type SeenMessages } from '../channel';
import { sendWhatsApp, type TwilioAccount } from './messages-api';

export const TWILIO_WEBHOOK_PATH = '/channels/twilio/whatsapp';
export const TWILIO_STATUS_PATH = '/channels/twilio/status';
const BODY_LIMIT_BYTES = 64 * 1024;
const MAX_MEDIA = 10;

export interface TwilioChannelDeps {
  account: TwilioAccount;
  /** The public URL of the webhook as configured in Twilio's console; the status callback lives beside it. */
  webhookUrl: () => string;
  replyWithinMs: number;
  /** One person's turn: their message in, the agent's reply out. */
  converse(endUser: string, message: InboundMessage, requestId: string): Promise<ChannelReply>;
  /** Serialises one person's messages. */
  perPerson: Mutex;
  /** Provider message ids already answered (shared by every instance with Redis). */
  seen: SeenMessages;
  logger: Logger;
  onMessage?: (event: 'received' | 'duplicate' | 'replied_inline' | 'replied_later' | 'reply_failed' | `status_${string}`) => void;
}

let validator: Promise<(token: string, signature: string, url: string, params: Record<string, string>) => boolean> | null = null;
/** The official validator, loaded on the first webhook (the package weighs ~200 ms of start-up). */
function twilioValidator() {
  validator ??= import('twilio').then(({ default: twilio }) => twilio.validateRequest);
  return validator;
}

const escapeXml = (text: string): string =>
  text.replace(/[<>&'"]/g, (char) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[char]!);

function sendTwiml(res: ServerResponse, reply: string | null): void {
  const body = `<?xml version="1.0" encoding="UTF-8"?><Response>${reply === null ? '' : `<Message>${escapeXml(reply)}</Message>`}</Response>`;
  res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** The form Twilio posted, after its signature checked out; a 4xx otherwise. */
async function signedForm(req: IncomingMessage, url: string, authToken: string): Promise<Record<string, string>> {
  if (req.method !== 'POST') throw methodNotAllowed(['POST']);
  if (mediaTypeOf(req) !== 'application/x-www-form-urlencoded')
    throw new AppError('unsupported_media_type', { message: 'Twilio envía application/x-www-form-urlencoded.' });
  const signature = req.headers['x-twilio-signature'];
  if (typeof signature !== 'string' || signature === '')
    throw new AppError('forbidden_for_key', { message: 'Falta la firma de Twilio (X-Twilio-Signature).' });
  const params: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams((await readRawBody(req, BODY_LIMIT_BYTES)).toString('utf8'))) params[name] = value;
  const valid = (await twilioValidator())(authToken, signature, url, params);
  if (!valid) throw new AppError('forbidden_for_key', { message: 'La firma de Twilio no corresponde a esta solicitud.' });
  return params;
}

function inboundOf(params: Record<string, string>): InboundMessage {
  const providerId = params.MessageSid ?? params.SmsMessageSid;
  const from = params.From;
  if (!providerId || !/^[A-Za-z0-9]{10,64}$/.test(providerId) || !from)
    throw new AppError('invalid_input', { message: 'El webhook de Twilio trae MessageSid y From.' });
  const count = Math.min(MAX_MEDIA, Number.parseInt(params.NumMedia ?? '0', 10) || 0);
  const media = Array.from({ length: count }, (_, index) => ({
    url: params[`MediaUrl${index}`] ?? '',
    contentType: params[`MediaContentType${index}`] ?? 'application/octet-stream',
  })).filter((item) => item.url !== '');
  return { providerId, from, text: (params.Body ?? '').slice(0, 4000), media };
}

export function createTwilioChannel(deps: TwilioChannelDeps) {
  const { seen } = deps;
  const statusUrl = () => new URL(TWILIO_STATUS_PATH, deps.webhookUrl()).toString();

  async function reply(message: InboundMessage, requestId: string): Promise<ChannelReply> {
    const endUser = channelEndUser('whatsapp', message.from);
    return deps.perPerson.run(`twilio:${endUser}`, () => deps.converse(endUser, message, requestId));
  }

  return {
    async webhook(req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
      const message = inboundOf(await signedForm(req, deps.webhookUrl(), deps.account.authToken));
      if (!(await seen.claim(message.providerId))) {
        deps.onMessage?.('duplicate');
        return sendTwiml(res, null);
      }
      deps.onMessage?.('received');
      const turn = reply(message, requestId);
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((resolve) => {
        timer = setTimeout(() => resolve('late'), deps.replyWithinMs);
      });
      const first = await Promise.race([turn.catch(() => 'failed' as const), late]).finally(() => clearTimeout(timer));
      if (first !== 'late' && first !== 'failed') {
        deps.onMessage?.('replied_inline');
        return sendTwiml(res, first.text);
      }
      // Answered now (Twilio stops waiting at 15 s); the reply follows through the Messages API.
      sendTwiml(res, null);
      turn
        .then((outcome) => sendWhatsApp(deps.account, message.from, outcome.text, statusUrl()))
        .then(() => deps.onMessage?.('replied_later'))
        .catch((error: unknown) => {
          deps.onMessage?.('reply_failed');
          deps.logger.error({ requestId, err: error }, 'the WhatsApp reply could not be sent through Twilio');
        });
    },

    async status(req: IncomingMessage, res: ServerResponse): Promise<void> {
      const params = await signedForm(req, statusUrl(), deps.account.authToken);
      const status = /^[a-z_]{1,20}$/.test(params.MessageStatus ?? '') ? params.MessageStatus! : 'unknown';
      deps.onMessage?.(`status_${status}`);
      if (status === 'failed' || status === 'undelivered')
        deps.logger.warn({ messageSid: params.MessageSid, status, errorCode: params.ErrorCode }, 'a WhatsApp reply was not delivered');
      res.writeHead(204).end();
    },
  };
}
