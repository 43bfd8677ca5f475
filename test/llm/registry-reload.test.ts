import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { SHIPPED_REGISTRY } from '../../server/llm/registry';
import { BOT_KEY, openAiFor } from '../support/llm';
import { startTestService, type TestService } from '../support/service';

/** The registry is reloadable at run time from a file or URL the operator trusts; a bad document changes nothing. */

const reload = suite('llm: the model registry reloads at run time');
const ADMIN = 'admin-key-0123456789abcdefgh';
const file = join(mkdtempSync(join(tmpdir(), 'registry-')), 'models.json');
let service: TestService;

const post = (path: string, key = ADMIN) => fetch(`${service.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${key}` } });

reload.before(async () => {
  writeFileSync(file, JSON.stringify(SHIPPED_REGISTRY));
  service = await startTestService({ ADMIN_API_KEYS: `root=${ADMIN}`, LLM_REGISTRY_FILE: file });
});
reload.after(() => service.stop());

reload('a new file version takes effect on reload; a model it drops is no longer served', async () => {
  await openAiFor(service).chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hola' }] });
  writeFileSync(
    file,
    JSON.stringify({
      ...SHIPPED_REGISTRY,
      version: '2026-12-05b',
      models: SHIPPED_REGISTRY.models.filter((model) => model.id !== 'gpt-4o-mini'),
    }),
  );
  const answer = await post('/admin/llm/registry/reload');
  assert.is(answer.status, 200);
  assert.equal(await answer.json(), {
    previous: SHIPPED_REGISTRY.version,
    version: '2026-12-05b',
    models: SHIPPED_REGISTRY.models.length - 1,
  });
  const gone = await fetch(`${service.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${BOT_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hola' }] }),
  });
  assert.is(gone.status, 404);
  const state = (await (await fetch(`${service.url}/admin/llm/registry`, { headers: { authorization: `Bearer ${ADMIN}` } })).json()) as {
    version: string;
    providers: { name: string; healthy: boolean; breaker: string }[];
  };
  assert.is(state.version, '2026-12-05b');
  assert.ok(state.providers.every((provider) => provider.healthy && provider.breaker === 'closed'));
});

reload('a malformed document is refused with its problem, and the registry in force stays', async () => {
  writeFileSync(file, JSON.stringify({ ...SHIPPED_REGISTRY, version: 'broken', models: [{ id: 'x' }] }));
  const answer = await post('/admin/llm/registry/reload');
  assert.is(answer.status, 400);
  assert.match(JSON.stringify(await answer.json()), 'models.0');
  writeFileSync(file, '{ not json');
  assert.is((await post('/admin/llm/registry/reload')).status, 400);
  assert.is(service.services.llm.registry.version, '2026-12-05b');
});

reload('a bot key cannot reload or read the registry', async () => {
  assert.is((await post('/admin/llm/registry/reload', BOT_KEY)).status, 403);
  assert.is((await fetch(`${service.url}/admin/llm/registry`, { headers: { authorization: `Bearer ${BOT_KEY}` } })).status, 403);
});

reload('a URL source wins over the file', async () => {
  writeFileSync(file, JSON.stringify(SHIPPED_REGISTRY));
  const document = JSON.stringify({ ...SHIPPED_REGISTRY, version: 'from-url' });
  const server = createServer((_req, res) => res.end(document)).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const fromUrl = await startTestService({
    ADMIN_API_KEYS: `root=${ADMIN}`,
    LLM_REGISTRY_FILE: file,
    LLM_REGISTRY_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/models.json`,
  });
  try {
    const answer = await fetch(`${fromUrl.url}/admin/llm/registry/reload`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN}` },
    });
    assert.is(((await answer.json()) as { version: string }).version, 'from-url');
  } finally {
    await fromUrl.stop();
    server.close();
  }
});

reload.run();
