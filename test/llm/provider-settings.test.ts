import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { configuredProviders, readProviderKeys, simulatedProviders } from '../../server/config/llm-providers';
import { ConfigError } from '../../server/config/settings';
import { testConfig } from '../support/service';

/** Which providers a configuration names: keys from variables or a file, base URLs, per-provider deadlines. */

const settings = suite('llm: provider settings');
const folder = mkdtempSync(join(tmpdir(), 'provider-keys-'));

settings('no key and no compatible URL: no provider (the simulator serves)', () => {
  assert.equal(configuredProviders(testConfig()), []);
});

settings('keys from variables and from a file, a compatible server under its name, timeouts per provider', () => {
  const file = join(folder, 'keys');
  writeFileSync(file, '# provider keys\nanthropic=sk-ant-from-file\ngoogle=g-from-file   # trailing comment\nlocal=local-key\n');
  const providers = configuredProviders(
    testConfig({
      OPENAI_API_KEY: 'sk-openai',
      LLM_PROVIDER_KEYS_FILE: file,
      OPENAI_COMPATIBLE_BASE_URL: 'http://127.0.0.1:11434/v1',
      OPENAI_COMPATIBLE_NAME: 'local',
      LLM_TIMEOUT_MS: '20000',
      LLM_PROVIDER_TIMEOUTS_MS: 'anthropic=90000,local=120000',
    }),
  );
  assert.equal(
    providers.map(({ name, kind, apiKey, timeoutMs }) => ({ name, kind, apiKey, timeoutMs })),
    [
      { name: 'openai', kind: 'openai', apiKey: 'sk-openai', timeoutMs: 20000 },
      { name: 'anthropic', kind: 'anthropic', apiKey: 'sk-ant-from-file', timeoutMs: 90000 },
      { name: 'google', kind: 'google', apiKey: 'g-from-file', timeoutMs: 20000 },
      { name: 'local', kind: 'openai-compatible', apiKey: 'local-key', timeoutMs: 120000 },
    ],
  );
  assert.is(providers[0]!.baseUrl, 'https://api.openai.com/v1');
});

settings('a malformed keys file is refused naming the line, never the key', () => {
  const file = join(folder, 'bad');
  writeFileSync(file, 'openai=sk-secret-value\nthis line is wrong\n');
  try {
    readProviderKeys(file);
    assert.unreachable();
  } catch (error) {
    assert.match(String(error), 'line 2');
    assert.not.match(String(error), 'sk-secret-value');
  }
  assert.throws(() => readProviderKeys(join(folder, 'missing')), /cannot read/);
});

settings('bad LLM settings stop start-up with a message naming the variable', () => {
  for (const [variable, value] of [
    ['LLM_PROVIDER_TIMEOUTS_MS', 'anthropic:90000'],
    ['LLM_ROUTE_WEIGHTS', '40,60'],
    ['OPENAI_BASE_URL', 'ftp://example.com'],
    ['LLM_SIMULATOR', 'maybe'],
    ['OPENAI_COMPATIBLE_NAME', 'Ollama Local'],
    ['LLM_KEY_ROUTE_WEIGHTS', 'premium=10,70,20'],
  ] as const) {
    try {
      testConfig({ [variable]: value });
      assert.unreachable(variable);
    } catch (error) {
      assert.instance(error, ConfigError);
      assert.match((error as ConfigError).message, variable);
    }
  }
  assert.equal(testConfig({ LLM_ROUTE_WEIGHTS: '50,50,0' }).LLM_ROUTE_WEIGHTS, { cost: 0.5, quality: 0.5, speed: 0 });
  assert.equal(testConfig({ LLM_KEY_ROUTE_WEIGHTS: 'bot:premium=10:70:20' }).LLM_KEY_ROUTE_WEIGHTS, {
    'bot:premium': { cost: 0.1, quality: 0.7, speed: 0.2 },
  });
});

settings('the simulator stands in for every provider the registry knows', () => {
  assert.equal(
    simulatedProviders('http://127.0.0.1:9', 'ollama', 1000).map((provider) => provider.name),
    ['openai', 'anthropic', 'google', 'ollama'],
  );
});

settings.run();
