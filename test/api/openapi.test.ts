import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { OPERATOR_KEY, startTestService, type TestService } from '../support/service';

const ADMIN_KEY = 'admin-key-for-openapi-0123456789';

import { activeTicketsIn, zoneOf } from '../support/sim-data';

let service: TestService;
const openapi = suite('api: OpenAPI document');
openapi.before(async () => {
  service = await startTestService({ ADMIN_API_KEYS: `ops=${ADMIN_KEY}` });
});
openapi.after(() => service.stop());

interface Operation {
  operationId: string;
  security?: unknown[];
  'x-required-role'?: string;
  parameters?: { name: string; in: string }[];
  requestBody?: unknown;
  responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
}
type Document = {
  openapi: string;
  servers: { url: string }[];
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> };
};

openapi('lists every clients operation, with schemas and the API-key scheme', async () => {
  const response = await fetch(`${service.url}/openapi.json`);
  assert.is(response.status, 200);
  const doc = (await response.json()) as Document;
  assert.is(doc.openapi, '3.1.0');
  assert.is(doc.servers[0]!.url, '/api/v1');
  const expected: [string, string][] = [
    ['get', '/clients'],
    ['get', '/clients/search'],
    ['get', '/clients/by-document/{document}'],
    ['get', '/clients/by-phone/{phone}'],
    ['get', '/clients/{serviceId}'],
    ['post', '/clients/resolve'],
    ['post', '/clients/{serviceId}/verify'],
    ['patch', '/clients/{serviceId}'],
    ['get', '/plans'],
    ['get', '/plans/{planId}'],
    ['get', '/payment-methods'],
    ['get', '/tickets/subjects'],
    ['get', '/tickets/zones/{zoneId}/status'],
    ['get', '/tickets/{ticketId}'],
    ['get', '/network/ping/{taskId}'],
    ['post', '/clients/{serviceId}/ping'],
    ['post', '/clients/{serviceId}/diagnose'],
  ];
  for (const [method, path] of expected) {
    const operation = doc.paths[path]?.[method];
    assert.ok(operation, `${method.toUpperCase()} ${path} documented`);
    assert.ok(operation!.responses['200']?.content?.['application/json']?.schema, `${path} has a response schema`);
    assert.ok(operation!.security?.length, `${path} declares the API key`);
  }
  const create = doc.paths['/tickets']?.post;
  assert.ok(create?.responses['201']?.content?.['application/json']?.schema, 'ticket create documents its 201');
  assert.not.ok(create?.responses['200'], 'and no 200');
  assert.ok(
    create?.parameters?.some((p) => p.in === 'header' && p.name === 'Idempotency-Key'),
    'Idempotency-Key header documented',
  );
  assert.ok(doc.components.securitySchemes.ApiKey);
  assert.ok(doc.components.schemas.Client, 'Client is a shared component');
});

openapi('every documented GET path answers on REST (paths from the document, not hard-coded)', async () => {
  const doc = (await (await fetch(`${service.url}/openapi.json`)).json()) as Document;
  const raw = service.sim.data.clients.find(
    (c) => typeof c.cedula === 'string' && typeof c.telefono === 'string' && /^3\d{9}$/.test(c.telefono),
  )!;
  const ping = (await (
    await fetch(`${service.url}/api/v1/clients/${String(raw.id_servicio)}/ping`, {
      method: 'POST',
      headers: {
        'x-api-key': service.config.API_KEYS[0]!.key,
        'content-type': 'application/json',
        'x-verification-token': await service.verify(Number(raw.id_servicio)),
      },
      body: '{}',
    })
  ).json()) as { taskId: string };
  // A create whose POST stalls past our timeout answers a pending handle.
  const roomy = service.sim.data.clients.find((c) => activeTicketsIn(service.sim.data, zoneOf(c)) === 0 && typeof c.cedula === 'string')!;
  const roomyToken = await service.verify(Number(roomy.id_servicio));
  service.sim.setFaults({ stallRate: 1, stallMs: 2500, method: 'POST', pathPrefix: '/api/tickets/' });
  const pending = (await (
    await fetch(`${service.url}/api/v1/tickets`, {
      method: 'POST',
      headers: { 'x-api-key': service.config.API_KEYS[0]!.key, 'content-type': 'application/json', 'x-verification-token': roomyToken },
      body: JSON.stringify({
        serviceId: roomy.id_servicio,
        subject: 'Cambio de Domicilio',
        description: 'Se traslada a otra vereda del municipio.',
      }),
    })
  ).json()) as { handle: string };
  service.sim.resetFaults();
  const today = new Date().toISOString().slice(0, 10);
  const values: Record<string, string> = {
    from: today,
    to: today,
    handle: pending.handle,
    serviceId: String(raw.id_servicio),
    document: String(raw.cedula),
    phone: String(raw.telefono),
    q: 'pena',
    planId: String(service.sim.data.plans[0]!.id),
    zoneId: String(service.sim.data.zones[0]!.id),
    ticketId: String(service.sim.data.tickets[0]!.id_ticket),
    taskId: ping.taskId,
  };
  // A reconnect or suspend answered pending is followed by its task id: one such task, as the service keeps it.
  await service.services.pendingServiceTasks.put(`service-task:${ping.taskId}`, {
    auditId: 'none',
    serviceId: Number(raw.id_servicio),
    action: 'suspend',
  });
  let checked = 0;
  for (const [path, methods] of Object.entries(doc.paths)) {
    const operation = methods.get;
    if (!operation) continue;
    // A path may say where it is served (the admin operations, at the root).
    const pathServers = (methods as { servers?: { url: string }[] }).servers;
    const base = (pathServers?.[0]?.url ?? doc.servers[0]!.url).replace(/\/$/, '');
    const url = new URL(`${service.url}${base}${path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(values[name]!))}`);
    for (const parameter of operation.parameters ?? []) {
      if (parameter.in === 'query' && values[parameter.name]) url.searchParams.set(parameter.name, values[parameter.name]!);
    }
    // Operator-only operations with the operator key; a ticket's customer is staff's to read here.
    const staff = operation['x-required-role'] === 'operator' || path.includes('{ticketId}');
    const admin = operation['x-required-role'] === 'admin';
    const headers: Record<string, string> = { 'x-api-key': admin ? ADMIN_KEY : staff ? OPERATOR_KEY : service.config.API_KEYS[0]!.key };
    // Operations that document the verification header get a real token, as a bot would.
    if (
      !staff &&
      !admin &&
      operation.parameters?.some((parameter) => parameter.in === 'header' && parameter.name === 'X-Verification-Token')
    ) {
      headers['x-verification-token'] = await service.verify(Number(values.serviceId));
    }
    const response = await fetch(url, { headers });
    assert.is(response.status, 200, `${path} answered ${response.status}: ${response.status === 200 ? '' : await response.clone().text()}`);
    checked++;
  }
  assert.is(checked, 24, 'every GET operation was called (19 REST, 5 admin)');
});

openapi.run();
