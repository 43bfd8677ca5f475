/** OpenAI's Chat Completions wire format, as its API reference documents it, played by the simulator. */

import { argumentPieces, asksForJson, type Frame, type WireFormat } from './formats';
import { estimateTokens, type OfferedTool, pieces } from './script';

type Message = { role?: unknown; content?: unknown };

function text(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content))
    return content.map((part) => (part && typeof part === 'object' && 'text' in part ? String(part.text) : '')).join(' ');
  return '';
}

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  404: 'not_found_error',
  429: 'rate_limit_exceeded',
};

export const openAiFormat: WireFormat = {
  provider: 'openai',
  parse(body, model) {
    const messages = body.messages;
    if (!Array.isArray(messages) || messages.length === 0) return { invalid: "'messages' must be a non-empty array" };
    const list = messages as Message[];
    const last = list.at(-1)!;
    const lastUser = [...list].reverse().find((message) => message.role === 'user');
    const tools: OfferedTool[] = Array.isArray(body.tools)
      ? (body.tools as { function?: { name?: string; parameters?: Record<string, unknown> } }[]).map((tool) => ({
          name: String(tool.function?.name),
          parameters: tool.function?.parameters,
        }))
      : [];
    const choice = body.tool_choice as string | { function?: { name?: string } } | undefined;
    const format = (body.response_format as { type?: string } | undefined)?.type;
    const system = list
      .filter((message) => message.role === 'system' || message.role === 'developer')
      .map((message) => text(message.content))
      .join('\n');
    const max = body.max_completion_tokens ?? body.max_tokens;
    return {
      stream: body.stream === true,
      includeUsage: (body.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true,
      conversation: {
        model,
        promptText: list.map((message) => text(message.content)).join('\n'),
        lastUserText: text(lastUser?.content),
        toolResult: last.role === 'tool' ? text(last.content) : null,
        tools,
        toolChoice:
          choice === undefined || choice === 'auto'
            ? 'auto'
            : choice === 'none' || choice === 'required'
              ? choice
              : { name: String(typeof choice === 'object' ? choice.function?.name : choice) },
        wantsJson: format === 'json_object' || format === 'json_schema' || asksForJson(system),
        maxTokens: typeof max === 'number' ? max : null,
      },
    };
  },
  answer(reply, call, serial) {
    const { conversation } = call;
    const completion = reply.kind === 'text' ? estimateTokens(reply.text) : estimateTokens(JSON.stringify(reply.args)) + 5;
    const prompt = estimateTokens(conversation.promptText);
    return {
      id: `chatcmpl-sim${serial}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: conversation.model,
      system_fingerprint: null,
      choices: [
        {
          index: 0,
          message:
            reply.kind === 'text'
              ? { role: 'assistant', content: reply.text, refusal: null }
              : {
                  role: 'assistant',
                  content: null,
                  refusal: null,
                  tool_calls: [
                    { id: `call_sim${serial}`, type: 'function', function: { name: reply.name, arguments: JSON.stringify(reply.args) } },
                  ],
                },
          logprobs: null,
          finish_reason: reply.kind === 'tool' ? 'tool_calls' : reply.truncated ? 'length' : 'stop',
        },
      ],
      usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion },
    };
  },
  billed(answer) {
    const usage = answer.usage as { prompt_tokens: number; completion_tokens: number };
    return { input: usage.prompt_tokens, output: usage.completion_tokens };
  },
  frames(reply, call, serial) {
    const whole = this.answer(reply, call, serial) as { created: number; choices: { finish_reason: string }[]; usage: unknown };
    const base = {
      id: `chatcmpl-sim${serial}`,
      object: 'chat.completion.chunk',
      created: whole.created,
      model: call.conversation.model,
      system_fingerprint: null,
    };
    const chunk = (delta: Record<string, unknown>, finish: string | null = null): Frame => ({
      data: JSON.stringify({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] }),
    });
    const frames: Frame[] = [chunk({ role: 'assistant', content: '', refusal: null })];
    if (reply.kind === 'text') for (const piece of pieces(reply.text)) frames.push(chunk({ content: piece }));
    else {
      frames.push(
        chunk({ tool_calls: [{ index: 0, id: `call_sim${serial}`, type: 'function', function: { name: reply.name, arguments: '' } }] }),
      );
      for (const piece of argumentPieces(JSON.stringify(reply.args)))
        frames.push(chunk({ tool_calls: [{ index: 0, function: { arguments: piece } }] }));
    }
    frames.push(chunk({}, whole.choices[0]!.finish_reason));
    if (call.includeUsage) frames.push({ data: JSON.stringify({ ...base, choices: [], usage: whole.usage }) });
    frames.push({ data: '[DONE]' });
    return frames;
  },
  error(status, message) {
    return {
      error: { message, type: ERROR_TYPES[status] ?? (status >= 500 ? 'server_error' : 'invalid_request_error'), param: null, code: null },
    };
  },
};
