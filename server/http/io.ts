import type { IncomingMessage, ServerResponse } from 'node:http';
import secureJson from 'secure-json-parse';
import { AppError } from '../errors';

/** Small request/response helpers shared by the REST surface and the service routes. */

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(payload),
    ...headers,
  });
  res.end(payload);
}

/**
 * Reads a JSON body within `limit` bytes. Accepts `application/json` with any parameters (charset).
 * A leading BOM is dropped (as tRPC does), and `__proto__` / `constructor.prototype` keys are
 * removed at every depth: they never become input, as on the tRPC surface, where the input
 * schemas drop unknown keys.
 */
export async function readJsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
  const declared = Number(req.headers['content-length'] ?? '0');
  if (declared > limit) throw new AppError('payload_too_large', { details: { limitBytes: limit } });
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new AppError('payload_too_large', { details: { limitBytes: limit } });
    chunks.push(chunk as Buffer);
  }
  if (size === 0) return undefined;
  const mediaType = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (mediaType !== 'application/json') throw new AppError('unsupported_media_type');
  try {
    return secureJson.parse(Buffer.concat(chunks).toString('utf8'), null, {
      protoAction: 'remove',
      constructorAction: 'remove',
    }) as unknown;
  } catch {
    throw new AppError('invalid_json');
  }
}
