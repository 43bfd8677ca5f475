import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Classifier, fold, loadTokenCounter, SHIPPED_CLASSIFIER_RULES, type TokenCounter } from '../../server/llm/classifier';
import { evaluate, labelledSet } from '../support/classifier-set';

/**
 * The complexity classifier: each rule on its own, and the whole against the labelled set of
 * Spanish support traffic and general prompts (and a held-out set the rules were not tuned on).
 */

const classifier = suite('llm: the complexity classifier');
// Loaded in a hook, not at top level: Bun's test loader requires suites and refuses top-level await.
let countTokens: TokenCounter;
let rules: Classifier;
classifier.before(async () => {
  countTokens = await loadTokenCounter();
  rules = new Classifier(SHIPPED_CLASSIFIER_RULES, countTokens);
});
const user = (content: string, extra: object = {}) => ({ model: 'auto', messages: [{ role: 'user' as const, content }], ...extra });

classifier('folding: accents and case do not matter', () => {
  assert.is(fold('¿Cuánto DEBO?'), '¿cuanto debo?');
  assert.is(rules.classify(user('CUÁNTO DEBO')).tier, rules.classify(user('cuanto debo')).tier);
});

classifier('greetings and one-fact questions are SIMPLE; a greeting does not hide a fault', () => {
  for (const text of ['hola', 'muchas gracias', '¿Cuánto debo?', '¿Qué planes tienen?'])
    assert.is(rules.classify(user(text)).tier, 'SIMPLE', text);
  assert.is(rules.classify(user('hola, no tengo internet desde ayer')).tier, 'MODERATE');
});

classifier('a greeting only lowers short messages', () => {
  const long = rules.classify(user('hola, les escribo porque quiero analizar con calma las opciones de planes para mi negocio'));
  assert.ok(long.tier !== 'SIMPLE');
});

classifier('keywords match whole words, not inside others', () => {
  // "planeta" holds "plan", "pingüino" holds "ping": neither is a keyword.
  assert.equal(rules.features(user('el planeta de los pingüinos')).matched, []);
  assert.equal(rules.features(user('hazme un ping')).matched.length, 1);
});

classifier('the strongest topic counts in full, each other adds one', () => {
  const dispute = rules.classify(user('exijo reembolso'));
  const disputeAndFault = rules.classify(user('exijo reembolso, el internet está lento'));
  assert.is(disputeAndFault.score - dispute.score, 1 + 0 /* words: 2 → 6, no length step crossed */);
});

classifier('code, images, a JSON schema and length raise the tier; the system prompt does not', () => {
  const plain = rules.classify(user('revisa esto')).score;
  assert.is(rules.classify(user('revisa esto ```x = 1```')).score - plain, SHIPPED_CLASSIFIER_RULES.code);
  const image = rules.classify({
    model: 'auto',
    messages: [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'revisa esto' },
          { type: 'image_url', image_url: { url: 'data:image/png;base64,AA' } },
        ],
      },
    ],
  });
  assert.is(image.score - plain, SHIPPED_CLASSIFIER_RULES.images);
  assert.is(
    rules.classify(user('revisa esto', { response_format: { type: 'json_schema', json_schema: { name: 'x' } } })).score - plain,
    SHIPPED_CLASSIFIER_RULES.jsonSchema,
  );
  const longSystem = rules.classify({
    model: 'auto',
    messages: [
      { role: 'system', content: 'Eres un asistente. '.repeat(500) },
      { role: 'user', content: 'hola' },
    ],
  });
  assert.is(longSystem.tier, 'SIMPLE');
  assert.ok(longSystem.features.systemTokens > 1000);
  const huge = rules.classify(user('palabra '.repeat(7000)));
  assert.ok(huge.features.promptTokens > 6000);
  assert.ok(huge.score >= 3 + 3, 'a very long message is at least long-message and large-context points');
});

classifier('rules are data: a file with other thresholds classifies differently, and a malformed one is refused', () => {
  const strict = new Classifier({ ...SHIPPED_CLASSIFIER_RULES, tiers: { MODERATE: 0, COMPLEX: 100, EXPERT: 200 } }, countTokens);
  assert.is(strict.classify(user('revisa esto por favor')).tier, 'MODERATE');
  assert.throws(() => Classifier.parseRules({ tiers: {} }));
});

classifier('the labelled set: at least 200 messages, every tier present, and the accuracy it reaches', () => {
  const set = labelledSet();
  assert.ok(set.length >= 200, `${set.length} labelled messages`);
  const result = evaluate(rules, set);
  // Tuned on this set: this is its training accuracy (docs/llm.md reports both numbers).
  assert.ok(result.accuracy >= 0.95, `accuracy ${result.accuracy}`);
  assert.equal(result.farOff, [], 'nothing two tiers away from its label');
});

classifier('the held-out set (not used to tune the rules): most right, none two tiers off', () => {
  const result = evaluate(rules, labelledSet('classifier-heldout.jsonl'));
  assert.ok(result.total >= 30);
  assert.ok(result.accuracy >= 0.75, `held-out accuracy ${result.accuracy}`);
  assert.equal(result.farOff, []);
});

classifier.run();
