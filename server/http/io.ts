/** Small request/response helpers shared by the REST surface and the service routes. */

import type { IncomingMessage, ServerResponse } from 'node:http';
import secureJson from 'secure-json-parse';
import { AppError } from '../errors';

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(payload),
    ...headers,
  });
  res.end(payload);
}

/** The request's media type, lower case, without parameters. */
export function mediaTypeOf(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

/** The whole body, refused with 413 as soon as it passes `limit` bytes (declared or received). */
export async function readRawBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? '0');
  if (declared > limit) throw new AppError('payload_too_large', { details: { limitBytes: limit } });
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > limit) throw new AppError('payload_too_large', { details: { limitBytes: limit } });
      chunks.push(chunk as Buffer);
    }
  } catch (error) {
    // The caller hung up mid-body: their choice, not our fault (answered, if at all, as a 400).
    if (error instanceof AppError) throw error;
    throw new AppError('request_aborted');
  }
  return Buffer.concat(chunks);
}

/**
 * A multipart/form-data body within `limit` bytes, parsed by the runtime's own WHATWG parser
 * (undici on Node, Bun's on Bun): text fields as strings, files as their bytes and name.
 */
export async function readMultipartBody(
  req: IncomingMessage,
  limit: number,
): Promise<Map<string, string | { bytes: Uint8Array; fileName: string }>> {
  const raw = await readRawBody(req, limit);
  let form: FormData;
  try {
    form = await new Response(raw, { headers: { 'content-type': req.headers['content-type'] ?? '' } }).formData();
  } catch {
    throw new AppError('invalid_input', { message: 'El formulario multipart está mal formado.' });
  }
  const fields = new Map<string, string | { bytes: Uint8Array; fileName: string }>();
  for (const [name, value] of form.entries()) {
    if (fields.has(name)) throw new AppError('invalid_input', { message: `El campo ${name} viene repetido.` });
    fields.set(name, typeof value === 'string' ? value : { bytes: new Uint8Array(await value.arrayBuffer()), fileName: value.name });
  }
  return fields;
}

/**
 * Reads a JSON body within `limit` bytes. Accepts `application/json` with any parameters (charset).
 * A leading BOM is dropped (as tRPC does), and `__proto__` / `constructor.prototype` keys are
 * removed at every depth: they never become input, as on the tRPC surface, where the input
 * schemas drop unknown keys.
 */
export async function readJsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
  const raw = await readRawBody(req, limit);
  if (raw.length === 0) return undefined;
  if (mediaTypeOf(req) !== 'application/json') throw new AppError('unsupported_media_type');
  try {
    return secureJson.parse(raw.toString('utf8'), null, {
      protoAction: 'remove',
      constructorAction: 'remove',
    }) as unknown;
  } catch {
    throw new AppError('invalid_json');
  }
}
