/**
 * The labelled set the classifier is measured on (test/data/classifier-labelled.jsonl): Spanish
 * support messages and general prompts, each `[tier, text, why, earlier turns?]`, as requests.
 */

import { readFileSync } from 'node:fs';
import type { ChatRequest } from '../../server/llm/chat';
import type { Classifier } from '../../server/llm/classifier';
import { TIERS, type Tier } from '../../server/llm/registry';

export interface LabelledRequest {
  tier: Tier;
  why: string;
  request: ChatRequest;
}

export function labelledSet(file = 'classifier-labelled.jsonl'): LabelledRequest[] {
  const lines = readFileSync(new URL(`../data/${file}`, import.meta.url), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '');
  return lines.map((line) => {
    const [tier, text, why, earlier] = JSON.parse(line) as [Tier, string, string, string[] | undefined];
    const turns = (earlier ?? []).map((content, index) => ({
      role: index % 2 === 0 ? ('user' as const) : ('assistant' as const),
      content,
    }));
    return {
      tier,
      why,
      request: {
        model: 'auto',
        messages: [{ role: 'system', content: 'Eres el asistente de soporte de un ISP.' }, ...turns, { role: 'user', content: text }],
      },
    };
  });
}

export interface Evaluation {
  total: number;
  correct: number;
  accuracy: number;
  /** confusion[labelled][predicted] */
  confusion: Record<Tier, Record<Tier, number>>;
  /** Requests classified two or more tiers away from their label. */
  farOff: { text: string; labelled: Tier; predicted: Tier }[];
}

export function evaluate(classifier: Classifier, set = labelledSet()): Evaluation {
  const confusion = Object.fromEntries(
    TIERS.map((row) => [row, Object.fromEntries(TIERS.map((column) => [column, 0]))]),
  ) as Evaluation['confusion'];
  let correct = 0;
  const farOff: Evaluation['farOff'] = [];
  for (const { tier, request } of set) {
    const predicted = classifier.classify(request).tier;
    confusion[tier][predicted] += 1;
    if (predicted === tier) correct += 1;
    if (Math.abs(TIERS.indexOf(predicted) - TIERS.indexOf(tier)) >= 2) {
      const last = request.messages.at(-1)!.content;
      farOff.push({ text: typeof last === 'string' ? last : '', labelled: tier, predicted });
    }
  }
  return { total: set.length, correct, accuracy: correct / set.length, confusion, farOff };
}
