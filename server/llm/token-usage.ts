/**
 * Token counts for an answer whose provider reported none (an OpenAI-compatible server without
 * usage, a stream cut before its usage chunk): counted here with o200k_base, the encoding of
 * OpenAI's current models, and flagged as counted wherever they are kept.
 */

import { type ChatCompletion, type ChatRequest, textOf } from './chat';
import { loadTokenCounter } from './classifier';

export type Usage = ChatCompletion['usage'];

/** A provider reported usage when it counted anything: every real prompt has at least one token. */
export const reported = (usage: Usage | null | undefined): usage is Usage =>
  usage != null && (usage.prompt_tokens > 0 || usage.completion_tokens > 0);

/** What a request and its answer text come to, counted with the tokenizer. */
export async function countedUsage(request: ChatRequest, answerText: string): Promise<Usage> {
  const count = await loadTokenCounter();
  let prompt = 0;
  for (const message of request.messages) {
    prompt += count(textOf(message.content));
    for (const call of 'tool_calls' in message ? (message.tool_calls ?? []) : []) prompt += count(call.function.arguments);
  }
  const completion = answerText === '' ? 0 : count(answerText);
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}
