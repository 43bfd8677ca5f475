/**
 * Chat Completions ⇄ Anthropic Messages. System and developer messages become `system`; tool
 * calls become `tool_use` blocks and tool answers `tool_result` blocks in a user turn; images
 * go as base64 or URL sources. Anthropic has no JSON mode: `response_format` becomes an
 * instruction in `system` (what translation loses: the guarantee, not the request).
 */

import {
  type ChatChunk,
  type ChatCompletion,
  type ChatMessage,
  type ChatRequest,
  chunkOf,
  completionOf,
  type FinishReason,
  maxOutputTokens,
  stopList,
  type ToolCall,
  textOf,
} from '../../chat';
import { eventJson, postJson, readJson, serverSentEvents } from '../http';
import { dataUrl, isTurn, TurnBuilder, toolArguments } from '../translate';
import { type ProviderAdapter, ProviderError, type ProviderTarget } from '../types';
import { anthropicHeaders, messagesUrl } from './api';
import type { AnthropicBlock, AnthropicMessage, AnthropicResponse, AnthropicStreamEvent } from './types';

/** Anthropic requires a ceiling; this one when the caller sets none. */
export const DEFAULT_MAX_TOKENS = 4096;

const JSON_INSTRUCTION = 'Responde únicamente con un objeto JSON válido, sin texto antes ni después.';

function imageBlock(url: string): AnthropicBlock {
  const data = dataUrl(url);
  if (data) return { type: 'image', source: { type: 'base64', media_type: data.mediaType, data: data.data } };
  return { type: 'image', source: { type: 'url', url } };
}

function contentBlocks(content: ChatMessage['content']): AnthropicBlock[] {
  if (content === null) return [];
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content }];
  return content.map((part) => (part.type === 'text' ? { type: 'text', text: part.text } : imageBlock(part.image_url.url)));
}

/** The conversation as Anthropic turns: consecutive same-role blocks merged (tool results join one user turn). */
function toMessages(messages: readonly ChatMessage[]): AnthropicMessage[] {
  const turns = new TurnBuilder<AnthropicMessage['role'], AnthropicBlock>();
  const push = (role: AnthropicMessage['role'], blocks: AnthropicBlock[]) => turns.add(role, blocks);
  for (const message of messages.filter(isTurn)) {
    if (message.role === 'tool') {
      push('user', [{ type: 'tool_result', tool_use_id: message.tool_call_id ?? '', content: textOf(message.content) }]);
    } else if (message.role === 'assistant') {
      const calls = (message.tool_calls ?? []).map(
        (call): AnthropicBlock => ({
          type: 'tool_use',
          id: call.id,
          name: call.function.name,
          input: toolArguments(call.function.arguments),
        }),
      );
      push('assistant', [...contentBlocks(message.content), ...calls]);
    } else push('user', contentBlocks(message.content));
  }
  return turns.turns.map(({ role, items }) => ({ role, content: items }));
}

export function toAnthropicRequest(request: ChatRequest, target: ProviderTarget, stream: boolean): Record<string, unknown> {
  const system = request.messages
    .filter((message) => message.role === 'system' || message.role === 'developer')
    .map((message) => textOf(message.content));
  const wantsJson = request.response_format !== undefined && request.response_format.type !== 'text';
  if (wantsJson) system.push(JSON_INSTRUCTION);
  const choice = request.tool_choice;
  const body: Record<string, unknown> = {
    model: target.model,
    messages: toMessages(request.messages),
    max_tokens: maxOutputTokens(request) ?? DEFAULT_MAX_TOKENS,
  };
  if (system.length > 0) body.system = system.join('\n\n');
  if (request.temperature !== undefined) body.temperature = Math.min(request.temperature, 1);
  if (request.top_p !== undefined) body.top_p = request.top_p;
  const stops = stopList(request.stop);
  if (stops) body.stop_sequences = stops;
  if (request.user) body.metadata = { user_id: request.user };
  if (request.tools?.length && choice !== 'none') {
    body.tools = request.tools.map((tool) => ({
      name: tool.function.name,
      description: tool.function.description ?? '',
      input_schema: tool.function.parameters ?? { type: 'object', properties: {} },
    }));
    if (choice === 'required') body.tool_choice = { type: 'any' };
    else if (typeof choice === 'object') body.tool_choice = { type: 'tool', name: choice.function.name };
  }
  if (stream) body.stream = true;
  return body;
}

export function finishReasonOf(stop: AnthropicResponse['stop_reason']): FinishReason {
  if (stop === 'max_tokens') return 'length';
  if (stop === 'tool_use') return 'tool_calls';
  if (stop === 'refusal') return 'content_filter';
  return 'stop';
}

export function fromAnthropicResponse(answer: AnthropicResponse, created: number): ChatCompletion {
  if (!answer || !Array.isArray(answer.content) || !answer.usage)
    throw new ProviderError('bad_response', 'message without content or usage');
  const text = answer.content.flatMap((block) => (block.type === 'text' ? [block.text] : [])).join('');
  const calls: ToolCall[] = answer.content.flatMap((block) =>
    block.type === 'tool_use'
      ? [{ id: block.id, type: 'function' as const, function: { name: block.name, arguments: JSON.stringify(block.input ?? {}) } }]
      : [],
  );
  const prompt = answer.usage.input_tokens + (answer.usage.cache_read_input_tokens ?? 0) + (answer.usage.cache_creation_input_tokens ?? 0);
  return completionOf({ id: answer.id, created, model: answer.model }, text, calls, finishReasonOf(answer.stop_reason), {
    prompt_tokens: prompt,
    completion_tokens: answer.usage.output_tokens,
    total_tokens: prompt + answer.usage.output_tokens,
  });
}

/** Anthropic's stream events as Chat Completions chunks: text deltas, tool calls (by block), then finish and usage. */
export async function* fromAnthropicEvents(events: AsyncIterable<AnthropicStreamEvent>, created: number): AsyncGenerator<ChatChunk> {
  let id = '';
  let model = '';
  let prompt = 0;
  let completion = 0;
  let finish: FinishReason | null = null;
  const toolIndexByBlock = new Map<number, number>();
  const chunk = (delta: ChatChunk['choices'][number]['delta'], finishReason: FinishReason | null = null) =>
    chunkOf({ id, created, model }, delta, finishReason);
  for await (const event of events) {
    switch (event.type) {
      case 'message_start':
        id = event.message.id;
        model = event.message.model;
        prompt =
          event.message.usage.input_tokens +
          (event.message.usage.cache_read_input_tokens ?? 0) +
          (event.message.usage.cache_creation_input_tokens ?? 0);
        completion = event.message.usage.output_tokens;
        yield chunk({ role: 'assistant', content: '' });
        break;
      case 'content_block_start':
        if (event.content_block.type === 'tool_use') {
          const index = toolIndexByBlock.size;
          toolIndexByBlock.set(event.index, index);
          yield chunk({
            tool_calls: [
              { index, id: event.content_block.id, type: 'function', function: { name: event.content_block.name, arguments: '' } },
            ],
          });
        } else if (event.content_block.type === 'text' && event.content_block.text) yield chunk({ content: event.content_block.text });
        break;
      case 'content_block_delta':
        if (event.delta.type === 'text_delta') yield chunk({ content: event.delta.text });
        else if (event.delta.type === 'input_json_delta') {
          const index = toolIndexByBlock.get(event.index);
          if (index !== undefined) yield chunk({ tool_calls: [{ index, function: { arguments: event.delta.partial_json } }] });
        }
        break;
      case 'message_delta':
        finish = finishReasonOf(event.delta.stop_reason);
        completion = event.usage.output_tokens;
        break;
      case 'message_stop':
        yield chunk({}, finish ?? 'stop');
        yield {
          ...chunk({}),
          choices: [],
          usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion },
        };
        return;
      case 'error':
        throw new ProviderError(event.error.type === 'overloaded_error' ? 'server_error' : 'stream_interrupted', event.error.message);
      default:
        break;
    }
  }
  throw new ProviderError('stream_interrupted', 'stream ended without message_stop');
}

async function* eventsOf(events: AsyncIterable<{ data: string }>): AsyncGenerator<AnthropicStreamEvent> {
  for await (const event of events) yield eventJson<AnthropicStreamEvent>(event);
}

export const anthropicProvider: ProviderAdapter = {
  kind: 'anthropic',
  async complete(request, target) {
    const response = await postJson(
      messagesUrl(target),
      anthropicHeaders(target),
      toAnthropicRequest(request, target, false),
      target.timeoutMs,
      target.cancel,
      true,
    );
    return fromAnthropicResponse(await readJson<AnthropicResponse>(response.body), Math.floor(Date.now() / 1000));
  },
  async *stream(request, target) {
    const response = await postJson(
      messagesUrl(target),
      anthropicHeaders(target),
      toAnthropicRequest(request, target, true),
      target.timeoutMs,
      target.cancel,
    );
    yield* fromAnthropicEvents(eventsOf(serverSentEvents(response.body)), Math.floor(Date.now() / 1000));
  },
};
