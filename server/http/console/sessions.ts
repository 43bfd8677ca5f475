/**
 * The console's sign-in: an admin key, presented once, becomes a session (a random id in an
 * HttpOnly, SameSite=Strict cookie scoped to /console, with an expiry) and a CSRF token the page
 * keeps in memory and sends on every change. An operator key gets a read-only session; bot and
 * metrics keys cannot sign in. Sessions live in this instance's memory: a restart signs everyone
 * out, and behind a load balancer the console needs sticky sessions.
 */

import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { TTLCache } from '@isaacs/ttlcache';
import { sameSecret } from '../../guards/same-secret';

export const SESSION_COOKIE = 'wisphub_console';
export const CSRF_HEADER = 'x-csrf-token';

/** Admins act; operators only look (no receipts, no reveals, no actions). */
export type ConsoleRole = 'admin' | 'operator';

export interface ConsoleSession {
  /** The key's name. */
  name: string;
  role: ConsoleRole;
  csrf: string;
  expiresAt: number;
}

export class ConsoleSessions {
  private readonly sessions: TTLCache<string, ConsoleSession>;

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.sessions = new TTLCache({ ttl: ttlMs, max: 10_000 });
  }

  create(name: string, role: ConsoleRole): { id: string; session: ConsoleSession } {
    const id = randomBytes(32).toString('base64url');
    const session = { name, role, csrf: randomBytes(24).toString('base64url'), expiresAt: this.now() + this.ttlMs };
    this.sessions.set(id, session);
    return { id, session };
  }

  /** The session a request's cookie names, or null. */
  of(req: IncomingMessage): { id: string; session: ConsoleSession } | null {
    const id = cookieOf(req, SESSION_COOKIE);
    const session = id ? this.sessions.get(id) : undefined;
    return id && session ? { id, session } : null;
  }

  /** The request carries the session's CSRF token (changes only). */
  csrfMatches(req: IncomingMessage, session: ConsoleSession): boolean {
    const given = req.headers[CSRF_HEADER];
    return typeof given === 'string' && sameSecret(given, session.csrf);
  }

  destroy(id: string): void {
    this.sessions.delete(id);
  }

  /** The Set-Cookie value for a session (or its removal). `secure` behind HTTPS. */
  cookie(id: string | null, secure: boolean): string {
    const maxAge = id === null ? 0 : Math.floor(this.ttlMs / 1000);
    return `${SESSION_COOKIE}=${id ?? ''}; Path=/console; HttpOnly; SameSite=Strict; Max-Age=${maxAge}${secure ? '; Secure' : ''}`;
  }
}

function cookieOf(req: IncomingMessage, name: string): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=') || null;
  }
  return null;
}
