import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { AppError } from '../../server/errors';
import { sameHostTarget, UpstreamTransport } from '../../server/wisphub/transport';

/**
 * Redirects from WispHub Net: a read follows a 301 within the host that issued the key (the slash
 * spelling differs per endpoint); a write never follows one (a followed POST becomes a bodiless
 * GET that records nothing) and fails naming the spelling; the key never goes to another host.
 */

interface Seen {
  method: string;
  path: string;
  authorization: string | undefined;
}

async function upstream(
  answer: (req: IncomingMessage, port: number) => { status: number; location?: string; body?: string },
): Promise<{ server: Server; url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    seen.push({ method: req.method ?? '', path: req.url ?? '', authorization: req.headers.authorization });
    req.resume();
    const { status, location, body } = answer(req, (server.address() as AddressInfo).port);
    res.writeHead(status, { 'content-type': 'application/json', ...(location ? { location } : {}) });
    res.end(body ?? '');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

const close = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

function transportFor(baseUrl: string): UpstreamTransport {
  return new UpstreamTransport({
    baseUrl,
    apiKey: 'SimuLat0.redirectsredirectsredirects0001',
    timeoutMs: 2000,
    retries: 0,
    retryBaseMs: 5,
    readBudgetMs: 3000,
    breakerThreshold: 100,
    breakerCooldownMs: 1000,
    logger: pino({ level: 'silent' }),
  });
}

async function failure(run: () => Promise<unknown>): Promise<AppError> {
  try {
    await run();
  } catch (error) {
    assert.instance(error, AppError);
    return error as AppError;
  }
  throw new Error('expected a failure');
}

const redirects = suite('gateway: upstream redirects');

redirects('sameHostTarget: same host only, rebuilt on our own origin (an http:// Location on https stays https)', () => {
  const base = 'https://api.wisphub.net';
  assert.is(
    sameHostTarget('/api/clientes/7/saldo', 'https://api.wisphub.net/api/clientes/7/saldo/', base),
    'https://api.wisphub.net/api/clientes/7/saldo',
  );
  assert.is(sameHostTarget('http://api.wisphub.net/api/x/?a=1', `${base}/api/x`, base), 'https://api.wisphub.net/api/x/?a=1');
  assert.is(sameHostTarget('https://evil.example/api/x/', `${base}/api/x`, base), null);
  assert.is(sameHostTarget('https://api.wisphub.net.evil.example/api/x/', `${base}/api/x`, base), null);
  assert.is(sameHostTarget('https://api.wisphub.net:8443/api/x/', `${base}/api/x`, base), null);
  assert.is(sameHostTarget(null, `${base}/api/x`, base), null);
  assert.is(sameHostTarget('http://[::1', `${base}/api/x`, base), null);
});

redirects('a read follows a 301 within the host once and answers the target', async () => {
  const { server, url, seen } = await upstream((req) =>
    req.url?.startsWith('/api/clientes/7/saldo/')
      ? { status: 301, location: '/api/clientes/7/saldo' }
      : { status: 200, body: '{"saldo": 1000}' },
  );
  try {
    assert.equal(await transportFor(url).get('/api/clientes/7/saldo/'), { saldo: 1000 });
    assert.equal(
      seen.map((call) => call.path),
      ['/api/clientes/7/saldo/', '/api/clientes/7/saldo'],
    );
  } finally {
    await close(server);
  }
});

redirects('a read redirected to another host is not followed: the key never leaves', async () => {
  const other = await upstream(() => ({ status: 200, body: '{}' }));
  const { server, url } = await upstream(() => ({ status: 301, location: `${other.url}/api/clientes/` }));
  try {
    const error = await failure(() => transportFor(url).get('/api/clientes/'));
    assert.is(error.reason, 'upstream_bad_response');
    assert.is(other.seen.length, 0, 'nothing was sent to the other host');
  } finally {
    await close(server);
    await close(other.server);
  }
});

redirects('a redirect loop stops after three hops', async () => {
  const { server, url, seen } = await upstream((req) => ({ status: 301, location: req.url?.endsWith('/') ? '/api/a' : '/api/a/' }));
  try {
    assert.is((await failure(() => transportFor(url).get('/api/a/'))).reason, 'upstream_bad_response');
    assert.is(seen.length, 4);
  } finally {
    await close(server);
  }
});

redirects('a write is never followed: one request, a 502 naming the spelling to fix', async () => {
  const { server, url, seen } = await upstream(() => ({ status: 301, location: '/api/facturas/1/registrar-pago/' }));
  try {
    const error = await failure(() => transportFor(url).send('POST', '/api/facturas/1/registrar-pago', { total_cobrado: 1000 }));
    assert.is(error.reason, 'upstream_bad_response');
    assert.is(error.internal?.redirect, '/api/facturas/1/registrar-pago/');
    assert.is(error.internal?.problem, 'a write was redirected');
    assert.equal(
      seen.map((call) => call.method),
      ['POST'],
      'no bodiless GET after the 301',
    );
  } finally {
    await close(server);
  }
});

redirects.run();
