import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { costOf, ModelRegistry, parseRegistry, RegistryError, SHIPPED_REGISTRY } from '../../server/llm/registry';
import {
  DEFAULT_WEIGHTS,
  type Needs,
  type PolicyContext,
  planForModel,
  planForTier,
  qualifiedName,
  score,
} from '../../server/llm/route-policy';

/** The route policy: filters (tier floor, context window, capabilities, health, permissions), scoring and order. */

const policy = suite('llm: the route policy');
const registry = new ModelRegistry(SHIPPED_REGISTRY);
const needs = (extra: Partial<Needs> = {}): Needs => ({
  contextTokens: 1000,
  promptTokens: 500,
  expectedOutputTokens: 500,
  tools: false,
  json: false,
  vision: false,
  ...extra,
});
const context = (extra: Partial<PolicyContext> = {}): PolicyContext => ({
  registry,
  weights: DEFAULT_WEIGHTS,
  configured: () => true,
  healthy: () => true,
  allowed: () => true,
  ...extra,
});
const names = (plan: { candidates: { model: Parameters<typeof qualifiedName>[0] }[] }) =>
  plan.candidates.map((candidate) => qualifiedName(candidate.model));

policy('SIMPLE goes to the cheapest able model; EXPERT only to models over its floor', () => {
  const simple = planForTier('SIMPLE', needs(), context({ configured: (provider) => provider !== 'ollama' }));
  assert.is(names(simple)[0], 'google/gemini-2.0-flash');
  const expert = planForTier('EXPERT', needs(), context());
  const floor = registry.minQuality('EXPERT');
  const atFloor = expert.candidates.filter((candidate) => candidate.model.quality >= floor);
  assert.ok(atFloor.length >= 3);
  assert.is(expert.candidates[0]!.model.quality >= floor, true);
  // The ones below the floor follow, as last-resort fallbacks, never first.
  assert.ok(expert.candidates.slice(0, atFloor.length).every((candidate) => candidate.model.quality >= floor));
  assert.ok(expert.excluded.some((exclusion) => exclusion.why === 'quality'));
});

policy('weights decide: all quality picks the best model, all cost the cheapest', () => {
  const quality = planForTier(
    'MODERATE',
    needs(),
    context({ weights: { cost: 0, quality: 1, speed: 0 }, configured: (p) => p !== 'ollama' }),
  );
  assert.is(names(quality)[0], 'anthropic/claude-opus-4-1');
  const cost = planForTier('MODERATE', needs(), context({ weights: { cost: 1, quality: 0, speed: 0 }, configured: (p) => p !== 'ollama' }));
  assert.is(names(cost)[0], 'google/gemini-2.0-flash');
});

policy('context window, capabilities, health and permissions filter, each with its reason', () => {
  const big = planForTier('SIMPLE', needs({ contextTokens: 500_000 }), context());
  assert.ok(big.candidates.every((candidate) => candidate.model.contextWindow >= 500_000));
  assert.ok(big.excluded.some((exclusion) => exclusion.model === 'openai/gpt-4o-mini' && exclusion.why === 'context_window'));
  const vision = planForTier('SIMPLE', needs({ vision: true }), context());
  assert.ok(!names(vision).includes('ollama/llama3.2'));
  const json = planForTier('SIMPLE', needs({ json: true }), context());
  assert.ok(json.candidates.every((candidate) => candidate.model.capabilities.json));
  const sick = planForTier('SIMPLE', needs(), context({ healthy: (provider) => provider !== 'google' }));
  const order = names(sick);
  assert.ok(order.findIndex((name) => name.startsWith('google/')) > order.findIndex((name) => !name.startsWith('google/')));
  assert.ok(
    order.slice(-3).every((name) => name.startsWith('google/')),
    'an unhealthy provider is tried last, not never',
  );
  const narrow = planForTier('SIMPLE', needs(), context({ allowed: (model) => model.provider === 'anthropic' }));
  assert.ok(names(narrow).every((name) => name.startsWith('anthropic/')));
  const none = planForTier('SIMPLE', needs(), context({ configured: () => false }));
  assert.equal(none.candidates, []);
});

policy('a named model serves first; stand-ins of comparable quality follow unless fallbacks are off', () => {
  const named = registry.lookup('gpt-4o');
  const plan = planForModel(named, needs(), context(), true);
  assert.is(names(plan)[0], 'openai/gpt-4o');
  assert.ok(plan.candidates.slice(1).every((candidate) => candidate.model.quality >= named[0]!.quality - 0.1));
  assert.equal(names(planForModel(named, needs(), context(), false)), ['openai/gpt-4o']);
});

policy('scores: the cheapest scores full cost points; free models all do', () => {
  const models = registry.lookup('gpt-4o-mini').concat(registry.lookup('gpt-4o'));
  const [mini, big] = score(models, needs(), { cost: 1, quality: 0, speed: 0 });
  assert.is(mini!.score, 1);
  assert.ok(big!.score < 0.1);
  const [free] = score(registry.lookup('ollama/llama3.2'), needs(), { cost: 1, quality: 0, speed: 0 });
  assert.is(free!.score, 1);
  assert.is(costOf(registry.lookup('gpt-4o-mini')[0]!, 1_000_000, 1_000_000), 0.75);
});

policy('the registry refuses what it cannot trust: bad fields, a model listed twice; lookups by bare and qualified id', () => {
  assert.throws(
    () => parseRegistry({ ...SHIPPED_REGISTRY, models: [{ ...SHIPPED_REGISTRY.models[0], inputPerMTok: -1 }] }, 'x'),
    (error: unknown) => error instanceof RegistryError,
  );
  assert.throws(
    () => parseRegistry({ ...SHIPPED_REGISTRY, models: [SHIPPED_REGISTRY.models[0], SHIPPED_REGISTRY.models[0]] }, 'x'),
    /listed twice/,
  );
  assert.throws(
    () => parseRegistry({ ...SHIPPED_REGISTRY, models: [{ ...SHIPPED_REGISTRY.models[0], pricesAsOf: 'yesterday' }] }, 'x'),
    (error: unknown) => error instanceof RegistryError,
  );
  assert.is(registry.lookup('openai/gpt-4o-mini').length, 1);
  assert.is(registry.lookup('gpt-4o-mini').length, 1);
  assert.equal(registry.lookup('nope'), []);
  // Replaced whole.
  const swapped = new ModelRegistry(SHIPPED_REGISTRY);
  swapped.replace({ ...SHIPPED_REGISTRY, version: 'next', models: SHIPPED_REGISTRY.models.slice(0, 1) });
  assert.is(swapped.version, 'next');
  assert.equal(swapped.lookup('claude-opus-4-1'), []);
});

policy.run();
