/**
 * What every channel (Twilio's WhatsApp, Meta's Cloud API) shares: a message in from one person,
 * the agent's turn for them, a reply out. A channel is the bot here, so it keeps each person's
 * recent transcript (the agent is stateless about words), answers one message per person at a
 * time in arrival order, and never handles the same provider message twice.
 */

import { createHash } from 'node:crypto';
import { TTLCache } from '@isaacs/ttlcache';
import type { ChatMessage } from '../llm/chat';

export interface InboundMessage {
  /** The provider's id of the message (Twilio's MessageSid, Meta's wamid): the idempotency key. */
  providerId: string;
  /** The sender's address as the provider gives it (`whatsapp:+57…`, a wa_id). */
  from: string;
  text: string;
  /** Photos or PDFs the person attached (URLs the provider serves, with their media types). */
  media: { url: string; contentType: string }[];
}

export interface ChannelReply {
  text: string;
  handoff: { reason: string } | null;
}

/** The end user a channel's sender becomes: a salted digest, never the number (X-End-User's grammar). */
export function channelEndUser(channel: string, from: string): string {
  return `${channel}-${createHash('sha256').update(`wisphub-channel:${channel}:${from}`).digest('hex').slice(0, 32)}`;
}

/** The last messages of each person's conversation, as the agent reads them. */
export class Transcripts {
  private readonly byPerson: TTLCache<string, ChatMessage[]>;

  constructor(
    idleMs: number,
    private readonly keep = 20,
  ) {
    this.byPerson = new TTLCache({ ttl: idleMs, max: 100_000, updateAgeOnGet: true });
  }

  with(endUser: string, message: ChatMessage): ChatMessage[] {
    const messages = [...(this.byPerson.get(endUser) ?? []), message].slice(-this.keep);
    this.byPerson.set(endUser, messages);
    return messages;
  }

  add(endUser: string, message: ChatMessage): void {
    this.with(endUser, message);
  }
}

/** Provider message ids already taken (retries of a webhook), for a day. */
export class SeenMessages {
  private readonly seen = new TTLCache<string, true>({ ttl: 86_400_000, max: 200_000 });

  /** True the first time an id is offered. */
  claim(id: string): boolean {
    if (this.seen.has(id)) return false;
    this.seen.set(id, true);
    return true;
  }
}
