/** What one provider's wire format must provide the simulator's listener. */

import type { SimProvider } from './faults';
import type { SimConversation, SimReply } from './script';

export interface ParsedCall {
  conversation: SimConversation;
  stream: boolean;
  /** OpenAI: the caller asked for a usage chunk. */
  includeUsage: boolean;
}

export interface Frame {
  event?: string;
  data: string;
}

export interface WireFormat {
  provider: SimProvider;
  /** The call's content, or a 400 message. */
  parse(body: Record<string, unknown>, model: string, streamPath: boolean): ParsedCall | { invalid: string };
  answer(reply: SimReply, call: ParsedCall, serial: number): Record<string, unknown>;
  frames(reply: SimReply, call: ParsedCall, serial: number): Frame[];
  /** The provider's error body for a status. */
  error(status: number, message: string): Record<string, unknown>;
  /** The tokens a whole answer bills, read from its own usage field. */
  billed(answer: Record<string, unknown>): { input: number; output: number };
}

/** A JSON string in two or three pieces, as providers stream tool arguments. */
export function argumentPieces(json: string): string[] {
  if (json.length < 4) return [json];
  const third = Math.ceil(json.length / 3);
  return [json.slice(0, third), json.slice(third, 2 * third), json.slice(2 * third)].filter((piece) => piece !== '');
}

/** A system prompt that asks for JSON: a model follows it even without a JSON mode. */
export const asksForJson = (system: string): boolean => /\bJSON\b/.test(system);
