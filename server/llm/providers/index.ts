/** The adapters by provider kind: the only code that speaks a provider's wire format lives under this folder. */

import { anthropicProvider } from './anthropic/index';
import { googleProvider } from './google/index';
import { openAiCompatibleProvider, openAiProvider } from './openai/index';
import type { ProviderAdapter, ProviderKind } from './types';

export const PROVIDER_ADAPTERS: Readonly<Record<ProviderKind, ProviderAdapter>> = {
  openai: openAiProvider,
  'openai-compatible': openAiCompatibleProvider,
  anthropic: anthropicProvider,
  google: googleProvider,
};
