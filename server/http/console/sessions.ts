/**
 * The console's sign-in: an admin key, presented once, becomes a session (a random id in an
 * HttpOnly, SameSite=Strict cookie scoped to /console, with an expiry) and a CSRF token the page
 * keeps in memory and sends on every change. An operator key gets a read-only session; bot and
 * metrics keys cannot sign in. Sessions are kept on a shelf: this instance's memory, or Redis so
 * any instance behind a load balancer knows them (a restart without Redis signs everyone out).
 */

import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { sameSecret } from '../../guards/same-secret';
import type { Shelf, ShelfMaker } from '../../guards/shelf';

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
  private readonly sessions: Shelf<ConsoleSession>;

  constructor(
    shelf: ShelfMaker,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.sessions = shelf('console-session', ttlMs);
  }

  async create(name: string, role: ConsoleRole): Promise<{ id: string; session: ConsoleSession }> {
    const id = randomBytes(32).toString('base64url');
    const session = { name, role, csrf: randomBytes(24).toString('base64url'), expiresAt: this.now() + this.ttlMs };
    await this.sessions.put(id, session);
    return { id, session };
  }

  /** The session a request's cookie names, or null (the cookie's id is looked up as given: 43 url-safe characters). */
  async of(req: IncomingMessage): Promise<{ id: string; session: ConsoleSession } | null> {
    const id = cookieOf(req, SESSION_COOKIE);
    if (!id || !/^[\w-]{43}$/.test(id)) return null;
    const session = await this.sessions.get(id);
    return session && session.expiresAt > this.now() ? { id, session } : null;
  }

  /** The request carries the session's CSRF token (changes only). */
  csrfMatches(req: IncomingMessage, session: ConsoleSession): boolean {
    const given = req.headers[CSRF_HEADER];
    return typeof given === 'string' && sameSecret(given, session.csrf);
  }

  destroy(id: string): Promise<void> {
    return this.sessions.delete(id);
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
