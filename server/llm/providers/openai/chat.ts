/**
 * Chat Completions to an OpenAI-compatible provider: the request goes nearly as it came (the
 * model renamed, the stream asked to report usage); answers are checked for the fields the
 * gateway reads, and a stream's chunks pass through.
 */

import type { ChatChunk, ChatCompletion, ChatRequest } from '../../chat';
import { eventJson, postJson, readJson, serverSentEvents } from '../http';
import { type ProviderAdapter, ProviderError, type ProviderKind, type ProviderTarget } from '../types';
import { chatCompletionsUrl, openAiHeaders } from './api';

/** The request as the provider receives it. */
export function toOpenAiRequest(request: ChatRequest, target: ProviderTarget, stream: boolean): Record<string, unknown> {
  const { stream: _stream, stream_options: _options, ...rest } = request;
  return { ...rest, model: target.model, ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}) };
}

function checkedCompletion(answer: ChatCompletion): ChatCompletion {
  if (!answer || !Array.isArray(answer.choices) || answer.choices.length === 0 || typeof answer.choices[0]?.message !== 'object') {
    throw new ProviderError('bad_response', 'completion without choices');
  }
  const usage = answer.usage ?? { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 };
  return { ...answer, object: 'chat.completion', usage };
}

export function openAiAdapter(kind: Extract<ProviderKind, 'openai' | 'openai-compatible'>): ProviderAdapter {
  return {
    kind,
    async complete(request, target) {
      const response = await postJson(
        chatCompletionsUrl(target),
        openAiHeaders(target),
        toOpenAiRequest(request, target, false),
        target.timeoutMs,
        target.cancel,
        true,
      );
      return checkedCompletion(await readJson<ChatCompletion>(response.body));
    },
    async *stream(request, target) {
      const response = await postJson(
        chatCompletionsUrl(target),
        openAiHeaders(target),
        toOpenAiRequest(request, target, true),
        target.timeoutMs,
        target.cancel,
      );
      let done = false;
      for await (const event of serverSentEvents(response.body)) {
        if (event.data === '[DONE]') {
          done = true;
          break;
        }
        const chunk = eventJson<ChatChunk & { error?: { message?: string } }>(event);
        if (chunk.error) throw new ProviderError('stream_interrupted', chunk.error.message ?? 'provider sent an error event');
        yield chunk;
      }
      if (!done) throw new ProviderError('stream_interrupted', 'stream ended without [DONE]');
    },
  };
}
