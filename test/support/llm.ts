/** The `/v1` surface as tests reach it: the official `openai` client, and the provider simulator behind the service. */

import OpenAI from 'openai';
import type { LlmSimulator } from '../../server/llm-simulator/server';
import { BOT_KEY, type TestService } from './service';

export { BOT_KEY };

/** The official client pointed at the service, no retries of its own (the gateway's are under test). */
export function openAiFor(service: TestService, apiKey = BOT_KEY, headers: Record<string, string> = {}): OpenAI {
  return new OpenAI({ baseURL: `${service.url}/v1`, apiKey, maxRetries: 0, defaultHeaders: headers });
}

export function llmSimOf(service: TestService): LlmSimulator {
  if (!service.llmSimulator) throw new Error('the service runs on real providers, not the simulator');
  return service.llmSimulator;
}

/** A tool the simulated models call when it is offered. */
export const LOOKUP_TOOL = {
  type: 'function' as const,
  function: {
    name: 'buscar_cliente',
    description: 'Busca un cliente por su documento.',
    parameters: {
      type: 'object',
      properties: { documento: { type: 'string' }, limite: { type: 'integer' } },
      required: ['documento'],
      additionalProperties: false,
    },
  },
};

/** One model of each provider the simulator plays. */
export const MODEL_PER_PROVIDER = ['gpt-4o-mini', 'claude-3-5-haiku-latest', 'gemini-2.0-flash', 'ollama/llama3.2'] as const;
