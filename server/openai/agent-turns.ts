/**
 * `model: "wisphub-agent"` on `/v1/chat/completions`: the agent's turn (server/agent/) answered as a
 * chat completion (JSON, or the same completion replayed as SSE chunks), with what it did in the
 * `wisphub` extension field and `x-wisphub-agent-*` headers, and one usage row for the turn
 * (every model call's tokens and cost, its tool calls).
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import { AGENT_MODEL, type AgentTurn, type AgentTurnRunner, type TurnHands } from '../agent/turn';
import { AppError } from '../errors';
import { readEndUser } from '../guards/end-user';
import { sendJson } from '../http/io';
import type { ChatRequest } from '../llm/chat';
import { type CallerScope, chunksOf } from '../llm/completions';
import type { RequestContext } from '../trpc/context';
import { type Accounting, type RequestFacts, recordRow } from './completion-metrics';

export interface AgentSurface {
  runner: AgentTurnRunner;
  /** What a turn does as this request's caller, for its end user: procedures, consent records. */
  handsFor(ctx: RequestContext, endUser: string): TurnHands;
}

const CONVERSATION_HEADER = 'x-conversation-id';

export async function serveAgentTurn(
  agent: AgentSurface,
  request: ChatRequest,
  scope: CallerScope,
  facts: RequestFacts,
  accounting: Accounting,
  req: IncomingMessage,
  res: ServerResponse,
  ctx: RequestContext,
): Promise<void> {
  const endUser = facts.endUser === null ? null : readEndUser(facts.endUser, 'X-End-User');
  if (endUser === null)
    throw new AppError('invalid_input', {
      message: 'El agente atiende a una persona a la vez: envíe X-End-User (o `user`) con un identificador opaco de ella.',
    });
  const conversation = readEndUser(req.headers[CONVERSATION_HEADER], 'X-Conversation-Id') ?? 'default';
  const turn = await agent.runner.run(
    request,
    scope,
    { keyName: facts.keyName, endUser, conversation },
    agent.handsFor(ctx, endUser),
    ctx.requestId,
  );
  const { completion, meta } = turn;
  const toolCalls = recordAgentTurn(accounting, facts, turn);
  const headers: Record<string, string> = {
    'x-wisphub-agent-tool-calls': String(toolCalls.length),
    'x-wisphub-agent-handoff': completion.wisphub.handoff ? 'true' : 'false',
    'x-wisphub-agent-consent': completion.wisphub.consent,
    'x-wisphub-cost-usd': turn.costUsd.toFixed(8),
    ...(meta ? { 'x-wisphub-model': meta.model, 'x-wisphub-provider': meta.provider } : {}),
    ...(meta?.tier ? { 'x-wisphub-tier': meta.tier } : {}),
  };
  if (!request.stream) return sendJson(res, 200, completion, headers);
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    ...headers,
  });
  for (const chunk of chunksOf(completion, request.stream_options?.include_usage === true)) res.write(`data: ${JSON.stringify(chunk)}\n\n`);
  // What the agent did travels in a last chunk without choices, as the usage chunk does.
  const { id, created, model, wisphub } = completion;
  res.end(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [], wisphub })}\n\ndata: [DONE]\n\n`);
}

/** One agent turn in the metrics and the books (every model call's tokens and cost, its tool calls); answers the tool calls. */
export function recordAgentTurn(accounting: Accounting, facts: RequestFacts, turn: AgentTurn): string[] {
  const { completion, meta } = turn;
  const toolCalls = completion.wisphub.toolCalls.map((call) => `${call.name}:${call.ok ? 'ok' : call.reason}`);
  accounting.metrics.observeLlm({
    model: AGENT_MODEL,
    tier: meta?.tier ?? null,
    cache: 'bypass',
    outcome: 'ok',
    key: facts.keyName,
    promptTokens: turn.usage.prompt_tokens,
    completionTokens: turn.usage.completion_tokens,
    costUsd: turn.costUsd,
    attempts: turn.attempts,
  });
  recordRow(accounting, facts, {
    modelServed: meta ? `${meta.provider}/${meta.model}` : null,
    provider: meta?.provider ?? null,
    tier: meta?.tier ?? null,
    promptTokens: turn.usage.prompt_tokens,
    completionTokens: turn.usage.completion_tokens,
    tokensCounted: turn.tokensCounted,
    costUsd: turn.costUsd,
    ttftMs: null,
    cache: 'bypass',
    fallbacks: turn.attempts.filter((attempt) => attempt.outcome !== 'ok').map((a) => `${a.provider}/${a.model}:${a.outcome}`),
    outcome: 'ok',
    errorReason: completion.wisphub.stopped,
    toolCalls,
    handoff: completion.wisphub.handoff?.reason ?? null,
  });
  return toolCalls;
}
