/** OpenAI, and any server that speaks its Chat Completions API (Ollama, vLLM, llama.cpp, Groq, OpenRouter). */

import { openAiAdapter } from './chat';

export const openAiProvider = openAiAdapter('openai');
export const openAiCompatibleProvider = openAiAdapter('openai-compatible');
