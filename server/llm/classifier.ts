/**
 * The complexity classifier: a request's features (tokens counted with a real tokenizer, turns,
 * questions, keywords, code, tools, images, a JSON schema) scored by rules kept in data
 * (classifier-rules.json) into SIMPLE / MODERATE / COMPLEX / EXPERT. Pure and synchronous.
 * A bot's system prompt is left out of the count: it is the same for "hola" and for a dispute,
 * so it says nothing about this turn.
 */

import { z } from 'zod';
import { type ChatRequest, textOf } from './chat';
import shippedRules from './classifier-rules.json' with { type: 'json' };
import { TIERS, type Tier } from './registry';

const stepSchema = z.object({ over: z.number().nonnegative(), points: z.number() });
const rulesSchema = z.object({
  tiers: z.object({ MODERATE: z.number(), COMPLEX: z.number(), EXPERT: z.number() }),
  lastMessageWords: z.array(stepSchema),
  promptTokens: z.array(stepSchema),
  userTurns: z.array(stepSchema),
  questions: stepSchema,
  code: z.number(),
  tools: z.number(),
  images: z.number(),
  jsonSchema: z.number(),
  otherGroupPoints: z.number(),
  keywords: z.array(
    z.object({
      points: z.number(),
      why: z.string(),
      words: z.array(z.string().min(1)).min(1),
      onlyIfWordsAtMost: z.number().int().positive().optional(),
    }),
  ),
  codePatterns: z.array(z.string()),
});

export type ClassifierRules = z.output<typeof rulesSchema>;

/** Tokens in a text. */
export type TokenCounter = (text: string) => number;

let counter: Promise<TokenCounter> | null = null;

/**
 * The o200k_base tokenizer (gpt-tokenizer), loaded on first use: its ranks take ~370 ms to load and
 * ~67 MB of RSS, which an instance that never routes `auto` (the WispHub half alone, named models)
 * must not pay at start-up.
 */
export function loadTokenCounter(): Promise<TokenCounter> {
  counter ??= import('gpt-tokenizer/encoding/o200k_base').then((encoding) => encoding.countTokens);
  return counter;
}

export interface Features {
  /** Tokens of every non-system message (o200k_base, the encoding of OpenAI's current models). */
  promptTokens: number;
  /** Tokens of the system and developer messages (for the context window, not the tier). */
  systemTokens: number;
  userTurns: number;
  /** Question marks in the last user message. */
  questions: number;
  /** Words in the last user message. */
  words: number;
  code: boolean;
  tools: boolean;
  images: boolean;
  jsonSchema: boolean;
  /** The keyword groups the last user message matched (their `why`). */
  matched: string[];
}

export interface Classification {
  tier: Tier;
  score: number;
  features: Features;
}

/** Lower case without accents, so "Cuánto" matches "cuanto". */
export function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase();
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

interface CompiledGroup {
  points: number;
  why: string;
  pattern: RegExp;
  onlyIfWordsAtMost: number | undefined;
}

export class Classifier {
  private readonly groups: CompiledGroup[];
  private readonly codePatterns: RegExp[];

  constructor(
    private readonly rules: ClassifierRules,
    private readonly countTokens: TokenCounter,
  ) {
    this.groups = rules.keywords.map((group) => ({
      points: group.points,
      why: group.why,
      // Whole words or phrases, at word boundaries of the folded text.
      pattern: new RegExp(
        `(?:^|[^\\p{L}\\p{N}])(?:${group.words.map((word) => escapeRegExp(fold(word))).join('|')})(?=$|[^\\p{L}\\p{N}])`,
        'u',
      ),
      onlyIfWordsAtMost: group.onlyIfWordsAtMost,
    }));
    this.codePatterns = rules.codePatterns.map((pattern) => new RegExp(pattern, 'm'));
  }

  static parseRules(raw: unknown): ClassifierRules {
    return rulesSchema.parse(raw);
  }

  features(request: ChatRequest): Features {
    const conversation = request.messages.filter((message) => message.role !== 'system' && message.role !== 'developer');
    const userMessages = conversation.filter((message) => message.role === 'user');
    const last = textOf(userMessages.at(-1)?.content ?? null);
    const folded = fold(last);
    const words = folded.split(/\s+/).filter((word) => word !== '').length;
    const allText = conversation.map((message) => textOf(message.content)).join('\n');
    const systemText = request.messages
      .filter((message) => message.role === 'system' || message.role === 'developer')
      .map((message) => textOf(message.content))
      .join('\n');
    return {
      promptTokens: allText === '' ? 0 : this.countTokens(allText),
      systemTokens: systemText === '' ? 0 : this.countTokens(systemText),
      userTurns: userMessages.length,
      questions: (last.match(/\?/g) ?? []).length,
      words,
      code: this.codePatterns.some((pattern) => pattern.test(last)),
      tools: (request.tools?.length ?? 0) > 0 && request.tool_choice !== 'none',
      images: conversation.some((message) => Array.isArray(message.content) && message.content.some((part) => part.type === 'image_url')),
      jsonSchema: request.response_format?.type === 'json_schema',
      matched: this.groups
        .filter((group) => (group.onlyIfWordsAtMost === undefined || words <= group.onlyIfWordsAtMost) && group.pattern.test(folded))
        .map((group) => group.why),
    };
  }

  classify(request: ChatRequest): Classification {
    const features = this.features(request);
    const { rules } = this;
    let score = 0;
    for (const step of rules.promptTokens) if (features.promptTokens > step.over) score += step.points;
    for (const step of rules.userTurns) if (features.userTurns > step.over) score += step.points;
    if (features.questions > rules.questions.over) score += rules.questions.points;
    if (features.code) score += rules.code;
    if (features.tools) score += rules.tools;
    if (features.images) score += rules.images;
    if (features.jsonSchema) score += rules.jsonSchema;
    for (const step of rules.lastMessageWords) if (features.words > step.over) score += step.points;
    // The strongest topic counts in full; each other topic the message also touches adds a little.
    const matched = this.groups.filter((group) => features.matched.includes(group.why));
    const positive = matched.filter((group) => group.points > 0).sort((a, b) => b.points - a.points);
    // A greeting lowers a message only when it carries nothing else ("hola, no tengo internet" is a fault).
    if (positive.length === 0) for (const group of matched) if (group.points < 0) score += group.points;
    if (positive.length > 0) score += positive[0]!.points + (positive.length - 1) * rules.otherGroupPoints;
    return { tier: tierOf(score, rules), score, features };
  }
}

export function tierOf(score: number, rules: ClassifierRules): Tier {
  if (score >= rules.tiers.EXPERT) return 'EXPERT';
  if (score >= rules.tiers.COMPLEX) return 'COMPLEX';
  if (score >= rules.tiers.MODERATE) return 'MODERATE';
  return TIERS[0];
}

export const SHIPPED_CLASSIFIER_RULES: ClassifierRules = Classifier.parseRules(shippedRules);
