/**
 * Chat Completions ⇄ Gemini generateContent. System messages become `systemInstruction`; the
 * assistant is `model`; tool calls are `functionCall` parts and tool answers `functionResponse`
 * parts (named by the call they answer, which Gemini needs and OpenAI's tool message lacks);
 * JSON mode is `responseMimeType` (with the schema when one is given). Gemini gives calls no
 * ids: the adapter makes them (`call_<n>`). Schema keywords Gemini rejects are left out.
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
import { type ProviderAdapter, ProviderError } from '../types';
import { generateUrl, googleHeaders } from './api';
import type { GeminiContent, GeminiPart, GeminiResponse } from './types';

/** JSON Schema keywords Gemini's OpenAPI-subset schema refuses. */
const UNSUPPORTED_SCHEMA_KEYS = new Set(['$schema', 'additionalProperties', '$id', '$ref', 'definitions', '$defs', 'strict']);

export function geminiSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(geminiSchema);
  if (typeof schema !== 'object' || schema === null) return schema;
  return Object.fromEntries(
    Object.entries(schema)
      .filter(([key]) => !UNSUPPORTED_SCHEMA_KEYS.has(key))
      .map(([key, value]) => [
        key,
        key === 'properties' && value && typeof value === 'object'
          ? Object.fromEntries(Object.entries(value).map(([name, inner]) => [name, geminiSchema(inner)]))
          : geminiSchema(value),
      ]),
  );
}

function imagePart(url: string): GeminiPart {
  const data = dataUrl(url);
  if (data) return { inlineData: { mimeType: data.mediaType, data: data.data } };
  return { fileData: { fileUri: url } };
}

function contentParts(content: ChatMessage['content']): GeminiPart[] {
  if (content === null) return [];
  if (typeof content === 'string') return content === '' ? [] : [{ text: content }];
  return content.map((part) => (part.type === 'text' ? { text: part.text } : imagePart(part.image_url.url)));
}

function toolResponse(text: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
    return { result: parsed };
  } catch {
    return { result: text };
  }
}

function toContents(messages: readonly ChatMessage[]): GeminiContent[] {
  const names = new Map<string, string>();
  const turns = new TurnBuilder<GeminiContent['role'], GeminiPart>();
  const push = (role: GeminiContent['role'], parts: GeminiPart[]) => turns.add(role, parts);
  for (const message of messages.filter(isTurn)) {
    if (message.role === 'assistant') {
      const calls = (message.tool_calls ?? []).map((call): GeminiPart => {
        names.set(call.id, call.function.name);
        return { functionCall: { name: call.function.name, args: toolArguments(call.function.arguments) } };
      });
      push('model', [...contentParts(message.content), ...calls]);
    } else if (message.role === 'tool') {
      const name = names.get(message.tool_call_id ?? '') ?? message.name ?? 'tool';
      push('user', [{ functionResponse: { name, response: toolResponse(textOf(message.content)) } }]);
    } else push('user', contentParts(message.content));
  }
  return turns.turns.map(({ role, items }) => ({ role, parts: items }));
}

export function toGeminiRequest(request: ChatRequest): Record<string, unknown> {
  const system = request.messages
    .filter((message) => message.role === 'system' || message.role === 'developer')
    .map((message) => textOf(message.content));
  const generationConfig: Record<string, unknown> = {};
  if (request.temperature !== undefined) generationConfig.temperature = request.temperature;
  if (request.top_p !== undefined) generationConfig.topP = request.top_p;
  const max = maxOutputTokens(request);
  if (max !== undefined) generationConfig.maxOutputTokens = max;
  const stops = stopList(request.stop);
  if (stops) generationConfig.stopSequences = stops;
  if (request.seed !== undefined) generationConfig.seed = request.seed;
  const format = request.response_format;
  if (format && format.type !== 'text') {
    generationConfig.responseMimeType = 'application/json';
    if (format.type === 'json_schema' && format.json_schema.schema)
      generationConfig.responseSchema = geminiSchema(format.json_schema.schema);
  }
  const body: Record<string, unknown> = { contents: toContents(request.messages) };
  if (system.length > 0) body.systemInstruction = { parts: [{ text: system.join('\n\n') }] };
  if (Object.keys(generationConfig).length > 0) body.generationConfig = generationConfig;
  const choice = request.tool_choice;
  if (request.tools?.length) {
    body.tools = [
      {
        functionDeclarations: request.tools.map((tool) => ({
          name: tool.function.name,
          description: tool.function.description ?? '',
          ...(tool.function.parameters ? { parameters: geminiSchema(tool.function.parameters) } : {}),
        })),
      },
    ];
    const mode = choice === 'none' ? 'NONE' : choice === 'required' || typeof choice === 'object' ? 'ANY' : 'AUTO';
    body.toolConfig = {
      functionCallingConfig: { mode, ...(typeof choice === 'object' ? { allowedFunctionNames: [choice.function.name] } : {}) },
    };
  }
  return body;
}

export function finishReasonOf(reason: string | undefined, hasCalls: boolean): FinishReason {
  if (hasCalls) return 'tool_calls';
  if (reason === 'MAX_TOKENS') return 'length';
  if (reason === 'SAFETY' || reason === 'RECITATION' || reason === 'BLOCKLIST' || reason === 'PROHIBITED_CONTENT' || reason === 'SPII')
    return 'content_filter';
  return 'stop';
}

function usageOf(answer: GeminiResponse) {
  const prompt = answer.usageMetadata?.promptTokenCount ?? 0;
  const completion = (answer.usageMetadata?.candidatesTokenCount ?? 0) + (answer.usageMetadata?.thoughtsTokenCount ?? 0);
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

function callsOf(parts: readonly GeminiPart[], firstIndex: number, responseId: string): ToolCall[] {
  return parts.flatMap((part, position) =>
    'functionCall' in part
      ? [
          {
            id: part.functionCall.id ?? `call_${responseId}_${firstIndex + position}`,
            type: 'function' as const,
            function: { name: part.functionCall.name, arguments: JSON.stringify(part.functionCall.args ?? {}) },
          },
        ]
      : [],
  );
}

const textOfParts = (parts: readonly GeminiPart[]): string =>
  parts.flatMap((part) => ('text' in part && !part.thought ? [part.text] : [])).join('');

export function fromGeminiResponse(answer: GeminiResponse, model: string, created: number): ChatCompletion {
  const candidate = answer?.candidates?.[0];
  if (!candidate) throw new ProviderError('bad_response', 'answer without candidates');
  const parts = candidate.content?.parts ?? [];
  const id = answer.responseId ?? `gen-${created}`;
  const calls = callsOf(parts, 0, id);
  const text = textOfParts(parts);
  return completionOf(
    { id, created, model: answer.modelVersion ?? model },
    text,
    calls,
    finishReasonOf(candidate.finishReason, calls.length > 0),
    usageOf(answer),
  );
}

/** Each SSE event is a partial GenerateContentResponse: its text and calls become chunks; the one with a finish reason ends it. */
export async function* fromGeminiStream(answers: AsyncIterable<GeminiResponse>, model: string, created: number): AsyncGenerator<ChatChunk> {
  let calls = 0;
  let first = true;
  let usage = { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 };
  let id = `gen-${created}`;
  let finish: FinishReason | null = null;
  const chunk = (delta: ChatChunk['choices'][number]['delta'], finishReason: FinishReason | null = null) =>
    chunkOf({ id, created, model }, delta, finishReason);
  for await (const answer of answers) {
    if (answer.responseId) id = answer.responseId;
    if (answer.usageMetadata) usage = usageOf(answer);
    const candidate = answer.candidates?.[0];
    const parts = candidate?.content?.parts ?? [];
    const text = textOfParts(parts);
    const toolCalls = callsOf(parts, calls, id);
    if (first) {
      yield chunk({ role: 'assistant', content: '' });
      first = false;
    }
    if (text) yield chunk({ content: text });
    if (toolCalls.length > 0) {
      yield chunk({
        tool_calls: toolCalls.map((call, offset) => ({ index: calls + offset, id: call.id, type: 'function', function: call.function })),
      });
      calls += toolCalls.length;
    }
    if (candidate?.finishReason) finish = finishReasonOf(candidate.finishReason, calls > 0);
  }
  if (finish === null) throw new ProviderError('stream_interrupted', 'stream ended without a finish reason');
  yield chunk({}, finish);
  yield { ...chunk({}), choices: [], usage };
}

async function* answersOf(events: AsyncIterable<{ data: string }>): AsyncGenerator<GeminiResponse> {
  for await (const event of events) yield eventJson<GeminiResponse>(event);
}

export const googleProvider: ProviderAdapter = {
  kind: 'google',
  async complete(request, target) {
    const response = await postJson(
      generateUrl(target, false),
      googleHeaders(target),
      toGeminiRequest(request),
      target.timeoutMs,
      target.cancel,
      true,
    );
    return fromGeminiResponse(await readJson<GeminiResponse>(response.body), target.model, Math.floor(Date.now() / 1000));
  },
  async *stream(request, target) {
    const response = await postJson(
      generateUrl(target, true),
      googleHeaders(target),
      toGeminiRequest(request),
      target.timeoutMs,
      target.cancel,
    );
    yield* fromGeminiStream(answersOf(serverSentEvents(response.body)), target.model, Math.floor(Date.now() / 1000));
  },
};
