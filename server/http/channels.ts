/**
 * The WhatsApp channels' routes: each inbound message becomes an agent turn acting with
 * CHANNEL_API_KEY for the sender (a digest of their number as the end user), under that key's
 * limits and budget, recorded in the books like any /v1 turn. The channel keeps each person's
 * recent transcript; the agent keeps their verification and consent.
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import { AGENT_MODEL } from '../agent/turn';
import {
  Attachments,
  type ChannelReply,
  type InboundMessage,
  type LoadMedia,
  nationalPhone,
  SeenMessages,
  Transcripts,
} from '../channels/channel';
import { fetchMetaMedia } from '../channels/meta/graph-api';
import { createMetaChannel } from '../channels/meta/webhook';
import { fetchTwilioMedia } from '../channels/twilio/messages-api';
import { createTwilioChannel, TWILIO_WEBHOOK_PATH } from '../channels/twilio/webhook';
import { AppError } from '../errors';
import type { ServiceMetrics } from '../observability/metrics';
import type { AgentSurface } from '../openai/agent-turns';
import { recordAgentTurn } from '../openai/agent-turns';
import { type Accounting, admitRequest } from '../openai/completion-metrics';
import type { Services } from '../services';
import type { RequestContext } from '../trpc/context';

export interface ChannelRoutesDeps {
  services: Services;
  metrics: ServiceMetrics;
  agent: AgentSurface;
  accounting: Accounting;
}

/** What a person sent, as the agent reads it (attachments named by id, their bytes never in a prompt). */
function asText(message: InboundMessage, ids: readonly string[]): string {
  const attached = ids.map((id, index) => `[${id}: ${message.media[index]!.contentType}]`).join(' ');
  return [message.text, attached].filter((part) => part !== '').join(' ') || '[mensaje vacío]';
}

export function createChannelRoutes({ services, metrics, agent, accounting }: ChannelRoutesDeps) {
  const { config, logger } = services;
  const idleMs = config.AGENT_CONVERSATION_IDLE_S * 1000;
  const transcripts = new Transcripts(services.shelf, idleMs);
  const attachments = new Attachments(services.shelf, idleMs);
  // One person's messages one at a time, across instances with Redis.
  const perPerson = services.personLocks;

  async function converse(
    channel: string,
    endUser: string,
    message: InboundMessage,
    requestId: string,
    loadMedia: LoadMedia,
  ): Promise<ChannelReply> {
    const key = services.channels.apiKey;
    const caller = key === null ? null : services.apiKeys.identify(key);
    if (key === null || caller === null) throw new AppError('api_key_invalid', { message: 'CHANNEL_API_KEY no es una clave configurada.' });
    const startedMs = Date.now();
    const ctx: RequestContext = {
      services,
      requestId,
      surface: 'agent',
      presentedApiKey: key,
      presentedVerification: null,
      endUser,
      caller,
      report: { keyName: caller.name, cacheState: null, procedure: `channel.${channel}` },
    };
    const facts = { requestId, keyName: caller.name, endUser, modelRequested: AGENT_MODEL, stream: false, startedMs };
    const profile = agent.runner.profile;
    let scope: Awaited<ReturnType<typeof admitRequest>>;
    try {
      scope = await admitRequest(accounting, facts, config.LLM_KEY_ROUTE_WEIGHTS[caller.name]);
    } catch {
      // Over its budget or its minute: the person still gets a sentence, and a person from the team.
      return { text: profile.sentences.limit, handoff: { reason: 'budget' } };
    }
    const ids = await attachments.keep(endUser, message.media);
    const messages = await transcripts.with(endUser, { role: 'user', content: asText(message, ids) });
    const hands = {
      ...agent.handsFor(ctx, endUser),
      trustedPhone: nationalPhone(message.from),
      attachment: async (id: string) => {
        const found = await attachments.find(endUser, id);
        return found ? loadMedia(found.url) : null;
      },
    };
    const turn = await agent.runner.run(
      { model: AGENT_MODEL, messages },
      scope,
      { keyName: caller.name, endUser, conversation: channel },
      hands,
      requestId,
    );
    recordAgentTurn(accounting, facts, turn);
    const text = turn.completion.choices[0]?.message.content ?? profile.sentences.fallback;
    await transcripts.add(endUser, { role: 'assistant', content: text });
    return { text, handoff: turn.completion.wisphub.handoff };
  }

  const twilioAccount = services.channels.twilio;
  const twilio = twilioAccount
    ? createTwilioChannel({
        account: twilioAccount,
        webhookUrl: () => config.TWILIO_WEBHOOK_URL ?? `${services.channels.selfUrl}${TWILIO_WEBHOOK_PATH}`,
        replyWithinMs: config.TWILIO_REPLY_WITHIN_MS,
        converse: (endUser, message, requestId) =>
          converse('whatsapp', endUser, message, requestId, (url) => fetchTwilioMedia(twilioAccount, url, config.RECEIPT_MAX_BYTES)),
        perPerson,
        seen: new SeenMessages(services.shelf, 'twilio'),
        logger,
        onMessage: (event) => metrics.observeChannel('twilio', event),
      })
    : null;

  const metaAccount = services.channels.meta;
  const meta = metaAccount
    ? createMetaChannel({
        account: metaAccount,
        converse: (endUser, message, requestId) =>
          converse('whatsapp', endUser, message, requestId, (reference) =>
            fetchMetaMedia(metaAccount, reference, config.RECEIPT_MAX_BYTES),
          ),
        perPerson,
        seen: new SeenMessages(services.shelf, 'meta'),
        logger,
        onMessage: (event) => metrics.observeChannel('meta', event),
      })
    : null;

  const notConfigured = () => {
    throw new AppError('route_not_found', { message: 'Este canal no está configurado (docs/agent.md).' });
  };

  return {
    metaWebhook: (req: IncomingMessage, res: ServerResponse, ctx: RequestContext) =>
      meta ? meta.webhook(req, res, ctx.requestId) : notConfigured(),
    twilioWebhook: (req: IncomingMessage, res: ServerResponse, ctx: RequestContext) =>
      twilio ? twilio.webhook(req, res, ctx.requestId) : notConfigured(),
    twilioStatus: (req: IncomingMessage, res: ServerResponse) => (twilio ? twilio.status(req, res) : notConfigured()),
  };
}
