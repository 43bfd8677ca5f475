import { TRPCClientError } from '@trpc/client';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { AppRouter } from '../../client/index';
import type { JsonRecord } from '../../server/simulator/data';
import { OPERATOR_KEY, type RestErrorBody, startTestService, type TestService } from '../support/service';

/** Every clients procedure over real HTTP, on REST and on tRPC, success and failure. */

let service: TestService;
const clients = suite('api: clients', {});
clients.before(async () => {
  service = await startTestService();
});
clients.after(() => service.stop());

/** A simulator client whose phone field holds two numbers and who has a document. */
function multiPhoneClient(): JsonRecord {
  const found = service.sim.data.clients.find((c) => typeof c.telefono === 'string' && c.telefono.includes(' / ') && c.cedula);
  if (!found) throw new Error('simulator has no multi-phone client');
  return found;
}

async function trpcError(promise: Promise<unknown>): Promise<TRPCClientError<AppRouter>> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TRPCClientError) return error as TRPCClientError<AppRouter>;
    throw error;
  }
  throw new Error('expected a tRPC error');
}

async function restError(response: Response, status: number, reason: string): Promise<RestErrorBody['error']> {
  const body = (await response.json()) as RestErrorBody;
  assert.is(response.status, status, `status for ${reason}`);
  assert.is(body.error.reason, reason);
  assert.type(body.error.message, 'string');
  assert.ok(body.error.message.length > 0);
  assert.is(body.error.requestId, response.headers.get('x-request-id'));
  assert.not.match(JSON.stringify(body), /at \w+ \(|node_modules|\.ts:\d+/, 'no stack trace leaks');
  return body.error;
}

clients('list pages through every client with the total (REST + tRPC)', async () => {
  const response = await service.staff('/clients?limit=5&offset=10');
  assert.is(response.status, 200);
  const page = (await response.json()) as { total: number; items: { serviceId: number }[]; limit: number };
  assert.is(page.total, 1200);
  assert.is(page.items.length, 5);
  assert.is(page.items[0]!.serviceId, 1010);
  const viaTrpc = await service.operator.clients.list.query({ limit: 5, offset: 10 });
  assert.equal(
    viaTrpc.items.map((c) => c.serviceId),
    page.items.map((c) => c.serviceId),
  );
  await restError(await service.staff('/clients?limit=0'), 400, 'invalid_input');
  await restError(await service.staff('/clients?limit=abc'), 400, 'invalid_input');
});

clients('byServiceId answers the mapped client, 404 when unknown, 400 when not a number', async () => {
  const raw = service.sim.data.clients[3]!;
  const masked = (await (await service.rest(`/clients/${String(raw.id_servicio)}`)).json()) as Record<string, unknown>;
  assert.equal(
    Object.keys(masked).sort(),
    ['documentEnding', 'nameHint', 'phoneEndings', 'serviceId', 'view'],
    'a bot key without a token: hints',
  );
  const response = await service.staff(`/clients/${String(raw.id_servicio)}`);
  assert.is(response.status, 200);
  const client = (await response.json()) as { serviceId: number; name: string; plan: { name: string }; view: string };
  assert.is(client.view, 'full');
  assert.is(client.serviceId, raw.id_servicio);
  assert.is(client.name, raw.nombre);
  const viaTrpc = await service.operator.clients.byServiceId.query({ serviceId: raw.id_servicio as number });
  assert.is(viaTrpc.view === 'full' && viaTrpc.name, client.name);

  const missing = await restError(await service.rest('/clients/999999'), 404, 'client_not_found');
  assert.match(missing.message, /No encontramos/);
  const error = await trpcError(service.client.clients.byServiceId.query({ serviceId: 999999 }));
  assert.is(error.data?.reason, 'client_not_found');
  assert.is(error.data?.httpStatus, 404);
  const bad = await restError(await service.rest('/clients/abc'), 400, 'invalid_input');
  assert.is(bad.issues?.[0]?.path, 'serviceId');
});

clients('byDocument ignores dots, spaces and dashes', async () => {
  const raw = service.sim.data.clients.find((c) => typeof c.cedula === 'string' && c.cedula.includes('.'))!;
  const digits = String(raw.cedula).replace(/\D/g, '');
  const spaced = `${digits.slice(0, 3)} ${digits.slice(3, 6)}-${digits.slice(6)}`;
  const response = await service.rest(`/clients/by-document/${encodeURIComponent(spaced)}`);
  assert.is(response.status, 200);
  const body = (await response.json()) as { items: { serviceId: number }[] };
  assert.ok(body.items.some((c) => c.serviceId === raw.id_servicio));
  const viaTrpc = await service.client.clients.byDocument.query({ document: String(raw.cedula) });
  assert.ok(viaTrpc.items.some((c) => c.serviceId === raw.id_servicio));
  await restError(await service.rest('/clients/by-document/000000001'), 404, 'client_not_found');
  await restError(await service.rest('/clients/by-document/...'), 400, 'invalid_input');
});

clients('byPhone matches the second number of a multi-number field, with +57 or 57', async () => {
  const raw = multiPhoneClient();
  const second = String(raw.telefono).split(' / ')[1]!;
  for (const form of [second, `+57 ${second}`, `57${second}`]) {
    const response = await service.staff(`/clients/by-phone/${encodeURIComponent(form)}`);
    assert.is(response.status, 200, form);
    const body = (await response.json()) as { items: { serviceId: number; phones: string[] }[] };
    assert.ok(
      body.items.some((c) => c.serviceId === raw.id_servicio && c.phones.includes(second)),
      form,
    );
  }
  const viaTrpc = await service.client.clients.byPhone.query({ phone: `+57${second}` });
  assert.ok(viaTrpc.items.some((c) => c.serviceId === raw.id_servicio));
  await restError(await service.rest('/clients/by-phone/3999999999'), 404, 'client_not_found');
  const bad = await restError(await service.rest('/clients/by-phone/12'), 400, 'invalid_input');
  assert.match(bad.issues?.[0]?.message ?? '', /10 digits/);
});

clients('search: ranked, accent-insensitive, every word; q too short is a 400', async () => {
  const response = await service.staff('/clients/search?q=PENA&limit=5');
  assert.is(response.status, 200);
  const body = (await response.json()) as { total: number; items: { rank: string; client: { name: string; address: string | null } }[] };
  assert.ok(body.total > 5);
  assert.is(body.items.length, 5);
  for (const hit of body.items) {
    const text = `${hit.client.name} ${hit.client.address ?? ''}`
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase();
    assert.match(text, /pena/);
  }
  assert.is(body.items[0]!.rank, 'name');
  const raw = multiPhoneClient();
  const byDocument = await service.operator.clients.search.query({ q: String(raw.cedula) });
  assert.is(byDocument.items[0]!.rank, 'exact_identifier');
  assert.is(byDocument.items[0]!.client.serviceId, raw.id_servicio);
  const nothing = await service.client.clients.search.query({ q: 'zzzz qqqq' });
  assert.is(nothing.total, 0);
  await restError(await service.rest('/clients/search?q=a'), 400, 'invalid_input');
  await restError(await service.rest('/clients/search'), 400, 'invalid_input');
  const error = await trpcError(service.client.clients.search.query({ q: ' ' }));
  assert.is(error.data?.reason, 'invalid_input');
  assert.ok((error.data?.issues?.length ?? 0) > 0);
});

clients('verify: valid with two matching facts, mismatch reported, 404 for unknown service', async () => {
  const raw = multiPhoneClient();
  const serviceId = raw.id_servicio as number;
  const response = await service.rest(`/clients/${serviceId}/verify`, {
    method: 'POST',
    json: { document: String(raw.cedula), phone: String(raw.telefono).split(' / ')[1] },
  });
  assert.is(response.status, 200);
  const body = (await response.json()) as { isValid: boolean; matchedFields?: string[]; message: string };
  assert.ok(body.isValid);
  assert.is(body.matchedFields, undefined, 'bots are not told which facts matched');
  const wrong = await service.client.clients.verify.mutate({ serviceId, document: String(raw.cedula), name: 'Nombre Equivocado' });
  assert.not.ok(wrong.isValid);
  assert.equal(Object.keys(wrong).sort(), ['isValid', 'message', 'outcome', 'serviceId', 'verificationExpiresAt', 'verificationToken']);
  const staffView = await service.operator.clients.verify.mutate({ serviceId, document: String(raw.cedula), name: 'Nombre Equivocado' });
  assert.equal(staffView.mismatchedFields, ['name'], 'operators keep the detail');
  const single = await service.client.clients.verify.mutate({ serviceId, document: String(raw.cedula) });
  assert.is(single.outcome, 'insufficient_facts');
  await restError(
    await service.rest('/clients/999999/verify', { method: 'POST', json: { document: '1', name: 'x' } }),
    404,
    'client_not_found',
  );
  await restError(
    await service.rest(`/clients/${serviceId}/verify`, { method: 'POST', json: { planPrice: 'caro' } }),
    400,
    'invalid_input',
  );
});

clients('resolve: resolved, ambiguous or not_found; fewer than three facts is a 400', async () => {
  const raw = service.sim.data.clients.find((c) => typeof c.direccion === 'string' && c.direccion.startsWith('Vereda'))!;
  const plan = raw.plan_internet as { nombre: string };
  const response = await service.rest('/clients/resolve', {
    method: 'POST',
    json: {
      name: String(raw.nombre).toUpperCase(),
      address: String(raw.direccion).replace('Vereda', 'vda'),
      planName: plan.nombre,
      planPrice: Number(raw.precio_plan),
    },
  });
  assert.is(response.status, 200);
  const body = (await response.json()) as { status: string; client?: { serviceId: number }; candidates?: { serviceId: number }[] };
  assert.ok(body.status === 'resolved' || body.status === 'ambiguous');
  const ids = body.status === 'resolved' ? [body.client!.serviceId] : body.candidates!.map((c) => c.serviceId);
  assert.ok(ids.includes(raw.id_servicio as number));
  const none = await service.client.clients.resolve.mutate({ name: 'Nadie Nunca', address: 'Ninguna Parte', planName: 'Plan Inexistente' });
  assert.is(none.status, 'not_found');
  const few = await restError(
    await service.rest('/clients/resolve', { method: 'POST', json: { name: 'x', address: 'y' } }),
    400,
    'invalid_input',
  );
  assert.match(few.issues?.[0]?.message ?? '', /at least 3/);
});

clients('updateProfile: changes upstream, read-your-writes on both surfaces, empty patch is a 400', async () => {
  const raw = service.sim.data.clients[20]!;
  const serviceId = raw.id_servicio as number;
  await service.operator.clients.list.query({ limit: 1 }); // collection cached before the write
  await restError(
    await service.rest(`/clients/${serviceId}`, { method: 'PATCH', json: { city: 'Granada' } }),
    401,
    'verification_required',
  );
  const token = await service.verify(serviceId);
  const verified = { 'x-verification-token': token };
  const response = await service.rest(`/clients/${serviceId}`, {
    method: 'PATCH',
    headers: verified,
    json: { address: 'Vereda Nueva Vida Finca 3', phone: '3157778888' },
  });
  assert.is(response.status, 200);
  const updated = (await response.json()) as { address: string; phones: string[] };
  assert.is(updated.address, 'Vereda Nueva Vida Finca 3');
  assert.equal(updated.phones, ['3157778888']);
  assert.is(raw.direccion, 'Vereda Nueva Vida Finca 3', 'the simulator holds the change');
  const listCalls = service.sim.calls(/^GET \/api\/clientes\/$/);
  const reread = await service.client.clients.byPhone.query({ phone: '3157778888' });
  assert.is(reread.items[0]!.serviceId, serviceId);
  const found = await service.client.clients.search.query({ q: 'nueva vida' });
  assert.ok(found.items.some((hit) => hit.client.serviceId === serviceId));
  assert.is(service.sim.calls(/^GET \/api\/clientes\/$/), listCalls, 'no full reload for read-your-writes');

  const renamed = await service.clientWith(token).clients.updateProfile.mutate({ serviceId, name: 'Ángela', lastName: 'Rincón Patiño' });
  assert.is(renamed.name, 'Ángela Rincón Patiño');
  await restError(await service.rest(`/clients/${serviceId}`, { method: 'PATCH', headers: verified, json: {} }), 400, 'empty_patch');
  await restError(
    await service.rest(`/clients/${serviceId}`, { method: 'PATCH', headers: verified, json: { email: 'no-es-correo' } }),
    400,
    'invalid_input',
  );
  // Operators need no verification; an unknown client is then a 404.
  const operator = { 'x-api-key': OPERATOR_KEY };
  await restError(
    await service.rest('/clients/999999', { method: 'PATCH', headers: operator, json: { city: 'Granada' } }),
    404,
    'client_not_found',
  );
});

clients('HTTP contract: auth, unknown route, wrong method, bad JSON, charset, body limit', async () => {
  await restError(await service.rest('/clients', { headers: { 'x-api-key': '' } }), 401, 'api_key_missing');
  await restError(await service.rest('/clients', { headers: { 'x-api-key': 'wrong-key-0123456789' } }), 403, 'api_key_invalid');
  const bearer = await service.staff('/clients?limit=1', { headers: { authorization: `Bearer ${OPERATOR_KEY}` } });
  assert.is(bearer.status, 200);
  await restError(await service.rest('/clients?limit=1'), 403, 'forbidden_for_key');
  const trpcAuth = await fetch(`${service.url}/trpc/clients.list?input=${encodeURIComponent('{"json":{}}')}`);
  assert.is(trpcAuth.status, 401);
  const trpcBody = (await trpcAuth.json()) as { error: { json: { data: { reason: string } } } };
  assert.is(trpcBody.error.json.data.reason, 'api_key_missing');

  await restError(await service.rest('/nothing-here'), 404, 'route_not_found');
  await restError(await fetch(`${service.url}/elsewhere`), 404, 'route_not_found');
  const wrongMethod = await service.rest('/clients/search?q=pena', { method: 'DELETE' });
  assert.ok(wrongMethod.headers.get('allow')?.includes('GET'));
  await restError(wrongMethod, 405, 'method_not_allowed');
  await restError(
    await service.rest('/clients/resolve', { method: 'POST', body: '{"name": ', headers: { 'content-type': 'application/json' } }),
    400,
    'invalid_json',
  );
  const withCharset = await service.rest('/clients/resolve', {
    method: 'POST',
    body: JSON.stringify({ name: 'Nadie', address: 'Ninguna', planName: 'Ninguno' }),
    headers: { 'content-type': 'application/json; charset=utf-8' },
  });
  assert.is(withCharset.status, 200);
  assert.is(((await withCharset.json()) as { status: string }).status, 'not_found');
  await restError(
    await service.rest('/clients/resolve', { method: 'POST', body: 'name=x', headers: { 'content-type': 'text/plain' } }),
    415,
    'unsupported_media_type',
  );
  await restError(
    await service.rest('/clients/resolve', { method: 'POST', json: { name: 'x'.repeat(200_000), address: 'a', planName: 'b' } }),
    413,
    'payload_too_large',
  );
  const traced = await service.staff('/clients?limit=1', { headers: { 'x-request-id': 'bot-trace-42' } });
  assert.is(traced.headers.get('x-request-id'), 'bot-trace-42');
  const health = await fetch(`${service.url}/health`);
  assert.is(health.status, 200);
});

clients.run();
