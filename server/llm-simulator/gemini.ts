/** Gemini's generateContent wire format (answers, and SSE streams of partial answers), as its API reference documents it, played by the simulator. */

import { asksForJson, type WireFormat } from './formats';
import { estimateTokens, type OfferedTool, pieces, type SimReply } from './script';

type Part = { text?: string; functionResponse?: { response?: unknown } };
type Content = { role?: string; parts?: Part[] };

const text = (parts: Part[] | undefined): string => (parts ?? []).map((part) => part.text ?? '').join(' ');

const STATUS_NAMES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
};

function usage(reply: SimReply, promptText: string) {
  const prompt = estimateTokens(promptText);
  const output = reply.kind === 'text' ? estimateTokens(reply.text) : estimateTokens(JSON.stringify(reply.args)) + 5;
  return { promptTokenCount: prompt, candidatesTokenCount: output, totalTokenCount: prompt + output };
}

export const geminiFormat: WireFormat = {
  provider: 'google',
  parse(body, model) {
    const contents = body.contents;
    if (!Array.isArray(contents) || contents.length === 0)
      return { invalid: '* GenerateContentRequest.contents: contents is not specified' };
    const list = contents as Content[];
    const last = list.at(-1)!;
    const answered = last.parts?.find((part) => part.functionResponse);
    const lastUser = [...list].reverse().find((content) => content.role !== 'model' && text(content.parts) !== '');
    const declarations = (
      (body.tools as { functionDeclarations?: { name?: string; parameters?: Record<string, unknown> }[] }[] | undefined) ?? []
    ).flatMap((tool) => tool.functionDeclarations ?? []);
    const tools: OfferedTool[] = declarations.map((declaration) => ({
      name: String(declaration.name),
      parameters: declaration.parameters,
    }));
    const calling = (body.toolConfig as { functionCallingConfig?: { mode?: string; allowedFunctionNames?: string[] } } | undefined)
      ?.functionCallingConfig;
    const config = (body.generationConfig ?? {}) as { responseMimeType?: string; maxOutputTokens?: number };
    const system = text((body.systemInstruction as Content | undefined)?.parts);
    return {
      stream: false,
      includeUsage: true,
      conversation: {
        model,
        promptText: `${system}\n${list.map((content) => text(content.parts)).join('\n')}`,
        lastUserText: text(lastUser?.parts),
        toolResult: answered ? JSON.stringify(answered.functionResponse?.response ?? {}) : null,
        tools,
        toolChoice:
          calling?.mode === 'NONE'
            ? 'none'
            : calling?.mode === 'ANY'
              ? calling.allowedFunctionNames?.length === 1
                ? { name: calling.allowedFunctionNames[0]! }
                : 'required'
              : 'auto',
        wantsJson: config.responseMimeType === 'application/json' || asksForJson(system),
        maxTokens: config.maxOutputTokens ?? null,
      },
    };
  },
  answer(reply, call, serial) {
    return {
      candidates: [
        {
          content: {
            role: 'model',
            parts: reply.kind === 'text' ? [{ text: reply.text }] : [{ functionCall: { name: reply.name, args: reply.args } }],
          },
          finishReason: reply.kind === 'text' && reply.truncated ? 'MAX_TOKENS' : 'STOP',
          index: 0,
        },
      ],
      usageMetadata: usage(reply, call.conversation.promptText),
      modelVersion: call.conversation.model,
      responseId: `gsim${serial}`,
    };
  },
  billed(answer) {
    const usage = answer.usageMetadata as { promptTokenCount: number; candidatesTokenCount: number };
    return { input: usage.promptTokenCount, output: usage.candidatesTokenCount };
  },
  frames(reply, call, serial) {
    if (reply.kind === 'tool') return [{ data: JSON.stringify(this.answer(reply, call, serial)) }];
    const parts = pieces(reply.text);
    return parts.map((piece, index) => {
      const lastOne = index === parts.length - 1;
      return {
        data: JSON.stringify({
          candidates: [
            {
              content: { role: 'model', parts: [{ text: piece }] },
              index: 0,
              ...(lastOne ? { finishReason: reply.truncated ? 'MAX_TOKENS' : 'STOP' } : {}),
            },
          ],
          ...(lastOne ? { usageMetadata: usage(reply, call.conversation.promptText) } : {}),
          modelVersion: call.conversation.model,
          responseId: `gsim${serial}`,
        }),
      };
    });
  },
  error(status, message) {
    return { error: { code: status, message, status: STATUS_NAMES[status] ?? 'UNKNOWN' } };
  },
};
