import { Validator } from '@seriousme/openapi-schema-validator';
import type { TRPCClientError } from '@trpc/client';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { AppRouter } from '../../client/index';
import { ERROR_REASONS } from '../../server/errors';
import { type RestErrorBody, startTestService, type TestService } from '../support/service';

/** One error contract on both surfaces, documented as shared OpenAPI components; the document validates. */

let service: TestService;
const contract = suite('production: error contract and OpenAPI');
contract.before(async () => {
  service = await startTestService();
});
contract.after(() => service.stop());

type Doc = {
  openapi: string;
  tags: { name: string; description: string }[];
  paths: Record<string, Record<string, { summary?: string; tags?: string[]; responses: Record<string, { $ref?: string }> }>>;
  components: { schemas: Record<string, { properties?: Record<string, unknown> }>; responses: Record<string, unknown> };
};

contract('the document is valid OpenAPI 3.1 (real validator)', async () => {
  const doc: unknown = await (await fetch(`${service.url}/openapi.json`)).json();
  const validator = new Validator();
  const result = await validator.validate(doc as Parameters<Validator['validate']>[0]);
  assert.ok(result.valid, JSON.stringify(result.errors));
  assert.is(validator.version, '3.1');
});

contract('every operation: tag, summary, and every error status as a shared component response', async () => {
  const doc = (await (await fetch(`${service.url}/openapi.json`)).json()) as Doc;
  assert.equal(
    doc.tags.map((tag) => tag.name),
    ['clients', 'account', 'payments', 'service', 'plans', 'paymentMethods', 'tickets', 'network', 'admin'],
  );
  assert.ok(doc.components.schemas.Error);
  assert.not.ok(
    Object.keys(doc.components.schemas).some((name) => name.startsWith('error.')),
    'no foreign error shapes',
  );
  let operations = 0;
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      // A path item may name its own servers (the admin operations, served at the root).
      if (method === 'servers') continue;
      operations++;
      assert.ok(operation.summary, `${method} ${path} has a summary`);
      assert.ok(operation.tags?.length, `${method} ${path} has a tag`);
      const errors = Object.entries(operation.responses).filter(([status]) => !status.startsWith('2'));
      assert.ok(errors.length >= 8, `${method} ${path} documents its errors`);
      for (const [status, response] of errors) {
        assert.match(response.$ref ?? '', /^#\/components\/responses\//, `${method} ${path} ${status} references a shared response`);
        assert.ok(doc.components.responses[response.$ref!.split('/').pop()!], `${response.$ref} exists`);
      }
    }
  }
  assert.is(operations, 47, '33 REST operations and 14 admin ones');
  const errorEnum = (doc.components.schemas.Error as { properties: { error: { properties: { reason: { enum: string[] } } } } }).properties
    .error.properties.reason.enum;
  assert.equal(errorEnum, ERROR_REASONS);
});

async function both(rest: () => Promise<Response>, trpc: () => Promise<unknown>) {
  const response = await rest();
  const body = (await response.json()) as RestErrorBody;
  let data: TRPCClientError<AppRouter>['data'];
  try {
    await trpc();
  } catch (error) {
    data = (error as TRPCClientError<AppRouter>).data;
  }
  return { rest: { ...body.error, status: response.status }, trpc: data };
}

contract('the same error on both surfaces: status, reason, Spanish message, requestId, issues', async () => {
  const invalid = await both(
    () => service.rest('/clients/search?q=x'),
    () => service.client.clients.search.query({ q: 'x' }),
  );
  assert.is(invalid.rest.status, 400);
  assert.is(invalid.trpc?.httpStatus, 400);
  assert.is(invalid.rest.reason, invalid.trpc?.reason);
  assert.is(invalid.rest.message, invalid.trpc?.message);
  assert.equal(invalid.rest.issues, invalid.trpc?.issues);
  assert.ok(invalid.trpc?.requestId);

  const notFound = await both(
    () => service.rest('/tickets/1'),
    () => service.client.tickets.byId.query({ ticketId: 1 }),
  );
  assert.equal([notFound.rest.status, notFound.rest.reason], [404, 'ticket_not_found']);
  assert.equal(
    [notFound.trpc?.httpStatus, notFound.trpc?.reason, notFound.trpc?.message],
    [404, 'ticket_not_found', notFound.rest.message],
  );
});

contract('no stack trace or internal detail in any error, also for a tRPC parse error and unknown procedure', async () => {
  const bodies = [
    await (await fetch(`${service.url}/trpc/clients.nothing`, { headers: { 'x-api-key': service.config.API_KEYS[0]!.key } })).text(),
    await (
      await fetch(`${service.url}/trpc/clients.verify`, {
        method: 'POST',
        headers: { 'x-api-key': service.config.API_KEYS[0]!.key, 'content-type': 'application/json' },
        body: '{bad',
      })
    ).text(),
    await (
      await service.rest('/clients/resolve', { method: 'POST', body: '{bad', headers: { 'content-type': 'application/json' } })
    ).text(),
    await (await fetch(`${service.url}/nope`)).text(),
  ];
  for (const body of bodies) {
    assert.not.match(body, /node_modules|at \w+ \(|\.ts:\d+|stack/i, body);
    assert.match(body, /"reason":"[a-z_]+"/);
  }
});

contract('tRPC surface: invalid JSON → 400 invalid_json, oversized body → 413, wrong method → 405, unknown procedure → 404', async () => {
  const headers = { 'x-api-key': service.config.API_KEYS[0]!.key, 'content-type': 'application/json' };
  const reasonOf = async (response: Response) =>
    ((await response.json()) as { error: { json: { data: { reason: string } } } }).error.json.data.reason;
  const badJson = await fetch(`${service.url}/trpc/clients.resolve`, { method: 'POST', headers, body: '{"json": ' });
  assert.is(badJson.status, 400);
  assert.is(await reasonOf(badJson), 'invalid_json');
  const big = await fetch(`${service.url}/trpc/clients.resolve`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ json: { name: 'x'.repeat(200_000), address: 'a', planName: 'b' } }),
  });
  assert.is(big.status, 413);
  assert.is(await reasonOf(big), 'payload_too_large');
  const wrongMethod = await fetch(`${service.url}/trpc/clients.resolve`, { headers });
  assert.is(wrongMethod.status, 405);
  assert.is(await reasonOf(wrongMethod), 'method_not_allowed');
  const unknown = await fetch(`${service.url}/trpc/clients.nothing`, { headers });
  assert.is(unknown.status, 404);
  assert.is(await reasonOf(unknown), 'route_not_found');
  const charset = await fetch(`${service.url}/trpc/clients.resolve`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify({ json: { name: 'Nadie', address: 'Ninguna', planName: 'Ninguno' } }),
  });
  assert.is(charset.status, 200);
});

contract.run();
