import { pino, type Logger } from 'pino';

export type { Logger };

/** Structured JSON logs. Credentials are redacted wherever they might appear. */
export function createLogger(level: string): Logger {
  return pino({
    level,
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
