/**
 * The one place an error of the catalogue becomes OpenAI's error shape, so the official SDKs
 * raise it as the right class (by status) and callers still read our reason (in `code`).
 */

import type { ServerResponse } from 'node:http';
import { appErrorOf, type FieldIssue, toErrorPayload } from '../errors';
import { sendJson } from '../http/io';

/** OpenAI's `type` for each status it documents. */
function typeOf(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 429) return 'rate_limit_error';
  if (status >= 500) return status === 503 || status === 504 ? 'service_unavailable_error' : 'server_error';
  return 'invalid_request_error';
}

export interface OpenAiErrorBody {
  error: { message: string; type: string; param: string | null; code: string; details?: unknown; request_id: string | null };
}

export function toOpenAiError(
  error: unknown,
  requestId: string | null,
): { status: number; body: OpenAiErrorBody; headers: Record<string, string> } {
  const payload = toErrorPayload(error, requestId);
  const known = appErrorOf(error);
  const issues = payload.issues ?? (payload.details?.issues as FieldIssue[] | undefined);
  const firstIssue = issues?.[0];
  const headers: Record<string, string> = {};
  if (known?.retryAfterSeconds !== undefined) headers['retry-after'] = String(known.retryAfterSeconds);
  const message = firstIssue ? `${payload.message} (${firstIssue.path || 'body'}: ${firstIssue.message})` : payload.message;
  return {
    status: payload.status,
    headers,
    body: {
      error: {
        message,
        type: typeOf(payload.status),
        param: firstIssue?.path || null,
        code: payload.reason,
        ...(payload.details !== undefined ? { details: payload.details } : {}),
        request_id: requestId,
      },
    },
  };
}

export function sendOpenAiError(res: ServerResponse, error: unknown, requestId: string | null): void {
  const { status, body, headers } = toOpenAiError(error, requestId);
  sendJson(res, status, body, headers);
}
