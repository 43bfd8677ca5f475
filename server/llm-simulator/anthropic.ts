/** Anthropic's Messages wire format (answers and stream events), as its API reference documents it, played by the simulator. */

import { argumentPieces, asksForJson, type Frame, type WireFormat } from './formats';
import { estimateTokens, type OfferedTool, pieces } from './script';

type Block = { type?: string; text?: string; content?: unknown };
type Message = { role?: string; content?: string | Block[] };

function text(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return (content as Block[]).map((block) => (block.type === 'text' ? String(block.text ?? '') : '')).join(' ');
  return '';
}

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  429: 'rate_limit_error',
  500: 'api_error',
  529: 'overloaded_error',
};

export const anthropicFormat: WireFormat = {
  provider: 'anthropic',
  parse(body, model) {
    const messages = body.messages;
    if (!Array.isArray(messages) || messages.length === 0) return { invalid: 'messages: field required' };
    if (typeof body.max_tokens !== 'number') return { invalid: 'max_tokens: field required' };
    const list = messages as Message[];
    if (list[0]?.role !== 'user') return { invalid: 'messages: first message must use the "user" role' };
    const last = list.at(-1)!;
    const result = Array.isArray(last.content) ? last.content.find((block) => block.type === 'tool_result') : undefined;
    const lastUser = [...list].reverse().find((message) => message.role === 'user' && text(message.content) !== '');
    const tools: OfferedTool[] = Array.isArray(body.tools)
      ? (body.tools as { name?: string; input_schema?: Record<string, unknown> }[]).map((tool) => ({
          name: String(tool.name),
          parameters: tool.input_schema,
        }))
      : [];
    const choice = body.tool_choice as { type?: string; name?: string } | undefined;
    const system = text(body.system);
    return {
      stream: body.stream === true,
      includeUsage: true,
      conversation: {
        model,
        promptText: `${system}\n${list.map((message) => text(message.content)).join('\n')}`,
        lastUserText: text(lastUser?.content),
        toolResult: result ? (typeof result.content === 'string' ? result.content : text(result.content)) : null,
        tools,
        toolChoice:
          !choice || choice.type === 'auto'
            ? 'auto'
            : choice.type === 'none'
              ? 'none'
              : choice.type === 'any'
                ? 'required'
                : { name: String(choice.name) },
        wantsJson: asksForJson(system),
        maxTokens: body.max_tokens,
      },
    };
  },
  answer(reply, call, serial) {
    const { conversation } = call;
    const output = reply.kind === 'text' ? estimateTokens(reply.text) : estimateTokens(JSON.stringify(reply.args)) + 5;
    return {
      id: `msg_sim${serial}`,
      type: 'message',
      role: 'assistant',
      model: conversation.model,
      content:
        reply.kind === 'text'
          ? [{ type: 'text', text: reply.text }]
          : [{ type: 'tool_use', id: `toolu_sim${serial}`, name: reply.name, input: reply.args }],
      stop_reason: reply.kind === 'tool' ? 'tool_use' : reply.truncated ? 'max_tokens' : 'end_turn',
      stop_sequence: null,
      usage: {
        input_tokens: estimateTokens(conversation.promptText),
        output_tokens: output,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
      },
    };
  },
  billed(answer) {
    const usage = answer.usage as { input_tokens: number; output_tokens: number };
    return { input: usage.input_tokens, output: usage.output_tokens };
  },
  frames(reply, call, serial) {
    const whole = this.answer(reply, call, serial) as { stop_reason: string; usage: { input_tokens: number; output_tokens: number } };
    const frame = (type: string, data: Record<string, unknown>): Frame => ({ event: type, data: JSON.stringify({ type, ...data }) });
    const frames: Frame[] = [
      frame('message_start', {
        message: {
          id: `msg_sim${serial}`,
          type: 'message',
          role: 'assistant',
          model: call.conversation.model,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: { input_tokens: whole.usage.input_tokens, output_tokens: 1 },
        },
      }),
    ];
    if (reply.kind === 'text') {
      frames.push(frame('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }), frame('ping', {}));
      for (const piece of pieces(reply.text))
        frames.push(frame('content_block_delta', { index: 0, delta: { type: 'text_delta', text: piece } }));
    } else {
      frames.push(
        frame('content_block_start', {
          index: 0,
          content_block: { type: 'tool_use', id: `toolu_sim${serial}`, name: reply.name, input: {} },
        }),
      );
      for (const piece of argumentPieces(JSON.stringify(reply.args)))
        frames.push(frame('content_block_delta', { index: 0, delta: { type: 'input_json_delta', partial_json: piece } }));
    }
    frames.push(
      frame('content_block_stop', { index: 0 }),
      frame('message_delta', {
        delta: { stop_reason: whole.stop_reason, stop_sequence: null },
        usage: { output_tokens: whole.usage.output_tokens },
      }),
      frame('message_stop', {}),
    );
    return frames;
  },
  error(status, message) {
    return { type: 'error', error: { type: ERROR_TYPES[status] ?? 'api_error', message } };
  },
};
