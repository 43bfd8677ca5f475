/**
 * Bench child: the floors of any gateway on this machine, in front of the mock provider. Neither
 * does anything a gateway must (no keys, no validation, no routing, no books); they say what the
 * two HTTP exchanges of a proxied request cost here by themselves, so the gateway's figures can be
 * read against what is possible, not only against a server that does nothing.
 * FLOOR=tcp: a byte pipe, one provider connection per caller connection, no HTTP parsing at all.
 * FLOOR=http: a bare node:http proxy (keep-alive agent; status, type and body passed through, a
 * whole answer read first and written with its head, a stream event by event).
 */

import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect, createServer as createTcpServer } from 'node:net';

const target = new URL(String(process.env.TARGET));
const port = Number(target.port);

function tcpPipe() {
  return createTcpServer({ noDelay: true }, (caller) => {
    const provider = connect({ host: target.hostname, port, noDelay: true });
    caller.pipe(provider).pipe(caller);
    const close = () => {
      caller.destroy();
      provider.destroy();
    };
    caller.on('error', close).on('close', close);
    provider.on('error', close).on('close', close);
  });
}

function httpProxy() {
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  return createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const outbound = request(
        {
          host: target.hostname,
          port,
          path: req.url,
          method: req.method,
          agent,
          headers: { 'content-type': 'application/json', 'content-length': body.length, authorization: 'Bearer sk-floor' },
        },
        (answer) => {
          const headers: Record<string, string> = { 'content-type': String(answer.headers['content-type']) };
          if (!answer.headers['content-length']) {
            // A stream: each event passed on as it comes.
            res.writeHead(answer.statusCode ?? 502, headers);
            answer.pipe(res);
            return;
          }
          // A whole answer: read, then written with its head in one go, as a gateway that reads it must.
          const parts: Buffer[] = [];
          answer.on('data', (part: Buffer) => parts.push(part));
          answer.on('end', () => {
            const whole = Buffer.concat(parts);
            res.writeHead(answer.statusCode ?? 502, { ...headers, 'content-length': String(whole.length) });
            res.end(whole);
          });
        },
      );
      outbound.on('error', () => res.destroy());
      outbound.end(body);
    });
  });
}

const server = process.env.FLOOR === 'tcp' ? tcpPipe() : httpProxy();
server.listen(0, '127.0.0.1', () => {
  process.send?.({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
});
process.on('SIGTERM', () => process.exit(0));
