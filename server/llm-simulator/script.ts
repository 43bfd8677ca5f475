/**
 * What the simulated models answer, the same for every wire format and every run: a tool call
 * when tools are offered (and not refused) and the user spoke last; a summary of the tool's
 * answer when a tool spoke last; otherwise an echo of the user's words (as JSON in JSON mode).
 * Token counts are the simulator's own estimate (a quarter of the characters).
 */

export interface OfferedTool {
  name: string;
  parameters: Record<string, unknown> | undefined;
}

/** A conversation as the simulator reads it, whichever format carried it. */
export interface SimConversation {
  model: string;
  /** Every character of the prompt (for the token estimate). */
  promptText: string;
  lastUserText: string;
  /** The last message was a tool's answer (its text). */
  toolResult: string | null;
  tools: OfferedTool[];
  /** 'none' refuses tools; a name forces that tool. */
  toolChoice: 'auto' | 'none' | 'required' | { name: string };
  wantsJson: boolean;
  maxTokens: number | null;
}

export type SimReply = { kind: 'text'; text: string; truncated: boolean } | { kind: 'tool'; name: string; args: Record<string, unknown> };

export const estimateTokens = (text: string): number => Math.max(1, Math.ceil(text.length / 4));

function argumentsFor(parameters: Record<string, unknown> | undefined, userText: string): Record<string, unknown> {
  const properties = (parameters?.properties ?? {}) as Record<string, { type?: string | string[]; enum?: unknown[] }>;
  const args: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(properties)) {
    const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
    if (schema.enum?.length) args[name] = schema.enum[0];
    else if (type === 'integer' || type === 'number' || type === 'INTEGER' || type === 'NUMBER') args[name] = 1;
    else if (type === 'boolean' || type === 'BOOLEAN') args[name] = true;
    else if (type === 'array' || type === 'ARRAY') args[name] = [];
    else if (type === 'object' || type === 'OBJECT') args[name] = {};
    else args[name] = userText.slice(0, 100);
  }
  return args;
}

export function replyTo(conversation: SimConversation): SimReply {
  const { tools, toolChoice } = conversation;
  if (conversation.toolResult === null && tools.length > 0 && toolChoice !== 'none') {
    const forced = typeof toolChoice === 'object' ? tools.find((tool) => tool.name === toolChoice.name) : undefined;
    const tool = forced ?? tools[0]!;
    return { kind: 'tool', name: tool.name, args: argumentsFor(tool.parameters, conversation.lastUserText) };
  }
  const said =
    conversation.toolResult !== null
      ? `Según la herramienta: ${conversation.toolResult.slice(0, 200)}`
      : `Respuesta simulada de ${conversation.model}: ${conversation.lastUserText.slice(0, 200)}`;
  let text = conversation.wantsJson ? JSON.stringify({ respuesta: said }) : said;
  let truncated = false;
  if (conversation.maxTokens !== null && estimateTokens(text) > conversation.maxTokens) {
    text = text.slice(0, conversation.maxTokens * 4);
    truncated = true;
  }
  return { kind: 'text', text, truncated };
}

/** The reply in stream pieces: words with their following space. */
export function pieces(text: string): string[] {
  return text.match(/\S+\s*|\s+/g) ?? [];
}
