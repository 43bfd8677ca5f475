import { request } from 'node:http';
import { connect } from 'node:net';

/**
 * One HTTP request with the exact bytes given: fetch normalises paths and refuses some methods
 * and header bytes, which is precisely what hostile-input tests must send as they are.
 */

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

export interface RawRequest {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Abort after this many ms (the test fails on a hang instead of stalling the run). */
  timeoutMs?: number;
}

export function rawRequest(baseUrl: string, options: RawRequest): Promise<RawResponse> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: hostname,
        port,
        method: options.method ?? 'GET',
        path: options.path,
        headers: options.headers,
        agent: false,
        timeout: options.timeoutMs ?? 10_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer to ${options.method ?? 'GET'} ${options.path.slice(0, 80)}`)));
    req.on('error', reject);
    req.end(options.body);
  });
}

/** The parsed JSON of a raw answer, or null when it is not JSON. */
export function jsonOf(response: RawResponse): unknown {
  try {
    return JSON.parse(response.text) as unknown;
  } catch {
    return null;
  }
}

/**
 * Sends only the headers of a request that declares a `bytes`-byte body, and resolves with the
 * status line the service answers before a single body byte was sent (or null on a timeout).
 */
export function statusBeforeBody(url: string, path: string, headers: Record<string, string>, bytes: number): Promise<string | null> {
  const { port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), '127.0.0.1');
    let received = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(null);
    }, 3000);
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
      if (received.includes('\r\n')) {
        clearTimeout(timer);
        socket.destroy();
        resolve(received.slice(0, received.indexOf('\r\n')));
      }
    });
    socket.on('error', () => undefined);
    const lines = [
      `POST ${path} HTTP/1.1`,
      'host: 127.0.0.1',
      `content-length: ${bytes}`,
      ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
    ];
    socket.write(`${lines.join('\r\n')}\r\n\r\n`);
  });
}
