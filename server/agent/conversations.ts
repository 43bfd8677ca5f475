/**
 * What the agent keeps per conversation, server-side, so the model never holds it: the
 * verification tokens its customer earned (with their expiry), whether the end user accepted the
 * data-treatment notice, the tokens spent, and a handoff to a person. A conversation is one API
 * key, one end user and one conversation id; it is forgotten after `idleMs` without a turn.
 * Kept on a shelf (guards/shelf.ts): in memory, or in Redis so any instance continues it.
 */

import type { Shelf, ShelfMaker } from '../guards/shelf';

export interface Conversation {
  /** Verification tokens by service id, as clients.verify issued them. */
  tokens: Map<number, { token: string; expiresAtMs: number }>;
  consent: { version: string; atMs: number } | null;
  tokensUsed: number;
  handoff: { reason: string; atMs: number } | null;
}

export interface ConversationId {
  keyName: string;
  endUser: string;
  conversation: string;
}

/** A conversation as it is kept (JSON: the token map as entries). */
interface KeptConversation extends Omit<Conversation, 'tokens'> {
  tokens: [number, { token: string; expiresAtMs: number }][];
}

const DAY_MS = 86_400_000;
const idOf = ({ keyName, endUser, conversation }: ConversationId): string => JSON.stringify([keyName, endUser, conversation]);
const personOf = ({ keyName, endUser }: Pick<ConversationId, 'keyName' | 'endUser'>): string => JSON.stringify([keyName, endUser]);

/**
 * Loaded at the start of a turn and kept at its end, on a shelf: this instance's memory, or Redis
 * with several instances, so a person's next message may reach any of them.
 */
export class Conversations {
  private readonly open: Shelf<KeptConversation>;
  /** Tokens spent per key and end user today (every conversation of theirs). */
  private readonly daily: Shelf<{ day: string; tokens: number }>;

  constructor(
    shelf: ShelfMaker,
    idleMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.open = shelf('agent-conversation', idleMs);
    this.daily = shelf('agent-day-tokens', DAY_MS);
  }

  async load(id: ConversationId): Promise<Conversation> {
    const kept = await this.open.get(idOf(id));
    if (!kept) return { tokens: new Map(), consent: null, tokensUsed: 0, handoff: null };
    return { ...kept, tokens: new Map(kept.tokens) };
  }

  /** Keeps the conversation for another idle period (its tokens that expired are dropped). */
  async save(id: ConversationId, conversation: Conversation): Promise<void> {
    this.verified(conversation);
    await this.open.put(idOf(id), { ...conversation, tokens: [...conversation.tokens] });
  }

  /** Verified customers whose token is still valid. */
  verified(conversation: Conversation): number[] {
    const now = this.now();
    for (const [serviceId, { expiresAtMs }] of conversation.tokens) if (expiresAtMs <= now) conversation.tokens.delete(serviceId);
    return [...conversation.tokens.keys()];
  }

  /** The token for a tool call: the service id it names, else the one customer verified (the latest of several). */
  tokenFor(conversation: Conversation, serviceId: number | null): string | null {
    const verified = this.verified(conversation);
    const chosen = serviceId !== null && conversation.tokens.has(serviceId) ? serviceId : serviceId === null ? verified.at(-1) : undefined;
    return chosen === undefined ? null : (conversation.tokens.get(chosen)?.token ?? null);
  }

  async dayTokens(id: Pick<ConversationId, 'keyName' | 'endUser'>, day: string): Promise<number> {
    const entry = await this.daily.get(personOf(id));
    return entry?.day === day ? entry.tokens : 0;
  }

  async spend(id: ConversationId, conversation: Conversation, day: string, tokens: number): Promise<void> {
    conversation.tokensUsed += tokens;
    const entry = await this.daily.get(personOf(id));
    await this.daily.put(personOf(id), { day, tokens: (entry?.day === day ? entry.tokens : 0) + tokens });
  }
}
