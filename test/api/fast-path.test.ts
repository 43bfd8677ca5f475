import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { fullView, OPERATOR_KEY, startTestService, type TestService } from '../support/service';

/** Memoised answers are byte-identical to the full path's, and retire when their sources change. */

let service: TestService;
const fast = suite('api: memoised fast path');
fast.before(async () => {
  service = await startTestService({ CACHE_TTL_CLIENTS_S: '2' });
});
fast.after(() => service.stop());
fast.before.each(() => service.services.memo.clear());

const key = () => ({ 'x-api-key': service.config.API_KEYS[0]!.key });
const trpcInput = (input: unknown) => encodeURIComponent(JSON.stringify({ json: input }));

fast('REST: the second answer comes from the memo (ETag) with the same bytes; If-None-Match → 304', async () => {
  const raw = service.sim.data.clients.find((c) => typeof c.cedula === 'string')!;
  for (const path of [
    '/clients/search?q=pena&limit=7',
    `/clients/by-document/${encodeURIComponent(String(raw.cedula))}`,
    '/plans',
    '/tickets/subjects',
    `/clients/${String(raw.id_servicio)}`,
  ]) {
    const full = await service.rest(path);
    const fullBody = await full.text();
    assert.is(full.status, 200, path);
    assert.is(full.headers.get('etag'), null, `${path}: first answer computed by the procedure`);
    const memo = await service.rest(path);
    assert.is(await memo.text(), fullBody, `${path}: same bytes`);
    const etag = memo.headers.get('etag');
    assert.ok(etag, `${path}: served from the memo`);
    assert.is(memo.headers.get('x-cache'), 'hit');
    const notModified = await service.rest(path, { headers: { 'if-none-match': etag! } });
    assert.is(notModified.status, 304);
  }
});

fast('tRPC: single and batched answers from the memo equal the adapter’s bytes', async () => {
  const urls = [
    `${service.url}/trpc/clients.search?input=${trpcInput({ q: 'jose', limit: 5 })}`,
    `${service.url}/trpc/plans.list`,
    `${service.url}/trpc/plans.list,tickets.subjects,clients.search?batch=1&input=${encodeURIComponent(JSON.stringify({ 2: { json: { q: 'maria' } } }))}`,
  ];
  for (const url of urls) {
    const full = await (await fetch(url, { headers: key() })).text();
    const before = service.services.memo.size;
    const memo = await fetch(url, { headers: key() });
    assert.is(await memo.text(), full, url);
    assert.is(memo.headers.get('content-type'), 'application/json');
    assert.ok(service.services.memo.size >= before);
  }
  // The typed client decodes memoised answers like any other.
  const first = await service.client.clients.search.query({ q: 'pena', limit: 3 });
  const second = await service.client.clients.search.query({ q: 'pena', limit: 3 });
  assert.equal(second, first);
});

fast('auth and rate limits still apply to memoised answers', async () => {
  await service.rest('/plans');
  const missing = await fetch(`${service.url}/api/v1/plans`);
  assert.is(missing.status, 401);
  const trpcMissing = await fetch(`${service.url}/trpc/plans.list`);
  assert.is(trpcMissing.status, 401);
});

fast('a write retires memoised answers at once (read-your-writes)', async () => {
  const raw = service.sim.data.clients[42]!;
  const serviceId = raw.id_servicio as number;
  const before = await service.operator.clients.byServiceId.query({ serviceId });
  await service.operator.clients.byServiceId.query({ serviceId }); // memoised
  await service.operator.clients.updateProfile.mutate({ serviceId, city: 'Restrepo' });
  const after = fullView(await service.operator.clients.byServiceId.query({ serviceId }));
  assert.is(after.city, 'Restrepo');
  assert.not.equal(after, before);
  const rest = (await (await service.rest(`/clients/${serviceId}`, { headers: { 'x-api-key': OPERATOR_KEY } })).json()) as { city: string };
  assert.is(rest.city, 'Restrepo');
});

fast('past the TTL the memo steps aside: the stale copy is served (and refreshed) by the full path', async () => {
  await service.staff('/clients?limit=2');
  assert.ok((await service.staff('/clients?limit=2')).headers.get('etag'));
  await new Promise((resolve) => setTimeout(resolve, 2100));
  const stale = await service.staff('/clients?limit=2');
  assert.is(stale.headers.get('x-cache'), 'stale');
  assert.is(stale.headers.get('etag'), null);
});

fast.run();
