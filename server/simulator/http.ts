/**
 * The simulator's HTTP vocabulary: DRF's JSON answers and Django's HTML 404, body reading, and
 * form parsing as WispHub Net accepts it (JSON, urlencoded or multipart).
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import { bogotaClock, dayMonthYearTime } from './dates';

export const DETAIL_FORBIDDEN = { detail: 'Usted no tiene permiso para realizar esta acción.' };
export const DETAIL_NOT_FOUND = { detail: 'No encontrado.' };
/** A status and DRF's JSON body, as the state modules answer. */
export type Answer = { status: number; body: Record<string, unknown> };

export const REQUIRED = ['Este campo es requerido.'];
const HTML_NOT_FOUND = '<!DOCTYPE html><html><head><title>Not Found</title></head><body><h1>Not Found</h1></body></html>';

export const sleep = (ms: number) =>
  new Promise<void>((resolve) => {
    if (ms <= 0) return resolve();
    setTimeout(resolve, ms).unref();
  });

/** "dd/mm/yyyy hh:mm" in Bogotá, as upstream stamps its records. */
export function bogotaNow(): string {
  return dayMonthYearTime(bogotaClock(Date.now()));
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
  res.end(payload);
}

/** Django's HTML page for a path no URL pattern names (not DRF's JSON 404). */
export function htmlNotFound(res: ServerResponse): void {
  res.writeHead(404, { 'content-type': 'text/html; charset=utf-8' });
  res.end(HTML_NOT_FOUND);
}

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** A multipart (or JSON) body as form data, files kept. */
export async function parseMultipart(req: IncomingMessage, raw: Buffer): Promise<FormData | null> {
  const type = req.headers['content-type'] ?? '';
  try {
    if (type.startsWith('multipart/form-data')) return await new Response(raw, { headers: { 'content-type': type } }).formData();
    const fields = await parseForm(req, raw);
    if (!fields) return null;
    const form = new FormData();
    for (const [key, value] of Object.entries(fields)) form.set(key, value);
    return form;
  } catch {
    return null;
  }
}

/** A JSON, urlencoded or multipart body as string fields (files dropped); null when unreadable. */
export async function parseForm(req: IncomingMessage, raw: Buffer): Promise<Record<string, string> | null> {
  const type = req.headers['content-type'] ?? '';
  try {
    if (type.startsWith('application/json')) {
      const parsed: unknown = JSON.parse(raw.toString('utf8') || '{}');
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return null;
      return Object.fromEntries(Object.entries(parsed).map(([key, value]) => [key, value === null ? '' : String(value)]));
    }
    if (type.startsWith('multipart/form-data') || type.startsWith('application/x-www-form-urlencoded')) {
      const form = await new Response(raw, { headers: { 'content-type': type } }).formData();
      const out: Record<string, string> = {};
      form.forEach((value, key) => {
        out[key] = typeof value === 'string' ? value : '';
      });
      return out;
    }
  } catch {
    return null;
  }
  return null;
}
