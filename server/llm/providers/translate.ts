/** Pieces every translation away from OpenAI's format needs: tool-call arguments as an object, images given as data URLs. */

import { ProviderError } from './types';

/** A tool call's arguments (a JSON text in OpenAI's format) as the object Anthropic and Gemini carry; a request with broken ones is the caller's to fix. */
export function toolArguments(text: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text || '{}');
  } catch {
    throw new ProviderError('bad_request', 'tool call arguments are not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new ProviderError('bad_request', 'tool call arguments are not a JSON object');
  return parsed as Record<string, unknown>;
}

/** The media type and base64 data of a `data:` URL; null for any other URL. */
export function dataUrl(url: string): { mediaType: string; data: string } | null {
  const match = url.match(/^data:([^;,]+);base64,(.*)$/s);
  return match ? { mediaType: match[1]!, data: match[2]! } : null;
}

/**
 * Collects a conversation as alternating turns: items for the same role as the last turn join it
 * (Anthropic and Gemini both want one turn per side; tool answers share one user turn), empty
 * ones are dropped.
 */
export class TurnBuilder<Role extends string, Item> {
  readonly turns: { role: Role; items: Item[] }[] = [];

  add(role: Role, items: Item[]): void {
    if (items.length === 0) return;
    const last = this.turns.at(-1);
    if (last?.role === role) last.items.push(...items);
    else this.turns.push({ role, items });
  }
}

/** Only the messages that are turns: system and developer messages travel apart in both formats. */
export const isTurn = (message: { role: string }): boolean => message.role !== 'system' && message.role !== 'developer';
