/**
 * The gateway's one chat format: OpenAI's Chat Completions wire shape, which `/v1` speaks and
 * every provider adapter translates to and from (Portkey's choice too: one canonical format,
 * one pair of transforms per provider).
 */

export interface TextPart {
  type: 'text';
  text: string;
}

export interface ImagePart {
  type: 'image_url';
  image_url: { url: string; detail?: 'auto' | 'low' | 'high' | undefined };
}

export type ContentPart = TextPart | ImagePart;

export interface ToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export interface ChatMessage {
  role: 'system' | 'developer' | 'user' | 'assistant' | 'tool';
  content: string | ContentPart[] | null;
  name?: string | undefined;
  tool_calls?: ToolCall[] | undefined;
  tool_call_id?: string | undefined;
}

export interface ToolDefinition {
  type: 'function';
  function: {
    name: string;
    description?: string | undefined;
    parameters?: Record<string, unknown> | undefined;
    strict?: boolean | undefined;
  };
}

export type ToolChoice = 'none' | 'auto' | 'required' | { type: 'function'; function: { name: string } };

export type ResponseFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | {
      type: 'json_schema';
      json_schema: { name: string; schema?: Record<string, unknown> | undefined; strict?: boolean | null | undefined };
    };

export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  stream?: boolean | undefined;
  stream_options?: { include_usage?: boolean | undefined } | undefined;
  temperature?: number | undefined;
  top_p?: number | undefined;
  /** The older spelling; `max_completion_tokens` wins when both are given. */
  max_tokens?: number | undefined;
  max_completion_tokens?: number | undefined;
  stop?: string | string[] | undefined;
  tools?: ToolDefinition[] | undefined;
  tool_choice?: ToolChoice | undefined;
  response_format?: ResponseFormat | undefined;
  user?: string | undefined;
  seed?: number | undefined;
}

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter';

export interface ChatCompletion {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: {
    index: number;
    message: { role: 'assistant'; content: string | null; tool_calls?: ToolCall[] | undefined; refusal: null };
    finish_reason: FinishReason;
    logprobs: null;
  }[];
  usage: Usage;
}

export interface ToolCallDelta {
  index: number;
  id?: string | undefined;
  type?: 'function' | undefined;
  function?: { name?: string | undefined; arguments?: string | undefined } | undefined;
}

export interface ChatChunk {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  choices: {
    index: number;
    delta: { role?: 'assistant' | undefined; content?: string | null | undefined; tool_calls?: ToolCallDelta[] | undefined };
    finish_reason: FinishReason | null;
    logprobs?: null;
  }[];
  usage?: Usage | null | undefined;
}

/** The largest completion the caller allows, whichever spelling it used. */
export function maxOutputTokens(request: ChatRequest): number | undefined {
  return request.max_completion_tokens ?? request.max_tokens;
}

/** A message's text, image parts left out. */
export function textOf(content: ChatMessage['content']): string {
  if (content === null) return '';
  if (typeof content === 'string') return content;
  return content
    .filter((part): part is TextPart => part.type === 'text')
    .map((part) => part.text)
    .join('\n');
}

/** Stop sequences as a list. */
export function stopList(stop: ChatRequest['stop']): string[] | undefined {
  if (stop === undefined) return undefined;
  return typeof stop === 'string' ? [stop] : stop;
}

/** A whole assistant answer: text (null when the answer is only tool calls), calls, why it ended, usage. */
export function completionOf(
  head: { id: string; created: number; model: string },
  text: string,
  calls: ToolCall[],
  finish: FinishReason,
  usage: Usage,
): ChatCompletion {
  return {
    ...head,
    object: 'chat.completion',
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: text === '' && calls.length > 0 ? null : text,
          ...(calls.length > 0 ? { tool_calls: calls } : {}),
          refusal: null,
        },
        finish_reason: finish,
        logprobs: null,
      },
    ],
    usage,
  };
}

/** One stream chunk of the only choice. */
export function chunkOf(
  head: { id: string; created: number; model: string },
  delta: ChatChunk['choices'][number]['delta'],
  finish: FinishReason | null = null,
): ChatChunk {
  return { ...head, object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finish }] };
}
