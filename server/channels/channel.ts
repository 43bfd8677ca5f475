/**
 * What every channel (Twilio's WhatsApp, Meta's Cloud API) shares: a message in from one person,
 * the agent's turn for them, a reply out. A channel is the bot here, so it keeps each person's
 * recent transcript (the agent is stateless about words), answers one message per person at a
 * time in arrival order, and never handles the same provider message twice.
 */

import { createHash } from 'node:crypto';
import type { Shelf, ShelfMaker } from '../guards/shelf';
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

/** The last messages of each person's conversation, as the agent reads them (on a shelf: any instance continues it). */
export class Transcripts {
  private readonly byPerson: Shelf<ChatMessage[]>;

  constructor(
    shelf: ShelfMaker,
    idleMs: number,
    private readonly keep = 20,
  ) {
    this.byPerson = shelf('channel-transcript', idleMs);
  }

  async with(endUser: string, message: ChatMessage): Promise<ChatMessage[]> {
    const messages = [...((await this.byPerson.get(endUser)) ?? []), message].slice(-this.keep);
    await this.byPerson.put(endUser, messages);
    return messages;
  }

  async add(endUser: string, message: ChatMessage): Promise<void> {
    await this.with(endUser, message);
  }
}

/** Provider message ids already taken (retries of a webhook, to whichever instance), for a day. */
export class SeenMessages {
  private readonly seen: Shelf<true>;

  constructor(shelf: ShelfMaker, channel: string) {
    this.seen = shelf(`channel-seen-${channel}`, 86_400_000);
  }

  /** True the first time an id is offered. */
  claim(id: string): Promise<boolean> {
    return this.seen.claim(id, true);
  }
}

/** A file a person sent, loaded from the provider only when a tool needs it. */
export interface MediaFile {
  bytes: Uint8Array;
  contentType: string;
}
export type LoadMedia = (url: string) => Promise<MediaFile>;

/** The files each person sent (`adjunto-1`, `adjunto-2`…), for as long as their conversation lives. */
export class Attachments {
  private readonly byPerson: Shelf<{ url: string; contentType: string }[]>;

  constructor(shelf: ShelfMaker, idleMs: number) {
    this.byPerson = shelf('channel-attachments', idleMs);
  }

  /** Keeps a message's files; answers the ids they get. */
  async keep(endUser: string, media: InboundMessage['media']): Promise<string[]> {
    if (media.length === 0) return [];
    const kept = (await this.byPerson.get(endUser)) ?? [];
    const ids = media.map((item) => {
      kept.push(item);
      return `adjunto-${kept.length}`;
    });
    await this.byPerson.put(endUser, kept.slice(-20));
    return ids;
  }

  async find(endUser: string, id: string): Promise<{ url: string; contentType: string } | null> {
    const index = Number(/^adjunto-(\d{1,3})$/.exec(id)?.[1] ?? 0);
    return index > 0 ? ((await this.byPerson.get(endUser))?.[index - 1] ?? null) : null;
  }
}

/** A WhatsApp sender as the ISP's records hold numbers: national digits (Colombia's 57 dropped). */
export function nationalPhone(from: string): string {
  const digits = from.replace(/\D/g, '');
  return digits.length === 12 && digits.startsWith('57') ? digits.slice(2) : digits;
}

/** Reads a response body up to `limit` bytes; larger is refused, not truncated. */
export async function readLimited(response: Response, limit: number): Promise<Uint8Array> {
  const length = Number(response.headers.get('content-length') ?? 0);
  if (length > limit) throw new Error(`media of ${length} bytes is over the ${limit}-byte limit`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  if (bytes.length > limit) throw new Error(`media of ${bytes.length} bytes is over the ${limit}-byte limit`);
  return bytes;
}
