import { connect } from 'node:net';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { captureLogs } from '../support/log-capture';
import { rawRequest, statusBeforeBody } from '../support/raw-http';
import { BOT_KEY, startTestService, type TestService } from '../support/service';

/**
 * Requests without a valid key cost nothing: the key is read from the headers before any body,
 * on every keyed surface; such requests are limited per client address; every JSON-RPC message of
 * an MCP batch counts against the key's limit.
 */

const door = suite('security: the door (keys before bodies, limits per address and per message)');
let service: TestService;

door.before(async () => {
  service = await startTestService({
    UNAUTHENTICATED_RATE_LIMIT_PER_S: '1',
    UNAUTHENTICATED_RATE_LIMIT_BURST: '1000',
  });
});
door.after(() => service.stop());

door('a 6 MB body without a valid key is refused before one byte of it is read, on REST uploads, tRPC and MCP', async () => {
  const sixMb = 6_000_000;
  const boundary = 'multipart/form-data; boundary=x';
  for (const [path, headers] of [
    ['/api/v1/clients/1001/invoices/1/payment-reports', { 'content-type': boundary }],
    ['/trpc/payments.report', { 'content-type': 'application/json' }],
    ['/mcp', { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }],
    ['/api/v1/tickets/1/comments', { 'content-type': boundary, 'x-api-key': 'not-a-key-0123456789' }],
  ] as const) {
    const status = await statusBeforeBody(service.url, path, headers, sixMb);
    assert.ok(status, `${path}: answered while the body was still unsent`);
    assert.match(status!, / 40[13] /, `${path}: ${status}`);
  }
  // With a valid key the same headers are served normally (the upload limit answers, after the headers).
  const keyed = await statusBeforeBody(
    service.url,
    '/api/v1/clients/1001/invoices/1/payment-reports',
    { 'content-type': boundary, 'x-api-key': BOT_KEY },
    30_000_000,
  );
  assert.match(
    keyed ?? '',
    / 41[13] | 401 /,
    'a keyed oversized upload is refused by its declared size (or verification), never read whole',
  );
});

door('requests without a valid key are limited per client address; a keyed caller on the same address is not', async () => {
  const limited = await startTestService({ UNAUTHENTICATED_RATE_LIMIT_PER_S: '0.5', UNAUTHENTICATED_RATE_LIMIT_BURST: '5' });
  try {
    const statuses: number[] = [];
    for (let index = 0; index < 8; index++) {
      statuses.push((await fetch(`${limited.url}/api/v1/plans`, { headers: { 'x-api-key': `wrong-key-${index}-0123456789` } })).status);
    }
    assert.equal(statuses.slice(0, 5), [403, 403, 403, 403, 403]);
    assert.ok(
      statuses.slice(5).every((status) => status === 429),
      statuses.join(','),
    );
    const refused = await fetch(`${limited.url}/api/v1/plans`);
    assert.is(refused.status, 429);
    assert.ok(Number(refused.headers.get('retry-after')) >= 1);
    assert.is(
      (await fetch(`${limited.url}/api/v1/plans`, { headers: { 'x-api-key': BOT_KEY } })).status,
      200,
      'a real key is never held back by strangers',
    );
  } finally {
    await limited.stop();
  }
});

door('X-Forwarded-For is believed only as far as TRUST_PROXY_HOPS says', async () => {
  const send = (url: string, forwardedFor: string) =>
    rawRequest(url, { path: '/api/v1/plans', headers: { 'x-forwarded-for': forwardedFor } }).then((response) => response.status);
  const direct = await startTestService({ UNAUTHENTICATED_RATE_LIMIT_PER_S: '0.1', UNAUTHENTICATED_RATE_LIMIT_BURST: '2' });
  try {
    // Without a trusted proxy, a forged header does not buy a fresh bucket: the socket address counts.
    const statuses = [await send(direct.url, '1.1.1.1'), await send(direct.url, '2.2.2.2'), await send(direct.url, '3.3.3.3')];
    assert.equal(statuses, [401, 401, 429]);
  } finally {
    await direct.stop();
  }
  const proxied = await startTestService({
    UNAUTHENTICATED_RATE_LIMIT_PER_S: '0.1',
    UNAUTHENTICATED_RATE_LIMIT_BURST: '2',
    TRUST_PROXY_HOPS: '1',
  });
  try {
    // Behind one proxy: the address it appended (the last entry) is the client; what the client wrote before it is not.
    const statuses = [
      await send(proxied.url, 'forged, 10.0.0.1'),
      await send(proxied.url, 'other-forgery, 10.0.0.1'),
      await send(proxied.url, 'third, 10.0.0.1'),
      await send(proxied.url, '10.0.0.2'),
    ];
    assert.equal(statuses, [401, 401, 429, 401]);
  } finally {
    await proxied.stop();
  }
});

door('every JSON-RPC message of an MCP batch counts against the key’s rate limit', async () => {
  const tight = await startTestService({ RATE_LIMIT_PER_S: '1', RATE_LIMIT_BURST: '20' });
  try {
    const batch = (size: number) =>
      fetch(`${tight.url}/mcp`, {
        method: 'POST',
        headers: { 'x-api-key': BOT_KEY, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
        body: JSON.stringify(Array.from({ length: size }, (_, id) => ({ jsonrpc: '2.0', id, method: 'tools/list' }))),
      });
    const large = await batch(100);
    assert.is(large.status, 429, 'a batch of 100 is 100 calls');
    const small = await batch(5);
    assert.not.equal(small.status, 429, 'a small batch fits the burst');
  } finally {
    await tight.stop();
  }
});

door('X-End-User must be an opaque id: anything else is a 400 before any work', async () => {
  for (const endUser of ['+57 300 123 4567', 'a'.repeat(129), 'ñandú', 'x y']) {
    const response = await fetch(`${service.url}/api/v1/plans`, { headers: { 'x-api-key': BOT_KEY, 'x-end-user': endUser } });
    assert.is(response.status, 400, endUser);
  }
  const ok = await fetch(`${service.url}/api/v1/plans`, { headers: { 'x-api-key': BOT_KEY, 'x-end-user': 'wa:sha256:3f9a' } });
  assert.is(ok.status, 200);
});

door('an end user spends its own bucket: one conversation cannot exhaust its bot’s budget', async () => {
  const tight = await startTestService({ END_USER_RATE_LIMIT_PER_S: '0.5', END_USER_RATE_LIMIT_BURST: '3' });
  try {
    const call = (endUser: string) =>
      fetch(`${tight.url}/api/v1/plans`, { headers: { 'x-api-key': BOT_KEY, 'x-end-user': endUser } }).then((r) => r.status);
    const noisy = [await call('noisy'), await call('noisy'), await call('noisy'), await call('noisy')];
    assert.equal(noisy, [200, 200, 200, 429]);
    assert.is(await call('quiet'), 200, 'another conversation of the same bot is served');
  } finally {
    await tight.stop();
  }
});

door('a caller aborting a body mid-way is an info line, never an error with a stack (REST, tRPC, MCP)', async () => {
  const { logger, lines } = captureLogs('info');
  const watched = await startTestService({}, { logger });
  try {
    const { port } = new URL(watched.url);
    for (const [path, type] of [
      ['/api/v1/clients/1001/invoices/1/payment-reports', 'multipart/form-data; boundary=x'],
      ['/trpc/payments.report', 'application/json'],
      ['/mcp', 'application/json'],
    ] as const) {
      await new Promise<void>((resolve) => {
        const socket = connect(Number(port), '127.0.0.1', () => {
          socket.write(
            `POST ${path} HTTP/1.1\r\nhost: x\r\nx-api-key: ${BOT_KEY}\r\ncontent-type: ${type}\r\naccept: application/json, text/event-stream\r\ncontent-length: 100000\r\n\r\n{"a":`,
          );
          setTimeout(() => {
            socket.destroy();
            resolve();
          }, 100);
        });
        socket.on('error', () => undefined);
      });
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    const errors = lines.filter((line) => Number(line.level) >= 50);
    assert.equal(
      errors.map((line) => line.msg),
      [],
      'no error lines',
    );
    assert.ok(lines.some((line) => line.msg === 'the caller aborted the request body' && Number(line.level) === 30));
  } finally {
    await watched.stop();
  }
});

door.run();
