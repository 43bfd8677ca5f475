import { type Logger, pino } from 'pino';
import { appErrorOf, toErrorPayload } from '../errors';
import { BatchedLogDestination } from './log-destination';

export type { Logger };

/**
 * Structured JSON logs. Nothing logged carries headers or credentials by construction (request
 * lines are built field by field; documents and phones go through maskDigits), so no redaction
 * pass runs on the hot path. JSON lines are written in batches (log-destination.ts) instead of
 * one write syscall per line, and flushed on shutdown; a terminal in development gets pretty lines.
 */
export function createLogger(level: string, pretty = false): Logger {
  if (pretty) {
    return pino({
      level,
      base: { service: 'wisphub-gateway' },
      transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'HH:MM:ss.l' } },
    });
  }
  return pino({ level, base: { service: 'wisphub-gateway' } }, new BatchedLogDestination());
}

/** Keeps the last digits of a document or phone so logs can be correlated without holding personal data. */
export function maskDigits(value: string | number | null | undefined, visible = 3): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  if (text.length <= visible) return '*'.repeat(text.length);
  return `${'*'.repeat(text.length - visible)}${text.slice(-visible)}`;
}

/**
 * A failed procedure, on either surface: upstream faults at warn with their internal facts (which
 * never reach the caller), our own bugs at error with the cause; expected errors are not logged.
 */
export function logProcedureError(logger: Logger, requestId: string, procedure: string | null, error: unknown): void {
  const app = appErrorOf(error);
  if (app?.internal) {
    logger.warn({ requestId, procedure, reason: app.reason, upstream: app.internal }, 'procedure error');
  } else if (toErrorPayload(error, null).reason === 'internal_error') {
    logger.error({ requestId, procedure, err: error instanceof Error && error.cause ? error.cause : error }, 'procedure failed');
  }
}

/** Writes out buffered lines (start-up messages, shutdown). */
export function flushLogger(logger: Logger): Promise<void> {
  return new Promise((resolve) => logger.flush(() => resolve()));
}
