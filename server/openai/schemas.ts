/**
 * OpenAI's Chat Completions request, as zod: what `/v1/chat/completions` accepts. Unknown fields
 * are dropped (an SDK newer than us still works); fields we cannot honour are refused by name.
 */

import { z } from 'zod';
import type { ChatRequest } from '../llm/chat';

const textPart = z.object({ type: z.literal('text'), text: z.string() });
const imagePart = z.object({
  type: z.literal('image_url'),
  image_url: z.object({ url: z.string().min(1), detail: z.enum(['auto', 'low', 'high']).optional() }),
});
const content = z.union([z.string(), z.array(z.discriminatedUnion('type', [textPart, imagePart]))]);
const toolCall = z.object({
  id: z.string().min(1),
  type: z.literal('function'),
  function: z.object({ name: z.string().min(1), arguments: z.string() }),
});

const message = z.discriminatedUnion('role', [
  z.object({ role: z.literal('system'), content, name: z.string().optional() }),
  z.object({ role: z.literal('developer'), content, name: z.string().optional() }),
  z.object({ role: z.literal('user'), content, name: z.string().optional() }),
  z.object({
    role: z.literal('assistant'),
    content: content.nullable().optional(),
    name: z.string().optional(),
    tool_calls: z.array(toolCall).optional(),
  }),
  z.object({ role: z.literal('tool'), content, tool_call_id: z.string().min(1) }),
]);

const tool = z.object({
  type: z.literal('function'),
  function: z.object({
    name: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, { error: 'tool names are 1-64 letters, digits, _ or -' }),
    description: z.string().optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
    strict: z.boolean().nullable().optional(),
  }),
});

const toolChoice = z.union([
  z.enum(['none', 'auto', 'required']),
  z.object({ type: z.literal('function'), function: z.object({ name: z.string().min(1) }) }),
]);

const responseFormat = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text') }),
  z.object({ type: z.literal('json_object') }),
  z.object({
    type: z.literal('json_schema'),
    json_schema: z.object({
      name: z.string().min(1),
      schema: z.record(z.string(), z.unknown()).optional(),
      strict: z.boolean().nullable().optional(),
    }),
  }),
]);

const tokenCeiling = z.number().int().positive().max(1_000_000);

export const chatRequestSchema = z
  .object({
    model: z.string().min(1).max(200),
    messages: z.array(message).min(1).max(2000),
    stream: z.boolean().nullable().optional(),
    stream_options: z.object({ include_usage: z.boolean().optional() }).nullable().optional(),
    temperature: z.number().min(0).max(2).nullable().optional(),
    top_p: z.number().min(0).max(1).nullable().optional(),
    max_tokens: tokenCeiling.nullable().optional(),
    max_completion_tokens: tokenCeiling.nullable().optional(),
    stop: z
      .union([z.string(), z.array(z.string()).max(4)])
      .nullable()
      .optional(),
    tools: z.array(tool).max(128).optional(),
    tool_choice: toolChoice.optional(),
    response_format: responseFormat.optional(),
    user: z.string().max(256).optional(),
    seed: z.number().int().nullable().optional(),
    n: z.number().int().nullable().optional(),
    logprobs: z.boolean().nullable().optional(),
  })
  .superRefine((request, context) => {
    if (request.n !== undefined && request.n !== null && request.n !== 1)
      context.addIssue({ code: 'custom', path: ['n'], message: 'only n = 1 is supported' });
    if (request.logprobs) context.addIssue({ code: 'custom', path: ['logprobs'], message: 'logprobs are not supported' });
    const forced = request.tool_choice;
    if (typeof forced === 'object' && !request.tools?.some((entry) => entry.function.name === forced.function.name)) {
      context.addIssue({ code: 'custom', path: ['tool_choice'], message: 'tool_choice names a tool that is not in tools' });
    }
  });

/** The validated request in the gateway's chat format (nulls, which the SDKs send for "unset", become absent). */
export function toChatRequest(input: z.output<typeof chatRequestSchema>): ChatRequest {
  const request: ChatRequest = {
    model: input.model,
    messages: input.messages.map((entry) => ({ ...entry, content: entry.content ?? null })),
  };
  if (input.stream) request.stream = true;
  if (input.stream_options) request.stream_options = { include_usage: input.stream_options.include_usage };
  if (input.temperature != null) request.temperature = input.temperature;
  if (input.top_p != null) request.top_p = input.top_p;
  if (input.max_tokens != null) request.max_tokens = input.max_tokens;
  if (input.max_completion_tokens != null) request.max_completion_tokens = input.max_completion_tokens;
  if (input.stop != null) request.stop = input.stop;
  if (input.tools)
    request.tools = input.tools.map((entry) => ({
      type: 'function',
      function: { ...entry.function, strict: entry.function.strict ?? undefined },
    }));
  if (input.tool_choice) request.tool_choice = input.tool_choice;
  if (input.response_format) request.response_format = input.response_format;
  if (input.user) request.user = input.user;
  if (input.seed != null) request.seed = input.seed;
  return request;
}
