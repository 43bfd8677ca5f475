import { pino, type Logger } from 'pino';

export type { Logger };

/** Structured JSON logs. Credentials are redacted wherever they might appear. */
export function createLogger(level: string, pretty = false): Logger {
  return pino({
    level,
    // Human-readable lines when a developer runs it in a terminal; JSON everywhere else.
    ...(pretty ? { transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'HH:MM:ss.l' } } } : {}),
    base: { service: 'wisphub-gateway' },
    redact: {
      paths: ['apiKey', 'headers.authorization', 'headers["x-api-key"]', 'upstreamKey', '*.password', '*.key'],
      censor: '[redacted]',
    },
  });
}

/** Keeps the last digits of a document or phone so logs can be correlated without holding personal data. */
export function maskDigits(value: string | number | null | undefined, visible = 3): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  if (text.length <= visible) return '*'.repeat(text.length);
  return `${'*'.repeat(text.length - visible)}${text.slice(-visible)}`;
}
