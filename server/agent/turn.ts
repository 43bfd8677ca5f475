/**
 * One turn of the support agent (`model: "wisphub-agent"`): the conversation goes to a routed
 * model with this service's bot-role procedures as tools; each tool call runs through the
 * procedures with the caller's key and end user, the conversation's verification token attached
 * by the gateway (the model never sees one), its answer masked before the model reads it. The
 * final reply may not claim what no tool did (one corrected retry, then a safe sentence). Bounds:
 * tool calls and model calls per turn, a deadline, tokens per conversation and per end user a
 * day; past any of them, a polite sentence and a handoff to a person.
 */

import { receiptExtension, receiptKind } from '../domain/payments';
import { appErrorOf, toErrorPayload } from '../errors';
import type { Attempt } from '../llm/attempts';
import type { ChatCompletion, ChatMessage, ChatRequest, ToolDefinition as ChatTool } from '../llm/chat';
import { completionOf, textOf } from '../llm/chat';
import type { CallerScope, CompletionMeta, CompletionService } from '../llm/completions';
import type { ToolDefinition } from '../tools/definitions';
import { END_USER_ARGUMENT, VERIFICATION_ARGUMENT } from '../tools/definitions';
import { unsupportedClaims } from './claims';
import type { Conversation, ConversationId, Conversations } from './conversations';
import { maskForModel, saidNumbers } from './masking';
import { type AgentProfile, systemPrompt } from './profile';

export const AGENT_MODEL = 'wisphub-agent';
export const HANDOFF_TOOL = 'handoff_to_person';

/** Tools that read no one's personal data: offered before the end user accepts the data-treatment notice. */
const GENERAL_TOOLS = new Set([
  'plans_list',
  'plans_byId',
  'paymentMethods_list',
  'tickets_subjects',
  'tickets_suggestSubject',
  'network_outages',
]);
/** The customer asks for a person. */
const ASKS_FOR_PERSON = /\b(asesor|asesora|humano|persona real|hablar con (una|alguien)|agente humano|operador|a human|real person)\b/i;
const ACCEPTS = /^\W*(s[ií],?\s*)?(acepto|autorizo|i accept|i agree)\b/i;

export interface AgentLimits {
  maxToolCalls: number;
  maxModelCalls: number;
  deadlineMs: number;
  maxTokensPerConversation: number;
  maxTokensPerDay: number;
}

/** What a turn does outside the agent, as the caller: run a procedure (its key, end user, the token given), record a consent. */
export interface TurnHands {
  runProcedure(tool: ToolDefinition, input: Record<string, unknown>, verificationToken: string | null): Promise<unknown>;
  /** Records the end user's acceptance of the notice (the audit trail). */
  recordConsent(version: string): Promise<void>;
  /**
   * The sender's number as the channel's signed request gave it (digits, national form): the
   * possession fact of a verification, filled in by the gateway, never by the model. Null off a channel.
   */
  trustedPhone?: string | null;
  /** A file the person sent on the channel (`adjunto-1`…), for a payment report's receipt; null when there is none by that id. */
  attachment?(id: string): Promise<{ bytes: Uint8Array; contentType: string } | null>;
}

/** A sent file's extension by what its bytes are (`bin` for anything else: the procedure refuses it). */
const kindOf = (bytes: Uint8Array): string => {
  const kind = receiptKind(bytes);
  return kind === null ? 'bin' : receiptExtension(kind);
};

/** Tools whose phone argument the channel's signed sender number fills when the model leaves it out. */
const PHONE_FILLED = new Set(['clients_verify', 'clients_byPhone']);
const RECEIPT_TOOL = 'payments_report';

export interface AgentDeps {
  completions: CompletionService;
  tools: readonly ToolDefinition[];
  conversations: Conversations;
  profile: AgentProfile;
  limits: AgentLimits;
  /** `YYYY-MM-DD` today in the ISP's time zone (the daily token bound). */
  today: () => string;
}

export interface AgentToolCall {
  name: string;
  ok: boolean;
  reason: string | null;
}

export interface AgentTurn {
  completion: ChatCompletion & { wisphub: AgentExtension };
  /** The last model call's story (served model, tier, fallbacks), for headers and the books. */
  meta: CompletionMeta | null;
  /** Every model call's attempts, fallbacks included. */
  attempts: Attempt[];
  costUsd: number;
  tokensCounted: boolean;
  /** Tokens of every model call of the turn. */
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
}

export interface AgentExtension {
  toolCalls: AgentToolCall[];
  handoff: { reason: string } | null;
  consent: 'accepted' | 'pending';
  /** Why the agent stopped short, when it did: a bound, an unsupported claim, a failure. */
  stopped: string | null;
}

/** Where a procedure's own description speaks of what the gateway does for the agent (tokens), the agent's words. */
const AGENT_DESCRIPTIONS: Record<string, string> = {
  clients_verify:
    'Verifica la identidad del cliente con el número de servicio y dos datos que el cliente mismo le dio (documento o teléfono, y nombre o dirección). Si es válida, el sistema guarda la verificación para esta conversación: las demás herramientas del cliente funcionan sin más pasos.',
};

/** The tools as the model sees them: bot-role only, without the arguments the gateway fills in. */
export function agentTools(tools: readonly ToolDefinition[]): ChatTool[] {
  const offered: ChatTool[] = tools
    .filter((tool) => tool.role === 'bot')
    .map((tool) => {
      const {
        [END_USER_ARGUMENT]: _endUser,
        [VERIFICATION_ARGUMENT]: _token,
        ...properties
      } = (tool.inputSchema.properties as Record<string, unknown> | undefined) ?? {};
      const required = ((tool.inputSchema.required as string[] | undefined) ?? []).filter(
        (name) => name !== END_USER_ARGUMENT && name !== VERIFICATION_ARGUMENT,
      );
      // A receipt is a file the person sent, named by its id: its bytes never pass through the model.
      if (tool.name === RECEIPT_TOOL && properties.receipt)
        properties.receipt = {
          type: 'string',
          description: 'El id del adjunto que el cliente envió con el comprobante (p. ej. adjunto-1).',
        };
      return {
        type: 'function' as const,
        function: {
          name: tool.name,
          description: AGENT_DESCRIPTIONS[tool.name] ?? tool.description.split('\n\n')[0]!.slice(0, 1000),
          parameters: { ...tool.inputSchema, properties, required },
        },
      };
    });
  offered.push({
    type: 'function',
    function: {
      name: HANDOFF_TOOL,
      description: 'Pasa la conversación a una persona del equipo: el cliente lo pide, está molesto, o usted no puede resolver.',
      parameters: {
        type: 'object',
        properties: { reason: { type: 'string', description: 'Por qué, en pocas palabras' } },
        required: ['reason'],
        additionalProperties: false,
      },
    },
  });
  return offered;
}

const userTexts = (messages: readonly ChatMessage[]) =>
  messages.filter((message) => message.role === 'user').map((message) => textOf(message.content));

function parseArguments(text: string): Record<string, unknown> | null {
  try {
    const parsed: unknown = JSON.parse(text || '{}');
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

export class AgentTurnRunner {
  private readonly chatTools: ChatTool[];
  private readonly toolsByName: ReadonlyMap<string, ToolDefinition>;

  constructor(private readonly deps: AgentDeps) {
    this.chatTools = agentTools(deps.tools);
    this.toolsByName = new Map(deps.tools.map((tool) => [tool.name, tool]));
  }

  get profile(): AgentProfile {
    return this.deps.profile;
  }

  /** One turn: the conversation is loaded first and kept after, whatever the turn's end. */
  async run(request: ChatRequest, caller: CallerScope, id: ConversationId, hands: TurnHands, requestId: string): Promise<AgentTurn> {
    const conversation = await this.deps.conversations.load(id);
    try {
      return await this.turn(conversation, request, caller, id, hands, requestId);
    } finally {
      await this.deps.conversations.save(id, conversation);
    }
  }

  private async turn(
    conversation: Conversation,
    request: ChatRequest,
    caller: CallerScope,
    id: ConversationId,
    hands: TurnHands,
    requestId: string,
  ): Promise<AgentTurn> {
    const { conversations, profile, limits } = this.deps;
    const started = Date.now();
    const trace: AgentExtension = { toolCalls: [], handoff: null, consent: conversation.consent ? 'accepted' : 'pending', stopped: null };
    const turn = {
      attempts: [] as Attempt[],
      costUsd: 0,
      tokensCounted: false,
      meta: null as CompletionMeta | null,
      usage: { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 },
    };
    const said = userTexts(request.messages);
    const lastUser = said.at(-1) ?? '';
    const answer = (text: string): AgentTurn => {
      if (conversation.handoff) trace.handoff = { reason: conversation.handoff.reason };
      const completion = completionOf(
        { id: `chatcmpl-agent-${requestId}`, created: Math.floor(started / 1000), model: AGENT_MODEL },
        text,
        [],
        'stop',
        turn.usage,
      );
      return { completion: { ...completion, wisphub: trace }, ...turn };
    };
    const handOff = (reason: string) => {
      conversation.handoff ??= { reason, atMs: Date.now() };
    };

    // Consent first: before any personal data, the end user accepts the ISP's notice.
    if (!conversation.consent && ACCEPTS.test(lastUser)) {
      conversation.consent = { version: profile.consent.version, atMs: Date.now() };
      await hands.recordConsent(profile.consent.version);
      trace.consent = 'accepted';
    }
    if (ASKS_FOR_PERSON.test(lastUser)) handOff('customer_asked');
    if (
      conversation.tokensUsed >= limits.maxTokensPerConversation ||
      (await conversations.dayTokens(id, this.deps.today())) >= limits.maxTokensPerDay
    ) {
      trace.stopped = 'token_limit';
      handOff('token_limit');
      return answer(profile.sentences.limit);
    }

    const consented = conversation.consent !== null;
    const tools = consented
      ? this.chatTools
      : this.chatTools.filter((tool) => GENERAL_TOOLS.has(tool.function.name) || tool.function.name === HANDOFF_TOOL);
    const numbersSaid = saidNumbers(said);
    const messages: ChatMessage[] = [
      {
        role: 'system',
        content: systemPrompt(profile, {
          verifiedServiceIds: conversations.verified(conversation),
          consented,
          channelPhone: Boolean(hands.trustedPhone),
        }),
      },
      // The bot's own messages, never a tool result it made up: tools run here.
      ...request.messages
        .filter((message) => message.role === 'user' || message.role === 'assistant' || message.role === 'system')
        .map((message) => (message.role === 'assistant' ? { role: message.role, content: message.content } : message)),
    ];
    const succeeded = new Set<string>();
    let modelCalls = 0;
    let toolCalls = 0;
    let corrected = false;

    for (;;) {
      if (modelCalls >= limits.maxModelCalls || Date.now() - started > limits.deadlineMs) {
        trace.stopped = modelCalls >= limits.maxModelCalls ? 'model_call_limit' : 'deadline';
        handOff(trace.stopped);
        return answer(profile.sentences.limit);
      }
      modelCalls += 1;
      let completion: ChatCompletion;
      try {
        const result = await this.deps.completions.complete(
          { model: 'auto', messages, tools, tool_choice: 'auto', ...(request.user ? { user: request.user } : {}) },
          caller,
          'off',
        );
        completion = result.completion;
        turn.meta = result.meta;
        turn.attempts.push(...result.meta.attempts);
        turn.costUsd += result.meta.costUsd;
        turn.tokensCounted ||= result.meta.tokensCounted;
        const spent = completion.usage.prompt_tokens + completion.usage.completion_tokens;
        turn.usage.prompt_tokens += completion.usage.prompt_tokens;
        turn.usage.completion_tokens += completion.usage.completion_tokens;
        turn.usage.total_tokens += spent;
        await conversations.spend(id, conversation, this.deps.today(), spent);
      } catch (error) {
        // No model could answer: the customer gets a sentence, not an error page.
        trace.stopped = appErrorOf(error)?.reason ?? 'internal_error';
        handOff('model_unavailable');
        return answer(profile.sentences.unavailable);
      }
      const message = completion.choices[0]!.message;
      const calls = message.tool_calls ?? [];
      if (calls.length === 0) {
        const text = message.content ?? '';
        const unsupported = unsupportedClaims(text, succeeded);
        if (unsupported.length === 0) {
          if (!consented && !conversation.consent)
            return answer(text.includes(profile.consent.notice) ? text : `${text}\n\n${profile.consent.notice}`.trim());
          return answer(text);
        }
        if (corrected) {
          trace.stopped = `unsupported_claim:${unsupported.join(',')}`;
          handOff('unsupported_claim');
          return answer(profile.sentences.fallback);
        }
        corrected = true;
        messages.push(
          { role: 'assistant', content: text },
          {
            role: 'system',
            content: `Corrección: su respuesta afirma algo (${unsupported.join(', ')}) que ninguna herramienta confirmó en este turno. Escriba de nuevo la respuesta sin afirmarlo; si hace falta, use la herramienta o diga que no fue posible.`,
          },
        );
        continue;
      }
      messages.push({ role: 'assistant', content: message.content, tool_calls: calls });
      for (const call of calls) {
        toolCalls += 1;
        const name = call.function.name;
        let result: unknown;
        if (toolCalls > limits.maxToolCalls) {
          result = { error: 'tool_call_limit', message: 'Se alcanzó el límite de consultas de este turno.' };
          trace.toolCalls.push({ name, ok: false, reason: 'tool_call_limit' });
        } else if (name === HANDOFF_TOOL) {
          const reason = String(parseArguments(call.function.arguments)?.reason ?? 'requested').slice(0, 200);
          handOff(reason);
          result = { handedOff: true };
          trace.toolCalls.push({ name, ok: true, reason: null });
        } else {
          result = await this.runTool(this.toolsByName.get(name), tools, call.function.arguments, conversation, hands, trace, succeeded);
        }
        messages.push({ role: 'tool', tool_call_id: call.id, content: JSON.stringify(maskForModel(result, numbersSaid)) });
      }
      if (toolCalls > limits.maxToolCalls) {
        trace.stopped = 'tool_call_limit';
        handOff('tool_call_limit');
        return answer(profile.sentences.limit);
      }
    }
  }

  /** Runs one tool the model asked for; answers what the model reads (a result or an error), never a token. */
  private async runTool(
    tool: ToolDefinition | undefined,
    offered: readonly ChatTool[],
    argumentsText: string,
    conversation: Conversation,
    hands: TurnHands,
    trace: AgentExtension,
    succeeded: Set<string>,
  ): Promise<unknown> {
    const name = tool?.name ?? 'unknown';
    const refuse = (reason: string, message: string) => {
      trace.toolCalls.push({ name, ok: false, reason });
      return { error: reason, message };
    };
    if (!tool || !offered.some((candidate) => candidate.function.name === tool.name))
      return refuse('tool_not_offered', 'Esa herramienta no está disponible en esta conversación.');
    const input = parseArguments(argumentsText);
    if (!input) return refuse('invalid_input', 'Los argumentos no son un objeto JSON.');
    // Whatever the model wrote there, the gateway decides who the call is for and with which token.
    delete input[END_USER_ARGUMENT];
    delete input[VERIFICATION_ARGUMENT];
    // The possession fact comes from the channel's signed request, never from the model.
    if (PHONE_FILLED.has(tool.name) && hands.trustedPhone && input.phone === undefined && input.document === undefined)
      input.phone = hands.trustedPhone;
    if (tool.name === RECEIPT_TOOL && typeof input.receipt === 'string') {
      const id = input.receipt;
      let file: Awaited<ReturnType<NonNullable<TurnHands['attachment']>>> = null;
      try {
        file = (await hands.attachment?.(id)) ?? null;
      } catch {
        return refuse('attachment_unreadable', 'No se pudo leer el comprobante que envió el cliente; pídale que lo envíe de nuevo.');
      }
      if (!file) return refuse('attachment_missing', 'El cliente no ha enviado ese comprobante por este medio.');
      input.receipt = {
        contentBase64: Buffer.from(file.bytes).toString('base64'),
        // Named by what its bytes are (the procedure checks them all the way through anyway).
        fileName: `comprobante-${id}.${kindOf(file.bytes)}`,
      };
    }
    const serviceId = typeof input.serviceId === 'number' ? input.serviceId : null;
    const token = tool.takesVerification ? this.deps.conversations.tokenFor(conversation, serviceId) : null;
    try {
      const result = await hands.runProcedure(tool, input, token);
      if (tool.name === 'clients_verify') this.keepToken(result, conversation);
      trace.toolCalls.push({ name, ok: true, reason: null });
      succeeded.add(tool.name);
      return result;
    } catch (error) {
      const payload = toErrorPayload(error, null);
      trace.toolCalls.push({ name, ok: false, reason: payload.reason });
      return { error: payload.reason, message: payload.message, ...(payload.details ? { details: payload.details } : {}) };
    }
  }

  private keepToken(result: unknown, conversation: Conversation): void {
    const verified = result as { serviceId?: number; verificationToken?: string | null; verificationExpiresAt?: string | null };
    if (typeof verified.serviceId === 'number' && verified.verificationToken && verified.verificationExpiresAt) {
      conversation.tokens.set(verified.serviceId, {
        token: verified.verificationToken,
        expiresAtMs: Date.parse(verified.verificationExpiresAt),
      });
    }
  }
}
