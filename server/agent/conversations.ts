/**
 * What the agent keeps per conversation, server-side, so the model never holds it: the
 * verification tokens its customer earned (with their expiry), whether the end user accepted the
 * data-treatment notice, the tokens spent, and a handoff to a person. A conversation is one API
 * key, one end user and one conversation id; it is forgotten after `idleMs` without a turn.
 * This instance's memory: a conversation's turns go to the instance that holds it (or verify again).
 */

import { TTLCache } from '@isaacs/ttlcache';

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

const idOf = ({ keyName, endUser, conversation }: ConversationId): string => `${keyName}\u0000${endUser}\u0000${conversation}`;

export class Conversations {
  private readonly open: TTLCache<string, Conversation>;
  /** Tokens spent per key and end user today (every conversation of theirs). */
  private readonly daily: TTLCache<string, { day: string; tokens: number }>;

  constructor(
    idleMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.open = new TTLCache({ ttl: idleMs, max: 100_000, updateAgeOnGet: true });
    this.daily = new TTLCache({ ttl: 86_400_000, max: 100_000 });
  }

  get(id: ConversationId): Conversation {
    const key = idOf(id);
    let found = this.open.get(key);
    if (!found) {
      found = { tokens: new Map(), consent: null, tokensUsed: 0, handoff: null };
      this.open.set(key, found);
    }
    return found;
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

  dayTokens(id: Pick<ConversationId, 'keyName' | 'endUser'>, day: string): number {
    const entry = this.daily.get(`${id.keyName}\u0000${id.endUser}`);
    return entry?.day === day ? entry.tokens : 0;
  }

  spend(id: ConversationId, conversation: Conversation, day: string, tokens: number): void {
    conversation.tokensUsed += tokens;
    const key = `${id.keyName}\u0000${id.endUser}`;
    const entry = this.daily.get(key);
    this.daily.set(key, { day, tokens: (entry?.day === day ? entry.tokens : 0) + tokens });
  }
}
