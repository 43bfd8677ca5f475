/** Anthropic's Messages API. */

export { anthropicProvider } from './chat';
